/**
 * Completion in BindingPolicy documents as they look while being typed (`|` is the cursor), against
 * the small estate of featureContext.ts: 4 WECs, 2 Namespaces, 5 workload objects, 2 StatusCollectors.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { complete, type CompletionItem } from '../../server/src/core/completion';
import { hover } from '../../server/src/core/hover';
import { inlayHints } from '../../server/src/core/inlayHints';
import { documentSymbols, foldingRanges } from '../../server/src/core/symbols';
import { withCursor } from './cursor';
import { contextFor, parsed, POLICY_HEAD } from './featureContext';

const ctx = contextFor();

function completeAt(marked: string, context = ctx): { items: CompletionItem[]; text: string; offset: number } {
  const { text, offset } = withCursor(marked);
  return { items: complete(parsed(text), offset, context).items, text, offset };
}

function labels(marked: string): string[] {
  return completeAt(marked).items.map((item) => item.label);
}

function item(marked: string, label: string): CompletionItem {
  const found = completeAt(marked).items.find((candidate) => candidate.label === label);
  assert.ok(found, `no completion ${label} in ${JSON.stringify(marked)}`);
  return found;
}

/** Labels in the order an editor shows them: by sortText (compared as plain strings), then label. */
function sorted(items: readonly CompletionItem[]): string[] {
  const key = (candidate: CompletionItem): string => `${candidate.sortText ?? candidate.label}\u0000${candidate.label}`;
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)).map((candidate) => candidate.label);
}

describe('completion: fields from the schema', () => {
  it('top level: only the fields not yet written, never status', () => {
    assert.deepEqual(labels(`${POLICY_HEAD}|`), ['metadata', 'spec']);
    assert.deepEqual(labels(`${POLICY_HEAD}spec: {}\n|`), ['metadata']);
  });

  it('spec fields with the CRD description, inserted as an indentless list', () => {
    const clusterSelectors = item(`${POLICY_HEAD}spec:\n  |`, 'clusterSelectors');
    assert.equal(clusterSelectors.kind, 'field');
    assert.equal(clusterSelectors.detail, '[]object');
    assert.equal(clusterSelectors.insertText, 'clusterSelectors:\n- ');
    assert.ok(clusterSelectors.documentation?.startsWith('`clusterSelectors` identifies the relevant Cluster objects'));
  });

  it('metadata: what a user sets, not what the API server sets', () => {
    assert.deepEqual(labels(`${POLICY_HEAD}metadata:\n  |`), ['name', 'generateName', 'labels', 'annotations', 'ownerReferences', 'finalizers']);
  });

  it('clause fields after `- `, indented relative to the line, with a clause snippet', () => {
    const items = completeAt(`${POLICY_HEAD}spec:\n  downsync:\n  - |`).items;
    assert.deepEqual(
      items.map((candidate) => candidate.label),
      [
        'apiGroup',
        'createOnly',
        'namespaceSelectors',
        'namespaces',
        'objectNames',
        'objectSelectors',
        'resources',
        'statusCollectors',
        'wantMultiWECReportedState',
        'wantSingletonReportedState',
        'downsync clause',
      ],
    );
    const resources = items.find((candidate) => candidate.label === 'resources')!;
    // The editor prefixes continuation lines with the line's own two spaces: `- ` lands under the key.
    assert.equal(resources.insertText, 'resources:\n  - ');
    const snippet = items.find((candidate) => candidate.kind === 'snippet')!;
    assert.equal(snippet.isSnippet, true);
    assert.equal(snippet.insertText, 'apiGroup: ${1:apps}\n  resources:\n  - ${2:deployments}\n  namespaces:\n  - ${3:default}');
  });

  it('skips the fields the clause already has, and a key typed under `apiGroup: apps` is replaced whole', () => {
    const { items, text } = completeAt(`${POLICY_HEAD}spec:\n  downsync:\n  - apiGroup: apps\n    namespaces: [web]\n    re|s\n`);
    assert.ok(!items.some((candidate) => candidate.label === 'apiGroup' || candidate.label === 'namespaces'));
    const resources = items.find((candidate) => candidate.label === 'resources')!;
    assert.equal(text.slice(resources.range!.start, resources.range!.end), 'res');
    assert.equal(resources.insertText, 'resources:\n- ');
  });

  it('editing a key that already has its colon inserts only the name', () => {
    assert.equal(item(`${POLICY_HEAD}spec:\n  downsync:\n  - namesp|aces: [web]\n`, 'namespaces').insertText, 'namespaces');
  });

  it('a cluster selector offers its two fields and a snippet built from the commonest WEC label', () => {
    const items = completeAt(`${POLICY_HEAD}spec:\n  clusterSelectors:\n  - |`).items;
    assert.deepEqual(items.map((candidate) => candidate.label), ['matchExpressions', 'matchLabels', 'cluster selector']);
    assert.equal(items[1].insertText, 'matchLabels:\n    ');
    assert.equal(items[2].insertText, 'matchLabels:\n    ${1:env}: ${2:prod}');
  });

  it('booleans unquoted, operators with what they require', () => {
    const booleans = completeAt(`${POLICY_HEAD}spec:\n  downsync:\n  - apiGroup: apps\n    createOnly: |`).items;
    assert.deepEqual(booleans.map((candidate) => [candidate.label, candidate.insertText]), [
      ['true', 'true'],
      ['false', 'false'],
    ]);
    const operators = completeAt(`${POLICY_HEAD}spec:\n  clusterSelectors:\n  - matchExpressions:\n    - key: region\n      operator: |`).items;
    assert.deepEqual(operators.map((candidate) => candidate.label), ['In', 'NotIn', 'Exists', 'DoesNotExist']);
    assert.ok(operators.every((candidate) => candidate.kind === 'operator' && candidate.documentation));
    assert.match(operators[2].documentation!, /`values` must be empty/);
  });

  it('the constant apiVersion and kind replace what is there', () => {
    const { items, text } = completeAt(`apiVersion: control.kubestellar.io/v1alpha1\nkind: Bind|ingPolicy\n`);
    assert.deepEqual(items.map((candidate) => candidate.label), ['BindingPolicy']);
    assert.equal(text.slice(items[0].range!.start, items[0].range!.end), 'BindingPolicy');
  });
});

describe('completion: labels', () => {
  it('cluster selector keys: the WECs’ label keys, commonest first, with how many WECs carry them', () => {
    const items = completeAt(`${POLICY_HEAD}spec:\n  clusterSelectors:\n  - matchLabels:\n      |`).items;
    assert.deepEqual(sorted(items), ['location-group', 'region', 'env']);
    assert.deepEqual(items.map((candidate) => [candidate.label, candidate.detail, candidate.insertText, candidate.kind]), [
      ['location-group', '4 of 4 WECs', 'location-group: ', 'labelKey'],
      ['region', '4 of 4 WECs', 'region: ', 'labelKey'],
      ['env', '3 of 4 WECs', 'env: ', 'labelKey'],
    ]);
    assert.equal(items[2].documentation, 'Carried by `edge-eu-1`, `edge-us-1`, `cloud-eu-1`.');
  });

  it('a label key started with a quote in a flow map is completed quoted', () => {
    const { items, text } = completeAt(`${POLICY_HEAD}spec:\n  clusterSelectors:\n  - matchLabels: {"reg|"}\n`);
    const region = items.find((candidate) => candidate.label === 'region')!;
    assert.equal(region.insertText, '"region": ');
    assert.equal(region.filterText, '"region"');
    assert.equal(text.slice(region.range!.start, region.range!.end), '"reg"');
  });

  it('skips keys the matchLabels already has', () => {
    assert.deepEqual(labels(`${POLICY_HEAD}spec:\n  clusterSelectors:\n  - matchLabels:\n      region: eu-west\n      |`), ['location-group', 'env']);
  });

  it('cluster selector values for the key, in a block map and in a quoted flow map', () => {
    const items = completeAt(`${POLICY_HEAD}spec:\n  clusterSelectors:\n  - matchLabels:\n      region: |`).items;
    assert.deepEqual(items.map((candidate) => [candidate.label, candidate.detail]), [
      ['eu-west', '2 of 4 WECs'],
      ['ap-south', '1 of 4 WECs'],
      ['us-east', '1 of 4 WECs'],
    ]);
    const { items: quoted, text } = completeAt(`${POLICY_HEAD}spec:\n  clusterSelectors:\n  - matchLabels: {"location-group": "ed|"}\n`);
    const edge = quoted.find((candidate) => candidate.label === 'edge')!;
    assert.equal(edge.insertText, '"edge"');
    assert.equal(edge.filterText, '"edge"');
    assert.equal(text.slice(edge.range!.start, edge.range!.end), '"ed"');
  });

  it('matchExpressions: keys for `key:`, the key’s values for `values`, minus those listed', () => {
    const keys = completeAt(`${POLICY_HEAD}spec:\n  clusterSelectors:\n  - matchExpressions:\n    - key: |`).items;
    assert.deepEqual(keys.map((candidate) => [candidate.label, candidate.insertText]), [
      ['location-group', 'location-group'],
      ['region', 'region'],
      ['env', 'env'],
    ]);
    const flow = `${POLICY_HEAD}spec:\n  clusterSelectors:\n  - matchExpressions:\n    - key: region\n      operator: In\n      values: [eu-west, |]`;
    assert.deepEqual(labels(flow), ['ap-south', 'us-east']);
    const block = `${POLICY_HEAD}spec:\n  clusterSelectors:\n  - matchExpressions:\n    - key: env\n      operator: NotIn\n      values:\n      - |`;
    assert.deepEqual(labels(block), ['prod', 'staging']);
  });

  it('object selectors: labels of the objects the clause’s kind and namespace tests let through', () => {
    const narrowed = completeAt(`${POLICY_HEAD}spec:\n  downsync:\n  - resources: [deployments]\n    objectSelectors:\n    - matchLabels: {|}`).items;
    assert.deepEqual(narrowed.map((candidate) => [candidate.label, candidate.detail]), [
      ['app', '2 objects'],
      ['tier', '2 objects'],
    ]);
    const inBatch = completeAt(`${POLICY_HEAD}spec:\n  downsync:\n  - namespaces: [batch]\n    objectSelectors:\n    - matchLabels:\n        app: |`).items;
    assert.deepEqual(inBatch.map((candidate) => [candidate.label, candidate.detail]), [['jobs', '2 objects']]);
    // Without kind tests every selectable object counts, Namespaces included, StatusCollectors not.
    const all = completeAt(`${POLICY_HEAD}spec:\n  downsync:\n  - objectSelectors:\n    - matchLabels:\n        |`).items;
    assert.deepEqual(all.map((candidate) => [candidate.label, candidate.detail]), [
      ['app', '5 objects'],
      ['env', '2 objects'],
      ['tier', '2 objects'],
      ['team', '1 object'],
    ]);
  });

  it('namespace selectors: the Namespace objects’ labels', () => {
    const items = completeAt(`${POLICY_HEAD}spec:\n  downsync:\n  - resources: [deployments]\n    namespaceSelectors:\n    - matchLabels:\n        |`).items;
    assert.deepEqual(items.map((candidate) => [candidate.label, candidate.detail]), [
      ['env', '2 namespaces'],
      ['team', '1 namespace'],
    ]);
  });

  it('with no inventory there is nothing to offer for labels, and fields still work', () => {
    const empty = contextFor({ origin: 'empty', generation: 0, wecs: [], objects: [], resourceTypes: [] });
    assert.deepEqual(completeAt(`${POLICY_HEAD}spec:\n  clusterSelectors:\n  - matchLabels:\n      |`, empty).items, []);
    assert.deepEqual(
      completeAt(`${POLICY_HEAD}spec:\n  clusterSelectors:\n  - |`, empty).items.map((candidate) => candidate.label),
      ['matchExpressions', 'matchLabels', 'cluster selector'],
    );
  });
});

describe('completion: clause tests', () => {
  it('resources: narrowed by apiGroup, excluded ones left out, the inventory’s own first', () => {
    const items = completeAt(`${POLICY_HEAD}spec:\n  downsync:\n  - apiGroup: apps\n    resources:\n    - |`).items;
    assert.deepEqual(sorted(items), ['deployments', 'controllerrevisions', 'daemonsets', 'replicasets', 'statefulsets', '*']);
    const deployments = items.find((candidate) => candidate.label === 'deployments')!;
    assert.equal(deployments.detail, 'apps/v1 Deployment');
    assert.equal(deployments.kind, 'resource');
    assert.equal(items.find((candidate) => candidate.label === '*')!.insertText, '"*"');

    const core = labels(`${POLICY_HEAD}spec:\n  downsync:\n  - apiGroup: ""\n    resources: [configmaps, |]`);
    assert.ok(core.includes('secrets') && core.includes('services'));
    assert.ok(!core.includes('configmaps'), 'already listed');
    for (const excluded of ['events', 'nodes', 'endpoints', 'deployments']) assert.ok(!core.includes(excluded), excluded);
  });

  it('a list value on the key’s line is offered as a one-item flow list', () => {
    const jobs = item(`${POLICY_HEAD}spec:\n  downsync:\n  - apiGroup: batch\n    resources: |`, 'jobs');
    assert.equal(jobs.insertText, '[jobs]');
    assert.equal(jobs.filterText, 'jobs');
  });

  it('apiGroup: the catalog’s groups, core shown as "" (core), excluded groups left out', () => {
    const items = completeAt(`${POLICY_HEAD}spec:\n  downsync:\n  - apiGroup: |`).items;
    const groups = items.map((candidate) => candidate.label);
    assert.equal(groups[0], '"" (core)');
    assert.equal(items[0].insertText, '""');
    assert.ok(groups.includes('apps') && groups.includes('batch'));
    for (const excluded of ['discovery.k8s.io', 'coordination.k8s.io', 'control.kubestellar.io', 'flowcontrol.apiserver.k8s.io']) {
      assert.ok(!groups.includes(excluded), excluded);
    }
    assert.equal(items.find((candidate) => candidate.label === 'batch')!.detail, '2 resources');
  });

  it('a value typed right after the colon gets its space', () => {
    assert.equal(item(`${POLICY_HEAD}spec:\n  downsync:\n  - apiGroup:|`, 'apps').insertText, ' apps');
  });

  it('namespaces from the Namespace objects, with how many objects each holds', () => {
    const items = completeAt(`${POLICY_HEAD}spec:\n  downsync:\n  - namespaces: [|]`).items;
    assert.deepEqual(items.map((candidate) => [candidate.label, candidate.detail]), [
      ['*', 'any namespace; the only documented way to match cluster-scoped objects'],
      ['batch', '2 objects'],
      ['web', '3 objects'],
    ]);
  });

  it('objectNames from the objects the clause’s other tests let through', () => {
    const items = completeAt(`${POLICY_HEAD}spec:\n  downsync:\n  - apiGroup: apps\n    objectNames:\n    - |`).items;
    assert.deepEqual(items.map((candidate) => [candidate.label, candidate.detail]), [
      ['*', 'any name'],
      ['backend', 'deployments.apps web/backend'],
      ['frontend', 'deployments.apps web/frontend'],
    ]);
    const anyGroup = completeAt(`${POLICY_HEAD}spec:\n  downsync:\n  - namespaces: [web]\n    objectNames: [|]`).items;
    const frontend = anyGroup.find((candidate) => candidate.label === 'frontend')!;
    assert.equal(frontend.detail, '2 objects');
    assert.equal(frontend.documentation, '`services web/frontend`, `deployments.apps web/frontend`');
  });

  it('statusCollectors from the StatusCollector objects', () => {
    assert.deepEqual(labels(`${POLICY_HEAD}spec:\n  downsync:\n  - resources: [deployments]\n    statusCollectors: [count-ready, |]`), ['sum-replicas']);
  });
});

describe('completion: where it does not apply', () => {
  it('other kinds and comments get nothing', () => {
    assert.deepEqual(labels('apiVersion: apps/v1\nkind: Deployment\nspec:\n  |'), []);
    assert.deepEqual(labels(`${POLICY_HEAD}# spec:|`), []);
  });

  it('ranges are file offsets in the right document of a multi-document file', () => {
    const first = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n';
    const { items, text } = completeAt(`${first}---\n${POLICY_HEAD}spec:\n  downsync:\n  - apiGroup: ap|`);
    const apps = items.find((candidate) => candidate.label === 'apps')!;
    assert.equal(text.slice(apps.range!.start, apps.range!.end), 'ap');
    assert.equal(apps.range!.start, text.lastIndexOf('ap'));
  });
});

describe('completion: large files', () => {
  /** A policy of about 50 lines with 8 clauses. */
  function policy(n: number): string {
    const clauses = Array.from(
      { length: 8 },
      (_, i) => `  - apiGroup: apps\n    resources:\n    - deployments\n    namespaces:\n    - web\n    objectSelectors:\n    - matchLabels: {app: app-${n}-${i}}\n`,
    ).join('');
    return `${POLICY_HEAD}metadata:\n  name: policy-${n}\nspec:\n  clusterSelectors:\n  - matchLabels:\n      env: prod\n  downsync:\n${clauses}`;
  }

  function timePerCall(text: string, offset: number): number {
    const file = parsed(text);
    complete(file, offset, ctx);
    const runs = 50;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) complete(file, offset, ctx);
    return Number(process.hrtime.bigint() - start) / 1e6 / runs;
  }

  it('answers in a few milliseconds at the end of a 20,000-line file of policies and of one policy', () => {
    const many = Array.from({ length: 340 }, (_, n) => policy(n)).join('---\n');
    const manyText = `${many}  - apiGroup: apps\n    resources:\n    - `;
    assert.ok(manyText.split('\n').length >= 20000);
    const perCallMany = timePerCall(manyText, manyText.length);

    const clauses = Array.from({ length: 2500 }, (_, i) => `  - resources: [deployments]\n    objectSelectors:\n    - matchLabels: {app: a${i}}\n    createOnly: true\n`).join('');
    const oneText = `${POLICY_HEAD}metadata:\n  name: big\nspec:\n  downsync:\n${clauses}  - namespaces: [web]\n    objectSelectors:\n    - matchLabels:\n        `;
    assert.ok(oneText.split('\n').length >= 10000);
    const file = parsed(oneText);
    assert.deepEqual(
      complete(file, oneText.length, ctx).items.map((candidate) => candidate.label),
      ['app', 'tier'],
    );
    const perCallOne = timePerCall(oneText, oneText.length);
    // Generous bounds: they catch a re-parse or a whole-file scan per request, not machine noise.
    assert.ok(perCallMany < 10, `completion took ${perCallMany.toFixed(2)} ms per call in a file of many policies`);
    assert.ok(perCallOne < 10, `completion took ${perCallOne.toFixed(2)} ms per call in one large policy`);
  });
});

describe('completion while a whole policy is typed', () => {
  const POLICY = `${POLICY_HEAD}metadata:
  name: web-policy # the web tier
spec:
  clusterSelectors:
  - matchLabels: {"location-group": edge}
    matchExpressions:
    - key: region
      operator: NotIn
      values: [us-east, 'ap-south']
  - {}
  downsync:
  - apiGroup: ""
    resources: ["configmaps", services]
    namespaces:
    - web
    objectNames: ['*']
    objectSelectors:
    - matchLabels:
        app: frontend
    namespaceSelectors: [{matchExpressions: [{key: team, operator: Exists}]}]
    statusCollectors: [count-ready]
    createOnly: true
`;

  it('every feature answers at every keystroke without throwing, with ranges inside the text', () => {
    for (let end = POLICY_HEAD.length; end <= POLICY.length; end++) {
      const text = POLICY.slice(0, end);
      const file = parsed(text);
      for (const candidate of complete(file, end, ctx).items) {
        assert.ok(candidate.range && candidate.range.start >= 0 && candidate.range.start <= end && candidate.range.end <= text.length, `range at ${end}`);
      }
      const result = hover(file, Math.max(0, end - 1), ctx);
      if (result) assert.ok(result.range.start <= end && result.range.end <= text.length);
      inlayHints(file, { start: 0, end }, ctx);
      documentSymbols(file);
      foldingRanges(file);
    }
  });

  it('completes at every offset of the finished policy without throwing', () => {
    const file = parsed(POLICY);
    for (let offset = 0; offset <= POLICY.length; offset++) {
      complete(file, offset, ctx);
      hover(file, offset, ctx);
    }
  });
});
