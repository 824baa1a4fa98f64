import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import Ajv from 'ajv';
import { parse } from 'yaml';
import {
  pruneNulls,
  rootSchema,
  SCHEMA_INDEX,
  SCHEMA_KINDS,
  schemaAt,
  schemaKindFor,
  validateSchema,
  type SchemaError,
  type SchemaKind,
} from '../../server/src/core/schema';

const repoRoot = path.resolve(__dirname, '../../..');
const sharedDir = process.env.KS_SHARED_DIR ?? path.resolve(repoRoot, '../shared');

/** Validates YAML text the way the validation code does: nulls pruned first. */
function check(kind: SchemaKind, text: string): SchemaError[] {
  return validateSchema(kind, pruneNulls(kind, parse(text)).value);
}

function summary(errors: readonly SchemaError[]): { path: (string | number)[]; keyword: string }[] {
  return errors.map(({ path, keyword }) => ({ path, keyword }));
}

const VALID_POLICY = `
apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata:
  name: nginx-bpolicy
  labels:
    app.kubernetes.io/part-of: demo
  annotations:
    note: "spread nginx over the edge clusters"
spec:
  clusterSelectors:
  - matchLabels:
      location-group: edge
  - matchExpressions:
    - key: example.com/region
      operator: In
      values: [eu-west, eu-north]
    - key: decommissioned
      operator: DoesNotExist
  downsync:
  - objectSelectors:
    - matchLabels: {app.kubernetes.io/name: nginx}
    namespaceSelectors:
    - {}
    createOnly: true
    statusCollectors: [replicas-count]
  - apiGroup: apps
    resources: [deployments]
    namespaces: [nginx]
    objectNames: ["*"]
    wantSingletonReportedState: true
`;

/** A minimal policy around the given `spec` lines. */
function policyWithSpec(spec: string): string {
  return `
apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata:
  name: p
spec:
${spec}`;
}

describe('generated schemas', () => {
  it('are what the generator writes from the CRDs now (regenerate with `npm run schemas`)', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'schemas-'));
    try {
      execFileSync(process.execPath, [path.join(repoRoot, 'scripts/generate-schemas.mjs'), '--out', out], { stdio: 'pipe' });
      const generated = fs.readdirSync(out).sort();
      const committed = fs.readdirSync(path.join(repoRoot, 'schemas')).filter((f) => f.endsWith('.json')).sort();
      assert.deepEqual(committed, generated);
      for (const file of generated) {
        const fresh = fs.readFileSync(path.join(out, file));
        const inTree = fs.readFileSync(path.join(repoRoot, 'schemas', file));
        assert.ok(fresh.equals(inTree), `schemas/${file} is stale: run npm run schemas`);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('come from byte-identical copies of the installed CRDs', (t) => {
    if (!fs.existsSync(sharedDir)) {
      t.skip(`no shared folder at ${sharedDir}`);
      return;
    }
    for (const file of ['control.kubestellar.io-crds.yaml', 'cluster.open-cluster-management.io_managedclusters.crd.yaml']) {
      const copy = fs.readFileSync(path.join(repoRoot, 'schemas/crds', file));
      assert.ok(copy.equals(fs.readFileSync(path.join(sharedDir, 'kubestellar', file))), `schemas/crds/${file} differs`);
    }
  });

  it('are valid draft-07 schemas, one for every kind in the index', () => {
    const metaValidator = new Ajv({ strict: false });
    assert.deepEqual([...SCHEMA_KINDS].sort(), SCHEMA_INDEX.map((e) => e.kind).sort());
    for (const entry of SCHEMA_INDEX) {
      const kind = schemaKindFor(`${entry.group}/${entry.version}`, entry.kind);
      assert.equal(kind, entry.kind);
      const schema = rootSchema(entry.kind as SchemaKind);
      assert.equal(schema.properties?.kind?.const, entry.kind);
      assert.equal(schema.properties?.apiVersion?.const, `${entry.group}/${entry.version}`);
      assert.ok(metaValidator.validateSchema(schema), `${entry.file}: ${metaValidator.errorsText()}`);
    }
    assert.equal(schemaKindFor('control.kubestellar.io/v1', 'BindingPolicy'), undefined);
    assert.equal(schemaKindFor('apps/v1', 'Deployment'), undefined);
  });

  it('index the names kubectl knows', () => {
    const bp = SCHEMA_INDEX.find((e) => e.kind === 'BindingPolicy');
    assert.deepEqual(bp && { plural: bp.plural, scope: bp.scope, shortNames: bp.shortNames }, {
      plural: 'bindingpolicies', scope: 'Cluster', shortNames: ['bp'],
    });
    assert.deepEqual(SCHEMA_INDEX.find((e) => e.kind === 'Binding')?.shortNames, ['bdg']);
    assert.equal(SCHEMA_INDEX.find((e) => e.kind === 'CombinedStatus')?.scope, 'Namespaced');
  });
});

describe('validateSchema', () => {
  it('accepts a valid policy', (t) => {
    const started = performance.now();
    const errors = check('BindingPolicy', VALID_POLICY);
    t.diagnostic(`first BindingPolicy validation (lazy compile included): ${(performance.now() - started).toFixed(1)} ms`);
    assert.deepEqual(errors, []);
    const again = performance.now();
    check('BindingPolicy', VALID_POLICY);
    t.diagnostic(`second validation: ${(performance.now() - again).toFixed(2)} ms`);
  });

  it('never throws, whatever the value', () => {
    for (const value of [null, 'text', 42, [], {}, [{ kind: 'BindingPolicy' }]]) {
      for (const kind of SCHEMA_KINDS) assert.ok(validateSchema(kind, value).length > 0);
    }
  });

  it('requires the kind and apiVersion of the schema', () => {
    const errors = check('BindingPolicy', VALID_POLICY.replace('kind: BindingPolicy', 'kind: Binding'));
    assert.deepEqual(summary(errors), [{ path: ['kind'], keyword: 'const' }]);
    assert.match(errors[0].message, /"BindingPolicy"/);
    const missing = validateSchema('BindingPolicy', { metadata: { name: 'p' } });
    assert.deepEqual(missing.map((e) => [e.path, e.params.missingProperty]), [[[], 'apiVersion'], [[], 'kind']]);
  });

  describe('unknown fields are reported at the field', () => {
    const cases: [string, string, (string | number)[]][] = [
      ['at the top', VALID_POLICY.replace('spec:\n', 'specs:\n  x: 1\nspec:\n'), ['specs']],
      ['in metadata', VALID_POLICY.replace('  labels:', '  lables:'), ['metadata', 'lables']],
      ['in spec', policyWithSpec('  wantSingletonReportedState: true\n  downsync:\n  - resources: ["*"]\n'), ['spec', 'wantSingletonReportedState']],
      ['in a clause', policyWithSpec('  downsync:\n  - resources: [deployments]\n    namespace: [default]\n'), ['spec', 'downsync', 0, 'namespace']],
      ['in a cluster selector', policyWithSpec('  clusterSelectors:\n  - matchLabel: {a: b}\n'), ['spec', 'clusterSelectors', 0, 'matchLabel']],
      [
        'in an object selector requirement',
        policyWithSpec('  downsync:\n  - objectSelectors:\n    - matchExpressions:\n      - {key: a, operator: In, value: [b]}\n'),
        ['spec', 'downsync', 0, 'objectSelectors', 0, 'matchExpressions', 0, 'value'],
      ],
    ];
    for (const [where, text, expectedPath] of cases) {
      it(where, () => {
        const errors = check('BindingPolicy', text);
        assert.deepEqual(summary(errors), [{ path: expectedPath, keyword: 'additionalProperties' }]);
        assert.equal(errors[0].params.additionalProperty, expectedPath[expectedPath.length - 1]);
        assert.match(errors[0].message, /unknown field/);
      });
    }

    it('with the fields the object does take', () => {
      const [error] = check('BindingPolicy', policyWithSpec('  clusterSelector: []\n'));
      assert.deepEqual(error.params.allowedProperties, ['clusterSelectors', 'downsync']);
    });
  });

  it('allows metadata.namespace (KubeStellar\'s rule about it lives elsewhere)', () => {
    assert.deepEqual(check('BindingPolicy', VALID_POLICY.replace('  name: nginx-bpolicy', '  name: nginx-bpolicy\n  namespace: default')), []);
  });

  it('checks metadata.name as the API server does', () => {
    const bad = check('BindingPolicy', VALID_POLICY.replace('name: nginx-bpolicy', 'name: Nginx_Policy'));
    assert.deepEqual(summary(bad), [{ path: ['metadata', 'name'], keyword: 'pattern' }]);
    const long = check('BindingPolicy', VALID_POLICY.replace('name: nginx-bpolicy', `name: ${'a'.repeat(254)}`));
    assert.deepEqual(summary(long), [{ path: ['metadata', 'name'], keyword: 'maxLength' }]);
    assert.deepEqual(check('BindingPolicy', VALID_POLICY.replace('name: nginx-bpolicy', `name: a.${'b'.repeat(251)}`)), []);
  });

  it('checks operators in clusterSelectors only (only they carry the CRD\'s patterns)', () => {
    const inCluster = check('BindingPolicy', policyWithSpec('  clusterSelectors:\n  - matchExpressions:\n    - {key: env, operator: in, values: [prod]}\n'));
    assert.deepEqual(summary(inCluster), [{ path: ['spec', 'clusterSelectors', 0, 'matchExpressions', 0, 'operator'], keyword: 'pattern' }]);
    assert.match(inCluster[0].message, /^"in" does not match the pattern/);
    const inObjects = check('BindingPolicy', policyWithSpec('  downsync:\n  - objectSelectors:\n    - matchExpressions:\n      - {key: env, operator: in, values: [prod]}\n'));
    assert.deepEqual(inObjects, []);
  });

  it('reports a missing required field at the object, naming the field', () => {
    const errors = check('BindingPolicy', policyWithSpec('  clusterSelectors:\n  - matchExpressions:\n    - key: env\n      values: [prod]\n'));
    assert.deepEqual(summary(errors), [{ path: ['spec', 'clusterSelectors', 0, 'matchExpressions', 0], keyword: 'required' }]);
    assert.equal(errors[0].params.missingProperty, 'operator');
  });

  it('reports a type error at the value', () => {
    const errors = check('BindingPolicy', policyWithSpec('  downsync:\n  - resources: deployments\n    createOnly: "yes"\n'));
    assert.deepEqual(errors.map((e) => [e.path, e.keyword, e.params.type]), [
      [['spec', 'downsync', 0, 'createOnly'], 'type', 'boolean'],
      [['spec', 'downsync', 0, 'resources'], 'type', 'array'],
    ]);
    assert.equal(errors.find((e) => e.params.type === 'array')?.message, 'expected array, got string');
  });

  it('keeps label keys with "/" whole in paths', () => {
    const errors = check('BindingPolicy', policyWithSpec('  clusterSelectors:\n  - matchLabels: {example.com/tier: 5}\n'));
    assert.deepEqual(summary(errors), [{ path: ['spec', 'clusterSelectors', 0, 'matchLabels', 'example.com/tier'], keyword: 'type' }]);
  });

  it('reports a clause with no test field once, as anyOf', () => {
    const errors = check('BindingPolicy', policyWithSpec('  downsync:\n  - createOnly: true\n  - resources: [configmaps]\n  - wantSingletonReportedState: true\n'));
    assert.deepEqual(summary(errors), [
      { path: ['spec', 'downsync', 0], keyword: 'anyOf' },
      { path: ['spec', 'downsync', 2], keyword: 'anyOf' },
    ]);
    assert.deepEqual(errors[0].params.anyOfRequired, ['apiGroup', 'resources', 'namespaces', 'namespaceSelectors', 'objectSelectors', 'objectNames']);
    assert.match(errors[0].message, /^must set at least one of: apiGroup, resources/);
  });

  it('keeps other errors of a clause that fails anyOf', () => {
    const errors = check('BindingPolicy', policyWithSpec('  downsync:\n  - createOnly: 1\n'));
    assert.deepEqual(summary(errors).sort((a, b) => a.keyword.localeCompare(b.keyword)), [
      { path: ['spec', 'downsync', 0], keyword: 'anyOf' },
      { path: ['spec', 'downsync', 0, 'createOnly'], keyword: 'type' },
    ]);
  });

  it('checks date-time formats in status', () => {
    const withTime = (time: string) => `${VALID_POLICY}status:
  observedGeneration: 3
  conditions:
  - type: Ready
    status: "True"
    reason: Resolved
    message: ok
    lastTransitionTime: ${time}
`;
    assert.deepEqual(check('BindingPolicy', withTime('"2024-05-01T12:00:00Z"')), []);
    const errors = check('BindingPolicy', withTime('"yesterday"'));
    assert.deepEqual(summary(errors), [{ path: ['status', 'conditions', 0, 'lastTransitionTime'], keyword: 'format' }]);
    assert.match(errors[0].message, /RFC 3339/);
    assert.deepEqual(summary(check('BindingPolicy', withTime('"2024-05-01 12:00"'))), summary(errors));
  });

  it('refuses duplicate keys in map-lists, once per duplicated key', () => {
    const binding = {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'Binding',
      metadata: { name: 'p' },
      spec: { destinations: [{ clusterId: 'a' }, { clusterId: 'b' }, { clusterId: 'a' }, { clusterId: 'a' }] },
    };
    const errors = validateSchema('Binding', binding);
    assert.deepEqual(summary(errors), [{ path: ['spec', 'destinations', 2], keyword: 'x-kubernetes-list-map-keys' }]);
    assert.equal(errors[0].params.duplicateOf, 0);
    binding.spec.destinations = [{ clusterId: 'a' }, { clusterId: 'b' }];
    assert.deepEqual(validateSchema('Binding', binding), []);
  });

  it('validates ManagedClusters, int-or-string quantities included', () => {
    const cluster = (capacity: string) => `
apiVersion: cluster.open-cluster-management.io/v1
kind: ManagedCluster
metadata:
  name: cluster1
  labels: {location-group: edge, name: cluster1}
spec:
  hubAcceptsClient: true
  taints:
  - {key: example.com/maintenance, effect: NoSelect, timeAdded: null}
status:
  capacity: {cpu: ${capacity}, memory: 16Gi}
`;
    assert.deepEqual(check('ManagedCluster', cluster('4')), []);
    assert.deepEqual(check('ManagedCluster', cluster('"500m"')), []);
    assert.deepEqual(summary(check('ManagedCluster', cluster('lots'))), [{ path: ['status', 'capacity', 'cpu'], keyword: 'pattern' }]);
    assert.deepEqual(summary(check('ManagedCluster', cluster('true'))), [{ path: ['status', 'capacity', 'cpu'], keyword: 'type' }]);
    const badEffect = check('ManagedCluster', cluster('4').replace('effect: NoSelect', 'effect: NoSchedule'));
    assert.deepEqual(summary(badEffect), [{ path: ['spec', 'taints', 0, 'effect'], keyword: 'enum' }]);
    assert.match(badEffect[0].message, /"NoSelect", "PreferNoSelect", "NoSelectIfNew"/);
  });
});

describe('pruneNulls', () => {
  it('drops a non-nullable null, says where, and the result is valid', () => {
    const value = parse(policyWithSpec('  clusterSelectors:\n  - matchLabels:\n  downsync:\n  - resources: ["*"]\n'));
    const before = JSON.stringify(value);
    const result = pruneNulls('BindingPolicy', value);
    assert.deepEqual(result.pruned, [['spec', 'clusterSelectors', 0, 'matchLabels']]);
    assert.deepEqual((result.value as { spec: unknown }).spec, { clusterSelectors: [{}], downsync: [{ resources: ['*'] }] });
    assert.deepEqual(validateSchema('BindingPolicy', result.value), []);
    assert.equal(JSON.stringify(value), before, 'the input is left unchanged');
    // Without pruning, the same null is a type error: pruning first is what makes it no error.
    assert.deepEqual(summary(validateSchema('BindingPolicy', value)), [{ path: ['spec', 'clusterSelectors', 0, 'matchLabels'], keyword: 'type' }]);
  });

  it('drops an empty spec', () => {
    const result = pruneNulls('BindingPolicy', parse('apiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\nmetadata: {name: p}\nspec:\n'));
    assert.deepEqual(result.pruned, [['spec']]);
    assert.deepEqual(validateSchema('BindingPolicy', result.value), []);
  });

  it('keeps null array items and unknown fields, as the API server does', () => {
    const result = pruneNulls('BindingPolicy', parse(policyWithSpec('  clusterSelectors:\n  -\n  extra:\n')));
    assert.deepEqual(result.pruned, []);
    assert.deepEqual(summary(validateSchema('BindingPolicy', result.value)), [
      { path: ['spec', 'extra'], keyword: 'additionalProperties' },
      { path: ['spec', 'clusterSelectors', 0], keyword: 'type' },
    ]);
  });

  it('keeps nulls where the schema allows them', () => {
    const text = `
apiVersion: cluster.open-cluster-management.io/v1
kind: ManagedCluster
metadata:
  name: c1
  labels:
spec:
  taints: [{key: k, effect: NoSelect, timeAdded: null}]
`;
    const result = pruneNulls('ManagedCluster', parse(text));
    assert.deepEqual(result.pruned, []);
    assert.deepEqual(validateSchema('ManagedCluster', result.value), []);
  });

  it('copies only the way to a change: the rest is shared, fields keep their order, __proto__ stays a field', () => {
    const clean = parse(policyWithSpec('  clusterSelectors:\n  - matchLabels: {a: b}\n  downsync:\n  - resources: ["*"]\n'));
    assert.equal(pruneNulls('BindingPolicy', clean).value, clean, 'nothing to prune: the input itself');

    type Spec = { clusterSelectors: object[]; downsync: object[]; [key: string]: unknown };
    const value = parse(policyWithSpec('  __proto__: {polluted: true}\n  clusterSelectors:\n  - matchLabels: {a: b}\n  - matchLabels:\n    matchExpressions: []\n  downsync:\n  - resources: ["*"]\n')) as { spec: Spec };
    const before = JSON.stringify(value);
    const result = pruneNulls('BindingPolicy', value);
    const spec = (result.value as { spec: Spec }).spec;
    assert.deepEqual(result.pruned, [['spec', 'clusterSelectors', 1, 'matchLabels']]);
    assert.notEqual(spec, value.spec);
    assert.equal(spec.downsync, value.spec.downsync, 'a part with no change is shared');
    assert.equal(spec.clusterSelectors[0], value.spec.clusterSelectors[0]);
    assert.deepEqual(Object.keys(spec.clusterSelectors[1]), ['matchExpressions']);
    assert.deepEqual(Object.keys(spec), Object.keys(value.spec), 'fields keep their order');
    assert.ok(Object.hasOwn(spec, '__proto__'), '__proto__ is copied as a field');
    assert.equal(Object.getPrototypeOf(spec), Object.prototype, 'and does not become the prototype');
    assert.equal(JSON.stringify(value), before, 'the input is left unchanged');
  });

  it('replaces a null that has a default with the default', () => {
    const result = pruneNulls('ManagedCluster', parse('apiVersion: cluster.open-cluster-management.io/v1\nkind: ManagedCluster\nmetadata: {name: c1}\nspec:\n  leaseDurationSeconds:\n'));
    assert.deepEqual(result.pruned, []);
    assert.deepEqual(result.defaulted, [['spec', 'leaseDurationSeconds']]);
    assert.deepEqual((result.value as { spec: unknown }).spec, { leaseDurationSeconds: 60 });
  });
});

describe('schemaAt', () => {
  it('finds the schema at an instance path, through lists and maps', () => {
    assert.equal(schemaAt('BindingPolicy', ['spec', 'downsync', 3, 'objectSelectors', 0, 'matchLabels', 'app'])?.type, 'string');
    assert.match(schemaAt('BindingPolicy', ['spec', 'downsync', 0])?.description ?? '', /DownsyncPolicyClause/);
    assert.equal(schemaAt('BindingPolicy', ['spec', 'clusterSelectors', 0, 'matchExpressions', 0, 'operator'])?.pattern, '^(In|NotIn|Exists|DoesNotExist)$');
    assert.deepEqual(schemaAt('ManagedCluster', ['status', 'allocatable', 'cpu'])?.type, ['integer', 'string']);
    assert.deepEqual(schemaAt('ManagedCluster', ['spec', 'taints', 0, 'effect'])?.enum, ['NoSelect', 'PreferNoSelect', 'NoSelectIfNew']);
    assert.equal(schemaAt('BindingPolicy', [])?.title, 'BindingPolicy (control.kubestellar.io/v1alpha1)');
  });

  it('is undefined where the schema says nothing', () => {
    assert.equal(schemaAt('BindingPolicy', ['spec', 'nope']), undefined);
    assert.equal(schemaAt('BindingPolicy', ['spec', 'downsync', 'x']), undefined);
    assert.equal(schemaAt('BindingPolicy', ['spec', 'constructor']), undefined);
  });
});
