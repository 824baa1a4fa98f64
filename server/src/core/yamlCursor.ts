/**
 * Where a cursor is in a YAML document that is being typed, reconstructed from the text.
 *
 * Completion runs on exactly the documents that do not parse the way the user means yet: a key with
 * no value, `- ` with nothing after it, a half-typed key on its own line. The `yaml` package does
 * recover from these, but into other shapes: a half-typed key indented under `apiGroup: apps`
 * becomes part of the scalar `apps reso`, and `- mat` is a string item rather than the first key
 * of a selector. So completion reads the structure the way a person does: from the indentation and
 * the `key:` and `- ` markers of the lines above the cursor, plus the flow collection (`{...}`,
 * `[...]`) the cursor's own line may open. Only the lines between the cursor and its top-level key
 * are read, and the indentation test skips deeper lines without tokenising them, so the cost does
 * not grow with the file.
 */
import { lineStartOf } from './text';
import type { OffsetRange } from './types';
import type { PathSegment } from './yamlAst';

/**
 * - `key`: a key of the map at `path` is being typed.
 * - `value`: the scalar at `path` is being typed (the last segment is its key or its index).
 * - `item`: the sequence item at `path` is being typed; it is a scalar or the first key of a map,
 *   which only the schema can tell.
 */
export type CursorPosition = 'key' | 'value' | 'item';

export interface YamlCursor {
  readonly position: CursorPosition;
  readonly path: readonly PathSegment[];
  /** Range of the word under the cursor (its quotes included), which a completion replaces. */
  readonly word: OffsetRange;
  /** What was typed of the word before the cursor, without its opening quote. */
  readonly typed: string;
  readonly quote?: '"' | "'";
  /** Inside a flow collection, where only single-line text may be inserted. */
  readonly inFlow: boolean;
  /** A `:` already follows the word, so completing a key must not add another. */
  readonly colonFollows: boolean;
  /** The value follows its `:` with no space, so inserted text must start with one. */
  readonly needsSpace: boolean;
  /** Column of the word and indentation of its line, for text inserted over several lines. */
  readonly column: number;
  readonly lineIndent: number;
}

/** A structural marker of a line: `- ` (no `key`) or `key:` with the text after its colon. */
interface LineToken {
  readonly column: number;
  readonly key?: string;
  readonly value?: string;
}

/** A key at the start of `text`: plain, single- or double-quoted, followed by `:` and a blank or the end. */
const KEY_PATTERN = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s"'#{}[\],&*!|>%@`][^#]*?))[ \t]*:(?=[ \t]|$)/;

function isBlank(char: string | undefined): boolean {
  return char === ' ' || char === '\t';
}

function skipBlanks(line: string, from: number, limit = line.length): number {
  let i = from;
  while (i < limit && isBlank(line[i])) i++;
  return i;
}

function matchKey(text: string): { name: string; length: number } | undefined {
  const match = KEY_PATTERN.exec(text);
  if (!match) return undefined;
  const name = match[1] !== undefined ? unescapeDouble(match[1]) : match[2] !== undefined ? match[2].replace(/''/g, "'") : match[3].trimEnd();
  return { name, length: match[0].length };
}

function unescapeDouble(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body;
  }
}

/**
 * The markers of a whole line, outermost first: any number of `- `, then at most one `key:`.
 * Blank lines, comment lines and lines of bare text give none.
 */
function lineTokens(line: string): LineToken[] {
  const tokens: LineToken[] = [];
  let i = skipBlanks(line, 0);
  for (;;) {
    if (line[i] === '-' && (i + 1 === line.length || isBlank(line[i + 1]))) {
      tokens.push({ column: i });
      i = skipBlanks(line, i + 1);
      continue;
    }
    const key = line[i] === '#' ? undefined : matchKey(line.slice(i));
    if (key) tokens.push({ column: i, key: key.name, value: line.slice(i + key.length).trim() });
    return tokens;
  }
}

/** The cursor's place inside a flow collection that starts on its line. */
interface FlowPlace {
  readonly position: CursorPosition;
  /** Segments from the collection's own path to the cursor's `path`. */
  readonly segments: PathSegment[];
  readonly wordStart: number;
}

interface FlowFrame {
  readonly kind: 'map' | 'seq';
  index: number;
  afterColon: boolean;
  key?: string;
}

/**
 * Scans `line` from the flow collection opening at `start` up to the cursor column, keeping a stack
 * of the open collections, and says whether the cursor is on a key, a value or an item, and of what.
 */
function flowPlace(line: string, start: number, cursor: number): FlowPlace | undefined {
  const frames: FlowFrame[] = [];
  let lastScalar: string | undefined;
  let wordStart = -1;
  let i = start;
  while (i < cursor) {
    const char = line[i];
    const top = frames[frames.length - 1];
    if (char === '{' || char === '[') {
      frames.push({ kind: char === '{' ? 'map' : 'seq', index: 0, afterColon: false });
      lastScalar = undefined;
      i++;
    } else if (char === '}' || char === ']') {
      frames.pop();
      // The collection closed before the cursor: the cursor is after it, not in it.
      if (frames.length === 0) return undefined;
      i++;
    } else if (char === ',') {
      top.index++;
      top.afterColon = false;
      top.key = undefined;
      lastScalar = undefined;
      i++;
    } else if (char === ':' && top.kind === 'map' && !top.afterColon) {
      top.afterColon = true;
      top.key = lastScalar ?? '';
      i++;
    } else if (isBlank(char)) {
      i++;
    } else if (char === '#' && isBlank(line[i - 1])) {
      return undefined;
    } else if (char === '"' || char === "'") {
      const close = closingQuote(line, i);
      if (close < 0 || close >= cursor) {
        wordStart = i;
        break;
      }
      lastScalar = unquote(line.slice(i, close + 1));
      i = close + 1;
    } else {
      const end = flowPlainEnd(line, i);
      if (end >= cursor) {
        wordStart = i;
        break;
      }
      lastScalar = line.slice(i, end).trim();
      i = end;
    }
  }
  if (frames.length === 0) return undefined;
  const segments: PathSegment[] = [];
  for (const frame of frames.slice(0, -1)) {
    if (frame.kind === 'seq') segments.push(frame.index);
    else if (frame.afterColon && frame.key !== undefined) segments.push(frame.key);
    else return undefined;
  }
  const top = frames[frames.length - 1];
  const wordAt = wordStart >= 0 ? wordStart : cursor;
  if (top.kind === 'seq') return { position: 'item', segments: [...segments, top.index], wordStart: wordAt };
  if (top.afterColon) return { position: 'value', segments: [...segments, top.key ?? ''], wordStart: wordAt };
  return { position: 'key', segments, wordStart: wordAt };
}

/** Where a plain scalar inside a flow collection ends: at a flow indicator, `: ` or a comment. */
function flowPlainEnd(line: string, from: number): number {
  let i = from;
  while (i < line.length) {
    const char = line[i];
    if (char === ',' || char === '[' || char === ']' || char === '{' || char === '}') break;
    if (char === ':' && (i + 1 === line.length || /[\s,[\]{}]/.test(line[i + 1]))) break;
    if (char === '#' && isBlank(line[i - 1])) break;
    i++;
  }
  return i;
}

/** Index of the quote closing the quoted scalar that opens at `open`, or -1 when it is unclosed. */
function closingQuote(line: string, open: number): number {
  const quote = line[open];
  for (let i = open + 1; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') i++;
    else if (line[i] === quote) {
      if (quote === "'" && line[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}

function unquote(quoted: string): string {
  return quoted.startsWith('"') ? unescapeDouble(quoted.slice(1, -1)) : quoted.slice(1, -1).replace(/''/g, "'");
}

/** Where the word starting at `start` ends, the cursor being at `cursor` inside or after it. */
function wordEnd(line: string, start: number, cursor: number, inFlow: boolean, isKey: boolean): number {
  if (line[start] === '"' || line[start] === "'") {
    const close = closingQuote(line, start);
    return close >= cursor ? close + 1 : line.length;
  }
  let end = cursor;
  while (end < line.length) {
    const char = line[end];
    if (char === '#' && isBlank(line[end - 1])) break;
    if (char === ':' && (isKey || inFlow) && (end + 1 === line.length || /[\s,[\]{}]/.test(line[end + 1]))) break;
    if (inFlow && /[,[\]{}]/.test(char)) break;
    end++;
  }
  while (end > cursor && isBlank(line[end - 1])) end--;
  return end;
}

/**
 * The cursor's place in the document `text` at `offset` (both relative to one YAML document), or
 * undefined where nothing can be completed: in a comment, a block scalar, after a closed flow
 * collection, on an anchor, tag or alias.
 */
export function yamlCursor(text: string, offset: number): YamlCursor | undefined {
  const lineStart = lineStartOf(text, offset);
  const newline = text.indexOf('\n', offset);
  const line = text.slice(lineStart, newline < 0 ? text.length : newline).replace(/\r$/, '');
  const cursor = Math.min(offset - lineStart, line.length);
  const lineIndent = skipBlanks(line, 0);
  // In the indentation of a line that has content, whatever is inserted would re-indent that content.
  if (cursor < lineIndent && lineIndent < line.length) return undefined;

  // Markers of the cursor's own line that end before the cursor.
  const ownTokens: LineToken[] = [];
  let i = Math.min(lineIndent, cursor);
  let afterKey = false;
  while (i < cursor) {
    if (line[i] === '-' && i + 1 < cursor && isBlank(line[i + 1])) {
      ownTokens.push({ column: i });
      i = skipBlanks(line, i + 1, cursor);
      continue;
    }
    const key = line[i] === '#' ? undefined : matchKey(line.slice(i));
    // A key whose colon is at or after the cursor is the word being typed, not a marker.
    if (key && i + key.length <= cursor) {
      ownTokens.push({ column: i, key: key.name });
      i = skipBlanks(line, i + key.length, cursor);
      afterKey = true;
    }
    break;
  }
  if (line[i] === '#' && i < cursor) return undefined;

  const first = line[i];
  let position: CursorPosition = afterKey ? 'value' : ownTokens.length > 0 ? 'item' : 'key';
  let wordStart = i;
  let inFlow = false;
  const flowSegments: PathSegment[] = [];
  if (i < cursor && (first === '{' || first === '[')) {
    const place = flowPlace(line, i, cursor);
    if (!place) return undefined;
    inFlow = true;
    position = place.position;
    wordStart = place.wordStart;
    flowSegments.push(...place.segments);
  } else if (i < cursor && afterKey && /[|>&!*]/.test(first)) {
    return undefined;
  } else if (/[ \t]#/.test(line.slice(i, cursor))) {
    return undefined;
  }

  const ancestors = ancestorSegments(text, lineStart, ownTokens, wordStart);
  if (!ancestors) return undefined;
  const quote = line[wordStart] === '"' || line[wordStart] === "'" ? (line[wordStart] as '"' | "'") : undefined;
  const end = wordEnd(line, wordStart, cursor, inFlow, position === 'key' || position === 'item');
  const afterWord = line.slice(skipBlanks(line, end));
  return {
    position,
    path: [...ancestors, ...flowSegments],
    word: { start: lineStart + wordStart, end: lineStart + end },
    typed: line.slice(quote ? wordStart + 1 : wordStart, cursor),
    quote,
    inFlow,
    colonFollows: position !== 'value' && afterWord.startsWith(':'),
    needsSpace: afterKey && !inFlow && wordStart === cursor && line[cursor - 1] === ':',
    column: wordStart,
    lineIndent,
  };
}

/**
 * The path to the innermost marker of the cursor's line (or, when the line has none, to the map in
 * which a key at `wordColumn` would sit), found by walking up the lines: a marker at a smaller
 * column is the parent, a `- ` at the same column is an earlier item of the same sequence, and a
 * `key:` at the column of a `- ` owns that sequence (the usual `key:\n- item` layout).
 */
function ancestorSegments(text: string, lineStart: number, ownTokens: readonly LineToken[], wordColumn: number): PathSegment[] | undefined {
  // The chain from the cursor outwards; each entry's index counts earlier items of its sequence.
  const chain: { token: LineToken; index: number }[] = [];
  // Markers of one line nest, so each is the first item of its sequence when it has a parent there.
  for (let k = ownTokens.length - 1; k >= 1; k--) chain.push({ token: ownTokens[k], index: 0 });
  // With no marker on the cursor's line, the walk starts from the key being typed, which is not
  // itself part of the path.
  const typedKey: LineToken = { column: wordColumn, key: '' };
  let current: LineToken = ownTokens[0] ?? typedKey;
  let index = 0;

  let end = lineStart - 1;
  while (end >= 0 && !(current.key !== undefined && current.column === 0)) {
    const start = lineStartOf(text, end);
    const line = text.slice(start, end).replace(/\r$/, '');
    end = start - 1;
    const indent = skipBlanks(line, 0);
    if (indent === line.length || line[indent] === '#' || indent > current.column) continue;
    const tokens = lineTokens(line);
    let parent = -1;
    for (let k = tokens.length - 1; k >= 0 && parent < 0; k--) {
      const token = tokens[k];
      if (token.column > current.column) continue;
      if (token.column < current.column) parent = k;
      else if (current.key === undefined) {
        if (token.key === undefined) index++;
        else parent = k;
      } else if (token.key === undefined) {
        // A `- ` under a map key of the same column is an item of a sibling key's sequence.
        break;
      }
    }
    if (parent < 0) continue;
    const found = tokens[parent];
    // Below a `key: |` or `key: >` header everything is the text of a block scalar.
    if (found.key !== undefined && /^[|>]/.test(found.value ?? '')) return undefined;
    if (current !== typedKey) chain.push({ token: current, index });
    for (let k = parent; k >= 1; k--) chain.push({ token: tokens[k], index: 0 });
    current = tokens[0];
    index = 0;
  }
  if (current !== typedKey) chain.push({ token: current, index });
  return chain.reverse().map(({ token, index: itemIndex }) => (token.key === undefined ? itemIndex : token.key));
}
