/**
 * Builds the `kubestellar/explain` answer: the core's explanation of the policies of a file, with
 * LSP ranges, and with each WEC and object completed from the inventory (labels, kind, and where it
 * was read from) so the matches view can show and open them.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { documentAt, type ParsedFile } from '../core/document';
import type { PolicyExplanation } from '../core/languageService';
import type { Inventory, ObjectRef, WorkloadObject } from '../core/types';
import type { ExplainedObject, ExplainedPolicy, ExplainResult } from '../protocol';
import { toRange } from './positions';

/**
 * With an `offset`, only the policy of the YAML document holding it is kept (when that document
 * is a policy); otherwise every policy of the file.
 */
export function buildExplainResult(
  document: TextDocument,
  file: ParsedFile,
  explanations: readonly PolicyExplanation[],
  inventory: Inventory,
  offset: number | undefined,
): ExplainResult {
  let chosen = explanations;
  const holder = offset === undefined ? undefined : documentAt(file, offset);
  if (holder) {
    const end = holder.offset + holder.text.length;
    const inHolder = explanations.filter((policy) => policy.range.start >= holder.offset && policy.range.start < end);
    if (inHolder.length > 0) chosen = inHolder;
  }
  const wecs = new Map(inventory.wecs.map((wec) => [wec.name, wec]));
  const objects = new Map(inventory.objects.map((object) => [objectKey(object), object]));
  const explainObject = (ref: ObjectRef): ExplainedObject => {
    const known: WorkloadObject | undefined = objects.get(objectKey(ref));
    return { ...ref, ...(known ? { kind: known.kind, location: known.source } : {}) };
  };
  return {
    uri: document.uri,
    version: document.version,
    origin: inventory.origin,
    policies: chosen.map((policy): ExplainedPolicy => ({
      name: policy.name,
      range: toRange(document, policy.range),
      wecs: policy.wecs.map((name) => {
        const wec = wecs.get(name);
        return { name, labels: wec?.labels ?? {}, ...(wec?.source ? { location: wec.source } : {}) };
      }),
      clusterSelectors: policy.clusterSelectors,
      clauses: policy.clauses.map((clause) => ({
        ...clause,
        range: toRange(document, clause.range),
        objects: clause.objects.map(explainObject),
      })),
      errors: policy.errors,
    })),
  };
}

function objectKey(object: ObjectRef): string {
  return JSON.stringify([object.group, object.resource, object.namespace, object.name]);
}
