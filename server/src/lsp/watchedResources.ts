/**
 * Which resource types the open policies can select, so that the cluster source watches only those
 * instead of every type of the WDS. This is a superset filter for watching, not matching: the
 * matcher still decides which objects a clause selects.
 */
import type { ResourceRef } from '../cluster';
import type { ParsedFile } from '../core/document';
import { policyModel } from '../core/policy';

/** `group: '*'` stands for a clause without `apiGroup`, `resource: '*'` for any resource. */
export function resourcesSelectedBy(files: Iterable<ParsedFile>): ResourceRef[] {
  const refs = new Map<string, ResourceRef>();
  for (const file of files) {
    for (const doc of file.documents) {
      const model = policyModel(doc);
      if (!model) continue;
      for (const clause of model.clauses) {
        const group = clause.input.apiGroup ?? '*';
        const resources = clause.input.resources ?? [];
        const names = resources.length === 0 || resources.includes('*') ? ['*'] : resources;
        for (const resource of names) refs.set(`${group}\n${resource}`, { group, resource });
      }
    }
  }
  return [...refs.values()].sort((a, b) => a.group.localeCompare(b.group) || a.resource.localeCompare(b.resource));
}
