/**
 * Small helpers over the `yaml` package's AST: finding nodes by path, their exact ranges, and the
 * path under a cursor. Ranges are relative to the piece the AST was parsed from (see document.ts).
 */
import { isMap, isNode, isPair, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { OffsetRange } from './types';

export type PathSegment = string | number;
export type YamlPath = readonly PathSegment[];

/**
 * A map key as the document's plain data has it: a scalar's value as text (`1` and `"1"` are both
 * the key "1", as in the JSON that Kubernetes reads); undefined for any other node.
 */
export function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

/**
 * Whether two keys of one map are the same key, by `keyText`. Stricter than `yaml`'s own test (the
 * same value): document.ts gives it to the parser, which then reports every such repetition as a
 * `DUPLICATE_KEY` error, and validation.ts searches only the documents with one.
 */
export function isSameKey(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const text = keyText(a);
  return text !== undefined && text === keyText(b);
}

/**
 * The entry of `map` with the given key. When a key is repeated (an error reported on its own),
 * the last entry is the one whose value the document's plain data holds, so paths lead there.
 */
function entryOf(map: YAMLMap, key: PathSegment): Pair | undefined {
  for (let i = map.items.length - 1; i >= 0; i--) {
    const item = map.items[i];
    if (keyText(item.key) === String(key)) return item as Pair;
  }
  return undefined;
}

/** The node at `path`, or undefined. `path` uses map keys (strings) and sequence indexes. */
export function nodeAt(ast: Document.Parsed, path: YamlPath): Node | undefined {
  let current: unknown = ast.contents;
  for (const segment of path) {
    if (isMap(current)) current = entryOf(current, segment)?.value;
    else if (isSeq(current) && typeof segment === 'number') current = current.get(segment, true);
    else return undefined;
  }
  return isNode(current) ? current : undefined;
}

/** The map entry whose key is the last segment of `path`. */
export function pairAt(ast: Document.Parsed, path: YamlPath): Pair | undefined {
  if (path.length === 0) return undefined;
  const parent = nodeAt(ast, path.slice(0, -1));
  return isMap(parent) ? entryOf(parent, path[path.length - 1]) : undefined;
}

/** A node's range without trailing comments and line breaks. */
export function nodeRange(node: Node | null | undefined): OffsetRange | undefined {
  if (!node?.range) return undefined;
  return { start: node.range[0], end: node.range[1] };
}

/**
 * The best range to underline for a problem at `path`: the key of a map entry (for "unknown field"
 * or "belongs elsewhere") when `preferKey`, otherwise the value; for a sequence item, the item.
 * Falls back to the nearest existing ancestor so a diagnostic is never lost.
 */
export function rangeForPath(ast: Document.Parsed, path: YamlPath, preferKey = false): OffsetRange {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const last = prefix[prefix.length - 1];
    if (typeof last === 'string') {
      const pair = pairAt(ast, prefix);
      if (pair) {
        const key = nodeRange(pair.key as Node);
        const value = nodeRange(pair.value as Node);
        // An entry with an empty value (`matchLabels:`) has no value range: underline its key.
        if (preferKey || !value || value.start === value.end) return key ?? value ?? rootRange(ast);
        return value;
      }
    }
    const node = nodeAt(ast, prefix);
    const range = nodeRange(node);
    if (range && depth > 0) return range;
  }
  return rootRange(ast);
}

/** The range of the key of the entry at `path` (or the node itself for a sequence item). */
export function keyRangeForPath(ast: Document.Parsed, path: YamlPath): OffsetRange {
  return rangeForPath(ast, path, true);
}

function rootRange(ast: Document.Parsed): OffsetRange {
  // Underline the first line of the document rather than the whole of it.
  const range = nodeRange(ast.contents as Node) ?? { start: 0, end: 0 };
  return { start: range.start, end: Math.min(range.end, range.start + 1) };
}

/** One step from the root to the innermost node containing an offset. */
export interface PathStep {
  readonly segment: PathSegment;
  readonly node: Node | null;
  /** For map entries: the pair, so callers can tell key from value. */
  readonly pair?: Pair;
}

export interface CursorLocation {
  /** Path of the innermost node containing the offset. */
  readonly path: PathSegment[];
  readonly steps: readonly PathStep[];
  /** The innermost node, if the offset is inside one. */
  readonly node?: Node;
  /** True when the offset is on a map key (rather than its value). */
  readonly onKey: boolean;
  /** The innermost map containing the offset. */
  readonly map?: YAMLMap;
}

/** Finds the path under an offset in a well-formed region of the document. */
export function locate(ast: Document.Parsed, offset: number): CursorLocation {
  const path: PathSegment[] = [];
  const steps: PathStep[] = [];
  let current: unknown = ast.contents;
  let onKey = false;
  let map: YAMLMap | undefined;
  for (;;) {
    if (isMap(current)) {
      map = current;
      const pair = current.items.find((item) => containsOffset(item, offset));
      if (!pair) break;
      const keyNode = pair.key as Node | null;
      const segment = isScalar(keyNode) ? String(keyNode.value) : '';
      path.push(segment);
      const keyRange = nodeRange(keyNode);
      if (keyRange && offset >= keyRange.start && offset <= keyRange.end) {
        steps.push({ segment, node: keyNode, pair });
        onKey = true;
        current = keyNode;
        break;
      }
      steps.push({ segment, node: (pair.value as Node) ?? null, pair });
      current = pair.value;
    } else if (isSeq(current)) {
      const index = current.items.findIndex((item) => isNode(item) && inside(nodeRange(item), offset));
      if (index < 0) break;
      path.push(index);
      const node = current.items[index] as Node;
      steps.push({ segment: index, node });
      current = node;
    } else {
      break;
    }
  }
  return { path, steps, node: isNode(current) ? current : undefined, onKey, map };
}

function containsOffset(pair: unknown, offset: number): boolean {
  if (!isPair(pair)) return false;
  const start = nodeRange(pair.key as Node)?.start;
  const valueRange = nodeRange(pair.value as Node);
  const end = valueRange?.end ?? nodeRange(pair.key as Node)?.end;
  return start !== undefined && end !== undefined && offset >= start && offset <= end;
}

function inside(range: OffsetRange | undefined, offset: number): boolean {
  return !!range && offset >= range.start && offset <= range.end;
}

/** Turns a path into the dotted form users read in messages: `spec.downsync[0].resources`. */
export function formatPath(path: YamlPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}
