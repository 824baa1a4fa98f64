import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { readManifests } from '../../server/src/core/manifests';
import { BUILTIN_RESOURCE_TYPES, parseApiVersion, ResourceCatalog } from '../../server/src/core/resources';
import type { ResourceType } from '../../server/src/core/types';

const repoRoot = path.resolve(__dirname, '../../..');
const sharedDir = process.env.KS_SHARED_DIR ?? path.resolve(repoRoot, '../shared');

const catalog = new ResourceCatalog([]);
const names = (types: readonly ResourceType[]): string[] => types.map((t) => `${t.group}/${t.resource}`);

describe('parseApiVersion', () => {
  it('splits group and version, the core group being ""', () => {
    assert.deepEqual(parseApiVersion('apps/v1'), { group: 'apps', version: 'v1' });
    assert.deepEqual(parseApiVersion('v1'), { group: '', version: 'v1' });
    assert.deepEqual(parseApiVersion('control.kubestellar.io/v1alpha1'), { group: 'control.kubestellar.io', version: 'v1alpha1' });
  });

  it('is total on malformed input, yielding a version that names nothing', () => {
    assert.deepEqual(parseApiVersion('apps/v1/x'), { group: 'apps', version: 'v1/x' });
    assert.deepEqual(parseApiVersion(''), { group: '', version: '' });
  });
});

describe('BUILTIN_RESOURCE_TYPES', () => {
  it('has one row per group/resource and per group/kind', () => {
    const resources = BUILTIN_RESOURCE_TYPES.map((t) => `${t.group}/${t.resource}`);
    const kinds = BUILTIN_RESOURCE_TYPES.map((t) => `${t.group}/${t.kind}`);
    assert.equal(new Set(resources).size, resources.length);
    assert.equal(new Set(kinds).size, kinds.length);
  });

  it('spells resources and short names in lowercase and kinds in PascalCase', () => {
    for (const type of BUILTIN_RESOURCE_TYPES) {
      assert.match(type.resource, /^[a-z]+$/, type.resource);
      assert.match(type.kind, /^[A-Z][A-Za-z]+$/, type.kind);
      for (const short of type.shortNames ?? []) assert.match(short, /^[a-z]+$/, short);
    }
  });

  it('covers every API group the brief lists', () => {
    const groups = new Set(BUILTIN_RESOURCE_TYPES.map((t) => t.group));
    for (const group of [
      '', 'apps', 'batch', 'autoscaling', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io',
      'storage.k8s.io', 'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'scheduling.k8s.io',
      'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'flowcontrol.apiserver.k8s.io',
      'apiregistration.k8s.io', 'certificates.k8s.io', 'node.k8s.io', 'control.kubestellar.io',
      'cluster.open-cluster-management.io', 'work.open-cluster-management.io',
    ]) {
      assert.ok(groups.has(group), `group "${group}" missing`);
    }
  });

  it('agrees with the KubeStellar and OCM CRDs in the shared folder (scope, kind, short names)', () => {
    const crdFiles = ['control.kubestellar.io-crds.yaml', 'cluster.open-cluster-management.io_managedclusters.crd.yaml'];
    const fromCrds = crdFiles.flatMap((file) => {
      const text = fs.readFileSync(path.join(sharedDir, 'kubestellar', file), 'utf8');
      const read = readManifests(text, `file:///${file}`, catalog);
      assert.deepEqual(read.problems, []);
      return read.resourceTypes;
    });
    assert.equal(fromCrds.length, 6);
    for (const crdType of fromCrds) {
      const builtin = BUILTIN_RESOURCE_TYPES.find((t) => t.group === crdType.group && t.resource === crdType.resource);
      assert.deepEqual(builtin, crdType);
    }
  });
});

describe('ResourceCatalog lookups', () => {
  it('maps a group and kind to its resource', () => {
    assert.equal(catalog.byKind('apps', 'Deployment')?.resource, 'deployments');
    assert.equal(catalog.byKind('', 'Namespace')?.namespaced, false);
    assert.equal(catalog.byKind('control.kubestellar.io', 'BindingPolicy')?.resource, 'bindingpolicies');
    assert.equal(catalog.byKind('apps', 'deployment'), undefined, 'kinds are case-sensitive');
    assert.equal(catalog.byKind('', 'Deployment'), undefined, 'Deployment is not in the core group');
  });

  it('answers a lookup without a group only when it is unambiguous', () => {
    assert.equal(catalog.byKind(undefined, 'Deployment')?.group, 'apps');
    assert.equal(catalog.byKind(undefined, 'Event'), undefined);
    assert.equal(catalog.byResource(undefined, 'ingresses')?.group, 'networking.k8s.io');
    assert.equal(catalog.byResource(undefined, 'events'), undefined);
  });

  it('maps a group and resource back to its type', () => {
    assert.equal(catalog.byResource('rbac.authorization.k8s.io', 'clusterroles')?.kind, 'ClusterRole');
    assert.equal(catalog.byResource('', 'clusterroles'), undefined);
  });

  it('lets extra types win over the built-in table and adds new groups', () => {
    const widget: ResourceType = { group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true };
    const newerDeployments: ResourceType = { group: 'apps', version: 'v2', resource: 'deployments', kind: 'Deployment', namespaced: true };
    const extended = new ResourceCatalog([widget, newerDeployments]);
    assert.equal(extended.byKind('example.com', 'Widget'), widget);
    assert.equal(extended.byResource('apps', 'deployments')?.version, 'v2');
    assert.equal(extended.all().filter((t) => t.resource === 'deployments').length, 1);
    assert.ok(extended.groups().includes('example.com'));
    assert.ok(!catalog.groups().includes('example.com'));
    assert.equal(catalog.withTypes([widget]).byKind('example.com', 'Widget'), widget);
  });

  it('lists groups sorted with the core group first', () => {
    const groups = catalog.groups();
    assert.equal(groups[0], '');
    assert.deepEqual(groups, [...groups].sort());
  });
});

describe('ResourceCatalog.suggestPlural', () => {
  it('turns a kind, singular, short name or wrongly cased plural into the plural', () => {
    for (const entry of ['Deployment', 'deployment', 'deploy', 'Deployments', 'DEPLOYMENTS', ' deployments ']) {
      assert.deepEqual(names(catalog.suggestPlural(entry)), ['apps/deployments'], entry);
    }
    assert.deepEqual(names(catalog.suggestPlural('NetworkPolicys')), ['networking.k8s.io/networkpolicies']);
    assert.deepEqual(names(catalog.suggestPlural('ingress')), ['networking.k8s.io/ingresses']);
    assert.deepEqual(names(catalog.suggestPlural('BindingPolicy')), ['control.kubestellar.io/bindingpolicies']);
  });

  it("understands kubectl's resource.group notation", () => {
    assert.deepEqual(names(catalog.suggestPlural('deployments.apps')), ['apps/deployments']);
    assert.deepEqual(names(catalog.suggestPlural('deployment.apps', 'apps')), ['apps/deployments']);
    assert.deepEqual(names(catalog.suggestPlural('deployments.apps', '')), []);
  });

  it('suggests nothing for a valid plural or for nonsense', () => {
    assert.deepEqual(catalog.suggestPlural('deployments'), []);
    assert.deepEqual(catalog.suggestPlural('configmaps', ''), []);
    assert.deepEqual(catalog.suggestPlural('frobnicators'), []);
    assert.deepEqual(catalog.suggestPlural(''), []);
  });

  it("keeps to the clause's apiGroup when one is given", () => {
    assert.deepEqual(names(catalog.suggestPlural('Deployment', '')), []);
    assert.deepEqual(names(catalog.suggestPlural('Deployment', 'apps')), ['apps/deployments']);
    assert.deepEqual(names(catalog.suggestPlural('Event', '')), ['/events']);
    assert.deepEqual(names(catalog.suggestPlural('sc', 'storage.k8s.io')), ['storage.k8s.io/storageclasses']);
  });

  it('offers every candidate of an ambiguous entry', () => {
    assert.deepEqual(names(catalog.suggestPlural('sc')), ['storage.k8s.io/storageclasses', 'control.kubestellar.io/statuscollectors']);
    assert.deepEqual(names(catalog.suggestPlural('Event')), ['/events', 'events.k8s.io/events']);
  });

  it('knows the short names of types from CRDs', () => {
    const withCrd = new ResourceCatalog([
      { group: 'ops.example.com', version: 'v1', resource: 'backupschedules', kind: 'BackupSchedule', namespaced: true, shortNames: ['bks'] },
    ]);
    assert.deepEqual(names(withCrd.suggestPlural('bks')), ['ops.example.com/backupschedules']);
    assert.deepEqual(names(catalog.suggestPlural('bks')), []);
  });
});
