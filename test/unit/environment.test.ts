/**
 * `useEnvironmentCopy` (server/src/environment.ts): why it exists, and that it loses nothing. Each
 * case runs in a child process, so the test runner's own environment is never replaced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const environmentModule = JSON.stringify(path.resolve(__dirname, '../../server/src/environment.js'));

/** Runs `script` in a fresh node with `extraEnv` added, and returns what it printed as JSON. */
function inChild(script: string, extraEnv: Record<string, string> = {}): unknown {
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...extraEnv } });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

test('the reason: yaml reads process.env.LOG_TOKENS for every token it parses', () => {
  // If a yaml release stops doing this, environment.ts no longer buys anything and can go.
  const text = Array.from({ length: 40 }, (_, i) => `key${i}: value${i}`).join('\n');
  const reads = inChild(`
    let reads = 0;
    const real = process.env;
    process.env = new Proxy(real, { get: (target, name) => { if (name === 'LOG_TOKENS') reads++; return target[name]; } });
    require('yaml').parseDocument(${JSON.stringify(text)});
    process.env = real;
    process.stdout.write(JSON.stringify(reads));
  `) as number;
  assert.ok(reads >= 40, `yaml read LOG_TOKENS ${reads} times for 40 lines`);
});

test('the copy is a plain object with every variable, and child processes still receive them', () => {
  const result = inChild(
    `
    const before = { ...process.env };
    require(${environmentModule}).useEnvironmentCopy();
    const { execFileSync } = require('node:child_process');
    const fromChild = execFileSync(process.execPath, ['-e', 'process.stdout.write(process.env.KS_ENV_TEST ?? "missing")'], { encoding: 'utf8' });
    process.stdout.write(JSON.stringify({
      plain: Object.getPrototypeOf(process.env) === Object.prototype,
      same: JSON.stringify(Object.entries(before).sort()) === JSON.stringify(Object.entries(process.env).sort()),
      fromChild,
    }));
  `,
    { KS_ENV_TEST: 'passed on' },
  ) as { plain: boolean; same: boolean; fromChild: string };
  assert.deepEqual(result, { plain: process.platform !== 'win32', same: true, fromChild: 'passed on' });
});
