/**
 * What each BindingPolicy of a file binds, as plain data: the CLI's `explain`, the editor's
 * "Show matches for this policy" tree and the hover totals all read it. Every decision comes from
 * the matcher; this file only arranges its answers.
 */
import type { ParsedFile } from './document';
import type { FeatureContext } from './languageService';
import {
  labelSelectorAsSelector,
  resolvePolicy,
  wecsMatchingSelector,
  type Modulation,
} from './matcher';
import { policyModel, type SelectorEntry } from './policy';
import { describeClause } from './symbols';
import type { ObjectRef, OffsetRange, WorkloadObject } from './types';

export interface SelectorExplanation {
  readonly index: number;
  /** Canonical string form (`kubectl get ... -l '<selector>'`); `""` matches everything. */
  readonly selector: string;
  readonly valid: boolean;
  readonly error?: string;
  /** Cluster selectors only: the WECs this selector matches on its own. */
  readonly wecs?: readonly string[];
}

export interface ClauseExplanation {
  readonly index: number;
  /** What the clause tests, in words (`apps deployments in web`), for trees and lists. */
  readonly summary: string;
  /** File range of the clause. */
  readonly range: OffsetRange;
  readonly objects: readonly ObjectRef[];
  readonly objectSelectors: readonly SelectorExplanation[];
  readonly namespaceSelectors: readonly SelectorExplanation[];
}

export interface ObjectExplanation extends ObjectRef, Modulation {}

export interface PolicyExplanation {
  readonly name: string;
  /** File range of the policy's name (or first line), for navigation. */
  readonly range: OffsetRange;
  readonly wecs: readonly string[];
  readonly clusterSelectors: readonly SelectorExplanation[];
  readonly clauses: readonly ClauseExplanation[];
  readonly objects: readonly ObjectExplanation[];
  /** Why the controller would not resolve the policy (then `wecs` and `objects` are empty). */
  readonly errors: readonly string[];
}

export function objectRef(object: WorkloadObject): ObjectRef {
  return { group: object.group, version: object.version, resource: object.resource, namespace: object.namespace, name: object.name };
}

function explainSelector(entry: SelectorEntry, ctx: FeatureContext): SelectorExplanation {
  const result = labelSelectorAsSelector(entry.input);
  if (!result.valid) return { index: entry.index, selector: '', valid: false, error: result.error };
  const base = { index: entry.index, selector: result.selector.toString(), valid: true };
  if (entry.list !== 'clusterSelectors') return base;
  return { ...base, wecs: wecsMatchingSelector(result.selector, ctx.index).map((wec) => wec.name) };
}

export function explainFile(file: ParsedFile, ctx: FeatureContext): PolicyExplanation[] {
  const explanations: PolicyExplanation[] = [];
  for (const doc of file.documents) {
    const model = policyModel(doc);
    if (!model) continue;
    const resolution = resolvePolicy(model.spec, ctx.index);
    explanations.push({
      name: model.name ?? `(unnamed policy, document ${doc.index + 1})`,
      range: { start: model.nameRange.start + doc.offset, end: model.nameRange.end + doc.offset },
      wecs: resolution.wecs.map((wec) => wec.name),
      clusterSelectors: model.clusterSelectors.map((entry) => explainSelector(entry, ctx)),
      clauses: model.clauses.map((clause) => ({
        index: clause.index,
        summary: describeClause(clause.input),
        range: { start: clause.range.start + doc.offset, end: clause.range.end + doc.offset },
        // Empty when the policy cannot be resolved: the controller then re-evaluates no object either.
        objects: (resolution.clauses[clause.index]?.objects ?? []).map(objectRef),
        objectSelectors: clause.objectSelectors.map((entry) => explainSelector(entry, ctx)),
        namespaceSelectors: clause.namespaceSelectors.map((entry) => explainSelector(entry, ctx)),
      })),
      objects: resolution.objects.map(({ object, modulation }) => ({ ...objectRef(object), ...modulation })),
      errors: resolution.errors,
    });
  }
  return explanations;
}
