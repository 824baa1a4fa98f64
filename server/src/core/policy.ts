/**
 * The BindingPolicy view of a parsed document: where its selectors and clauses are, and their
 * content as the plain inputs the matcher takes. Validation, hover, inlay hints, symbols and the
 * CLI's `explain` all read policies through this one function, so they agree on what a policy says.
 */
import { isSeq, type Node } from 'yaml';
import type { YamlDocument } from './document';
import type { DownsyncClauseInput, LabelSelectorInput, PolicySpecInput } from './matcher';
import type { OffsetRange, ResourceRef } from './types';
import type { ParsedFile } from './document';
import { nodeAt, nodeRange, pairAt, type YamlPath } from './yamlAst';

export type SelectorListName = 'clusterSelectors' | 'objectSelectors' | 'namespaceSelectors';

export interface SelectorEntry {
  readonly list: SelectorListName;
  readonly index: number;
  /** Path from the document root, e.g. ['spec', 'clusterSelectors', 0]. */
  readonly path: YamlPath;
  /** The selector as the API server would store it (nulls pruned), or `{}` for a non-map entry. */
  readonly input: LabelSelectorInput;
  /** Piece-relative range of the selector node. */
  readonly range: OffsetRange;
}

export interface ClauseEntry {
  readonly index: number;
  readonly path: YamlPath;
  readonly input: DownsyncClauseInput;
  readonly range: OffsetRange;
  readonly objectSelectors: readonly SelectorEntry[];
  readonly namespaceSelectors: readonly SelectorEntry[];
}

export interface PolicyModel {
  /** The whole document as plain data (piece-relative ranges below; add the document's offset). */
  readonly value: Record<string, unknown>;
  readonly name?: string;
  /** Range of the `metadata.name` value, or of the document's first line when absent. */
  readonly nameRange: OffsetRange;
  readonly clusterSelectors: readonly SelectorEntry[];
  /** Range of the `clusterSelectors` key, when present. */
  readonly clusterSelectorsKeyRange?: OffsetRange;
  readonly clauses: readonly ClauseEntry[];
  /** Range of the `downsync` key, when present. */
  readonly downsyncKeyRange?: OffsetRange;
  readonly spec: PolicySpecInput;
}

/**
 * Cached by the parsed AST, which `parseFile` reuses for an unchanged document even when an edit
 * elsewhere moved it to another offset; the model's ranges are relative to the document, so they
 * stay right.
 */
const cache = new WeakMap<object, PolicyModel | null>();

/** The policy view of a BindingPolicy document; undefined for anything else. */
export function policyModel(doc: YamlDocument): PolicyModel | undefined {
  if (doc.kind !== 'BindingPolicy' || !doc.ast) return undefined;
  const cached = cache.get(doc.ast);
  if (cached !== undefined) return cached ?? undefined;
  const model = buildModel(doc);
  cache.set(doc.ast, model ?? null);
  return model;
}

function buildModel(doc: YamlDocument): PolicyModel | undefined {
  const ast = doc.ast!;
  const value = isObject(doc.value) ? doc.value : {};
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const spec = isObject(value.spec) ? value.spec : {};
  const name = typeof metadata.name === 'string' ? metadata.name : undefined;
  const nameNode = nodeAt(ast, ['metadata', 'name']);
  const rootRange = nodeRange(ast.contents as Node) ?? { start: 0, end: 0 };
  const nameRange = nodeRange(nameNode) ?? { start: rootRange.start, end: lineEnd(doc.text, rootRange.start) };

  const clusterSelectors = selectorEntries(ast, ['spec', 'clusterSelectors'], 'clusterSelectors', spec.clusterSelectors);
  const clauses: ClauseEntry[] = [];
  const downsyncNode = nodeAt(ast, ['spec', 'downsync']);
  const downsyncValue = Array.isArray(spec.downsync) ? spec.downsync : [];
  if (isSeq(downsyncNode)) {
    downsyncNode.items.forEach((item, index) => {
      const path = ['spec', 'downsync', index];
      const raw = isObject(downsyncValue[index]) ? downsyncValue[index] : {};
      const range = nodeRange(item as Node) ?? rootRange;
      clauses.push({
        index,
        path,
        input: clauseInput(raw),
        range,
        objectSelectors: selectorEntries(ast, [...path, 'objectSelectors'], 'objectSelectors', raw.objectSelectors),
        namespaceSelectors: selectorEntries(ast, [...path, 'namespaceSelectors'], 'namespaceSelectors', raw.namespaceSelectors),
      });
    });
  }
  return {
    value,
    name,
    nameRange,
    clusterSelectors,
    clusterSelectorsKeyRange: nodeRange(pairAt(ast, ['spec', 'clusterSelectors'])?.key as Node),
    clauses,
    downsyncKeyRange: nodeRange(pairAt(ast, ['spec', 'downsync'])?.key as Node),
    spec: {
      clusterSelectors: clusterSelectors.map((entry) => entry.input),
      downsync: clauses.map((clause) => clause.input),
    },
  };
}

function selectorEntries(ast: NonNullable<YamlDocument['ast']>, path: YamlPath, list: SelectorListName, raw: unknown): SelectorEntry[] {
  const node = nodeAt(ast, path);
  if (!isSeq(node)) return [];
  const values = Array.isArray(raw) ? raw : [];
  return node.items.map((item, index) => ({
    list,
    index,
    path: [...path, index],
    input: selectorInput(values[index]),
    range: nodeRange(item as Node) ?? nodeRange(node) ?? { start: 0, end: 0 },
  }));
}

/**
 * The selector as Go decodes it after the API server pruned nulls: a non-map item becomes the zero
 * `LabelSelector{}` (the schema check reports it), and null fields are absent.
 */
export function selectorInput(raw: unknown): LabelSelectorInput {
  if (!isObject(raw)) return {};
  const input: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } = {};
  if (isObject(raw.matchLabels)) {
    const labels: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw.matchLabels)) {
      if (value !== null && value !== undefined) labels[key] = scalarString(value);
    }
    input.matchLabels = labels;
  }
  if (Array.isArray(raw.matchExpressions)) {
    input.matchExpressions = raw.matchExpressions.filter(isObject).map((expression) => ({
      key: scalarString(expression.key ?? ''),
      operator: scalarString(expression.operator ?? ''),
      ...(Array.isArray(expression.values) ? { values: expression.values.map(scalarString) } : {}),
    }));
  }
  return input;
}

function clauseInput(raw: Record<string, unknown>): DownsyncClauseInput {
  return {
    apiGroup: typeof raw.apiGroup === 'string' ? raw.apiGroup : raw.apiGroup === undefined || raw.apiGroup === null ? undefined : scalarString(raw.apiGroup),
    resources: stringList(raw.resources),
    namespaces: stringList(raw.namespaces),
    objectNames: stringList(raw.objectNames),
    objectSelectors: Array.isArray(raw.objectSelectors) ? raw.objectSelectors.map(selectorInput) : undefined,
    namespaceSelectors: Array.isArray(raw.namespaceSelectors) ? raw.namespaceSelectors.map(selectorInput) : undefined,
    createOnly: raw.createOnly === true,
    statusCollectors: stringList(raw.statusCollectors),
    wantSingletonReportedState: raw.wantSingletonReportedState === true,
    wantMultiWECReportedState: raw.wantMultiWECReportedState === true,
  };
}

function stringList(raw: unknown): string[] | undefined {
  return Array.isArray(raw) ? raw.filter((item) => item !== null && item !== undefined).map(scalarString) : undefined;
}

/** Scalars that YAML typed as numbers or booleans read as Kubernetes would show them. */
function scalarString(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end < 0 ? text.length : end;
}

/**
 * Which resource types the policies of some files can select, so that a cluster source lists and
 * watches only those instead of every type of the WDS. A superset filter for fetching, not a
 * match decision: the matcher still decides which objects a clause selects.
 */
export function resourcesSelectedBy(files: Iterable<ParsedFile>): ResourceRef[] {
  const refs = new Map<string, ResourceRef>();
  for (const file of files) {
    for (const doc of file.documents) {
      const model = policyModel(doc);
      if (!model) continue;
      for (const clause of model.clauses) {
        const group = clause.input.apiGroup ?? '*';
        const resources = clause.input.resources ?? [];
        const names = resources.length === 0 || resources.includes('*') ? ['*'] : resources;
        for (const resource of names) refs.set(`${group}\n${resource}`, { group, resource });
      }
    }
  }
  return [...refs.values()].sort((a, b) => a.group.localeCompare(b.group) || a.resource.localeCompare(b.resource));
}
