/**
 * Inlay hints: after each cluster selector "→ 3 WECs", after each downsync clause "→ 12 objects",
 * so the effect of an edit is visible while typing. Counts come from the matcher.
 */
import type { ParsedFile, YamlDocument } from './document';
import type { FeatureContext } from './languageService';
import { countOf, objectName, plainNameList } from './markdown';
import { labelSelectorAsSelector, objectsMatchingClause, wecsMatchingSelector } from './matcher';
import { policyModel } from './policy';
import type { OffsetRange } from './types';

export interface InlayHint {
  /** File offset where the hint is shown: the end of the first line of the selector or clause. */
  offset: number;
  label: string;
  tooltip?: string;
  kind: 'wecs' | 'objects';
}

export function inlayHints(file: ParsedFile, range: OffsetRange, ctx: FeatureContext): InlayHint[] {
  if (!ctx.settings.inlayHints) return [];
  const hints: InlayHint[] = [];
  const { inventory } = ctx;
  const limit = ctx.settings.hoverListLimit;
  for (const doc of file.documents) {
    if (doc.offset > range.end) break;
    if (doc.offset + doc.text.length < range.start) continue;
    const model = policyModel(doc);
    if (!model) continue;
    const inRange = (offset: number): boolean => offset >= range.start && offset <= range.end;

    for (const selector of model.clusterSelectors) {
      const offset = lineEnd(doc, selector.range.start);
      if (!inRange(offset)) continue;
      const result = labelSelectorAsSelector(selector.input);
      if (!result.valid) {
        hints.push({ offset, label: '→ invalid', tooltip: `${result.error}\nThe controller cannot resolve this policy: no WEC is bound.`, kind: 'wecs' });
        continue;
      }
      // Without a single WEC known, "0 WECs" would read as a finding about the selector.
      if (inventory.wecs.length === 0) continue;
      const names = wecsMatchingSelector(result.selector, ctx.index).map((wec) => wec.name);
      hints.push({ offset, label: `→ ${countOf(names.length, 'WEC')}`, tooltip: matchedTooltip(names, 'WEC', limit), kind: 'wecs' });
    }

    if (inventory.objects.length === 0) continue;
    for (const clause of model.clauses) {
      const offset = lineEnd(doc, clause.range.start);
      if (!inRange(offset)) continue;
      const names = objectsMatchingClause(clause.input, ctx.index).map(objectName);
      hints.push({ offset, label: `→ ${countOf(names.length, 'object')}`, tooltip: matchedTooltip(names, 'object', limit), kind: 'objects' });
    }
  }
  return hints;
}

function matchedTooltip(names: readonly string[], noun: string, limit: number): string {
  return names.length === 0 ? `No ${noun} matches.` : plainNameList(names, limit);
}

/** File offset of the end of the line holding the piece-relative `offset`, before any `\r`. */
function lineEnd(doc: YamlDocument, offset: number): number {
  let end = doc.text.indexOf('\n', offset);
  if (end < 0) end = doc.text.length;
  if (doc.text[end - 1] === '\r') end--;
  return doc.offset + end;
}
