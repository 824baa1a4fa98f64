/**
 * API discovery of a WDS: which resource types it serves, and which of them are worth watching.
 */
import type { V1APIGroup, V1APIResource } from '@kubernetes/client-node';
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
  /**
   * Every top-level resource (subresources such as `pods/log` left out), at the most preferred
   * version of its group that serves it.
   */
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

/** A group's versions, the preferred one first, then the others in the server's order of priority. */
function versionsByPreference(group: V1APIGroup): string[] {
  const preferred = group.preferredVersion?.version;
  const listed = group.versions.map((entry) => entry.version);
  return preferred ? [preferred, ...listed.filter((version) => version !== preferred)] : listed;
}

/**
 * Reads /api/v1, /apis and every version of every group, keeping each resource at the most
 * preferred version that serves it, as kubectl does (client-go's `ServerPreferredResources`).
 * Reading the preferred version alone would miss resources served only at an older or newer
 * version of their group, such as a CRD at v1alpha1 beside another CRD of the same group at v1.
 * Fails as a whole only when the core or the group list cannot be read; a group version that
 * fails is reported and skipped, as kubectl does.
 */
export async function discover(api: ContextApi): Promise<DiscoveryResult> {
  const [core, groupList] = await Promise.all([api.coreResources(), api.groups()]);
  const types = toTypes('', 'v1', core.resources);
  const failures: RequestFailure[] = [];
  const perGroup = await Promise.all(
    groupList.groups.map(async (group) => {
      const perVersion = await Promise.all(
        versionsByPreference(group).map(async (version) => {
          try {
            return toTypes(group.name, version, (await api.groupVersionResources(group.name, version)).resources);
          } catch (err) {
            failures.push(err instanceof RequestFailure ? err : new RequestFailure(String(err), 'other'));
            return [];
          }
        }),
      );
      const byResource = new Map<string, DiscoveredType>();
      for (const type of perVersion.flat()) if (!byResource.has(type.resource)) byResource.set(type.resource, type);
      return [...byResource.values()];
    }),
  );
  for (const groupTypes of perGroup) types.push(...groupTypes);
  return { types, failures };
}
