/**
 * API discovery of a WDS: which resource types it serves, and which of them are worth watching.
 */
import type { V1APIResource } from '@kubernetes/client-node';
import { isExcludedResource } from '../core/matcher';
import type { ResourceType } from '../core/types';
import { RequestFailure, type ContextApi } from './api';

/**
 * Types the KubeStellar binding controller never selects, whatever a policy says, are never watched
 * for workload objects; that keeps busy resources such as events out of the cache. The matcher owns
 * the table (MATCHING.md section 2); this only decides what to fetch.
 */
export function isNeverSelected(type: Pick<ResourceType, 'group' | 'resource'>): boolean {
  return isExcludedResource(type.group, type.resource);
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
