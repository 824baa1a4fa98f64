/**
 * The outline and folding ranges of a file: per BindingPolicy its cluster selectors and downsync
 * clauses, each named by what it says, so a policy with forty clauses can be navigated by content.
 */
import { isCollection, isScalar, isSeq, visit, type Node } from 'yaml';
import { toFileRange, type ParsedFile, type YamlDocument } from './document';
import { labelSelectorAsSelector, type DownsyncClauseInput, type LabelSelectorInput } from './matcher';
import { policyModel, type SelectorEntry } from './policy';
import type { OffsetRange } from './types';
import { nodeAt, nodeRange, pairAt } from './yamlAst';

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: 'policy' | 'binding' | 'clusterSelectors' | 'selector' | 'downsync' | 'clause';
  range: OffsetRange;
  selectionRange: OffsetRange;
  children: DocumentSymbol[];
}

/** File offsets; the server turns them into lines. */
export interface FoldingRange {
  start: number;
  end: number;
}

/** How many entries of a clause's list a name shows before `+N`. */
const LISTED_ENTRIES = 3;

/** A selector's name: its canonical string, `{}` for the empty selector (all), or why it is invalid. */
export function selectorName(input: LabelSelectorInput | null): { name: string; error?: string } {
  const result = labelSelectorAsSelector(input);
  if (!result.valid) return { name: 'invalid selector', error: result.error };
  const text = result.selector.toString();
  return { name: text === '' ? '{}' : text };
}

function listed(entries: readonly string[]): string {
  const shown = entries.slice(0, LISTED_ENTRIES).map((entry) => (entry === '' ? '""' : entry));
  return entries.length > LISTED_ENTRIES ? `${shown.join(',')},+${entries.length - LISTED_ENTRIES}` : shown.join(',');
}

/**
 * A clause in words, from its tests in the order a reader scans them: `apps deployments in web`,
 * `core configmaps named settings`, `labels app=web`. Absent and empty tests are left out, as
 * they test nothing.
 */
export function describeClause(clause: DownsyncClauseInput): string {
  const parts: string[] = [];
  if (clause.apiGroup !== undefined && clause.apiGroup !== null) parts.push(clause.apiGroup === '' ? 'core' : clause.apiGroup);
  if (clause.resources?.length) parts.push(listed(clause.resources));
  if (clause.namespaces?.length) parts.push(`in ${listed(clause.namespaces)}`);
  if (clause.objectNames?.length) parts.push(`named ${listed(clause.objectNames)}`);
  if (clause.objectSelectors?.length) {
    parts.push(`labels ${clause.objectSelectors.map((selector) => selectorName(selector).name).join(' or ')}`);
  }
  if (clause.namespaceSelectors?.length) {
    parts.push(`namespace labels ${clause.namespaceSelectors.map((selector) => selectorName(selector).name).join(' or ')}`);
  }
  return parts.length > 0 ? parts.join(' ') : '(no tests)';
}

export function documentSymbols(file: ParsedFile): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  for (const doc of file.documents) {
    if (!doc.ast || (doc.kind !== 'BindingPolicy' && doc.kind !== 'Binding')) continue;
    const symbol = doc.kind === 'BindingPolicy' ? policySymbol(doc) : bindingSymbol(doc);
    if (symbol) symbols.push(symbol);
  }
  return symbols;
}

function rootRange(doc: YamlDocument): OffsetRange | undefined {
  const range = nodeRange(doc.ast?.contents as Node | null);
  return range && { start: range.start, end: trimmedEnd(doc.text, range.start, range.end) };
}

function policySymbol(doc: YamlDocument): DocumentSymbol | undefined {
  const model = policyModel(doc);
  const range = rootRange(doc);
  if (!model || !range) return undefined;
  const children: DocumentSymbol[] = [];
  const ast = doc.ast!;
  const clusterSelectorsPair = pairAt(ast, ['spec', 'clusterSelectors']);
  if (clusterSelectorsPair && model.clusterSelectorsKeyRange) {
    children.push({
      name: 'clusterSelectors',
      detail: `${model.clusterSelectors.length} selector${model.clusterSelectors.length === 1 ? '' : 's'}`,
      kind: 'clusterSelectors',
      range: toFileRange(doc, pairRange(doc, clusterSelectorsPair.key as Node, clusterSelectorsPair.value as Node)),
      selectionRange: toFileRange(doc, model.clusterSelectorsKeyRange),
      children: model.clusterSelectors.map((entry) => selectorSymbol(doc, entry)),
    });
  }
  const downsyncPair = pairAt(ast, ['spec', 'downsync']);
  if (downsyncPair && model.downsyncKeyRange) {
    children.push({
      name: 'downsync',
      detail: `${model.clauses.length} clause${model.clauses.length === 1 ? '' : 's'}`,
      kind: 'downsync',
      range: toFileRange(doc, pairRange(doc, downsyncPair.key as Node, downsyncPair.value as Node)),
      selectionRange: toFileRange(doc, model.downsyncKeyRange),
      children: model.clauses.map((clause) => {
        const clauseRange = itemRange(doc, clause.range);
        return {
          name: describeClause(clause.input),
          detail: `clause ${clause.index + 1}`,
          kind: 'clause' as const,
          range: toFileRange(doc, clauseRange),
          selectionRange: toFileRange(doc, firstLine(doc, clauseRange)),
          children: [...clause.objectSelectors, ...clause.namespaceSelectors].map((entry) => selectorSymbol(doc, entry)),
        };
      }),
    });
  }
  return {
    name: model.name ?? '(unnamed)',
    detail: 'BindingPolicy',
    kind: 'policy',
    range: toFileRange(doc, range),
    selectionRange: toFileRange(doc, within(model.nameRange, range)),
    children,
  };
}

function selectorSymbol(doc: YamlDocument, entry: SelectorEntry): DocumentSymbol {
  const { name, error } = selectorName(entry.input);
  const range = itemRange(doc, entry.range);
  return {
    name,
    detail: error ?? `${entry.list} ${entry.index + 1}`,
    kind: 'selector',
    range: toFileRange(doc, range),
    selectionRange: toFileRange(doc, firstLine(doc, range)),
    children: [],
  };
}

function bindingSymbol(doc: YamlDocument): DocumentSymbol | undefined {
  const ast = doc.ast!;
  const range = rootRange(doc);
  if (!range) return undefined;
  const nameNode = nodeAt(ast, ['metadata', 'name']);
  const destinations = nodeAt(ast, ['spec', 'destinations']);
  const count = isSeq(destinations) ? destinations.items.length : 0;
  return {
    name: isScalar(nameNode) && nameNode.value !== null ? String(nameNode.value) : '(unnamed)',
    detail: `Binding, ${count} destination${count === 1 ? '' : 's'}`,
    kind: 'binding',
    range: toFileRange(doc, range),
    selectionRange: toFileRange(doc, within(nodeRange(nameNode) ?? firstLine(doc, range), range)),
    children: [],
  };
}

/** A collection's range ends after its last line break; a symbol or fold should end at the text. */
function trimmedEnd(text: string, start: number, end: number): number {
  let trimmed = end;
  while (trimmed > start && /\s/.test(text[trimmed - 1])) trimmed--;
  return trimmed;
}

function itemRange(doc: YamlDocument, range: OffsetRange): OffsetRange {
  return { start: range.start, end: trimmedEnd(doc.text, range.start, range.end) };
}

function pairRange(doc: YamlDocument, key: Node, value: Node | null): OffsetRange {
  const start = nodeRange(key)?.start ?? 0;
  const end = nodeRange(value)?.end ?? nodeRange(key)?.end ?? start;
  return { start, end: trimmedEnd(doc.text, start, end) };
}

function firstLine(doc: YamlDocument, range: OffsetRange): OffsetRange {
  const newline = doc.text.indexOf('\n', range.start);
  return { start: range.start, end: newline < 0 ? range.end : Math.min(range.end, newline) };
}

/** Clamps `inner` into `outer`: an editor rejects a symbol whose selection is outside its range. */
function within(inner: OffsetRange, outer: OffsetRange): OffsetRange {
  const start = Math.min(Math.max(inner.start, outer.start), outer.end);
  return { start, end: Math.min(Math.max(inner.end, start), outer.end) };
}

export function foldingRanges(file: ParsedFile): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  for (const doc of file.documents) {
    const fromDocument: FoldingRange[] = [];
    const documentEnd = trimmedEnd(doc.text, 0, doc.text.length);
    if (doc.text.lastIndexOf('\n', documentEnd - 1) > 0) ranges.push({ start: doc.offset, end: doc.offset + documentEnd });
    if (doc.kind !== 'BindingPolicy' || !doc.ast) continue;
    const add = (range: OffsetRange): void => {
      if (doc.text.slice(range.start, range.end).includes('\n')) fromDocument.push(range);
    };
    visit(doc.ast, {
      Pair(_, pair) {
        // A key's fold starts on the key's line, so the key stays visible when the value is folded.
        if (isCollection(pair.value) && isScalar(pair.key)) add(pairRange(doc, pair.key, pair.value));
      },
      Seq(_, seq) {
        for (const item of seq.items) {
          const range = isCollection(item) ? nodeRange(item) : undefined;
          if (range) add(itemRange(doc, range));
        }
      },
    });
    ranges.push(...onePerLine(doc.text, fromDocument).map((range) => toFileRange(doc, range)));
  }
  return ranges;
}

/**
 * Keeps the widest of the folds that start on one line (a list item's map and its first key's list
 * start together): an editor folds by line, so the others would only be noise.
 */
function onePerLine(text: string, ranges: readonly OffsetRange[]): OffsetRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: OffsetRange[] = [];
  for (const range of sorted) {
    const last = kept[kept.length - 1];
    if (last && !text.slice(last.start, range.start).includes('\n')) {
      if (range.end > last.end) kept[kept.length - 1] = { start: last.start, end: range.end };
      continue;
    }
    kept.push(range);
  }
  return kept;
}
