/**
 * Test helper: a small estate (WECs, Namespaces, workload objects of several groups) and the feature
 * context the language service would build for it, for the completion, hover, inlay hint and
 * symbol tests.
 */
import { parseFile, type ParsedFile } from '../../server/src/core/document';
import type { FeatureContext } from '../../server/src/core/languageService';
import { MatchIndex } from '../../server/src/core/matcher';
import { ResourceCatalog } from '../../server/src/core/resources';
import { DEFAULT_CORE_SETTINGS, EMPTY_INVENTORY, type CoreSettings, type Inventory, type WorkloadObject } from '../../server/src/core/types';

function object(group: string, resource: string, kind: string, namespace: string, name: string, labels: Record<string, string> = {}): WorkloadObject {
  return { group, version: group === 'apps' || group === '' || group === 'batch' ? 'v1' : 'v1alpha1', resource, kind, namespace, name, labels };
}

export const ESTATE: Inventory = {
  origin: 'test estate',
  generation: 1,
  resourceTypes: [],
  wecs: [
    { name: 'edge-eu-1', labels: { 'location-group': 'edge', region: 'eu-west', env: 'prod' } },
    { name: 'edge-us-1', labels: { 'location-group': 'edge', region: 'us-east', env: 'staging' } },
    { name: 'cloud-eu-1', labels: { 'location-group': 'cloud', region: 'eu-west', env: 'prod' } },
    { name: 'cloud-ap-1', labels: { 'location-group': 'cloud', region: 'ap-south' } },
  ],
  objects: [
    object('', 'namespaces', 'Namespace', '', 'web', { env: 'prod', team: 'web' }),
    object('', 'namespaces', 'Namespace', '', 'batch', { env: 'staging' }),
    object('apps', 'deployments', 'Deployment', 'web', 'frontend', { app: 'frontend', tier: 'web' }),
    object('apps', 'deployments', 'Deployment', 'web', 'backend', { app: 'backend', tier: 'api' }),
    object('', 'services', 'Service', 'web', 'frontend', { app: 'frontend' }),
    object('', 'configmaps', 'ConfigMap', 'batch', 'settings', { app: 'jobs' }),
    object('batch', 'jobs', 'Job', 'batch', 'nightly', { app: 'jobs' }),
    object('control.kubestellar.io', 'statuscollectors', 'StatusCollector', '', 'count-ready'),
    object('control.kubestellar.io', 'statuscollectors', 'StatusCollector', '', 'sum-replicas'),
  ],
};

export function contextFor(inventory: Inventory = ESTATE, settings: Partial<CoreSettings> = {}): FeatureContext {
  return {
    inventory,
    index: new MatchIndex(inventory),
    catalog: new ResourceCatalog(inventory.resourceTypes),
    settings: { ...DEFAULT_CORE_SETTINGS, ...settings },
  };
}

export const EMPTY_CONTEXT = (): FeatureContext => contextFor(EMPTY_INVENTORY);

export const POLICY_HEAD = 'apiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\n';

let version = 0;
export function parsed(text: string): ParsedFile {
  return parseFile('file:///test/policy.yaml', ++version, text);
}
