/**
 * The parse of a YAML document after the most common keystroke, without running the parser.
 *
 * Typing in a policy mostly means typing or deleting characters inside a plain scalar: a name, a
 * label key or value, a resource, a namespace. Such an edit cannot change the document's structure,
 * only that scalar's value and the offsets of everything after it. So instead of parsing the text
 * again, `patchDocument` copies the previous parse with the offsets moved and the scalar's new
 * value, which takes a fraction of a parse (a parse is most of the cost of a keystroke in a small
 * file).
 *
 * It does so only when the result is certainly what `yaml` would produce for the new text, and
 * returns undefined otherwise (the caller then parses):
 * - the previous parse had no errors or warnings, and uses no YAML 1.1 compatibility tags;
 * - the texts differ in one region of at most 64 characters, strictly inside one plain, untagged,
 *   unanchored, single-line scalar whose value is a string equal to its source text;
 * - the scalar's new text is one plain word (letters, digits, `.`, `_`, `/`, `-`, starting with a
 *   letter or digit), which `yaml` reads as one plain scalar in any context, no tag of the
 *   document's schema would resolve as anything but a string (`true`, `12`, `null`...), and, for
 *   a key, no other key of its map is the same key (`isSameKey` in yamlAst.ts: the parser would
 *   report a duplicate).
 * The test in test/unit/incrementalParse.test.ts compares the result with a full parse, node by
 * node, over thousands of random edits.
 */
import { Document, isMap, isPair, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { keyText } from './yamlAst';

/** Longer edits (a paste) are rare and cheap enough to parse. */
const MAX_EDIT_CHARS = 64;
/** A plain scalar that YAML reads as one scalar in block and flow context, as a key or a value. */
const PLAIN_WORD = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
/** YAML limits implicit keys to 1024 characters; longer scalars are left to the parser. */
const MAX_SCALAR_CHARS = 1000;

type Range = [number, number, number];

/** The parse of `newText`, made from `oldAst` (the parse of `oldText`), or undefined when that is not certain. */
export function patchDocument(oldText: string, oldAst: Document.Parsed, newText: string): Document.Parsed | undefined {
  if (oldAst.errors.length > 0 || oldAst.warnings.length > 0 || oldAst.schema.compat) return undefined;
  const shortest = Math.min(oldText.length, newText.length);
  let start = 0;
  while (start < shortest && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < shortest - start && oldText.charCodeAt(oldText.length - 1 - tail) === newText.charCodeAt(newText.length - 1 - tail)) tail++;
  const oldEnd = oldText.length - tail;
  const delta = newText.length - oldText.length;
  if (oldEnd - start > MAX_EDIT_CHARS || oldEnd - start + delta > MAX_EDIT_CHARS) return undefined;

  const found = scalarAround(oldAst.contents, start, oldEnd, undefined);
  if (!found) return undefined;
  const { scalar, keyOf } = found;
  const [from, to] = scalar.range!;
  if (scalar.type !== Scalar.PLAIN || scalar.tag !== undefined || scalar.anchor !== undefined || typeof scalar.value !== 'string') return undefined;
  if (oldText.slice(from, to) !== scalar.value) return undefined;
  const value = newText.slice(from, to + delta);
  if (value.length > MAX_SCALAR_CHARS || !PLAIN_WORD.test(value)) return undefined;
  if (oldAst.schema.tags.some((tag) => 'test' in tag && tag.test?.test(value))) return undefined;
  if (keyOf && keyOf.items.some((pair) => pair.key !== scalar && keyText(pair.key) === value)) return undefined;

  const contents = copyNode(oldAst.contents, { movedFrom: oldEnd, delta, scalar, value });
  if (contents === undefined) return undefined;
  // Document.clone() would copy the whole tree the slow way; copy the document without it, then
  // give the copy the moved tree.
  const oldContents = oldAst.contents;
  oldAst.contents = null;
  let copy: Document.Parsed;
  try {
    copy = oldAst.clone() as Document.Parsed;
  } finally {
    oldAst.contents = oldContents;
  }
  copy.contents = contents as Document.Parsed['contents'];
  copy.range = moved(oldAst.range, oldEnd, delta)!;
  return copy;
}

/**
 * The scalar whose text strictly contains the edited region `[start, end)` (it starts before it),
 * with the map it is a key of; undefined when there is none or the tree holds an alias.
 */
function scalarAround(node: unknown, start: number, end: number, keyOf: YAMLMap | undefined): { scalar: Scalar; keyOf?: YAMLMap } | undefined {
  if (isScalar(node)) {
    const range = node.range;
    return range && range[0] < start && end <= range[1] ? { scalar: node, keyOf } : undefined;
  }
  if (isMap(node) || isSeq(node)) {
    const range = node.range;
    if (!range || start < range[0] || end > range[2]) return undefined;
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        const inKey = scalarAround(item.key, start, end, isMap(node) ? node : undefined);
        if (inKey) return inKey;
        const inValue = scalarAround(item.value, start, end, undefined);
        if (inValue) return inValue;
      } else {
        const inItem = scalarAround(item, start, end, undefined);
        if (inItem) return inItem;
      }
    }
  }
  return undefined;
}

interface Move {
  /** Offsets at or after this one move by `delta`. */
  readonly movedFrom: number;
  readonly delta: number;
  /** The edited scalar and its new value. */
  readonly scalar: Scalar;
  readonly value: string;
}

function moved(range: Range | null | undefined, from: number, delta: number): Range | undefined {
  if (!range) return undefined;
  return [range[0] >= from ? range[0] + delta : range[0], range[1] >= from ? range[1] + delta : range[1], range[2] >= from ? range[2] + delta : range[2]];
}

/**
 * A copy of a node with its offsets moved: a new object of the same class with the same own
 * properties (the class constructors set yaml's hidden node type), collections with copied items.
 * Undefined for anything this does not know how to copy exactly (an alias, a tagged collection).
 */
function copyNode(node: unknown, move: Move): unknown {
  if (node === null || node === undefined) return node;
  if (isScalar(node)) {
    const copy = Object.assign(new Scalar(node.value), node);
    copy.range = moved(node.range, move.movedFrom, move.delta);
    if (node === move.scalar) {
      copy.value = move.value;
      copy.source = move.value;
    }
    return copy;
  }
  if (isMap(node) || isSeq(node)) {
    if (node.tag !== undefined || (Object.getPrototypeOf(node) !== YAMLMap.prototype && Object.getPrototypeOf(node) !== YAMLSeq.prototype)) return undefined;
    const items: unknown[] = [];
    for (const item of node.items as unknown[]) {
      const copied = isPair(item) ? copyPair(item, move) : copyNode(item, move);
      if (copied === undefined) return undefined;
      items.push(copied);
    }
    const copy = Object.assign(isMap(node) ? new YAMLMap(node.schema) : new YAMLSeq(node.schema), node);
    copy.items = items as typeof copy.items;
    copy.range = moved(node.range, move.movedFrom, move.delta);
    return copy;
  }
  // Aliases (and anything else) are not copied: the caller parses instead.
  return undefined;
}

function copyPair(pair: Pair, move: Move): Pair | undefined {
  const key = copyNode(pair.key, move);
  const value = copyNode(pair.value, move);
  if (key === undefined || value === undefined) return undefined;
  const copy: Pair<unknown, unknown> = Object.assign(new Pair<unknown, unknown>(null), pair);
  copy.key = key;
  copy.value = value;
  return copy as Pair;
}
