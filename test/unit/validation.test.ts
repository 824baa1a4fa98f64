/**
 * Every diagnostic code: its range (marked ⟦like this⟧ in the source) and, where a fix is offered,
 * the fix applied and the result re-checked: it parses, its comments are kept, the diagnostic is gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { getLanguageService } from '../../server/src/core/languageService';
import { applyEdits } from '../../server/src/core/codeActions';
import { ALL_RULES } from '../../server/src/core/rules';
import type { CoreDiagnostic, Inventory } from '../../server/src/core/types';

const INVENTORY: Inventory = {
  origin: 'test inventory',
  generation: 1,
  resourceTypes: [],
  wecs: [
    { name: 'edge-eu-1', labels: { 'location-group': 'edge', region: 'eu-west', env: 'prod' } },
    { name: 'edge-us-1', labels: { 'location-group': 'edge', region: 'us-east', env: 'staging' } },
    { name: 'cloud-eu-1', labels: { 'location-group': 'cloud', region: 'eu-west', env: 'prod' } },
  ],
  objects: [
    { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespace: '', name: 'web', labels: { env: 'prod' } },
    { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespace: 'web', name: 'frontend', labels: { 'app.kubernetes.io/name': 'frontend' } },
    { group: '', version: 'v1', resource: 'services', kind: 'Service', namespace: 'web', name: 'frontend', labels: { 'app.kubernetes.io/name': 'frontend' } },
    { group: 'control.kubestellar.io', version: 'v1alpha1', resource: 'statuscollectors', kind: 'StatusCollector', namespace: '', name: 'count-ready', labels: {} },
  ],
};

const service = getLanguageService({ getInventory: () => INVENTORY });
let version = 0;

/** Strips ⟦ ⟧ markers and returns the text and the marked range. */
function marked(source: string): { text: string; start: number; end: number } {
  const start = source.indexOf('⟦');
  const end = source.indexOf('⟧') - 1;
  assert.ok(start >= 0 && end >= start, 'test source needs a ⟦marked⟧ range');
  return { text: source.replace('⟦', '').replace('⟧', ''), start, end };
}

function check(text: string): CoreDiagnostic[] {
  return service.validate(service.parse('file:///test.yaml', ++version, text));
}

interface Case {
  readonly code: string;
  readonly name: string;
  readonly source: string;
  /** Expected substring of the message. */
  readonly message?: RegExp;
  /** Title of the fix to apply (substring), when the diagnostic has one. */
  readonly fix?: string;
  /** Text the fixed document must contain. */
  readonly fixedContains?: string;
}

const POLICY_HEAD = `apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata:
  name: web # keep: name comment
`;

const cases: Case[] = [
  {
    code: 'BP1001', name: 'YAML syntax error',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: pro⟦d⟧
`,
    message: /YAML syntax error/,
  },
  {
    code: 'BP1002', name: 'duplicate key with the same value is removed',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - resources: [deployments] # keep: first
    ⟦resources⟧: [deployments]
`,
    fix: 'Remove the repeated', fixedContains: '# keep: first',
  },
  {
    code: 'BP1101', name: 'string where a list is expected',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - resources: ⟦deployments⟧ # keep: trailing
`,
    message: /must be a list/, fix: 'Make it a list', fixedContains: 'resources: [deployments] # keep: trailing',
  },
  {
    code: 'BP1102', name: 'required operator missing in an expression',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchExpressions:
    - ⟦key⟧: env
      values: [prod]
`,
    message: /`operator` is required/,
  },
  {
    code: 'BP1102', name: 'a policy being written without apiVersion is still checked',
    source: `⟦kind⟧: BindingPolicy
metadata:
  name: web
spec:
  clusterSelectors:
  - matchLabels: {env: prod}
`,
    message: /`apiVersion` is required/,
  },
  {
    code: 'BP1103', name: 'misplaced wantSingletonReportedState is moved into the clause',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  ⟦wantSingletonReportedState⟧: true
  downsync:
  - resources: [deployments] # keep: clause
    namespaces: [web]
`,
    message: /belongs in a downsync clause/, fix: 'Move', fixedContains: '    namespaces: [web]\n    wantSingletonReportedState: true\n',
  },
  {
    code: 'BP1103', name: 'apiVersion inside a clause becomes apiGroup',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - ⟦apiVersion⟧: apps/v1 # keep: api
    resources: [deployments]
`,
    message: /apiGroup: apps/, fix: 'apiGroup', fixedContains: '- apiGroup: apps # keep: api',
  },
  {
    code: 'BP1103', name: 'kind inside a clause becomes resources',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - apiGroup: apps
    ⟦kind⟧: Deployment
`,
    message: /resources: \[deployments\]/, fix: 'resources', fixedContains: 'resources: [deployments]',
  },
  {
    code: 'BP1103', name: 'typo of a field is renamed',
    source: `${POLICY_HEAD}spec:
  ⟦clusterSelector⟧:
  - matchLabels: {env: prod}
`,
    message: /Did you mean `clusterSelectors`/, fix: 'Rename', fixedContains: '  clusterSelectors:\n',
  },
  {
    code: 'BP1104', name: 'apiVersion of another version',
    source: `apiVersion: ⟦control.kubestellar.io/v1⟧
kind: BindingPolicy
metadata:
  name: web
spec:
  clusterSelectors:
  - matchLabels: {env: prod}
`,
  },
  {
    code: 'BP1105', name: 'clause with only createOnly',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - ⟦createOnly⟧: true
`,
    message: /no test field/,
  },
  {
    code: 'BP1106', name: 'empty matchLabels leaves {} which matches everything',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - ⟦matchLabels⟧:
`,
    message: /matches everything/,
  },
  {
    code: 'BP1107', name: 'missing name',
    source: `apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
⟦metadata⟧:
  labels: {team: web}
spec:
  clusterSelectors:
  - matchLabels: {env: prod}
`,
  },
  {
    code: 'BP1201', name: 'lowercase operator in a cluster selector',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchExpressions:
    - key: env
      operator: ⟦in⟧ # keep: op
      values: [prod]
`,
    message: /write `In`/, fix: 'Change to `In`', fixedContains: 'operator: In # keep: op',
  },
  {
    code: 'BP1201', name: 'wrong operator in an object selector says it silently matches nothing',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - objectSelectors:
    - matchExpressions:
      - {key: app, operator: ⟦notin⟧, values: [db]}
`,
    message: /silently/, fix: 'NotIn', fixedContains: 'operator: NotIn',
  },
  {
    code: 'BP1202', name: 'In without values',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchExpressions:
    - key: env
      operator: ⟦In⟧
`,
  },
  {
    code: 'BP1203', name: 'Exists with values',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchExpressions:
    - key: env # keep: key
      operator: Exists
      ⟦values⟧: [prod]
`,
    fix: 'Remove `values`', fixedContains: '- key: env # keep: key\n      operator: Exists\n',
  },
  {
    code: 'BP1204', name: 'bad label key in an object selector',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - objectSelectors:
    - matchLabels:
        ⟦app name⟧: web
`,
    message: /silently/,
  },
  {
    code: 'BP1205', name: 'bad label value in a namespace selector',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - namespaceSelectors:
    - matchLabels:
        env: ⟦-prod⟧
`,
  },
  {
    code: 'BP1301', name: '"*" mixed with other entries',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - resources: ["*", ⟦deployments⟧] # keep: star
`,
    fix: 'keep `"*"`', fixedContains: 'resources: ["*"] # keep: star',
  },
  {
    code: 'BP1302', name: 'Kind written in resources',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - resources:
    - ⟦Deployment⟧ # keep: res
`,
    message: /a kind/, fix: 'deployments', fixedContains: '- deployments # keep: res',
  },
  {
    code: 'BP1302', name: 'short name in resources',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - resources: [⟦deploy⟧]
`,
    fix: 'deployments', fixedContains: 'resources: [deployments]',
  },
  {
    code: 'BP1303', name: 'namespace on the cluster-scoped policy',
    source: `apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata:
  name: web # keep: name
  ⟦namespace⟧: default
spec:
  clusterSelectors:
  - matchLabels: {env: prod}
`,
    fix: 'Remove', fixedContains: '  name: web # keep: name\nspec:',
  },
  {
    code: 'BP1304', name: 'wantMultiWECReportedState',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - resources: [deployments]
    ⟦wantMultiWECReportedState⟧: true
`,
  },
  {
    code: 'BP1305', name: 'no clusterSelectors',
    source: `${POLICY_HEAD}⟦spec⟧:
  downsync:
  - resources: [deployments]
`,
  },
  {
    code: 'BP1306', name: 'apiGroup with version',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - apiGroup: ⟦apps/v1⟧ # keep: group
    resources: [deployments]
`,
    fix: 'apps', fixedContains: 'apiGroup: apps # keep: group',
  },
  {
    code: 'BP1307', name: 'duplicate entry in namespaces',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - namespaces:
    - web # keep: first
    - ⟦web⟧
`,
    fix: 'Remove the repeated', fixedContains: '    - web # keep: first\n',
  },
  {
    code: 'BP1308', name: 'empty namespace entry',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - namespaces: [⟦""⟧]
`,
  },
  {
    code: 'BP1309', name: 'unknown resource with a close match',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - resources: [⟦deploymnets⟧]
`,
    message: /Did you mean `deployments`/, fix: 'deployments', fixedContains: 'resources: [deployments]',
  },
  {
    code: 'BP1310', name: 'resource KubeStellar never downsyncs',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - resources: [deployments, ⟦events⟧]
    apiGroup: ""
`,
  },
  {
    code: 'BP1311', name: 'unknown StatusCollector',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - resources: [deployments]
    statusCollectors: [⟦count-redy⟧]
`,
  },
  {
    code: 'BP1401', name: 'binds no WEC of the inventory',
    source: `${POLICY_HEAD}spec:
  ⟦clusterSelectors⟧:
  - matchLabels: {env: nowhere}
  downsync:
  - resources: [deployments]
`,
  },
  {
    code: 'BP1402', name: 'selects no object',
    source: `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  ⟦downsync⟧:
  - resources: [configmaps]
`,
  },
];

for (const c of cases) {
  test(`${c.code} ${c.name}`, () => {
    const { text, start, end } = marked(c.source);
    const diagnostics = check(text);
    const hit = diagnostics.find((d) => d.code === c.code && d.range.start === start && d.range.end === end);
    assert.ok(hit, `expected ${c.code} at ${start}-${end} (${JSON.stringify(text.slice(start, end))}); got ${JSON.stringify(
      diagnostics.map((d) => ({ code: d.code, at: text.slice(d.range.start, d.range.end), message: d.message })), null, 1)}`);
    const rule = ALL_RULES.find((r) => r.code === c.code)!;
    assert.equal(hit.severity, rule.severity);
    if (c.message) assert.match(hit.message, c.message);
    if (!c.fix) return;

    const file = service.parse('file:///test.yaml', ++version, text);
    const fixes = service.quickFixes(file, hit.range).filter((f) => f.diagnostic.code === c.code && f.title.includes(c.fix!));
    assert.ok(fixes.length > 0, `no fix "${c.fix}" offered; offered: ${service.quickFixes(file, hit.range).map((f) => f.title).join(' | ')}`);
    const fixed = applyEdits(text, fixes[0].edits);
    for (const doc of parseAllDocuments(fixed) as unknown as { errors: unknown[] }[]) assert.deepEqual(doc.errors, [], `fixed text does not parse:\n${fixed}`);
    for (const comment of text.match(/# keep[^\n]*/g) ?? []) assert.ok(fixed.includes(comment), `comment "${comment}" lost:\n${fixed}`);
    if (c.fixedContains) assert.ok(fixed.includes(c.fixedContains), `fixed text lacks ${JSON.stringify(c.fixedContains)}:\n${fixed}`);
    const after = check(fixed).filter((d) => d.code === c.code);
    const before = diagnostics.filter((d) => d.code === c.code);
    assert.equal(after.length, before.length - 1, `the diagnostic is still there after the fix:\n${fixed}`);
  });
}

test('every rule of the table has a test case', () => {
  const tested = new Set(cases.map((c) => c.code));
  const untested = ALL_RULES.map((r) => r.code).filter((code) => !tested.has(code) && !EXEMPT.has(code));
  assert.deepEqual(untested, []);
});

/** Codes tested in their own files, named here so the completeness check stays honest. */
const EXEMPT = new Set([
  'BP1003', // validation-robustness.test.ts: alias bombs and oversize documents
  'BP1403', // drift.test.ts: needs Bindings in the inventory
]);

test('a valid policy has no diagnostics', () => {
  const text = `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels: {location-group: edge}
  - matchExpressions:
    - {key: env, operator: In, values: [prod, staging]}
  downsync:
  - apiGroup: apps
    resources: [deployments]
    namespaces: [web]
    objectSelectors:
    - matchLabels: {app.kubernetes.io/name: frontend}
    wantSingletonReportedState: true
    statusCollectors: [count-ready]
  - resources: [services]
    namespaceSelectors:
    - matchLabels: {env: prod}
`;
  assert.deepEqual(check(text).map((d) => `${d.code}: ${d.message}`), []);
});

test('documents of other kinds are left alone, diagnostics land in the right document', () => {
  const policy = `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchExpressions:
    - {key: env, operator: in, values: [prod]}
`;
  const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x, bogus: 1}\nspec: {whatever: true}\n---\n${policy}`;
  const diagnostics = check(text);
  assert.deepEqual(diagnostics.map((d) => d.code), ['BP1201']);
  assert.equal(text.slice(diagnostics[0].range.start, diagnostics[0].range.end), 'in');
});

test('fixAll applies every certain fix at once and the result is clean of them', () => {
  const text = `${POLICY_HEAD}  namespace: default
spec:
  clusterSelectors:
  - matchExpressions:
    - {key: env, operator: in, values: [prod]}
    - {key: region, operator: Exists, values: [eu]}
  downsync:
  - apiGroup: apps/v1
    resources: [Deployment, "*"]
`;
  const file = service.parse('file:///fixall.yaml', ++version, text);
  const fixed = applyEdits(text, service.fixAll(file));
  const remaining = check(fixed).map((d) => d.code);
  for (const code of ['BP1201', 'BP1203', 'BP1303', 'BP1306']) assert.ok(!remaining.includes(code), `${code} left after fix all:\n${fixed}`);
  assert.ok(fixed.includes('# keep: name comment'));
});

test('keys that differ in YAML but are one key in the plain data are reported as repeated', () => {
  // yaml's own duplicate test compares values (1 is not "1", .inf is not "Infinity"); in the plain
  // data both of each pair are one key ("1", "Infinity"). Validation only searches documents the
  // parser reported, so the parser must use the stricter test.
  const text = `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchLabels:
      1: a
      "1": b
      .inf: c
      Infinity: d
`;
  const repeated = check(text).filter((d) => d.code === 'BP1002');
  assert.deepEqual(
    repeated.map((d) => text.slice(d.range.start, d.range.end)),
    ['"1"', 'Infinity'],
    JSON.stringify(check(text)),
  );
});

test('with a repeated key, findings and fixes point at the last entry, whose value counts', () => {
  const text = `${POLICY_HEAD}spec:
  clusterSelectors:
  - matchExpressions:
    - key: env
      operator: In
      operator: in
      values: [prod]
`;
  const diagnostics = check(text);
  const operator = diagnostics.find((d) => d.code === 'BP1201');
  assert.ok(operator, JSON.stringify(diagnostics));
  assert.equal(operator.range.start, text.lastIndexOf('in\n'));
  const file = service.parse('file:///test.yaml', ++version, text);
  const [fixOperator] = service.quickFixes(file, operator.range).filter((f) => f.diagnostic.code === 'BP1201');
  assert.ok(fixOperator);
  assert.ok(applyEdits(text, fixOperator.edits).includes('operator: In\n      operator: In\n'));
});
