/**
 * Hovers: the CRD's documentation on fields, and on the parts of a policy that decide something,
 * what they decide right now against the inventory: a selector's `kubectl -l` form and what it
 * matches, a downsync clause's objects, the policy's totals on its name. Every match decision is
 * the matcher's; this file only words its answers.
 */
import { isMap, isScalar, type Node } from 'yaml';
import { documentAt, toFileRange, type ParsedFile, type YamlDocument } from './document';
import type { FeatureContext } from './languageService';
import { typeLabel } from './completion';
import { code, countOf, escapeMarkdown, inventoryIsEmpty, nameList, NO_INVENTORY_MESSAGE } from './markdown';
import {
  labelSelectorAsSelector,
  namespacesMatchingSelector,
  objectsMatchingClause,
  resolvePolicy,
  wecsMatchingSelector,
} from './matcher';
import { policyModel, type ClauseEntry, type PolicyModel, type SelectorEntry } from './policy';
import { schemaAt, type JsonSchemaNode, type SchemaKind } from './schema';
import { bindingDrift, describeDrift } from './drift';
import { describeClause } from './symbols';
import type { OffsetRange, WorkloadObject } from './types';
import { locate, nodeAt, nodeRange, type CursorLocation, type PathSegment, type YamlPath } from './yamlAst';

export interface HoverResult {
  markdown: string;
  /** File offsets. */
  range: OffsetRange;
}

/** A hover inside one document, in offsets relative to it. */
interface DocHover {
  readonly markdown: string;
  readonly range: OffsetRange;
}

const SELECTOR_TITLES = {
  clusterSelectors: 'Cluster selector',
  objectSelectors: 'Object selector',
  namespaceSelectors: 'Namespace selector',
} as const;

export function hover(file: ParsedFile, offset: number, ctx: FeatureContext): HoverResult | undefined {
  const doc = documentAt(file, offset);
  if (!doc?.ast || (doc.kind !== 'BindingPolicy' && doc.kind !== 'Binding')) return undefined;
  const relative = offset - doc.offset;
  const found = doc.kind === 'BindingPolicy' ? policyHover(doc, relative, ctx) : bindingHover(doc, relative);
  return found && { markdown: found.markdown, range: toFileRange(doc, found.range) };
}

function bindingHover(doc: YamlDocument, offset: number): DocHover | undefined {
  if (!/\S/.test(doc.text[offset] ?? ' ')) return undefined;
  return fieldHover(doc, 'Binding', locate(doc.ast!, offset));
}

function policyHover(doc: YamlDocument, offset: number, ctx: FeatureContext): DocHover | undefined {
  const model = policyModel(doc);
  if (!model) return undefined;
  const selectors = [...model.clusterSelectors, ...model.clauses.flatMap((clause) => [...clause.objectSelectors, ...clause.namespaceSelectors])];

  // The `- ` that starts a selector or a clause stands for the whole entry.
  const dash: OffsetRange = { start: offset, end: offset + 1 };
  const dashedSelector = selectors.find((entry) => dashBefore(doc.text, entry.range.start) === offset);
  if (dashedSelector) return { markdown: selectorSummary(model, dashedSelector, ctx), range: dash };
  const dashedClause = model.clauses.find((clause) => dashBefore(doc.text, clause.range.start) === offset);
  if (dashedClause) return { markdown: clauseSummary(model, dashedClause, ctx), range: dash };

  // Blank space belongs to no field, though block collections' ranges take in trailing line breaks.
  if (!/\S/.test(doc.text[offset] ?? ' ')) return undefined;
  const location = locate(doc.ast!, offset);
  const range = textRange(doc, location.node);
  if (!range) return undefined;
  if (location.path.length === 2 && location.path[0] === 'metadata' && location.path[1] === 'name') {
    return { markdown: policySummary(model, ctx), range };
  }

  const selector = innermost(selectors, location.path);
  if (selector) {
    const inner = location.path.slice(selector.path.length);
    const onField = location.onKey && (inner.length === 1 || (inner.length === 3 && inner[0] === 'matchExpressions'));
    if (!onField) return { markdown: selectorSummary(model, selector, ctx), range };
    if (inner.length === 1 && isFirstKey(doc, selector.path, offset)) {
      return { markdown: joined(selectorSummary(model, selector, ctx), fieldHover(doc, 'BindingPolicy', location)?.markdown), range };
    }
  }
  const clause = innermost(model.clauses, location.path);
  if (clause && location.onKey && location.path.length === clause.path.length + 1 && isFirstKey(doc, clause.path, offset)) {
    return { markdown: joined(clauseSummary(model, clause, ctx), fieldHover(doc, 'BindingPolicy', location)?.markdown), range };
  }
  return fieldHover(doc, 'BindingPolicy', location);
}

/** A node's range without the line breaks and blanks a block collection's range ends with. */
function textRange(doc: YamlDocument, node: Node | undefined): OffsetRange | undefined {
  const range = nodeRange(node);
  if (!range) return undefined;
  let end = range.end;
  while (end > range.start && /\s/.test(doc.text[end - 1])) end--;
  return { start: range.start, end };
}

function joined(...parts: (string | undefined)[]): string {
  return parts.filter((part): part is string => !!part).join('\n\n---\n\n');
}

/** The offset of the `-` right before a sequence item that starts at `itemStart`, if there is one. */
function dashBefore(text: string, itemStart: number): number | undefined {
  let i = itemStart - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  return i >= 0 && text[i] === '-' && i < itemStart - 1 ? i : undefined;
}

function isPrefix(prefix: YamlPath, path: YamlPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}

/** The entry whose path is the longest prefix of `path`. */
function innermost<T extends { readonly path: YamlPath }>(entries: readonly T[], path: YamlPath): T | undefined {
  let best: T | undefined;
  for (const entry of entries) {
    if (isPrefix(entry.path, path) && (!best || entry.path.length > best.path.length)) best = entry;
  }
  return best;
}

function isFirstKey(doc: YamlDocument, mapPath: YamlPath, offset: number): boolean {
  const map = nodeAt(doc.ast!, mapPath);
  const key = isMap(map) ? (map.items[0]?.key as Node | undefined) : undefined;
  const range = nodeRange(key);
  return !!range && offset >= range.start && offset <= range.end;
}

// ---------------------------------------------------------------------------------------------
// Field documentation

function fieldHover(doc: YamlDocument, kind: SchemaKind, location: CursorLocation): DocHover | undefined {
  const range = textRange(doc, location.node);
  if (!range || !(location.onKey || isScalar(location.node))) return undefined;
  const markdown = fieldDocumentation(kind, location.path);
  return markdown ? { markdown, range } : undefined;
}

/**
 * The documentation of the field at `path`. A list item or a map entry under `additionalProperties`
 * has no description of its own; the field holding it does.
 */
export function fieldDocumentation(kind: SchemaKind, path: readonly PathSegment[]): string | undefined {
  let fieldPath = path;
  let schema: JsonSchemaNode | undefined = schemaAt(kind, fieldPath);
  if (!schema?.description && fieldPath.length > 0) {
    fieldPath = fieldPath.slice(0, -1);
    schema = schemaAt(kind, fieldPath);
  }
  if (!schema?.description) return undefined;
  const name = [...fieldPath].reverse().find((segment): segment is string => typeof segment === 'string') ?? kind;
  return `**${escapeMarkdown(name)}** ${code(typeLabel(schema))}\n\n${schema.description}`;
}

// ---------------------------------------------------------------------------------------------
// What the policy's parts match

function selectorSummary(model: PolicyModel, entry: SelectorEntry, ctx: FeatureContext): string {
  const title = `**${SELECTOR_TITLES[entry.list]} ${entry.index + 1}**`;
  const result = labelSelectorAsSelector(entry.input);
  if (!result.valid) {
    const consequence =
      entry.list === 'clusterSelectors'
        ? 'It matches no WEC, and while it is invalid the controller cannot resolve the policy at all: no WEC is bound and no object is re-evaluated.'
        : entry.list === 'objectSelectors'
          ? 'The controller skips it silently: it matches no object.'
          : 'It matches no namespace.';
    return `${title} is invalid:\n\n${escapeMarkdown(result.error)}\n\n${consequence}`;
  }
  const text = result.selector.toString();
  const lines = [`${title}: ${text === '' ? `${code('{}')}, which matches everything` : code(text)}`];
  const clause = model.clauses.find((candidate) => isPrefix(candidate.path, entry.path));
  if (entry.list === 'clusterSelectors') {
    lines.push(kubectl('managedclusters', text));
    lines.push(wecMatches(ctx, wecsMatchingSelector(result.selector, ctx.index).map((wec) => wec.name)));
  } else if (entry.list === 'namespaceSelectors') {
    lines.push(kubectl('namespaces', text));
    const namespaces = namespacesMatchingSelector(result.selector, ctx.index).map((namespace) => namespace.name);
    lines.push(
      inventoryIsEmpty(ctx.inventory)
        ? NO_INVENTORY_MESSAGE
        : namespaces.length === 0
          ? 'Matches no Namespace object of the inventory.'
          : `Matches ${countOf(namespaces.length, 'namespace')}: ${nameList(namespaces, ctx.settings.hoverListLimit)}.`,
    );
  } else if (clause) {
    // The selector's own share of the clause: the objects that pass the clause's other tests and it.
    const objects = objectsMatchingClause({ ...clause.input, objectSelectors: [entry.input] }, ctx.index);
    const resources = clauseResources(clause, objects);
    const namespaces = clause.input.namespaces ?? [];
    const scope = namespaces.length === 1 && namespaces[0] !== '*' && namespaces[0] !== '' ? `-n ${namespaces[0]}` : '-A';
    if (resources) lines.push(kubectl(`${resources} ${scope}`, text));
    lines.push(objectMatches(ctx, objects, 'With the clause’s other tests, matches'));
  }
  return lines.join('\n\n');
}

/** The `kubectl get` resource argument for a clause: its own resources, else those it matched. */
function clauseResources(clause: ClauseEntry, objects: readonly WorkloadObject[]): string | undefined {
  const { resources, apiGroup } = clause.input;
  if (resources?.length && !resources.includes('*')) {
    return resources.map((resource) => (apiGroup ? `${resource}.${apiGroup}` : resource)).join(',');
  }
  const matched = [...new Set(objects.map((object) => (object.group ? `${object.resource}.${object.group}` : object.resource)))];
  return matched.length > 0 ? matched.sort().join(',') : undefined;
}

function kubectl(resources: string, selector: string): string {
  return ['```sh', `kubectl get ${resources}${selector ? ` -l '${selector}'` : ''}`, '```'].join('\n');
}

function wecMatches(ctx: FeatureContext, names: readonly string[]): string {
  if (inventoryIsEmpty(ctx.inventory)) return NO_INVENTORY_MESSAGE;
  const total = ctx.inventory.wecs.length;
  if (total === 0) return `No WEC in the inventory (${escapeMarkdown(ctx.inventory.origin)} has no ManagedCluster).`;
  if (names.length === 0) return `Matches none of the ${countOf(total, 'WEC')}.`;
  return `Matches ${names.length} of ${countOf(total, 'WEC')}: ${nameList(names, ctx.settings.hoverListLimit)}.`;
}

function objectMatches(ctx: FeatureContext, objects: readonly WorkloadObject[], lead: string): string {
  if (inventoryIsEmpty(ctx.inventory)) return NO_INVENTORY_MESSAGE;
  if (ctx.inventory.objects.length === 0) return `No workload object in the inventory (${escapeMarkdown(ctx.inventory.origin)}).`;
  if (objects.length === 0) return `${lead} no object.`;
  return `${lead} ${countOf(objects.length, 'object')}:\n\n${objectsByResource(objects, ctx.settings.hoverListLimit)}`;
}

/** A bullet per resource with its objects' names, resources in name order. */
function objectsByResource(objects: readonly WorkloadObject[], limit: number): string {
  const groups = new Map<string, string[]>();
  for (const object of objects) {
    const resource = object.group ? `${object.resource}.${object.group}` : object.resource;
    const names = groups.get(resource) ?? [];
    names.push(object.namespace ? `${object.namespace}/${object.name}` : object.name);
    groups.set(resource, names);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([resource, names]) => `- ${code(resource)} (${names.length}): ${nameList(names, limit)}`)
    .join('\n');
}

function clauseSummary(model: PolicyModel, clause: ClauseEntry, ctx: FeatureContext): string {
  const lines = [`**Downsync clause ${clause.index + 1}**: ${escapeMarkdown(describeClause(clause.input))}`];
  lines.push(objectMatches(ctx, objectsMatchingClause(clause.input, ctx.index), 'Selects'));
  const resolution = resolvePolicy(model.spec, ctx.index);
  if (!resolution.resolved) {
    lines.push('While the policy cannot be resolved (see its cluster selectors), the controller re-evaluates none of these objects.');
  }
  return lines.join('\n\n');
}

function policySummary(model: PolicyModel, ctx: FeatureContext): string {
  const title = `**BindingPolicy ${model.name ? code(model.name) : '(unnamed)'}**`;
  if (inventoryIsEmpty(ctx.inventory)) return `${title}\n\n${NO_INVENTORY_MESSAGE}`;
  const resolution = resolvePolicy(model.spec, ctx.index);
  if (!resolution.resolved) {
    const errors = resolution.errors.map((error) => `- ${escapeMarkdown(error)}`).join('\n');
    return `${title}\n\nThe controller cannot resolve this policy, so no WEC is bound and no object is re-evaluated:\n\n${errors}`;
  }
  const lines = [title];
  const total = ctx.inventory.wecs.length;
  const wecs = resolution.wecs.map((wec) => wec.name);
  lines.push(
    wecs.length === 0
      ? `Binds none of the ${countOf(total, 'WEC')}.`
      : `Binds ${wecs.length} of ${countOf(total, 'WEC')}: ${nameList(wecs, ctx.settings.hoverListLimit)}.`,
  );
  const clauses = model.clauses.map((clause) => {
    const count = resolution.clauses[clause.index]?.objects.length ?? 0;
    return `- clause ${clause.index + 1}, ${escapeMarkdown(describeClause(clause.input))}: ${countOf(count, 'object')}`;
  });
  lines.push(`Selects ${countOf(resolution.objects.length, 'object')}${clauses.length > 0 ? ':' : '.'}` + (clauses.length > 0 ? `\n\n${clauses.join('\n')}` : ''));
  const drift = bindingDrift(model.name, resolution, ctx.inventory);
  if (drift) {
    const parts = describeDrift(drift, ctx.settings.hoverListLimit).map((part) => `- ${escapeMarkdown(part)}`);
    lines.push(`**Drift**: the Binding ${code(drift.bindingName)} in the WDS differs from this prediction:\n\n${parts.join('\n')}`);
  }
  return lines.join('\n\n');
}
