/**
 * TEST-ONLY content for the fake API server: the resource types an ITS and a KubeStellar WDS
 * serve, and builders for the objects the tests and the benchmark put in them.
 */
import type { FakeKubeApiServer, FakeObject, FakeResourceType } from './server';

export const MANAGED_CLUSTERS: FakeResourceType = {
  group: 'cluster.open-cluster-management.io',
  version: 'v1',
  resource: 'managedclusters',
  kind: 'ManagedCluster',
  namespaced: false,
  shortNames: ['mcl'],
  subresources: ['status'],
};

export const NAMESPACES: FakeResourceType = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'] };
export const CONFIGMAPS: FakeResourceType = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] };
export const DEPLOYMENTS: FakeResourceType = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  kind: 'Deployment',
  namespaced: true,
  shortNames: ['deploy'],
  subresources: ['scale', 'status'],
};
export const WIDGETS: FakeResourceType = { group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true };
export const BINDINGS: FakeResourceType = {
  group: 'control.kubestellar.io',
  version: 'v1alpha1',
  resource: 'bindings',
  kind: 'Binding',
  namespaced: false,
  shortNames: ['bdg'],
};
export const STATUS_COLLECTORS: FakeResourceType = {
  group: 'control.kubestellar.io',
  version: 'v1alpha1',
  resource: 'statuscollectors',
  kind: 'StatusCollector',
  namespaced: false,
};

/** Types the binding controller never selects: a client must never watch them for workloads. */
export const NEVER_SELECTED_TYPES: readonly FakeResourceType[] = [
  { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'] },
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true },
  { group: 'control.kubestellar.io', version: 'v1alpha1', resource: 'bindingpolicies', kind: 'BindingPolicy', namespaced: false, shortNames: ['bp'] },
];

/** A type that can be read but not listed or watched (like `bindings` of the core group). */
export const CREATE_ONLY: FakeResourceType = {
  group: '',
  version: 'v1',
  resource: 'bindings',
  kind: 'Binding',
  namespaced: true,
  verbs: ['create'],
};

export function addItsTypes(fake: FakeKubeApiServer): void {
  fake.addResourceType(NAMESPACES);
  fake.addResourceType(MANAGED_CLUSTERS);
}

export function addWdsTypes(fake: FakeKubeApiServer): void {
  for (const type of [NAMESPACES, CONFIGMAPS, DEPLOYMENTS, WIDGETS, BINDINGS, STATUS_COLLECTORS, CREATE_ONLY, ...NEVER_SELECTED_TYPES]) {
    fake.addResourceType(type);
  }
}

export function managedCluster(name: string, labels: Record<string, string>): FakeObject {
  return {
    metadata: { name, labels },
    spec: { hubAcceptsClient: true, leaseDurationSeconds: 60 },
    status: { conditions: [{ type: 'ManagedClusterConditionAvailable', status: 'True' }] },
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): FakeObject {
  return { metadata: { name, labels }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}

export function deployment(ns: string, name: string, labels: Record<string, string>): FakeObject {
  return {
    metadata: { name, namespace: ns, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'registry.example/app:1.0' }] } },
    },
    status: { replicas: 2, readyReplicas: 2 },
  };
}

export function configMap(ns: string, name: string, labels: Record<string, string>): FakeObject {
  return { metadata: { name, namespace: ns, labels }, data: { 'config.yaml': 'key: value\n' } };
}

export function widget(ns: string, name: string, labels: Record<string, string>): FakeObject {
  return { metadata: { name, namespace: ns, labels }, spec: { size: 3 } };
}

export function binding(name: string, destinations: readonly string[], objects: { clusterScope?: object[]; namespaceScope?: object[] }): FakeObject {
  return {
    metadata: { name },
    spec: { destinations: destinations.map((clusterId) => ({ clusterId })), workload: objects },
  };
}

export function statusCollector(name: string): FakeObject {
  return { metadata: { name }, spec: { select: [{ name: 'ready', def: 'status.readyReplicas' }], limit: 20 } };
}
