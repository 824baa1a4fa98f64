/**
 * BindingPolicy resolution, rule by rule as written in `shared/kubestellar/MATCHING.md`, on small
 * hand-built inventories; then a property test that the indexed evaluation equals a naive
 * transcription of the controller's loop over random inventories and policies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Inventory, Labels, Wec, WorkloadObject } from '../../server/src/core/types';
import {
  compareGoStrings,
  isExcludedResource,
  labelSelectorAsSelector,
  MatchIndex,
  namespacesMatchingSelector,
  objectsMatchingClause,
  objectsMatchingSelector,
  parseSelector,
  resolvePolicy,
  wecsMatchingSelector,
  type DownsyncClauseInput,
  type LabelSelectorInput,
  type Modulation,
  type PolicySpecInput,
  type Selector,
  type SelectorResult,
} from '../../server/src/core/matcher';

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

function wec(name: string, labels: Labels = {}): Wec {
  return { name, labels };
}

function object(group: string, resource: string, namespace: string, name: string, labels: Labels = {}): WorkloadObject {
  return { group, version: 'v1', resource, kind: resource, namespace, name, labels };
}

function namespace(name: string, labels: Labels = {}): WorkloadObject {
  return object('', 'namespaces', '', name, labels);
}

function inventoryOf(parts: { wecs?: Wec[]; objects?: WorkloadObject[]; allowedGroups?: string[] }, generation = 1): Inventory {
  return {
    wecs: parts.wecs ?? [],
    objects: parts.objects ?? [],
    resourceTypes: [],
    allowedGroups: parts.allowedGroups,
    origin: 'test',
    generation,
  };
}

function indexOf(parts: { wecs?: Wec[]; objects?: WorkloadObject[]; allowedGroups?: string[] }): MatchIndex {
  return new MatchIndex(inventoryOf(parts));
}

/** `group/resource/namespace/name`, with `core` for the empty group, for readable assertions. */
function ids(objects: readonly WorkloadObject[]): string[] {
  return objects.map((o) => `${o.group || 'core'}/${o.resource}/${o.namespace}/${o.name}`);
}

function wecNames(spec: PolicySpecInput, index: MatchIndex): string[] {
  return resolvePolicy(spec, index).wecs.map((w) => w.name);
}

function selected(clause: DownsyncClauseInput, index: MatchIndex): string[] {
  return ids(objectsMatchingClause(clause, index));
}

function compile(input: LabelSelectorInput | null): Selector {
  const result = labelSelectorAsSelector(input);
  assert.ok(result.valid);
  return result.selector;
}

const wecs = [
  wec('east-prod', { region: 'east', env: 'prod' }),
  wec('west-prod', { region: 'west', env: 'prod' }),
  wec('west-dev', { region: 'west', env: 'dev' }),
  wec('bare'),
];

const webDeployment = object('apps', 'deployments', 'shop', 'web', { app: 'web' });
const dbDeployment = object('apps', 'deployments', 'shop', 'db', { app: 'db' });
const webService = object('', 'services', 'shop', 'web', { app: 'web' });
const toolsConfig = object('', 'configmaps', 'tools', 'settings', { app: 'tools' });
const clusterRole = object('rbac.authorization.k8s.io', 'clusterroles', '', 'reader', { app: 'web' });
const shopNamespace = namespace('shop', { team: 'sales' });
const toolsNamespace = namespace('tools', { team: 'ops' });
const workload = [webDeployment, dbDeployment, webService, toolsConfig, clusterRole, shopNamespace, toolsNamespace];
const index = indexOf({ wecs, objects: workload });

// ---------------------------------------------------------------------------------------------
// Section 1: which WECs are bound
// ---------------------------------------------------------------------------------------------

test('1: a WEC is bound when its labels match at least one cluster selector', () => {
  const spec: PolicySpecInput = { clusterSelectors: [{ matchLabels: { region: 'east' } }, { matchLabels: { env: 'dev' } }] };
  assert.deepEqual(wecNames(spec, index), ['east-prod', 'west-dev']);
});

test('1: an absent or empty clusterSelectors list binds no WEC', () => {
  assert.deepEqual(wecNames({}, index), []);
  assert.deepEqual(wecNames({ clusterSelectors: [] }, index), []);
  assert.equal(resolvePolicy({}, index).resolved, true);
});

test('1: an empty selector {} binds every WEC', () => {
  assert.deepEqual(wecNames({ clusterSelectors: [{}] }, index), ['bare', 'east-prod', 'west-dev', 'west-prod']);
  assert.deepEqual(wecNames({ clusterSelectors: [{ matchLabels: {}, matchExpressions: [] }] }, index).length, 4);
});

test('1: one invalid cluster selector fails the whole policy: no WECs, no objects, an error per invalid selector', () => {
  const resolution = resolvePolicy(
    {
      clusterSelectors: [
        { matchLabels: { region: 'east' } },
        { matchLabels: { 'bad key': 'x' } },
        { matchExpressions: [{ key: 'env', operator: 'In' }] },
      ],
      downsync: [{ resources: ['deployments'] }],
    },
    index,
  );
  assert.equal(resolution.resolved, false);
  assert.deepEqual(resolution.wecs, []);
  assert.deepEqual(resolution.objects, []);
  assert.deepEqual(resolution.clauses, [{ index: 0, objects: [] }]);
  assert.equal(resolution.errors.length, 2);
  assert.match(resolution.errors[0], /^clusterSelectors\[1\]: key: Invalid value: "bad key"/);
  assert.equal(
    resolution.errors[1],
    "clusterSelectors[2]: values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
  );
});

test('1: bound WECs come sorted by name, each once', () => {
  const spec: PolicySpecInput = { clusterSelectors: [{ matchLabels: { env: 'prod' } }, { matchLabels: { region: 'west' } }] };
  assert.deepEqual(wecNames(spec, index), ['east-prod', 'west-dev', 'west-prod']);
});

// ---------------------------------------------------------------------------------------------
// Section 2: which objects are selected
// ---------------------------------------------------------------------------------------------

test('2 apiGroup: absent passes, a group must equal, "" is the core group', () => {
  assert.deepEqual(selected({ apiGroup: 'apps' }, index), ['apps/deployments/shop/db', 'apps/deployments/shop/web']);
  assert.deepEqual(selected({ apiGroup: '', objectNames: ['web'] }, index), ['core/services/shop/web']);
  assert.equal(selected({ objectNames: ['web'] }, index).length, 2);
});

test('2 resources: empty passes, "*" passes, otherwise the resource must be listed', () => {
  assert.deepEqual(selected({ resources: ['services', 'configmaps'] }, index), [
    'core/configmaps/tools/settings',
    'core/services/shop/web',
  ]);
  assert.equal(selected({ resources: ['*'] }, index).length, workload.length);
  assert.equal(selected({ resources: [], objectNames: ['*'] }, index).length, workload.length);
  assert.deepEqual(selected({ resources: ['Deployments'] }, index), [], 'resources are compared literally');
});

test('2 namespaces: a listed namespace, "*" for everything, "" for cluster-scoped objects', () => {
  assert.deepEqual(selected({ namespaces: ['tools'] }, index), ['core/configmaps/tools/settings']);
  assert.equal(selected({ namespaces: ['*'] }, index).length, workload.length);
  assert.deepEqual(selected({ namespaces: [''] }, index), [
    'core/namespaces//shop',
    'core/namespaces//tools',
    'rbac.authorization.k8s.io/clusterroles//reader',
  ]);
  assert.deepEqual(selected({ namespaces: ['shop'], resources: ['clusterroles'] }, index), []);
});

test('2 objectNames: a listed name or "*"', () => {
  assert.deepEqual(selected({ objectNames: ['db', 'missing'] }, index), ['apps/deployments/shop/db']);
  assert.equal(selected({ objectNames: ['*'] }, index).length, workload.length);
});

test('2 objectSelectors: at least one selector must match the object labels', () => {
  const clause = { objectSelectors: [{ matchLabels: { app: 'db' } }, { matchLabels: { app: 'tools' } }] };
  assert.deepEqual(selected(clause, index), ['core/configmaps/tools/settings', 'apps/deployments/shop/db']);
});

test('2 objectSelectors: an invalid selector is skipped silently and matches nothing', () => {
  const invalid = { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] };
  assert.deepEqual(selected({ objectSelectors: [invalid] }, index), []);
  assert.deepEqual(selected({ objectSelectors: [invalid, { matchLabels: { app: 'db' } }] }, index), ['apps/deployments/shop/db']);
});

test('2 namespaceSelectors: the object Namespace must exist and match; cluster-scoped objects never do', () => {
  const clause = { namespaceSelectors: [{ matchLabels: { team: 'sales' } }] };
  assert.deepEqual(selected(clause, index), ['core/services/shop/web', 'apps/deployments/shop/db', 'apps/deployments/shop/web']);
  const orphan = object('', 'configmaps', 'gone', 'left', { team: 'sales' });
  const withOrphan = indexOf({ objects: [...workload, orphan] });
  assert.equal(selected({ namespaceSelectors: [{ matchExpressions: [{ key: 'team', operator: 'Exists' }] }] }, withOrphan).length, 4);
  assert.deepEqual(selected({ namespaceSelectors: [{ matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }] }, index), []);
});

test('2 namespaceSelectors: of two Namespace objects with one name, the first in the inventory counts', () => {
  const objects = [namespace('shop', { team: 'sales' }), namespace('shop', { team: 'ops' }), webService];
  const clause = (team: string) => ({ namespaceSelectors: [{ matchLabels: { team } }], resources: ['services'] });
  assert.deepEqual(selected(clause('sales'), indexOf({ objects })), ['core/services/shop/web']);
  assert.deepEqual(selected(clause('ops'), indexOf({ objects })), []);
});

test('2 namespaceSelectors: one empty selector {} passes every object, cluster-scoped ones included', () => {
  const clause = { namespaceSelectors: [{ matchLabels: { team: 'nobody' } }, {}] };
  assert.equal(selected(clause, index).length, workload.length);
  assert.ok(selected(clause, index).includes('rbac.authorization.k8s.io/clusterroles//reader'));
});

test('2: a clause needs every test to hold, an object needs at least one clause', () => {
  const spec: PolicySpecInput = {
    clusterSelectors: [{}],
    downsync: [
      { apiGroup: 'apps', objectSelectors: [{ matchLabels: { app: 'web' } }] },
      { resources: ['configmaps'], namespaces: ['shop'] },
      { objectNames: ['settings'] },
    ],
  };
  const resolution = resolvePolicy(spec, index);
  assert.deepEqual(
    resolution.clauses.map((c) => [c.index, ids(c.objects)]),
    [
      [0, ['apps/deployments/shop/web']],
      [1, []],
      [2, ['core/configmaps/tools/settings']],
    ],
  );
  assert.deepEqual(ids(resolution.objects.map((o) => o.object)), ['core/configmaps/tools/settings', 'apps/deployments/shop/web']);
});

test('2: excluded API groups are never selected', () => {
  const excluded = [
    object('flowcontrol.apiserver.k8s.io', 'flowschemas', '', 'f'),
    object('discovery.k8s.io', 'endpointslices', 'shop', 'e'),
    object('apiregistration.k8s.io', 'apiservices', '', 'a'),
    object('coordination.k8s.io', 'leases', 'shop', 'l'),
    object('control.kubestellar.io', 'bindingpolicies', '', 'b'),
  ];
  const withExcluded = indexOf({ objects: [...excluded, webService] });
  assert.deepEqual(selected({ namespaces: ['*'] }, withExcluded), ['core/services/shop/web']);
  assert.ok(isExcludedResource('coordination.k8s.io', 'leases'));
});

test('2: excluded group/resource pairs are never selected, the same resource name elsewhere is', () => {
  const objects = [
    object('', 'events', 'shop', 'e1'),
    object('events.k8s.io', 'events', 'shop', 'e2'),
    object('', 'nodes', '', 'n'),
    object('', 'endpoints', 'shop', 'ep'),
    object('storage.k8s.io', 'csistoragecapacities', 'shop', 'c'),
    object('storage.k8s.io', 'csinodes', '', 'cn'),
    object('control.kubestellar.io', 'workstatuses', 'shop', 'w'),
    object('example.com', 'events', 'shop', 'custom'),
    object('storage.k8s.io', 'storageclasses', '', 'fast'),
  ];
  assert.deepEqual(selected({ resources: ['*'] }, indexOf({ objects })), [
    'example.com/events/shop/custom',
    'storage.k8s.io/storageclasses//fast',
  ]);
});

test('2: with allowed groups configured, other groups are never selected', () => {
  const objects = [webDeployment, webService, object('apiextensions.k8s.io', 'customresourcedefinitions', '', 'crd')];
  assert.deepEqual(selected({ objectNames: ['*'] }, indexOf({ objects, allowedGroups: ['apps'] })), [
    'apiextensions.k8s.io/customresourcedefinitions//crd',
    'apps/deployments/shop/web',
  ]);
  assert.equal(selected({ objectNames: ['*'] }, indexOf({ objects, allowedGroups: [] })).length, 3, 'an empty list restricts nothing');
  assert.equal(isExcludedResource('', 'services', ['apps']), true);
  assert.equal(isExcludedResource('', 'services', ['', 'apps']), false);
});

test('2: modulations of the clauses selecting an object combine (OR, and union of status collectors)', () => {
  const resolution = resolvePolicy(
    {
      clusterSelectors: [{}],
      downsync: [
        { objectNames: ['web'], createOnly: true, statusCollectors: ['b', 'a'] },
        { resources: ['services'], statusCollectors: ['c', 'a'], wantSingletonReportedState: true },
        { resources: ['deployments'], wantMultiWECReportedState: true },
      ],
    },
    index,
  );
  const byId = new Map(resolution.objects.map((o) => [ids([o.object])[0], o.modulation]));
  const expected: Record<string, Modulation> = {
    'apps/deployments/shop/db': { createOnly: false, wantSingletonReportedState: false, wantMultiWECReportedState: true, statusCollectors: [] },
    'apps/deployments/shop/web': { createOnly: true, wantSingletonReportedState: false, wantMultiWECReportedState: true, statusCollectors: ['a', 'b'] },
    'core/services/shop/web': { createOnly: true, wantSingletonReportedState: true, wantMultiWECReportedState: false, statusCollectors: ['a', 'b', 'c'] },
  };
  assert.deepEqual(Object.fromEntries(byId), expected);
});

test('2: objects come sorted by group, resource, namespace, name', () => {
  const resolution = resolvePolicy({ clusterSelectors: [{}], downsync: [{ objectNames: ['*'] }] }, index);
  assert.deepEqual(ids(resolution.objects.map((o) => o.object)), [
    'core/configmaps/tools/settings',
    'core/namespaces//shop',
    'core/namespaces//tools',
    'core/services/shop/web',
    'apps/deployments/shop/db',
    'apps/deployments/shop/web',
    'rbac.authorization.k8s.io/clusterroles//reader',
  ]);
});

test('null list entries act as Go zero values: {} selectors and a clause with no tests', () => {
  assert.equal(wecNames({ clusterSelectors: [null] }, index).length, 4);
  assert.equal(selected({ objectSelectors: [null] }, index).length, workload.length);
  const resolution = resolvePolicy({ clusterSelectors: [{}], downsync: [null] }, index);
  assert.equal(resolution.objects.length, workload.length);
});

test('malformed input where lists belong counts as absent instead of crashing', () => {
  const malformed = { clusterSelectors: 'all' as never, downsync: [{ resources: 'deployments' as never, objectNames: ['web'] }] };
  const resolution = resolvePolicy(malformed, index);
  assert.deepEqual(resolution.wecs, []);
  assert.deepEqual(ids(resolution.clauses[0].objects), ['core/services/shop/web', 'apps/deployments/shop/web']);
});

test('hover helpers: one cluster selector, one object selector in a scope, one namespace selector', () => {
  assert.deepEqual(wecsMatchingSelector(compile({ matchLabels: { env: 'prod' } }), index).map((w) => w.name), ['east-prod', 'west-prod']);
  const web = compile({ matchLabels: { app: 'web' } });
  assert.deepEqual(ids(objectsMatchingSelector(web, index)), [
    'core/services/shop/web',
    'apps/deployments/shop/web',
    'rbac.authorization.k8s.io/clusterroles//reader',
  ]);
  assert.deepEqual(ids(objectsMatchingSelector(web, index, { apiGroup: 'apps', namespaces: ['*'] })), ['apps/deployments/shop/web']);
  assert.deepEqual(ids(namespacesMatchingSelector(compile({ matchLabels: { team: 'ops' } }), index)), ['core/namespaces//tools']);
  assert.deepEqual(objectsMatchingSelector(compile(null), index), [], 'a null selector matches nothing');
});

// ---------------------------------------------------------------------------------------------
// The index against a naive reference
// ---------------------------------------------------------------------------------------------

/**
 * REFERENCE ONLY: a literal transcription of the binding controller's testObject loop
 * (MATCHING.md section 2), testing every object with Selector.matches and no index at all.
 */
const naive = {
  labelsMatchAny(labels: Labels, selectors: readonly (LabelSelectorInput | null)[]): boolean {
    return selectors.some((input) => {
      const result = labelSelectorAsSelector(input ?? {});
      return result.valid && result.selector.matches(labels);
    });
  },
  passesList(values: readonly string[] | null | undefined, actual: string): boolean {
    return !values || values.length === 0 || values.includes('*') || values.includes(actual);
  },
  isEmptySelector(input: LabelSelectorInput | null): boolean {
    return Object.keys(input?.matchLabels ?? {}).length === 0 && (input?.matchExpressions ?? []).length === 0;
  },
  clauseMatches(clause: DownsyncClauseInput, o: WorkloadObject, inventory: Inventory): boolean {
    if (clause.apiGroup !== null && clause.apiGroup !== undefined && clause.apiGroup !== o.group) return false;
    if (!naive.passesList(clause.resources, o.resource)) return false;
    if (!naive.passesList(clause.namespaces, o.namespace)) return false;
    if (!naive.passesList(clause.objectNames, o.name)) return false;
    const objectSelectors = clause.objectSelectors ?? [];
    if (objectSelectors.length > 0 && !naive.labelsMatchAny(o.labels, objectSelectors)) return false;
    const namespaceSelectors = clause.namespaceSelectors ?? [];
    if (namespaceSelectors.length > 0 && !namespaceSelectors.some(naive.isEmptySelector)) {
      const ns = inventory.objects.find(
        (x) => x.group === '' && x.resource === 'namespaces' && x.name !== '' && x.name === o.namespace,
      );
      if (ns === undefined || !naive.labelsMatchAny(ns.labels, namespaceSelectors)) return false;
    }
    return true;
  },
  sortObjects(objects: WorkloadObject[]): WorkloadObject[] {
    return objects.sort(
      (a, b) =>
        compareGoStrings(a.group, b.group) ||
        compareGoStrings(a.resource, b.resource) ||
        compareGoStrings(a.namespace, b.namespace) ||
        compareGoStrings(a.name, b.name),
    );
  },
  selectable(inventory: Inventory): WorkloadObject[] {
    return inventory.objects.filter((o) => !isExcludedResource(o.group, o.resource, inventory.allowedGroups));
  },
  clauseObjects(clause: DownsyncClauseInput | null, inventory: Inventory): WorkloadObject[] {
    return naive.sortObjects(naive.selectable(inventory).filter((o) => naive.clauseMatches(clause ?? {}, o, inventory)));
  },
  wecs(selectors: readonly (LabelSelectorInput | null)[], inventory: Inventory): Wec[] {
    return inventory.wecs
      .filter((w) => naive.labelsMatchAny(w.labels, selectors))
      .sort((a, b) => compareGoStrings(a.name, b.name));
  },
};

const labelKey = fc.constantFrom('app', 'tier', 'env', 'team');
const labelValue = fc.constantFrom('a', 'b', '1', '2', '');
const labels: fc.Arbitrary<Labels> = fc.dictionary(labelKey, labelValue, { maxKeys: 4 });
const selectorInput: fc.Arbitrary<LabelSelectorInput | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 8,
    arbitrary: fc.record(
      {
        matchLabels: fc.dictionary(fc.oneof(labelKey, fc.constant('Bad_')), labelValue, { maxKeys: 2 }),
        matchExpressions: fc.array(
          fc.record(
            {
              key: fc.oneof({ weight: 9, arbitrary: labelKey }, { weight: 1, arbitrary: fc.constant('-bad') }),
              operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'in'),
              values: fc.array(labelValue, { maxLength: 3 }),
            },
            { requiredKeys: ['key', 'operator'] },
          ),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: [] },
    ),
  },
);
const someOf = (values: string[]) => fc.array(fc.constantFrom(...values), { maxLength: 3 });
const clauseInput: fc.Arbitrary<DownsyncClauseInput> = fc.record(
  {
    apiGroup: fc.constantFrom('', 'apps', 'example.com', 'coordination.k8s.io'),
    resources: someOf(['deployments', 'configmaps', 'events', 'namespaces', 'widgets', '*']),
    namespaces: someOf(['', 'ns1', 'ns2', 'ns3', '*']),
    objectNames: someOf(['x', 'y', 'ns1', '*']),
    objectSelectors: fc.array(selectorInput, { maxLength: 2 }),
    namespaceSelectors: fc.array(selectorInput, { maxLength: 2 }),
    createOnly: fc.boolean(),
    statusCollectors: someOf(['s1', 's2', 's3']),
    wantSingletonReportedState: fc.boolean(),
    wantMultiWECReportedState: fc.boolean(),
  },
  { requiredKeys: [] },
);
const workloadObject: fc.Arbitrary<WorkloadObject> = fc
  .tuple(
    fc.constantFrom('', 'apps', 'events.k8s.io', 'coordination.k8s.io', 'example.com'),
    fc.constantFrom('deployments', 'configmaps', 'events', 'widgets', 'nodes'),
    fc.constantFrom('', 'ns1', 'ns2', 'ns3'),
    fc.constantFrom('x', 'y', 'z'),
    labels,
  )
  .map(([group, resource, ns, name, objectLabels]) => object(group, resource, ns, name, objectLabels));
const inventoryInput: fc.Arbitrary<Inventory> = fc
  .record({
    wecs: fc.array(fc.tuple(fc.constantFrom('w1', 'w2', 'w3', 'w4', 'w5'), labels).map(([name, l]) => wec(name, l)), { maxLength: 8 }),
    objects: fc.array(workloadObject, { maxLength: 25 }),
    // Namespaces, sometimes the same one twice with different labels: the first counts.
    namespaces: fc.array(
      fc.tuple(fc.constantFrom('ns1', 'ns2'), fc.oneof(labels, fc.record({ team: fc.constantFrom('a', 'b') }))).map(([name, l]) => namespace(name, l)),
      { maxLength: 4 },
    ),
    allowedGroups: fc.option(fc.subarray(['', 'apps', 'example.com']), { nil: undefined }),
  })
  .map((parts) => inventoryOf({ wecs: parts.wecs, objects: [...parts.objects, ...parts.namespaces], allowedGroups: parts.allowedGroups }));

test('the index gives exactly the naive answer for random clauses, selectors and policies', () => {
  fc.assert(
    fc.property(
      inventoryInput,
      fc.array(fc.oneof(clauseInput, fc.constant(null)), { maxLength: 3 }),
      fc.array(selectorInput, { maxLength: 2 }),
      (inventory, downsync, clusterSelectors) => {
        const matchIndex = new MatchIndex(inventory);
        for (const clause of downsync) {
          if (clause !== null) assert.deepEqual(objectsMatchingClause(clause, matchIndex), naive.clauseObjects(clause, inventory));
        }
        const resolution = resolvePolicy({ clusterSelectors, downsync }, matchIndex);
        const invalid = clusterSelectors.some((s) => !labelSelectorAsSelector(s ?? {}).valid);
        assert.equal(resolution.resolved, !invalid);
        if (invalid) return;
        assert.deepEqual(resolution.wecs, naive.wecs(clusterSelectors, inventory));
        assert.deepEqual(
          resolution.clauses.map((c) => c.objects),
          downsync.map((clause) => naive.clauseObjects(clause, inventory)),
        );
        const chosen = new Set(downsync.flatMap((clause) => naive.clauseObjects(clause, inventory)));
        const union = naive.sortObjects(naive.selectable(inventory).filter((o) => chosen.has(o)));
        assert.deepEqual(resolution.objects.map((o) => o.object), union);
        for (const { object: o, modulation } of resolution.objects) {
          const clauses = downsync.map((c) => c ?? {}).filter((c) => naive.clauseObjects(c, inventory).includes(o));
          assert.deepEqual(modulation, {
            createOnly: clauses.some((c) => c.createOnly === true),
            wantSingletonReportedState: clauses.some((c) => c.wantSingletonReportedState === true),
            wantMultiWECReportedState: clauses.some((c) => c.wantMultiWECReportedState === true),
            statusCollectors: [...new Set(clauses.flatMap((c) => c.statusCollectors ?? []))].sort(),
          });
        }
      },
    ),
    { numRuns: 400, seed: 20260830 },
  );
});

test('the index gives exactly the naive answer for single selectors, Gt/Lt included', () => {
  const parsedSelector = fc
    .tuple(labelKey, fc.constantFrom('>', '<', '=', '!=', ' in ', ' notin '), fc.constantFrom('0', '1', '2'))
    .map(([key, op, value]) => {
      const text = op.trim() === 'in' || op.trim() === 'notin' ? `${key}${op}(${value})` : `${key}${op}${value}`;
      const result = parseSelector(text);
      assert.ok(result.valid, text);
      return result.selector;
    });
  const anySelector = fc.oneof(
    parsedSelector,
    selectorInput
      .map((input) => labelSelectorAsSelector(input))
      .filter((result): result is Extract<SelectorResult, { valid: true }> => result.valid)
      .map((result) => result.selector),
  );
  fc.assert(
    fc.property(inventoryInput, anySelector, fc.option(clauseInput, { nil: undefined }), (inventory, selector, scope) => {
      const matchIndex = new MatchIndex(inventory);
      assert.deepEqual(
        wecsMatchingSelector(selector, matchIndex),
        inventory.wecs.filter((w) => selector.matches(w.labels)).sort((a, b) => compareGoStrings(a.name, b.name)),
      );
      const expectedObjects = naive.sortObjects(
        naive
          .selectable(inventory)
          .filter((o) => selector.matches(o.labels))
          .filter((o) => naive.clauseMatches({ apiGroup: scope?.apiGroup, resources: scope?.resources, namespaces: scope?.namespaces }, o, inventory)),
      );
      const actual = objectsMatchingSelector(selector, matchIndex, scope && { apiGroup: scope.apiGroup, resources: scope.resources, namespaces: scope.namespaces });
      assert.deepEqual(actual, expectedObjects);
      assert.deepEqual(
        namespacesMatchingSelector(selector, matchIndex),
        inventory.objects
          .filter((o) => o.group === '' && o.resource === 'namespaces' && selector.matches(o.labels))
          .sort((a, b) => compareGoStrings(a.name, b.name)),
      );
    }),
    { numRuns: 400, seed: 7 },
  );
});
