/**
 * Completion for BindingPolicy documents: field names and values from the CRD schema, and the
 * estate's own names where a policy refers to them (WEC and object labels, resources, API groups,
 * namespaces, object names, StatusCollectors).
 *
 * The cursor's place comes from `yamlCursor` (the text, since the document is mid-edit); the
 * existing content around it (keys already present, the clause's other tests, an expression's key)
 * comes from the parsed document, which the `yaml` package recovers well enough for that.
 */
import { isMap, isScalar, isSeq, Scalar, type Node } from 'yaml';
import { documentAt, toFileRange, type ParsedFile, type YamlDocument } from './document';
import { renderScalar } from './edits';
import type { FeatureContext } from './languageService';
import { countOf, nameList, objectName } from './markdown';
import { isExcludedResource, objectsMatchingClause, type DownsyncClauseInput } from './matcher';
import { policyModel, type SelectorListName } from './policy';
import { schemaAt, type JsonSchemaNode } from './schema';
import type { Labels, OffsetRange, WorkloadObject } from './types';
import { yamlCursor, type YamlCursor } from './yamlCursor';
import { nodeAt, type PathSegment } from './yamlAst';

export type CompletionKind =
  | 'field'
  | 'value'
  | 'operator'
  | 'labelKey'
  | 'labelValue'
  | 'resource'
  | 'apiGroup'
  | 'namespace'
  | 'objectName'
  | 'statusCollector'
  | 'snippet';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  insertText?: string;
  isSnippet?: boolean;
  /** File offsets of the text to replace. */
  range?: OffsetRange;
  sortText?: string;
  filterText?: string;
  preselect?: boolean;
}

export interface CompletionList {
  items: CompletionItem[];
  isIncomplete: boolean;
}

const NO_COMPLETIONS: CompletionList = { items: [], isIncomplete: false };

const STATUS_COLLECTOR_GROUP = 'control.kubestellar.io';

/** The label selector operators, exactly as the API spells them, with what each requires. */
export const OPERATORS: readonly { readonly name: string; readonly doc: string }[] = [
  { name: 'In', doc: 'The label must be present with one of `values` (at least one value is required).' },
  { name: 'NotIn', doc: 'The label must be absent, or present with a value not in `values` (at least one value is required).' },
  { name: 'Exists', doc: 'The label must be present, whatever its value. `values` must be empty.' },
  { name: 'DoesNotExist', doc: 'The label must be absent. `values` must be empty.' },
];

/**
 * Fields the API server sets or ignores, by the path of the map holding them: offering them would
 * only invite a mistake. `namespace` is among them because a BindingPolicy is cluster-scoped and
 * the server clears it.
 */
const UNOFFERED_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  '': new Set(['status']),
  metadata: new Set([
    'namespace',
    'selfLink',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'managedFields',
  ]),
};

/** What the completion code knows about the document and the cursor. */
interface Request {
  readonly doc: YamlDocument;
  readonly cursor: YamlCursor;
  /** Cursor offset relative to the document. */
  readonly offset: number;
  readonly ctx: FeatureContext;
}

export function complete(file: ParsedFile, offset: number, ctx: FeatureContext): CompletionList {
  const doc = documentAt(file, offset);
  if (!doc || doc.kind !== 'BindingPolicy') return NO_COMPLETIONS;
  const cursor = yamlCursor(doc.text, offset - doc.offset);
  if (!cursor) return NO_COMPLETIONS;
  const request: Request = { doc, cursor, offset: offset - doc.offset, ctx };
  const range = toFileRange(doc, cursor.word);
  const items = completionsAt(request).map((item) => ({ ...item, range }));
  return { items, isIncomplete: false };
}

function completionsAt(request: Request): CompletionItem[] {
  const { cursor } = request;
  if (cursor.position === 'key') return keyCompletions(request, cursor.path);
  if (cursor.position === 'item' && hasType(schemaAt('BindingPolicy', cursor.path), 'object')) {
    return [...keyCompletions(request, cursor.path), ...itemSnippets(request)];
  }
  return valueCompletions(request, cursor.path);
}

// ---------------------------------------------------------------------------------------------
// Keys

function keyCompletions(request: Request, mapPath: readonly PathSegment[]): CompletionItem[] {
  if (mapPath[mapPath.length - 1] === 'matchLabels') {
    const source = labelSourceFor(request, mapPath);
    if (!source) return [];
    const present = presentKeys(request, mapPath);
    return labelKeyItems(source, listLimit(request))
      .filter((item) => !present.has(item.value))
      .map(({ value, ...item }) => ({ ...item, insertText: keyInsertText(request.cursor, value, 'string'), ...keyFilterText(request.cursor, value) }));
  }
  const schema = schemaAt('BindingPolicy', mapPath);
  if (!schema?.properties) return [];
  const present = presentKeys(request, mapPath);
  const unoffered = UNOFFERED_FIELDS[mapPath.join('.')];
  const required = new Set(schema.required ?? []);
  const items: CompletionItem[] = [];
  Object.entries(schema.properties).forEach(([name, field], order) => {
    if (present.has(name) || unoffered?.has(name)) return;
    const constant = typeof field.const === 'string' ? field.const : undefined;
    items.push({
      label: name,
      kind: 'field',
      detail: typeLabel(field),
      documentation: field.description,
      insertText: constant ? fieldWithValue(request.cursor, name, constant) : keyInsertText(request.cursor, name, fieldShape(field)),
      ...keyFilterText(request.cursor, name),
      sortText: `${required.has(name) ? 0 : 1}${String(order).padStart(3, '0')}`,
    });
  });
  return items;
}

type FieldShape = 'string' | 'list' | 'map';

function fieldShape(field: JsonSchemaNode): FieldShape {
  if (hasType(field, 'array')) return 'list';
  if (hasType(field, 'object')) return 'map';
  return 'string';
}

/**
 * What to insert for a key: in block style a list starts on the next line at the key's column (the
 * `key:\n- item` layout of kubectl and the KubeStellar docs) and a map two columns further in.
 * Continuation lines are indented relative to the cursor's line, because the editor prefixes them
 * with that line's own indentation.
 */
function keyInsertText(cursor: YamlCursor, name: string, shape: FieldShape): string {
  const key = writtenKey(cursor, name);
  if (cursor.colonFollows) return key;
  if (cursor.inFlow || shape === 'string') return `${key}: `;
  const relative = ' '.repeat(cursor.column - cursor.lineIndent);
  return shape === 'list' ? `${key}:\n${relative}- ` : `${key}:\n${relative}  `;
}

function fieldWithValue(cursor: YamlCursor, name: string, value: string): string {
  const key = writtenKey(cursor, name);
  return cursor.colonFollows ? key : `${key}: ${value}`;
}

/** A key as the user started writing it: quoted when they typed a quote (the word replaced includes it). */
function writtenKey(cursor: YamlCursor, name: string): string {
  return cursor.quote ? renderScalar(name, cursor.quote === '"' ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE) : name;
}

/** With an opening quote typed, the editor filters on text that starts with it; so must the item. */
function keyFilterText(cursor: YamlCursor, name: string): { filterText?: string } {
  return cursor.quote ? { filterText: writtenKey(cursor, name) } : {};
}

/** Keys of the map at `mapPath`, except the one being typed at the cursor. */
function presentKeys(request: Request, mapPath: readonly PathSegment[]): Set<string> {
  const node = request.doc.ast && nodeAt(request.doc.ast, mapPath);
  const keys = new Set<string>();
  if (!isMap(node)) return keys;
  for (const pair of node.items) {
    const key = pair.key as Node | null;
    if (!isScalar(key)) continue;
    const range = key.range;
    if (range && request.offset >= range[0] && request.offset <= range[1]) continue;
    keys.add(String(key.value));
  }
  return keys;
}

/** Scalar items of the sequence at `seqPath`, except the one being typed at the cursor. */
function presentItems(request: Request, seqPath: readonly PathSegment[]): Set<string> {
  const node = request.doc.ast && nodeAt(request.doc.ast, seqPath);
  const items = new Set<string>();
  if (!isSeq(node)) return items;
  for (const item of node.items) {
    if (!isScalar(item) || item.value === null) continue;
    const range = item.range;
    if (range && request.offset >= range[0] && request.offset <= range[1]) continue;
    items.add(String(item.value));
  }
  return items;
}

function hasType(schema: JsonSchemaNode | undefined, type: string): boolean {
  const types = schema?.type;
  return types === type || (Array.isArray(types) && types.includes(type));
}

/** A short type for the completion detail: `string`, `boolean`, `[]string`, `map[string]string`. */
export function typeLabel(schema: JsonSchemaNode): string {
  if (hasType(schema, 'array')) return `[]${schema.items ? typeLabel(schema.items) : 'any'}`;
  if (hasType(schema, 'object')) {
    if (schema.properties) return 'object';
    return typeof schema.additionalProperties === 'object' ? `map[string]${typeLabel(schema.additionalProperties)}` : 'object';
  }
  const types = Array.isArray(schema.type) ? schema.type.filter((t) => t !== 'null') : [schema.type];
  return types.filter(Boolean).join(' | ') || 'any';
}

// ---------------------------------------------------------------------------------------------
// Snippets

/** Whole new entries where a list item starts: a downsync clause, a cluster selector. */
function itemSnippets(request: Request): CompletionItem[] {
  const { cursor } = request;
  const path = cursor.path;
  if (cursor.inFlow || cursor.typed !== '' || path.length !== 3 || path[0] !== 'spec') return [];
  const indent = ' '.repeat(cursor.column - cursor.lineIndent);
  if (path[1] === 'downsync') {
    return [
      {
        label: 'downsync clause',
        kind: 'snippet',
        detail: 'apiGroup, resources, namespaces',
        documentation: 'A clause that selects objects by API group, resource and namespace.',
        insertText: `apiGroup: \${1:apps}\n${indent}resources:\n${indent}- \${2:deployments}\n${indent}namespaces:\n${indent}- \${3:default}`,
        isSnippet: true,
        sortText: '2',
      },
    ];
  }
  if (path[1] === 'clusterSelectors') {
    const common = mostCommonLabel(request.ctx.inventory.wecs);
    return [
      {
        label: 'cluster selector',
        kind: 'snippet',
        detail: 'matchLabels',
        documentation: 'A selector of WECs by their labels; `{}` would select every WEC.',
        insertText: `matchLabels:\n${indent}  \${1:${snippetText(common?.key ?? 'key')}}: \${2:${snippetText(common?.value ?? 'value')}}`,
        isSnippet: true,
        sortText: '2',
      },
    ];
  }
  return [];
}

/** Escapes the characters that mean something inside a snippet placeholder. */
function snippetText(text: string): string {
  return text.replace(/[$}\\]/g, (char) => `\\${char}`);
}

function mostCommonLabel(entities: readonly { labels: Labels }[]): { key: string; value: string } | undefined {
  const counts = new Map<string, { key: string; value: string; count: number }>();
  let best: { key: string; value: string; count: number } | undefined;
  for (const { labels } of entities) {
    for (const [key, value] of Object.entries(labels)) {
      const id = `${key}=${value}`;
      const entry = counts.get(id) ?? { key, value, count: 0 };
      entry.count++;
      counts.set(id, entry);
      if (!best || entry.count > best.count || (entry.count === best.count && id < `${best.key}=${best.value}`)) best = entry;
    }
  }
  return best && { key: best.key, value: best.value };
}

// ---------------------------------------------------------------------------------------------
// Values

function valueCompletions(request: Request, path: readonly PathSegment[]): CompletionItem[] {
  const schema = schemaAt('BindingPolicy', path);
  // A list written on the key's own line: offer its items as a one-item flow list.
  if (request.cursor.position === 'value' && hasType(schema, 'array') && schema?.items && !hasType(schema.items, 'object')) {
    return itemValueCompletions(request, [...path, 0]).map((item) => ({
      ...item,
      insertText: `[${item.insertText ?? item.label}]`,
      filterText: item.filterText ?? item.label,
    }));
  }
  const items = itemValueCompletions(request, path);
  return request.cursor.needsSpace ? items.map((item) => ({ ...item, insertText: ` ${item.insertText ?? item.label}` })) : items;
}

/** Values for the scalar at `path`, rendered for the cursor's quoting. */
function itemValueCompletions(request: Request, path: readonly PathSegment[]): CompletionItem[] {
  return rawValueCompletions(request, path).map((item) => renderValue(request.cursor, item));
}

/** A value item: the value as a string, which `renderValue` turns into YAML. */
interface ValueItem extends CompletionItem {
  readonly value: string;
  /** Insert the value as it is: a boolean, which quoting would turn into a string. */
  readonly verbatim?: boolean;
}

function renderValue(cursor: YamlCursor, item: ValueItem): CompletionItem {
  const style = cursor.quote === '"' ? Scalar.QUOTE_DOUBLE : cursor.quote === "'" ? Scalar.QUOTE_SINGLE : undefined;
  const { value, verbatim, ...rest } = item;
  const insertText = verbatim ? value : renderScalar(value, style);
  // The editor filters on the text between the range start and the cursor: with an opening quote
  // typed, that text starts with the quote, so the filter text must too.
  const filterText = cursor.quote ? insertText : item.filterText ?? (insertText !== item.label ? item.label : undefined);
  return { ...rest, insertText, ...(filterText !== undefined ? { filterText } : {}) };
}

function rawValueCompletions(request: Request, path: readonly PathSegment[]): ValueItem[] {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  const selectorList = selectorListOf(path);

  if (selectorList && parent === 'matchLabels' && typeof last === 'string') {
    const source = labelSourceFor(request, path);
    return source ? labelValueItems(source, last, listLimit(request)) : [];
  }
  if (selectorList && path[path.length - 3] === 'matchExpressions') {
    if (last === 'key') {
      const source = labelSourceFor(request, path);
      return source ? labelKeyItems(source, listLimit(request)) : [];
    }
    if (last === 'operator') {
      return OPERATORS.map((operator, order) => ({
        label: operator.name,
        value: operator.name,
        kind: 'operator',
        documentation: operator.doc,
        sortText: String(order),
      }));
    }
  }
  if (selectorList && parent === 'values' && path[path.length - 4] === 'matchExpressions' && typeof last === 'number') {
    const source = labelSourceFor(request, path);
    const key = scalarAt(request.doc, [...path.slice(0, -2), 'key']);
    if (!source || key === undefined) return [];
    const present = presentItems(request, path.slice(0, -1));
    return labelValueItems(source, key, listLimit(request)).filter((item) => !present.has(item.value));
  }

  const clause = clauseAt(request, path);
  if (clause && path.length === 4 && last === 'apiGroup') return apiGroupItems(request);
  if (clause && path.length === 5 && typeof last === 'number') {
    const present = presentItems(request, path.slice(0, -1));
    const items = clauseListItems(request, clause.input, parent);
    return items.filter((item) => !present.has(item.value));
  }

  const schema = schemaAt('BindingPolicy', path);
  if (!schema) return [];
  if (schema.const !== undefined) return [{ label: String(schema.const), value: String(schema.const), kind: 'value', preselect: true }];
  if (schema.enum) return schema.enum.map((value) => ({ label: String(value), value: String(value), kind: 'value' }));
  if (hasType(schema, 'boolean')) {
    return ['true', 'false'].map((value) => ({ label: value, value, kind: 'value', verbatim: true }));
  }
  return [];
}

/** The list of label selectors the path is inside, if any. */
function selectorListOf(path: readonly PathSegment[]): SelectorListName | undefined {
  if (path[0] !== 'spec') return undefined;
  if (path[1] === 'clusterSelectors' && typeof path[2] === 'number') return 'clusterSelectors';
  if (path[1] === 'downsync' && typeof path[2] === 'number' && typeof path[4] === 'number') {
    if (path[3] === 'objectSelectors' || path[3] === 'namespaceSelectors') return path[3];
  }
  return undefined;
}

/** How many names a completion's documentation lists, as for hovers. */
function listLimit(request: Request): number {
  return request.ctx.settings.hoverListLimit;
}

function scalarAt(doc: YamlDocument, path: readonly PathSegment[]): string | undefined {
  const node = doc.ast && nodeAt(doc.ast, path);
  return isScalar(node) && node.value !== null ? String(node.value) : undefined;
}

/** The downsync clause the path is in, from the parsed policy. */
function clauseAt(request: Request, path: readonly PathSegment[]): { input: DownsyncClauseInput } | undefined {
  if (path[0] !== 'spec' || path[1] !== 'downsync' || typeof path[2] !== 'number') return undefined;
  const model = policyModel(request.doc);
  return model?.clauses[path[2]] ?? (model ? { input: {} } : undefined);
}

// ---------------------------------------------------------------------------------------------
// Labels

/** Whose labels a selector is written against, and how to say how many of them carry one. */
interface LabelSource {
  readonly entities: readonly { readonly name: string; readonly labels: Labels }[];
  readonly describe: (count: number) => string;
}

function labelSourceFor(request: Request, path: readonly PathSegment[]): LabelSource | undefined {
  const list = selectorListOf(path);
  const { inventory } = request.ctx;
  if (list === 'clusterSelectors') {
    const total = inventory.wecs.length;
    return { entities: inventory.wecs, describe: (count) => `${count} of ${countOf(total, 'WEC')}` };
  }
  if (list === 'namespaceSelectors') {
    return { entities: request.ctx.index.namespaces, describe: (count) => countOf(count, 'namespace') };
  }
  if (list === 'objectSelectors') {
    const clause = clauseAt(request, path);
    const objects = clause ? candidateObjects(request, clause.input) : [];
    return { entities: objects.map((object) => ({ ...object, name: objectName(object) })), describe: (count) => countOf(count, 'object') };
  }
  return undefined;
}

/**
 * The objects a clause's kind and place tests (`apiGroup`, `resources`, `namespaces`) let through,
 * as the matcher decides: those are the objects its name and label tests choose among.
 */
function candidateObjects(request: Request, clause: DownsyncClauseInput): WorkloadObject[] {
  const kindAndPlace: DownsyncClauseInput = {
    ...clause,
    objectNames: undefined,
    objectSelectors: undefined,
    namespaceSelectors: undefined,
  };
  return objectsMatchingClause(kindAndPlace, request.ctx.index);
}

/** Label keys by how many entities carry them, most first. */
function labelKeyItems(source: LabelSource, limit: number): ValueItem[] {
  const carriers = new Map<string, string[]>();
  for (const entity of source.entities) {
    for (const key of Object.keys(entity.labels)) {
      const names = carriers.get(key) ?? [];
      names.push(entity.name);
      carriers.set(key, names);
    }
  }
  return rankedItems(carriers, source, 'labelKey', limit);
}

/** Values of one label key by how many entities carry them, most first. */
function labelValueItems(source: LabelSource, key: string, limit: number): ValueItem[] {
  const carriers = new Map<string, string[]>();
  for (const entity of source.entities) {
    if (!Object.hasOwn(entity.labels, key)) continue;
    const value = entity.labels[key];
    const names = carriers.get(value) ?? [];
    names.push(entity.name);
    carriers.set(value, names);
  }
  return rankedItems(carriers, source, 'labelValue', limit);
}

function rankedItems(carriers: Map<string, string[]>, source: LabelSource, kind: 'labelKey' | 'labelValue', limit: number): ValueItem[] {
  const ranked = [...carriers.entries()].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : a > b ? 1 : 0));
  const width = String(ranked.length).length;
  return ranked.map(([text, names], rank) => ({
    label: text,
    value: text,
    kind,
    detail: source.describe(names.length),
    documentation: `Carried by ${nameList(names, limit)}.`,
    sortText: String(rank).padStart(width, '0'),
  }));
}

// ---------------------------------------------------------------------------------------------
// Clause fields

function apiGroupItems(request: Request): ValueItem[] {
  const { catalog, inventory } = request.ctx;
  const selectable = catalog.all().filter((type) => !isExcludedResource(type.group, type.resource, inventory.allowedGroups));
  return catalog.groups().flatMap((group) => {
    const kinds = selectable.filter((type) => type.group === group).map((type) => type.kind);
    if (kinds.length === 0) return [];
    return [
      {
        label: group === '' ? '"" (core)' : group,
        value: group,
        kind: 'apiGroup' as const,
        detail: countOf(kinds.length, 'resource'),
        documentation: `Kinds: ${nameList(kinds, listLimit(request))}.`,
        ...(group === '' ? { filterText: '"" core', sortText: '0' } : { sortText: `1${group}` }),
      },
    ];
  });
}

function clauseListItems(request: Request, clause: DownsyncClauseInput, list: PathSegment | undefined): ValueItem[] {
  switch (list) {
    case 'resources':
      return [wildcardItem('any resource'), ...resourceItems(request, clause)];
    case 'namespaces':
      return [wildcardItem('any namespace; the only documented way to match cluster-scoped objects'), ...namespaceItems(request)];
    case 'objectNames':
      return [wildcardItem('any name'), ...objectNameItems(request, clause)];
    case 'statusCollectors':
      return statusCollectorItems(request);
    default:
      return [];
  }
}

/** `"*"`, listed after the names: a policy usually names what it means. */
function wildcardItem(meaning: string): ValueItem {
  return { label: '*', value: '*', kind: 'value', detail: meaning, sortText: '2' };
}

function resourceItems(request: Request, clause: DownsyncClauseInput): ValueItem[] {
  const { catalog, inventory } = request.ctx;
  const objectCounts = new Map<string, number>();
  for (const object of inventory.objects) objectCounts.set(object.resource, (objectCounts.get(object.resource) ?? 0) + 1);
  const byResource = new Map<string, string[]>();
  for (const type of catalog.all()) {
    if (typeof clause.apiGroup === 'string' && type.group !== clause.apiGroup) continue;
    if (isExcludedResource(type.group, type.resource, inventory.allowedGroups)) continue;
    const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
    const details = byResource.get(type.resource) ?? [];
    details.push(`${apiVersion} ${type.kind}`);
    byResource.set(type.resource, details);
  }
  return [...byResource.entries()].map(([resource, details]) => {
    const count = objectCounts.get(resource) ?? 0;
    return {
      label: resource,
      value: resource,
      kind: 'resource' as const,
      detail: details.join(', '),
      ...(count > 0 ? { documentation: `${countOf(count, 'object')} of this resource in the inventory.` } : {}),
      // Resources the inventory actually has come first: they are what a policy is written for.
      sortText: `${count > 0 ? 0 : 1}${resource}`,
    };
  });
}

function namespaceItems(request: Request): ValueItem[] {
  const objectsIn = new Map<string, number>();
  for (const object of request.ctx.inventory.objects) {
    if (object.namespace) objectsIn.set(object.namespace, (objectsIn.get(object.namespace) ?? 0) + 1);
  }
  const names = new Set(request.ctx.index.namespaces.map((namespace) => namespace.name));
  return [...names].map((name) => ({
    label: name,
    value: name,
    kind: 'namespace' as const,
    detail: countOf(objectsIn.get(name) ?? 0, 'object'),
    sortText: `1${name}`,
  }));
}

function objectNameItems(request: Request, clause: DownsyncClauseInput): ValueItem[] {
  const byName = new Map<string, WorkloadObject[]>();
  for (const object of candidateObjects(request, clause)) {
    const objects = byName.get(object.name) ?? [];
    objects.push(object);
    byName.set(object.name, objects);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, objects]) => ({
      label: name,
      value: name,
      kind: 'objectName' as const,
      detail: objects.length === 1 ? objectName(objects[0]) : countOf(objects.length, 'object'),
      documentation: nameList(objects.map(objectName), listLimit(request)),
      sortText: `1${name}`,
    }));
}

function statusCollectorItems(request: Request): ValueItem[] {
  return request.ctx.inventory.objects
    .filter((object) => object.group === STATUS_COLLECTOR_GROUP && object.resource === 'statuscollectors')
    .map((object) => object.name)
    .sort()
    .map((name) => ({ label: name, value: name, kind: 'statusCollector' as const, detail: 'StatusCollector', sortText: `1${name}` }));
}
