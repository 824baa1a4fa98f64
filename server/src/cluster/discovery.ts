/**
 * API discovery of a WDS: which resource types it serves, and which of them are worth watching.
 */
import type { V1APIResource } from '@kubernetes/client-node';
import type { ResourceType } from '../core/types';
import { RequestFailure, type ContextApi } from './api';

/**
 * API groups and group/resource pairs the KubeStellar binding controller never selects, whatever a
 * policy says (MATCHING.md section 2). They are never watched for workload objects, which keeps
 * busy resources such as events out of the cache. (This only decides what to fetch; whether a
 * clause matches is the matcher's business.)
 */
const NEVER_SELECTED_GROUPS: ReadonlySet<string> = new Set([
  'flowcontrol.apiserver.k8s.io',
  'discovery.k8s.io',
  'apiregistration.k8s.io',
  'coordination.k8s.io',
  'control.kubestellar.io',
]);

const NEVER_SELECTED_RESOURCES: ReadonlySet<string> = new Set([
  '/events',
  'events.k8s.io/events',
  '/nodes',
  '/endpoints',
  'storage.k8s.io/csistoragecapacities',
  'storage.k8s.io/csinodes',
  'control.kubestellar.io/workstatuses',
]);

export function isNeverSelected(type: Pick<ResourceType, 'group' | 'resource'>): boolean {
  return NEVER_SELECTED_GROUPS.has(type.group) || NEVER_SELECTED_RESOURCES.has(`${type.group}/${type.resource}`);
}

/** A discovered resource type, and whether it can be listed and watched. */
export interface DiscoveredType extends ResourceType {
  readonly watchable: boolean;
}

export interface DiscoveryResult {
  /** The preferred version of every top-level resource (subresources such as `pods/log` left out). */
  readonly types: readonly DiscoveredType[];
  /** Group versions that could not be read (an aggregated API server that is down, say). */
  readonly failures: readonly RequestFailure[];
}

function toTypes(group: string, version: string, resources: readonly V1APIResource[]): DiscoveredType[] {
  return resources
    .filter((resource) => !resource.name.includes('/'))
    .map((resource) => ({
      group,
      version,
      resource: resource.name,
      kind: resource.kind,
      namespaced: resource.namespaced,
      ...(resource.shortNames?.length ? { shortNames: resource.shortNames } : {}),
      watchable: resource.verbs.includes('list') && resource.verbs.includes('watch'),
    }));
}

/**
 * Reads /api/v1, /apis and the preferred version of every group. Fails as a whole only when the
 * core or the group list cannot be read; a group version that fails is reported and skipped, as
 * kubectl does.
 */
export async function discover(api: ContextApi): Promise<DiscoveryResult> {
  const [core, groupList] = await Promise.all([api.coreResources(), api.groups()]);
  const types = toTypes('', 'v1', core.resources);
  const failures: RequestFailure[] = [];
  const perGroup = await Promise.all(
    groupList.groups.map(async (group) => {
      const version = group.preferredVersion?.version ?? group.versions[0]?.version;
      if (!version) return [];
      try {
        return toTypes(group.name, version, (await api.groupVersionResources(group.name, version)).resources);
      } catch (err) {
        failures.push(err instanceof RequestFailure ? err : new RequestFailure(String(err), 'other'));
        return [];
      }
    }),
  );
  for (const groupTypes of perGroup) types.push(...groupTypes);
  return { types, failures };
}
