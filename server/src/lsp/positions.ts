/**
 * Conversions between the core's character offsets and LSP positions, done only here, at the edge.
 *
 * `TextDocument` counts in UTF-16 code units, exactly like JavaScript string offsets and like the
 * LSP default position encoding, so an offset from the core maps to a position without surprises
 * even on lines with emoji or CJK text.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range, TextEdit } from 'vscode-languageserver';
import type { OffsetEdit, OffsetRange } from '../core/types';

export function toRange(document: TextDocument, range: OffsetRange): Range {
  return { start: document.positionAt(range.start), end: document.positionAt(range.end) };
}

export function toOffsetRange(document: TextDocument, range: Range): OffsetRange {
  const start = document.offsetAt(range.start);
  const end = document.offsetAt(range.end);
  return start <= end ? { start, end } : { start: end, end: start };
}

export function toTextEdit(document: TextDocument, edit: OffsetEdit): TextEdit {
  return { range: toRange(document, edit.range), newText: edit.newText };
}
