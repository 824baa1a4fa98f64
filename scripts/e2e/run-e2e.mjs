// `npm run test:e2e`: the extension-host suite (mocha inside VS Code's extension host) and the
// workbench UI test (Playwright), each against its own code-server, then one summary line.
// Expects `npm run build`, `npm run compile-tests`, the .vsix and code-server to be in place; the
// npm script does all of that first.
//
// Usage: node scripts/e2e/run-e2e.mjs [--only exthost|ui]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './code-server.mjs';

const PARTS = {
  exthost: ['extension-host tests', [join(REPO_ROOT, 'scripts/e2e/run-extension-tests.mjs')]],
  ui: ['workbench UI test', ['--test', '--test-reporter=spec', join(REPO_ROOT, 'test/e2e/ui/workbench.test.mjs')]],
};

const { values } = parseArgs({ options: { only: { type: 'string' } } });
if (values.only && !PARTS[values.only]) {
  console.error(`--only takes ${Object.keys(PARTS).join(' or ')}`);
  process.exit(2);
}

const results = [];
for (const [key, [title, args]] of Object.entries(PARTS)) {
  if (values.only && values.only !== key) continue;
  console.log(`\n[e2e] ===== ${title} =====`);
  const started = Date.now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: 'inherit' });
  const [code, signal] = await once(child, 'exit');
  results.push({ title, passed: code === 0, detail: signal ?? `exit ${code}`, seconds: (Date.now() - started) / 1000 });
}

const summary = results
  .map(({ title, passed, detail, seconds }) => `${title} ${passed ? 'PASSED' : `FAILED (${detail})`} in ${seconds.toFixed(1)} s`)
  .join('; ');
const allPassed = results.every((result) => result.passed);
console.log(`\n[e2e] ${allPassed ? 'PASS' : 'FAIL'}: ${summary}`);
process.exit(allPassed ? 0 : 1);
