/**
 * The `bindingpolicy` CLI on the example workspace: output formats, exit codes, --fix. Most cases
 * run the command in-process; one spawns the bundled dist/cli.js to prove the binary itself works.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { run } from '../../server/src/cli/main';

const repo = path.resolve(__dirname, '../../..');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: repo });
  return { code, stdout, stderr };
}

test('check: stylish output names file:line:col, severity, message and code; exit 1 on errors', async () => {
  const { code, stdout } = await cli('check', 'examples/policies/broken/operator-lowercase.yaml');
  assert.equal(code, 1);
  assert.match(stdout, /^examples\/policies\/broken\/operator-lowercase\.yaml$/m);
  assert.match(stdout, /^ {2}10:21 +error +.*write `In`.* BP1201$/m);
  assert.match(stdout, /✖ 1 problem \(1 error, 0 warnings\)/);
});

test('check: the good example policies have no problems; exit 0', async () => {
  const { code, stdout } = await cli('check', 'examples/policies/web-to-edge.yaml', 'examples/policies/payments.yaml', '--workspace', 'examples');
  assert.equal(code, 0, stdout);
  assert.match(stdout, /No problems in 2 files/);
});

test('check --format json: 0-based LSP ranges', async () => {
  const { code, stdout } = await cli('check', 'examples/policies/broken/operator-lowercase.yaml', '--format', 'json');
  assert.equal(code, 1);
  const report = JSON.parse(stdout);
  assert.deepEqual(report, [{
    file: 'examples/policies/broken/operator-lowercase.yaml',
    diagnostics: [{
      range: { start: { line: 9, character: 20 }, end: { line: 9, character: 22 } },
      severity: 'error',
      code: 'BP1201',
      message: report[0].diagnostics[0].message,
    }],
  }]);
});

test('check --format sarif: a valid SARIF 2.1.0 log with rules and 1-based regions', async () => {
  const { stdout } = await cli('check', 'examples/policies/broken', '--format', 'sarif');
  const log = JSON.parse(stdout);
  assert.equal(log.version, '2.1.0');
  const run0 = log.runs[0];
  assert.ok(run0.tool.driver.rules.some((r: { id: string }) => r.id === 'BP1201'));
  const result = run0.results.find((r: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
    r.ruleId === 'BP1201' && r.locations[0].physicalLocation.artifactLocation.uri.endsWith('operator-lowercase.yaml'));
  assert.deepEqual(result.locations[0].physicalLocation.region, { startLine: 10, startColumn: 21, endLine: 10, endColumn: 23 });
  assert.equal(run0.tool.driver.rules[result.ruleIndex].id, 'BP1201');
});

test('every broken example is reported, every good one is clean', async () => {
  const { stdout } = await cli('check', 'examples/policies', '--workspace', 'examples', '--format', 'json');
  const report: { file: string; diagnostics: { code: string; range: { start: { line: number } } }[] }[] = JSON.parse(stdout);
  for (const entry of report) {
    const text = readFileSync(path.join(repo, entry.file), 'utf8');
    if (entry.file.includes('/broken/')) {
      // Each file marks its mistake lines with "# mistake:"; a diagnostic must sit on or next to each.
      const lines = text.split('\n').flatMap((line, i) => (line.includes('# mistake:') ? [i] : []));
      const hit = (line: number) => entry.diagnostics.some((d) => Math.abs(d.range.start.line - line) <= 1);
      assert.ok(lines.length > 0, `${entry.file} marks no mistake`);
      for (const line of lines) assert.ok(hit(line), `${entry.file}:${line + 1} not reported; got ${JSON.stringify(entry.diagnostics)}`);
    } else {
      assert.deepEqual(entry.diagnostics, [], entry.file);
    }
  }
});

test('check --fix rewrites the certain fixes in place and keeps comments', async () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'bp-fix-'));
  try {
    cpSync(path.join(repo, 'examples/policies/broken/operator-lowercase.yaml'), path.join(folder, 'a.yaml'));
    const before = readFileSync(path.join(folder, 'a.yaml'), 'utf8');
    let stdout = '';
    const code = await run(['check', folder, '--fix'], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: folder });
    const after = readFileSync(path.join(folder, 'a.yaml'), 'utf8');
    assert.equal(code, 0, stdout);
    assert.equal(after, before.replace('operator: in #', 'operator: In #'));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('explain --format json: WECs, objects per clause, union with modulations', async () => {
  const { code, stdout } = await cli('explain', 'examples/policies/web-to-edge.yaml', '--workspace', 'examples', '--format', 'json');
  assert.equal(code, 0);
  const { policies } = JSON.parse(stdout);
  assert.equal(policies.length, 1);
  const [policy] = policies;
  assert.equal(policy.name, 'web-to-edge');
  assert.equal(policy.file, 'examples/policies/web-to-edge.yaml');
  assert.deepEqual(policy.wecs, ['edge-eu-1', 'edge-eu-2', 'edge-eu-3']);
  assert.deepEqual(policy.clauses[0].objects, [{ group: '', version: 'v1', resource: 'namespaces', namespace: '', name: 'storefront' }]);
  assert.ok(policy.clauses[1].objects.length >= 4);
  for (const object of policy.objects) {
    assert.deepEqual(Object.keys(object).sort(), ['createOnly', 'group', 'name', 'namespace', 'resource', 'statusCollectors', 'version', 'wantMultiWECReportedState', 'wantSingletonReportedState']);
  }
  assert.deepEqual(policy.errors, []);
});

test('explain text prints canonical selectors ready for kubectl', async () => {
  const { stdout } = await cli('explain', 'examples/policies/web-to-edge.yaml', '--workspace', 'examples');
  assert.match(stdout, /kubectl get managedclusters -l 'location-group=edge,region in \(eu-central,eu-west\)'/);
  assert.match(stdout, /WECs \(3\): edge-eu-1, edge-eu-2, edge-eu-3/);
});

test('usage and IO failures exit 2 with a message', async () => {
  assert.equal((await cli()).code, 2);
  assert.equal((await cli('frobnicate', 'x')).code, 2);
  assert.equal((await cli('check')).code, 2);
  assert.equal((await cli('explain', 'examples/policies')).code, 2, 'explain without inventory');
  const missing = await cli('check', 'does/not/exist.yaml');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read does\/not\/exist\.yaml/);
  assert.equal((await cli('check', 'examples/policies', '--format', 'xml')).code, 2);
});

test('the bundled dist/cli.js runs with the same exit codes', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'bp-cli-'));
  try {
    writeFileSync(path.join(folder, 'ok.yaml'), 'apiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\nmetadata: {name: ok}\nspec:\n  clusterSelectors: [{}]\n');
    const ok = spawnSync(process.execPath, [path.join(repo, 'dist/cli.js'), 'check', folder], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr + ok.stdout);
    const bad = spawnSync(process.execPath, [path.join(repo, 'dist/cli.js'), 'check', path.join(repo, 'examples/policies/broken')], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    const usage = spawnSync(process.execPath, [path.join(repo, 'dist/cli.js'), 'nope'], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
