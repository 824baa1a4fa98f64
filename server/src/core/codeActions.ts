/**
 * Quick fixes. Validation attaches the fixes it can compute to each finding (it knows the mistake
 * best); this file turns them into the plain `QuickFix` data the server offers, and combines every
 * certain fix of a file into one non-overlapping set of edits for "fix all".
 */
import type { ParsedFile } from './document';
import type { FeatureContext } from './languageService';
import type { CoreDiagnostic, OffsetEdit, OffsetRange, QuickFix } from './types';
import type { Finding } from './validation';

/** Moves a piece-relative finding, and the edits of its fixes, to file offsets. */
export function shiftFinding(finding: Finding, offset: number): Finding {
  const shift = (range: OffsetRange): OffsetRange => ({ start: range.start + offset, end: range.end + offset });
  return {
    ...finding,
    range: shift(finding.range),
    ...(finding.fixes
      ? { fixes: finding.fixes.map((f) => ({ ...f, edits: f.edits.map((edit) => ({ range: shift(edit.range), newText: edit.newText })) })) }
      : {}),
  };
}

/** The diagnostic without the attached fixes, as clients receive it. */
export function toDiagnostic(finding: Finding): CoreDiagnostic {
  const { fixes: _fixes, ...diagnostic } = finding;
  return diagnostic;
}

function overlaps(a: OffsetRange, b: OffsetRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Fixes for the findings that overlap `range` (the editor's selection or cursor). */
export function quickFixes(_file: ParsedFile, findings: readonly Finding[], range: OffsetRange, _ctx: FeatureContext): QuickFix[] {
  const result: QuickFix[] = [];
  for (const finding of findings) {
    if (!finding.fixes || !overlaps(finding.range, range)) continue;
    const diagnostic = toDiagnostic(finding);
    for (const f of finding.fixes) result.push({ title: f.title, diagnostic, edits: f.edits, isPreferred: f.preferred });
  }
  return result;
}

/**
 * Every preferred fix of the file, skipping any whose edits would overlap an edit already taken
 * (those are fixed by running "fix all" again, after the file was re-checked).
 */
export function fixAllEdits(_file: ParsedFile, findings: readonly Finding[], _ctx: FeatureContext): OffsetEdit[] {
  const taken: OffsetEdit[] = [];
  for (const finding of findings) {
    const preferred = finding.fixes?.find((f) => f.preferred);
    if (!preferred) continue;
    const clashes = preferred.edits.some((edit) => taken.some((other) => edit.range.start < other.range.end && other.range.start < edit.range.end
      || (edit.range.start === other.range.start && edit.range.end === other.range.end)));
    if (!clashes) taken.push(...preferred.edits);
  }
  return taken.sort((a, b) => a.range.start - b.range.start);
}

/** Applies non-overlapping edits to a text (used by the CLI's --fix and by tests). */
export function applyEdits(text: string, edits: readonly OffsetEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.range.start - a.range.start)) {
    result = result.slice(0, edit.range.start) + edit.newText + result.slice(edit.range.end);
  }
  return result;
}
