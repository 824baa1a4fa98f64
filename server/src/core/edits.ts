/**
 * Minimal text edits on YAML source that keep comments and layout.
 *
 * Quick fixes never re-serialise a document (that would reformat it and may drop comments): they
 * remove, replace or insert exact spans of the original text. These helpers know YAML's block and
 * flow layouts well enough to leave a valid document behind; every fix is re-parsed and re-checked
 * in the tests.
 */
import { isMap, isScalar, isSeq, Scalar, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { lineStartOf } from './text';
import type { OffsetEdit } from './types';


/** The offset just past the end of the line holding `offset` (after its line break). */
function nextLineStart(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end < 0 ? text.length : end + 1;
}

function onlyBlanksBetween(text: string, from: number, to: number): boolean {
  return /^[ \t]*$/.test(text.slice(from, to));
}

/**
 * End of a node's content, without a trailing comment or line break. A block collection's range
 * ends after its last line break, at the start of the next line; stepping back over that white
 * space keeps whole-line edits from reaching into the line after the node.
 */
function contentEnd(text: string, node: Node | null | undefined, fallback: number): number {
  if (!node?.range) return fallback;
  let end = node.range[1];
  while (end > node.range[0] && /\s/.test(text[end - 1])) end--;
  return end;
}

function pairStart(pair: Pair): number {
  return (pair.key as Node).range![0];
}

function pairEnd(text: string, pair: Pair): number {
  const keyEnd = (pair.key as Node).range![1];
  return contentEnd(text, pair.value as Node, keyEnd);
}

/**
 * Removes one entry from a map. In block style the whole lines of the entry go (its trailing
 * comment with it); when the entry shares its line with a sequence dash (`- key: v`), the next
 * entry moves up to take its place.
 */
export function removePair(text: string, map: YAMLMap, pair: Pair): OffsetEdit | undefined {
  const index = map.items.indexOf(pair);
  if (index < 0 || !(pair.key as Node)?.range) return undefined;
  const start = pairStart(pair);
  const end = pairEnd(text, pair);
  if (map.flow) return removeFlowItem(map.items.map((p) => [pairStart(p), pairEnd(text, p)]), index);
  const from = lineStartOf(text, start);
  if (onlyBlanksBetween(text, from, start)) {
    return { range: { start: from, end: nextLineStart(text, end) }, newText: '' };
  }
  const next = map.items[index + 1];
  if (next) return { range: { start, end: pairStart(next) }, newText: '' };
  return undefined;
}

/** Removes one item of a sequence, in block (`- x` lines) or flow (`[a, x]`) style. */
export function removeSeqItem(text: string, seq: YAMLSeq, index: number): OffsetEdit | undefined {
  const item = seq.items[index] as Node | undefined;
  if (!item?.range) return undefined;
  if (seq.flow) return removeFlowItem(seq.items.map((n) => [(n as Node).range![0], (n as Node).range![1]]), index);
  const dash = text.lastIndexOf('-', item.range[0]);
  const from = lineStartOf(text, dash);
  if (!onlyBlanksBetween(text, from, dash)) return undefined;
  return { range: { start: from, end: nextLineStart(text, item.range[1]) }, newText: '' };
}

/** Removes the item at `index` of a flow collection together with one adjacent comma. */
function removeFlowItem(spans: [number, number][], index: number): OffsetEdit {
  const [start, end] = spans[index];
  if (spans.length === 1) return { range: { start, end }, newText: '' };
  if (index + 1 < spans.length) return { range: { start, end: spans[index + 1][0] }, newText: '' };
  return { range: { start: spans[index - 1][1], end }, newText: '' };
}

/** Replaces a scalar's text, keeping its quoting style where it has one. */
export function replaceScalar(node: Node, value: string): OffsetEdit | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  const [start, end] = node.range;
  return { range: { start, end }, newText: renderScalar(value, node.type) };
}

/** Renders a string as a YAML scalar in the given style, quoting when plain style would change it. */
export function renderScalar(value: string, style?: Scalar.Type): string {
  if (style === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (style === Scalar.QUOTE_DOUBLE || !isSafePlain(value)) return JSON.stringify(value);
  return value;
}

function isSafePlain(value: string): boolean {
  return /^[A-Za-z0-9][-A-Za-z0-9_./]*$/.test(value) && !/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(value) && !/^[0-9.+-]/.test(value);
}

/** Replaces a whole `key: value` entry (key to end of value) with new text on the same place. */
export function replacePair(text: string, pair: Pair, newText: string): OffsetEdit {
  return { range: { start: pairStart(pair), end: pairEnd(text, pair) }, newText };
}

/** Renames the key of an entry, leaving its value untouched. */
export function renameKey(pair: Pair, newKey: string): OffsetEdit | undefined {
  const key = pair.key as Node;
  if (!key?.range) return undefined;
  return { range: { start: key.range[0], end: key.range[1] }, newText: newKey };
}

/**
 * Appends `key: valueText` as the last entry of a block map, on its own line at the map's
 * indentation. Returns undefined for flow maps and empty maps, where no certain layout exists.
 */
export function appendPair(text: string, map: YAMLMap, key: string, valueText: string): OffsetEdit | undefined {
  if (map.flow || map.items.length === 0) return undefined;
  const first = map.items[0];
  const firstStart = pairStart(first);
  const column = firstStart - lineStartOf(text, firstStart);
  const last = map.items[map.items.length - 1];
  const end = pairEnd(text, last);
  const insertAt = nextLineStart(text, end);
  const lineBreak = insertAt === text.length && !text.endsWith('\n') ? '\n' : '';
  return { range: { start: insertAt, end: insertAt }, newText: `${lineBreak}${' '.repeat(column)}${key}: ${valueText}\n` };
}

/** The source text of an entry's value, for moving it elsewhere unchanged (single-line values only). */
export function singleLineValueText(text: string, pair: Pair): string | undefined {
  const value = pair.value as Node | null;
  if (!value?.range) return undefined;
  const source = text.slice(value.range[0], value.range[1]);
  if (source.includes('\n')) return undefined;
  if (isMap(value) || isSeq(value)) return value.flow ? source : undefined;
  return source;
}
