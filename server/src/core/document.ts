/**
 * The parsed form of one file, computed once per document version.
 *
 * A file may hold any number of YAML documents. We split the text at document markers (`---` or
 * `...` at the start of a line, which YAML forbids inside any scalar) and parse each piece on its
 * own. Every piece keeps its own text, and results derived from a piece (its diagnostics, for
 * instance) are cached by that text: after an edit, only the pieces whose text changed are parsed
 * and validated again, which keeps a 500-policy file responsive on every keystroke. When the changed
 * piece differs from the piece at its place in the previous version only inside one plain word, its
 * parse is made from the previous parse instead (incrementalParse.ts).
 *
 * Offsets inside a `YamlDocument` are relative to the start of its piece (`offset`); callers add
 * `offset` to get file offsets.
 */
import { Document, isMap, isScalar, parseAllDocuments, type ParseOptions, type DocumentOptions, type SchemaOptions } from 'yaml';
import { patchDocument } from './incrementalParse';
import { lineStartOf } from './text';
import type { OffsetRange } from './types';
import { isSameKey } from './yamlAst';

/** The kinds of document the language service works on; everything else is left alone. */
export type DocumentKind = 'BindingPolicy' | 'Binding' | 'other';

export const KUBESTELLAR_API_VERSION = 'control.kubestellar.io/v1alpha1';
export const KUBESTELLAR_GROUP = 'control.kubestellar.io';

/**
 * Pieces larger than this are not parsed: the `yaml` package needs roughly a second and a few
 * hundred MB per 10 MB, and no real BindingPolicy is anywhere near this size.
 */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;

/** Aliases expanded when converting to plain data; more than this is treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 200;

/**
 * How every document piece is parsed (tests parse with these too, to compare). With `isSameKey`
 * (yamlAst.ts) the parser reports repeated keys as the plain data sees them, which is how
 * validation.ts knows, without walking the tree, that a document repeats a key.
 */
export const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  prettyErrors: false,
  uniqueKeys: isSameKey,
  // toJS() would otherwise print warnings (a map used as a key) to stderr.
  logLevel: 'error',
};

export interface YamlDocument {
  /** Position of this document in the file, from 0. */
  readonly index: number;
  /** File offset where this piece starts. */
  readonly offset: number;
  /** The piece's text (file text from `offset` to the next piece). */
  readonly text: string;
  readonly kind: DocumentKind;
  /** The parsed document, absent for pieces we do not parse (too large, or not ours). */
  readonly ast?: Document.Parsed;
  /** The document as plain data; `undefined` when it could not be converted. */
  readonly value: unknown;
  /** Why `value` is missing although `ast` exists (e.g. an alias bomb). */
  readonly conversionError?: string;
  /** Set when the piece was too large to parse. */
  readonly tooLarge?: boolean;
}

export interface ParsedFile {
  readonly uri: string;
  readonly version: number;
  readonly text: string;
  readonly documents: readonly YamlDocument[];
}

/** Splits `text` into pieces at YAML document markers and returns their start offsets. */
export function splitDocuments(text: string): number[] {
  const starts = [0];
  // A marker is `---` or `...` at the start of a line, followed by white space or the line end.
  const marker = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  for (let match = marker.exec(text); match; match = marker.exec(text)) {
    if (match.index === 0) continue;
    if (match[0] === '...') {
      // `...` ends a document; the next piece starts after that line.
      const lineEnd = text.indexOf('\n', match.index);
      if (lineEnd >= 0 && lineEnd + 1 < text.length) starts.push(lineEnd + 1);
      continue;
    }
    starts.push(directiveStart(text, match.index));
  }
  return [...new Set(starts)].sort((a, b) => a - b);
}

/** Directives (`%YAML`, `%TAG`) right before a `---` belong to the document that follows it. */
function directiveStart(text: string, markerOffset: number): number {
  let start = markerOffset;
  for (;;) {
    if (start === 0) return start;
    const previousLineStart = lineStartOf(text, start - 1);
    if (previousLineStart === start || text[previousLineStart] !== '%') return start;
    start = previousLineStart;
  }
}

/**
 * Decides cheaply whether a piece can be a KubeStellar document before paying for a full parse.
 * Mixed files (Deployments next to a policy) are normal, and huge files of other objects should
 * cost next to nothing.
 */
function mayBeKubeStellar(text: string): boolean {
  return text.includes('Binding');
}

export function parseFile(uri: string, version: number, text: string, previous?: ParsedFile): ParsedFile {
  const reusable = new Map<string, YamlDocument>();
  for (const doc of previous?.documents ?? []) reusable.set(doc.text, doc);
  const starts = splitDocuments(text);
  const documents: YamlDocument[] = [];
  for (let i = 0; i < starts.length; i++) {
    const offset = starts[i];
    const pieceText = text.slice(offset, i + 1 < starts.length ? starts[i + 1] : text.length);
    const cached = reusable.get(pieceText);
    // After a keystroke, the piece that changed is usually the one at the same place as before.
    const before = !cached && previous?.documents.length === starts.length ? previous.documents[i] : undefined;
    documents.push(cached ? { ...cached, index: i, offset } : (before && patchedPiece(before, pieceText, i, offset)) || parsePiece(pieceText, i, offset));
  }
  return { uri, version, text, documents };
}

/** The piece made from the previous version's parse when the edit allows it (see incrementalParse.ts). */
function patchedPiece(before: YamlDocument, text: string, index: number, offset: number): YamlDocument | undefined {
  if (!before.ast || before.conversionError !== undefined || !mayBeKubeStellar(text) || isTooLarge(text)) return undefined;
  try {
    const ast = patchDocument(before.text, before.ast, text);
    return ast && fromAst(ast, text, index, offset);
  } catch {
    // A shortcut must never cost the parse: whatever went wrong, the parser does it properly.
    return undefined;
  }
}

/** Over `MAX_DOCUMENT_BYTES` in UTF-8; counted only when it could be (at most 3 bytes per UTF-16 unit). */
function isTooLarge(text: string): boolean {
  return text.length * 3 > MAX_DOCUMENT_BYTES && Buffer.byteLength(text, 'utf8') > MAX_DOCUMENT_BYTES;
}

function parsePiece(text: string, index: number, offset: number): YamlDocument {
  if (!mayBeKubeStellar(text)) return { index, offset, text, kind: 'other', value: undefined };
  if (isTooLarge(text)) {
    return { index, offset, text, kind: 'other', value: undefined, tooLarge: true };
  }
  const docs = parseAllDocuments(text, PARSE_OPTIONS);
  // parseAllDocuments returns an EmptyStream for a piece with only comments.
  const ast = Array.isArray(docs) ? docs.find((d) => d.contents !== null) ?? docs[0] : undefined;
  if (!ast) return { index, offset, text, kind: 'other', value: undefined };
  return fromAst(ast, text, index, offset);
}

function fromAst(ast: Document.Parsed, text: string, index: number, offset: number): YamlDocument {
  const kind = classify(ast);
  if (kind === 'other') return { index, offset, text, kind, value: undefined };
  let value: unknown;
  let conversionError: string | undefined;
  try {
    value = ast.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    conversionError = error instanceof Error ? error.message : String(error);
  }
  return { index, offset, text, kind, ast, value, conversionError };
}

/**
 * Reads `apiVersion` and `kind` straight from the AST, so even a document with errors is
 * recognised. A `kind: BindingPolicy` whose `apiVersion` is missing or still being typed counts too:
 * that is a policy being written, and it deserves completion and a message about its apiVersion.
 */
function classify(ast: Document.Parsed): DocumentKind {
  const root = ast.contents;
  if (!isMap(root)) return 'other';
  const kindNode = root.get('kind', true);
  if (!isScalar(kindNode)) return 'other';
  const kind = String(kindNode.value);
  if (kind !== 'BindingPolicy' && kind !== 'Binding') return 'other';
  const apiVersionNode = root.get('apiVersion', true);
  const apiVersion = isScalar(apiVersionNode) && apiVersionNode.value !== null ? String(apiVersionNode.value) : '';
  const ours = apiVersion.split('/')[0] === KUBESTELLAR_GROUP || KUBESTELLAR_API_VERSION.startsWith(apiVersion);
  return ours ? kind : 'other';
}

/** The piece that holds a file offset (the last one starting at or before it). */
export function documentAt(file: ParsedFile, offset: number): YamlDocument | undefined {
  let found: YamlDocument | undefined;
  for (const doc of file.documents) {
    if (doc.offset <= offset) found = doc;
    else break;
  }
  return found;
}

/** Shifts a piece-relative range to file offsets. */
export function toFileRange(doc: YamlDocument, range: OffsetRange): OffsetRange {
  return { start: range.start + doc.offset, end: range.end + doc.offset };
}
