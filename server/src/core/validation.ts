/**
 * Diagnostics for one YAML document: YAML syntax, the CRD schema, label-selector rules and
 * KubeStellar's own rules, plus what the inventory says about the policy (binds nothing, drift).
 *
 * Every finding carries a code from the rule table (rules.ts), the narrowest range that shows the
 * mistake, and, where the repair is known, its quick fixes (built with edits.ts). Ranges and edits
 * are relative to the document's piece; the language service shifts them to file offsets.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { YamlDocument } from './document';
import { bindingDrift, describeDrift } from './drift';
import { appendPair, removePair, removeSeqItem, renameKey, renderScalar, replacePair, replaceScalar, singleLineValueText } from './edits';
import type { FeatureContext } from './languageService';
import { isExcludedResource, resolvePolicy, selectorProblems, type PolicyResolution, type SelectorProblem } from './matcher';
import { isObject, policyModel, type PolicyModel, type SelectorEntry } from './policy';
import { parseApiVersion } from './resources';
import { RULES, type Rule } from './rules';
import { knownFieldLocations } from './fieldIndex';
import { pruneNulls, schemaAt, validateSchema, type SchemaError, type SchemaKind } from './schema';
import type { CoreDiagnostic, OffsetEdit, OffsetRange } from './types';
import { formatPath, keyRangeForPath, keyText, nodeAt, nodeRange, pairAt, rangeForPath, type YamlPath } from './yamlAst';

/** A fix attached to a finding; edits are piece-relative like the finding's range. */
export interface FixSpec {
  readonly title: string;
  readonly edits: readonly OffsetEdit[];
  readonly preferred: boolean;
}

export interface Finding extends CoreDiagnostic {
  readonly fixes?: readonly FixSpec[];
}

type Ast = Document.Parsed;

function finding(rule: Rule, range: OffsetRange, message: string, fixes?: FixSpec[], tags?: CoreDiagnostic['tags']): Finding {
  return { code: rule.code, severity: rule.severity, message, range, ...(fixes?.length ? { fixes } : {}), ...(tags ? { tags } : {}) };
}

function fix(title: string, edits: (OffsetEdit | undefined)[], preferred = true): FixSpec[] {
  if (edits.length === 0 || edits.some((edit) => edit === undefined)) return [];
  return [{ title, edits: edits as OffsetEdit[], preferred }];
}

export function validateDocument(doc: YamlDocument, ctx: FeatureContext): Finding[] {
  if (doc.tooLarge) {
    const size = (Buffer.byteLength(doc.text, 'utf8') / (1024 * 1024)).toFixed(1);
    return [finding(RULES.documentTooComplex, firstLine(doc.text), `This YAML document is ${size} MB; documents over 2 MB are not analysed.`)];
  }
  if (doc.kind === 'other' || !doc.ast) return [];
  const ast = doc.ast;
  const findings = yamlFindings(doc.text, ast);
  if (findings.some((f) => f.code === RULES.yamlSyntax.code)) return findings;
  if (doc.conversionError !== undefined) {
    findings.push(finding(RULES.documentTooComplex, firstLine(doc.text), `This document cannot be analysed: ${doc.conversionError}. (Aliases are expanded at most ${200} times, so that an alias bomb cannot exhaust memory.)`));
    return findings;
  }
  const kind: SchemaKind = doc.kind;
  const { value, pruned } = pruneNulls(kind, doc.value);
  findings.push(...nullFindings(doc.text, ast, pruned));
  const schemaErrors = validateSchema(kind, value);
  findings.push(...schemaFindings(doc.text, ast, kind, schemaErrors, ctx));
  if (doc.kind === 'BindingPolicy') {
    const model = policyModel(doc);
    if (model) findings.push(...policyFindings(doc.text, ast, model, schemaErrors, ctx));
  }
  return findings;
}

function firstLine(text: string): OffsetRange {
  const trimmed = text.search(/\S/);
  const start = trimmed < 0 ? 0 : trimmed;
  const end = text.indexOf('\n', start);
  return { start, end: end < 0 ? text.length : end };
}

// ---------------------------------------------------------------------------------------------
// YAML

function yamlFindings(text: string, ast: Ast): Finding[] {
  const findings: Finding[] = [];
  let repeatsAKey = false;
  for (const error of ast.errors) {
    // Duplicate keys are reported below with the key's own range and a fix.
    if (error.code === 'DUPLICATE_KEY') {
      repeatsAKey = true;
      continue;
    }
    let [start, end] = error.pos;
    // Errors found at the end of the input (an unclosed bracket) point past the last character:
    // underline the last written character instead, so the squiggle is visible.
    if (!/\S/.test(text.slice(start))) {
      start = Math.max(0, text.trimEnd().length - 1);
      end = start + 1;
    }
    if (end <= start) end = Math.min(text.length, start + 1);
    findings.push(finding(RULES.yamlSyntax, { start, end }, `YAML syntax error: ${error.message.split('\n')[0]}`));
  }
  // The parser reports every repeated key (document.ts parses with `isSameKey`, which compares
  // `keyText`s as the loop below does), so only a document it reported is searched: nearly every
  // document is spared the walk.
  if (!repeatsAKey) return findings;
  forEachMap(ast.contents, (map) => {
    // Each repeated entry is compared with the previous entry of its key, not the first: YAML
    // readers keep the last value, so removing the last of `a: 1`, `a: 2`, `a: 1` would change
    // the document, while removing an entry equal to the one before it never does.
    const previousEntry = new Map<string, Pair>();
    for (const pair of map.items) {
      const key = keyText(pair.key);
      if (key === undefined) continue;
      const previous = previousEntry.get(key);
      previousEntry.set(key, pair as Pair);
      if (!previous) continue;
      const range = nodeRange(pair.key as Node)!;
      const sameValue = valueSource(text, previous) === valueSource(text, pair as Pair);
      findings.push(finding(RULES.duplicateKey, range,
        `Duplicate key \`${key}\`: YAML forbids repeated keys, and kubectl refuses the file.${sameValue ? ' Both entries have the same value.' : ' The entries have different values: keep the one you mean.'}`,
        sameValue ? fix(`Remove the repeated \`${key}\``, [removePair(text, map, pair as Pair)]) : undefined));
    }
  });
  return findings;
}

/**
 * Calls `onMap` for every map of a tree, parents first, keys before values: the order of yaml's
 * `visit`, without its per-node path bookkeeping, which made `visit` the costliest single step of
 * validating a large file.
 */
function forEachMap(node: unknown, onMap: (map: YAMLMap) => void): void {
  if (isMap(node)) {
    onMap(node);
    for (const pair of node.items) {
      forEachMap(pair.key, onMap);
      forEachMap(pair.value, onMap);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) forEachMap(item, onMap);
  } else if (isPair(node)) {
    forEachMap(node.key, onMap);
    forEachMap(node.value, onMap);
  }
}

function valueSource(text: string, pair: Pair): string {
  const value = pair.value as Node | null;
  return value?.range ? text.slice(value.range[0], value.range[1]) : '';
}

// ---------------------------------------------------------------------------------------------
// Nulls the API server drops

function nullFindings(text: string, ast: Ast, pruned: readonly YamlPath[]): Finding[] {
  const findings: Finding[] = [];
  for (const path of pruned) {
    const last = path[path.length - 1];
    const parentPath = path.slice(0, -1);
    const parent = nodeAt(ast, parentPath);
    const pair = pairAt(ast, path);
    if (!pair || !isMap(parent)) continue;
    const inSelector = parentPath.some((segment) => segment === 'clusterSelectors' || segment === 'objectSelectors' || segment === 'namespaceSelectors');
    const selectorField = inSelector && (last === 'matchLabels' || last === 'matchExpressions');
    const emptied = selectorField && parent.items.every((item) => item === pair || isNullPair(item as Pair));
    const message = emptied
      ? `\`${String(last)}\` is empty (null): the API server drops it, which leaves this selector \`{}\`, and \`{}\` matches everything. Write \`{}\` explicitly if that is what you mean, or add labels.`
      : `\`${String(last)}\` is null: the API server drops it before validating, as if it were not written.`;
    findings.push(finding(RULES.nullDropped, keyRangeForPath(ast, path), message,
      emptied ? undefined : fix(`Remove the empty \`${String(last)}\``, [removePair(text, parent, pair)], false),
      emptied ? undefined : ['unnecessary']));
  }
  return findings;
}

function isNullPair(pair: Pair): boolean {
  const value = pair.value as Node | null;
  return value === null || (isScalar(value) && value.value === null);
}

// ---------------------------------------------------------------------------------------------
// Schema

/** Fields of other APIs that people write inside a downsync clause, and what the clause calls them. */
const FOREIGN_CLAUSE_FIELDS: Record<string, string> = {
  apiVersion: '`apiGroup` (the group alone, without the version)',
  kind: '`resources` (lowercase plurals, e.g. `[deployments]`)',
  resource: '`resources` (a list)',
  name: '`objectNames` (a list)',
  names: '`objectNames`',
  namespace: '`namespaces` (a list)',
  labelSelector: '`objectSelectors` (a list of label selectors)',
  selector: '`objectSelectors` (a list of label selectors)',
  matchLabels: '`objectSelectors: [{matchLabels: ...}]`',
  matchExpressions: '`objectSelectors: [{matchExpressions: ...}]`',
  namespaceSelector: '`namespaceSelectors` (a list)',
  objectSelector: '`objectSelectors` (a list)',
  apiGroups: '`apiGroup` (a single group)',
};

function schemaFindings(text: string, ast: Ast, kind: SchemaKind, errors: readonly SchemaError[], ctx: FeatureContext): Finding[] {
  const findings: Finding[] = [];
  for (const error of errors) {
    const path = error.path;
    // The API server ignores `status` when an object is created or updated (status subresource).
    if (path[0] === 'status') continue;
    switch (error.keyword) {
      case 'additionalProperties':
        findings.push(unknownFieldFinding(text, ast, kind, path, ctx));
        break;
      case 'anyOf':
        findings.push(finding(RULES.clauseWithoutTest, clauseHeadRange(ast, path),
          'This downsync clause has no test field, so the API server refuses it. Name at least one of `apiGroup`, `resources`, `namespaces`, `namespaceSelectors`, `objectSelectors` or `objectNames` (`resources: ["*"]` selects every kind).'));
        break;
      case 'required': {
        const missing = String(error.params.missingProperty ?? '');
        findings.push(finding(RULES.schemaRequired, requiredRange(ast, path), `\`${missing}\` is required ${describeLocation(path)}.`));
        break;
      }
      case 'type':
        findings.push(typeFinding(ast, kind, path, error));
        break;
      case 'pattern':
        // Selector keys, values and operators get the label-selector rules' precise messages instead.
        if (isSelectorPath(path)) break;
        findings.push(finding(RULES.schemaValue, rangeForPath(ast, path), patternMessage(path, error)));
        break;
      default:
        findings.push(finding(RULES.schemaValue, rangeForPath(ast, path), `${capitalise(formatPath(path) || 'The document')}: ${error.message}.`));
    }
  }
  return findings;
}

function isSelectorPath(path: YamlPath): boolean {
  return path.some((segment) => segment === 'matchExpressions' || segment === 'matchLabels');
}

function patternMessage(path: YamlPath, error: SchemaError): string {
  if (formatPath(path) === 'metadata.name') {
    return 'The name must be a lowercase DNS-1123 subdomain: lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit, at most 253 characters.';
  }
  return `\`${formatPath(path)}\` does not match the pattern \`${String(error.params.pattern)}\` that the CRD requires.`;
}

function typeFinding(ast: Ast, kind: SchemaKind, path: YamlPath, error: SchemaError): Finding {
  const expected = String(error.params.type ?? 'another type');
  const node = nodeAt(ast, path);
  const range = rangeForPath(ast, path);
  const names: Record<string, string> = { array: 'a list', object: 'a mapping', boolean: '`true` or `false`', string: 'a string', integer: 'an integer', number: 'a number' };
  const described = expected.split(',').map((type) => names[type] ?? `a ${type}`).join(' or ');
  let fixes: FixSpec[] | undefined;
  // A single string where a list of strings is expected (`resources: deployments`) has one certain
  // repair. Where the list holds mappings (`clusterSelectors: edge`), brackets would only move the error.
  if (expected === 'array' && listOfStrings(kind, path) && isScalar(node) && typeof node.value === 'string' && node.range) {
    fixes = fix(`Make it a list: [${renderScalar(node.value)}]`, [{ range: { start: node.range[0], end: node.range[1] }, newText: `[${renderScalar(node.value, node.type)}]` }]);
  }
  // `"true"` where a boolean is expected.
  if (expected === 'boolean' && isScalar(node) && (node.value === 'true' || node.value === 'false') && node.range) {
    fixes = fix(`Write ${node.value} without quotes`, [{ range: { start: node.range[0], end: node.range[1] }, newText: String(node.value) }]);
  }
  return finding(RULES.schemaType, range, `\`${formatPath(path)}\` must be ${described}.`, fixes);
}

function listOfStrings(kind: SchemaKind, path: YamlPath): boolean {
  const itemType = schemaAt(kind, path)?.items?.type;
  return itemType === 'string' || (Array.isArray(itemType) && itemType.includes('string'));
}

function requiredRange(ast: Ast, path: YamlPath): OffsetRange {
  const last = path[path.length - 1];
  // A missing field of a list item: underline the item's first key; of a map entry: its key.
  if (typeof last === 'number' || path.length === 0) return clauseHeadRange(ast, path);
  return path.length ? keyRangeForPath(ast, path) : rangeForPath(ast, path);
}

/** The first key of a list item (a clause, a selector), or the item itself. */
function clauseHeadRange(ast: Ast, path: YamlPath): OffsetRange {
  const node = nodeAt(ast, path);
  if (isMap(node) && node.items.length > 0) {
    const key = nodeRange(node.items[0].key as Node);
    if (key) return key;
  }
  return rangeForPath(ast, path);
}

function describeLocation(path: YamlPath): string {
  const generic = path.map((segment) => (typeof segment === 'number' ? '*' : segment)).join('.');
  const friendly: Record<string, string> = {
    '': 'at the top of the document',
    metadata: 'in `metadata`',
    spec: 'under `spec`',
    'spec.downsync.*': 'in a downsync clause',
    'spec.clusterSelectors.*': 'in a cluster selector',
    'spec.clusterSelectors.*.matchExpressions.*': 'in a matchExpressions item',
    'spec.downsync.*.objectSelectors.*': 'in an object selector',
    'spec.downsync.*.objectSelectors.*.matchExpressions.*': 'in a matchExpressions item',
    'spec.downsync.*.namespaceSelectors.*': 'in a namespace selector',
    'spec.downsync.*.namespaceSelectors.*.matchExpressions.*': 'in a matchExpressions item',
  };
  return friendly[generic] ?? `in \`${formatPath(path)}\``;
}

function unknownFieldFinding(text: string, ast: Ast, kind: SchemaKind, path: YamlPath, ctx: FeatureContext): Finding {
  const field = String(path[path.length - 1]);
  const parentPath = path.slice(0, -1);
  const range = keyRangeForPath(ast, path);
  const where = describeLocation(parentPath);
  const parent = nodeAt(ast, parentPath);
  const pair = pairAt(ast, path);
  const inClause = parentPath.length === 3 && parentPath[0] === 'spec' && parentPath[1] === 'downsync';

  if (kind === 'BindingPolicy' && inClause && FOREIGN_CLAUSE_FIELDS[field] && isMap(parent) && pair) {
    return foreignClauseFieldFinding(text, parent, pair, field, range, ctx);
  }

  const locations = knownFieldLocations(kind, field).map((entry) => entry.location).filter((location) => !samePattern(location, parentPath));
  if (locations.length > 0) {
    const described = locations.map((location) => describeLocation(location)).join(' or ');
    const message = `\`${field}\` is not a field ${where}: it belongs ${described}. The API server refuses it here (or, without strict validation, drops it silently, so the setting is lost).`;
    return finding(RULES.unknownField, range, message, moveFixes(text, ast, parent, pair, field, locations));
  }

  const siblings = knownFieldsAt(kind, parentPath);
  const suggestion = closest(field, siblings);
  if (suggestion && isMap(parent) && pair) {
    const caseOnly = suggestion.toLowerCase() === field.toLowerCase();
    const present = parent.items.some((item) => isScalar(item.key) && item.key.value === suggestion);
    return finding(RULES.unknownField, range, `Unknown field \`${field}\` ${where}. Did you mean \`${suggestion}\`?`,
      present ? undefined : fix(`Rename to \`${suggestion}\``, [renameKey(pair, suggestion)], caseOnly));
  }
  const known = siblings.length ? ` Known fields here: ${siblings.map((s) => `\`${s}\``).join(', ')}.` : '';
  return finding(RULES.unknownField, range, `Unknown field \`${field}\` ${where}.${known}`);
}

function samePattern(location: YamlPath, path: YamlPath): boolean {
  if (location.length !== path.length) return false;
  return location.every((segment, i) => segment === '*' ? typeof path[i] === 'number' : segment === path[i]);
}

/** Moving a misplaced field is certain when its destination is one existing block map. */
function moveFixes(text: string, ast: Ast, parent: Node | undefined, pair: Pair | undefined, field: string, locations: readonly YamlPath[]): FixSpec[] | undefined {
  if (!isMap(parent) || !pair || locations.length !== 1) return undefined;
  const valueText = singleLineValueText(text, pair);
  if (valueText === undefined) return undefined;
  const targets = concreteTargets(ast, locations[0]);
  if (targets.length === 0) return undefined;
  const remove = removePair(text, parent, pair);
  return targets.flatMap(({ map, path }) => {
    if (map.items.some((item) => isScalar(item.key) && item.key.value === field)) return [];
    const title = targets.length === 1 ? `Move \`${field}\` to ${formatPath(path)}` : `Move \`${field}\` to ${formatPath(path)} (one of ${targets.length})`;
    return fix(title, [remove, appendPair(text, map, field, valueText)], targets.length === 1);
  });
}

/** Existing maps that match a location pattern (`*` stands for any list index). */
function concreteTargets(ast: Ast, pattern: YamlPath): { map: YAMLMap; path: YamlPath }[] {
  let current: { node: unknown; path: YamlPath }[] = [{ node: ast.contents, path: [] }];
  for (const segment of pattern) {
    const next: { node: unknown; path: YamlPath }[] = [];
    for (const { node, path } of current) {
      if (segment === '*' && isSeq(node)) node.items.forEach((item, i) => next.push({ node: item, path: [...path, i] }));
      else if (isMap(node)) {
        const child = node.get(segment, true);
        if (child !== undefined) next.push({ node: child, path: [...path, segment] });
      }
    }
    current = next;
  }
  return current.filter((c): c is { node: YAMLMap; path: YamlPath } => isMap(c.node)).map(({ node, path }) => ({ map: node, path }));
}

function foreignClauseFieldFinding(text: string, clause: YAMLMap, pair: Pair, field: string, range: OffsetRange, ctx: FeatureContext): Finding {
  const value = pair.value as Node | null;
  const raw = isScalar(value) ? String(value.value ?? '') : '';
  const has = (key: string) => clause.items.some((item) => isScalar(item.key) && item.key.value === key);
  let message = `\`${field}\` is not a field of a downsync clause: a clause says ${FOREIGN_CLAUSE_FIELDS[field]}.`;
  let fixes: FixSpec[] | undefined;
  if (field === 'apiVersion' && raw) {
    const { group } = parseApiVersion(raw);
    message = `\`apiVersion\` is not a field of a downsync clause: a clause names the API group alone. Write \`apiGroup: ${renderScalar(group)}\`${group === '' ? ' (the core group)' : ''}.`;
    if (!has('apiGroup')) fixes = fix(`Replace with \`apiGroup: ${renderScalar(group)}\``, [replacePair(text, pair, `apiGroup: ${renderScalar(group)}`)]);
  } else if (field === 'kind' && raw) {
    const apiVersion = clause.get('apiVersion');
    const apiGroup = clause.get('apiGroup');
    const group = typeof apiGroup === 'string' ? apiGroup : typeof apiVersion === 'string' ? parseApiVersion(apiVersion).group : undefined;
    const type = ctx.catalog.byKind(group, raw);
    if (type) {
      message = `\`kind\` is not a field of a downsync clause: a clause names lowercase plural resources. Write \`resources: [${type.resource}]\`.`;
      if (!has('resources')) fixes = fix(`Replace with \`resources: [${type.resource}]\``, [replacePair(text, pair, `resources: [${type.resource}]`)]);
    } else {
      message = `\`kind\` is not a field of a downsync clause: a clause names lowercase plural resources in \`resources\` (the kind \`${raw}\` is not known here, so its plural cannot be told).`;
    }
  } else if ((field === 'name' || field === 'namespace') && raw) {
    const target = field === 'name' ? 'objectNames' : 'namespaces';
    message = `\`${field}\` is not a field of a downsync clause: write \`${target}: [${renderScalar(raw)}]\`.`;
    if (!has(target)) fixes = fix(`Replace with \`${target}: [${renderScalar(raw)}]\``, [replacePair(text, pair, `${target}: [${renderScalar(raw)}]`)]);
  }
  return finding(RULES.unknownField, range, message, fixes);
}

/** Levenshtein distance, bounded: returns `limit + 1` as soon as the distance exceeds `limit`. */
export function editDistance(a: string, b: string, limit = 3): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}

/** The closest candidate within a small edit distance (case-insensitive), if it is unique. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 4)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  let tie = false;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase(), limit);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance) {
      tie = true;
    }
  }
  return best !== undefined && !tie ? best : undefined;
}

function knownFieldsAt(kind: SchemaKind, path: YamlPath): string[] {
  return knownFieldLocations(kind).filter(({ location }) => samePattern(location, path)).map(({ field }) => field);
}

// ---------------------------------------------------------------------------------------------
// BindingPolicy rules

function policyFindings(text: string, ast: Ast, model: PolicyModel, schemaErrors: readonly SchemaError[], ctx: FeatureContext): Finding[] {
  const findings: Finding[] = [];
  const root = model.value;
  const metadata = isObject(root.metadata) ? root.metadata : {};

  if (typeof metadata.name !== 'string' && typeof metadata.generateName !== 'string') {
    findings.push(finding(RULES.missingName, pairAt(ast, ['metadata']) ? keyRangeForPath(ast, ['metadata']) : firstLine(text),
      'This BindingPolicy has no `metadata.name`. The API server needs one, and the controller names the Binding after it.'));
  }
  const namespacePair = pairAt(ast, ['metadata', 'namespace']);
  const metadataNode = nodeAt(ast, ['metadata']);
  if (namespacePair && isMap(metadataNode)) {
    findings.push(finding(RULES.namespaceOnPolicy, keyRangeForPath(ast, ['metadata', 'namespace']),
      'BindingPolicy is cluster-scoped: `metadata.namespace` has no meaning here, and it does not limit the policy to that namespace. To select objects of a namespace, use `namespaces` in a downsync clause.',
      fix('Remove `metadata.namespace`', [removePair(text, metadataNode, namespacePair)]), ['unnecessary']));
  }

  if (model.clusterSelectors.length === 0) {
    const range = model.clusterSelectorsKeyRange ?? (pairAt(ast, ['spec']) ? keyRangeForPath(ast, ['spec']) : model.nameRange);
    findings.push(finding(RULES.noClusterSelectors, range,
      'No cluster selector: this policy binds no WEC. Add `clusterSelectors` with at least one label selector (`- {}` binds every WEC).'));
  }

  const patternPaths = new Set(schemaErrors.filter((e) => e.keyword === 'pattern').map((e) => formatPath(e.path)));
  for (const entry of model.clusterSelectors) findings.push(...selectorFindings(text, ast, entry, patternPaths));
  for (const clause of model.clauses) {
    for (const entry of [...clause.objectSelectors, ...clause.namespaceSelectors]) findings.push(...selectorFindings(text, ast, entry, patternPaths));
    findings.push(...clauseFindings(text, ast, clause.path, ctx));
  }

  // A policy with errors is explained by them; "binds nothing" on top would only repeat it.
  if (!findings.some((f) => f.severity === 'error') && !schemaErrors.length) findings.push(...inventoryFindings(model, ctx));
  return findings;
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function selectorFindings(text: string, ast: Ast, entry: SelectorEntry, patternPaths: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  for (const problem of selectorProblems(entry.input)) {
    const path = [...entry.path, ...problem.path];
    findings.push(selectorProblemFinding(text, ast, entry, problem, path, patternPaths.has(formatPath(path))));
  }
  findings.push(...duplicateValueFindings(text, ast, entry));
  return findings;
}

function consequence(entry: SelectorEntry, refusedAtApply: boolean): string {
  if (entry.list === 'clusterSelectors') {
    return refusedAtApply
      ? ' `kubectl apply` refuses the policy (the CRD checks this pattern).'
      : ' The API server stores this, and then the controller cannot resolve the policy at all: it binds no WEC (an already applied policy keeps its old WECs).';
  }
  return ' The API server accepts this without complaint, and KubeStellar then silently treats this selector as matching nothing.';
}

function selectorProblemFinding(text: string, ast: Ast, entry: SelectorEntry, problem: SelectorProblem, path: YamlPath, refusedAtApply: boolean): Finding {
  const suffix = consequence(entry, refusedAtApply);
  switch (problem.kind) {
    case 'operator': {
      const node = nodeAt(ast, path);
      const written = isScalar(node) ? String(node.value ?? '') : '';
      const corrected = OPERATORS.find((op) => op.toLowerCase() === written.toLowerCase().replace(/[\s_-]/g, ''));
      const advice = corrected ? `operators are case-sensitive, write \`${corrected}\`.` : 'use In, NotIn, Exists or DoesNotExist.';
      return finding(RULES.selectorOperator, rangeForPath(ast, path),
        `\`${written}\` is not a label-selector operator: ${advice}${suffix}`,
        corrected && node ? fix(`Change to \`${corrected}\``, [replaceScalar(node, corrected)]) : undefined);
    }
    case 'values-required':
      return finding(RULES.selectorValuesRequired, rangeForPath(ast, [...path.slice(0, -1), 'operator']), `${problem.message}${suffix}`);
    case 'values-forbidden': {
      const expressionPath = path[path.length - 1] === 'values' ? path.slice(0, -1) : path;
      const expression = nodeAt(ast, expressionPath);
      const valuesPair = pairAt(ast, [...expressionPath, 'values']);
      return finding(RULES.selectorValuesForbidden, valuesPair ? keyRangeForPath(ast, [...expressionPath, 'values']) : rangeForPath(ast, path),
        `${problem.message}${suffix}`,
        isMap(expression) && valuesPair ? fix('Remove `values`', [removePair(text, expression, valuesPair)]) : undefined);
    }
    case 'key':
      return finding(RULES.selectorKey, rangeForPath(ast, path), `${problem.message}${suffix}`);
    case 'matchLabels-key':
      return finding(RULES.selectorKey, keyRangeForPath(ast, path), `${problem.message}${suffix}`);
    case 'value':
    case 'matchLabels-value':
      return finding(RULES.selectorValue, rangeForPath(ast, path), `${problem.message}${suffix}`);
  }
}

function duplicateValueFindings(text: string, ast: Ast, entry: SelectorEntry): Finding[] {
  const expressions = nodeAt(ast, [...entry.path, 'matchExpressions']);
  if (!isSeq(expressions)) return [];
  return expressions.items.flatMap((_, i) => duplicateEntryFindings(text, ast, [...entry.path, 'matchExpressions', i, 'values'], 'value'));
}

const CLAUSE_LISTS = ['resources', 'namespaces', 'objectNames', 'statusCollectors'] as const;

function clauseFindings(text: string, ast: Ast, clausePath: YamlPath, ctx: FeatureContext): Finding[] {
  const findings: Finding[] = [];
  const clause = nodeAt(ast, clausePath);
  if (!isMap(clause)) return findings;

  const apiGroupNode = clause.get('apiGroup', true) as Node | undefined;
  let apiGroup: string | undefined;
  if (isScalar(apiGroupNode) && typeof apiGroupNode.value === 'string') {
    apiGroup = apiGroupNode.value;
    findings.push(...apiGroupFindings(apiGroupNode, apiGroup));
    if (apiGroup.includes('/') || apiGroup === 'v1' || apiGroup === 'core') apiGroup = apiGroup === 'core' || apiGroup === 'v1' ? '' : apiGroup.split('/')[0];
  }

  for (const list of CLAUSE_LISTS) {
    const path = [...clausePath, list];
    const seq = nodeAt(ast, path);
    if (!isSeq(seq)) continue;
    findings.push(...duplicateEntryFindings(text, ast, path, list === 'statusCollectors' ? 'StatusCollector' : 'entry'));
    if (list !== 'statusCollectors') findings.push(...wildcardFindings(text, seq, list));
    if (list === 'resources') findings.push(...resourceFindings(seq, apiGroup, ctx));
    if (list === 'namespaces') findings.push(...emptyNamespaceFindings(seq));
    if (list === 'statusCollectors') findings.push(...statusCollectorFindings(seq, ctx));
  }

  const multi = clause.get('wantMultiWECReportedState', true);
  if (isScalar(multi) && multi.value === true) {
    findings.push(finding(RULES.multiWecNotImplemented, keyRangeForPath(ast, [...clausePath, 'wantMultiWECReportedState']),
      '`wantMultiWECReportedState` is documented as not implemented yet: setting it has no effect today. For status from a single WEC use `wantSingletonReportedState`; to combine status from several WECs use `statusCollectors`.'));
  }
  return findings;
}

function apiGroupFindings(node: Node, apiGroup: string): Finding[] {
  const range = nodeRange(node)!;
  if (apiGroup.includes('/')) {
    const group = apiGroup.split('/')[0];
    return [finding(RULES.apiGroupWithVersion, range,
      `\`apiGroup\` takes the API group alone, without a version: write \`${renderScalar(group)}\`. \`${apiGroup}\` matches no object.`,
      fix(`Change to \`${renderScalar(group)}\``, [replaceScalar(node, group)]))];
  }
  if (apiGroup === 'v1' || apiGroup === 'core') {
    return [finding(RULES.apiGroupWithVersion, range,
      `The core API group is written \`""\` (empty), not \`${apiGroup}\`: \`${apiGroup}\` matches no object.`,
      fix('Change to `""`', [replaceScalar(node, '')]))];
  }
  return [];
}

function duplicateEntryFindings(text: string, ast: Ast, path: YamlPath, what: string): Finding[] {
  const seq = nodeAt(ast, path);
  if (!isSeq(seq)) return [];
  const seen = new Set<string>();
  const findings: Finding[] = [];
  seq.items.forEach((item, index) => {
    if (!isScalar(item) || !item.range) return;
    const value = String(item.value);
    if (!seen.has(value)) {
      seen.add(value);
      return;
    }
    findings.push(finding(RULES.duplicateEntry, nodeRange(item)!, `Duplicate ${what} \`${value}\`: it is already listed, so this one has no effect.`,
      fix(`Remove the repeated \`${value}\``, [removeSeqItem(text, seq, index)]), ['unnecessary']));
  });
  return findings;
}

function wildcardFindings(text: string, seq: YAMLSeq, list: string): Finding[] {
  const values = seq.items.map((item) => (isScalar(item) ? String(item.value) : undefined));
  if (!values.includes('*') || values.length < 2) return [];
  const findings: Finding[] = [];
  seq.items.forEach((item, index) => {
    if (!isScalar(item) || values[index] === '*' || !item.range) return;
    findings.push(finding(RULES.wildcardMixed, nodeRange(item)!,
      `\`${values[index]}\` has no effect: \`"*"\` in \`${list}\` already matches everything. Keep only \`"*"\`, or remove \`"*"\` to list ${list} one by one.`,
      fix(`Remove \`${values[index]}\` and keep \`"*"\``, [removeSeqItem(text, seq, index)]), ['unnecessary']));
  });
  return findings;
}

function resourceFindings(seq: YAMLSeq, apiGroup: string | undefined, ctx: FeatureContext): Finding[] {
  const findings: Finding[] = [];
  const all = ctx.catalog.all();
  for (const item of seq.items) {
    if (!isScalar(item) || typeof item.value !== 'string' || !item.range) continue;
    const entry = item.value;
    if (entry === '*') continue;
    const types = all.filter((type) => type.resource === entry && (apiGroup === undefined || type.group === apiGroup));
    const range = nodeRange(item)!;
    if (types.length > 0) {
      if (types.every((type) => isExcludedResource(type.group, type.resource, ctx.inventory.allowedGroups))) {
        findings.push(finding(RULES.excludedResource, range,
          `KubeStellar never downsyncs \`${entry}\`${apiGroup !== undefined ? ` of group \`${apiGroup || 'core'}\`` : ''}: the controller skips this resource whatever the policy says.`));
      }
      continue;
    }
    const suggestions = ctx.catalog.suggestPlural(entry, apiGroup);
    const plurals = [...new Set(suggestions.map((type) => type.resource))];
    if (plurals.length > 0) {
      const isKind = suggestions.some((type) => type.kind === entry);
      const what = isKind ? 'a kind' : entry.toLowerCase() === entry ? 'not the plural resource name' : 'not lowercase';
      findings.push(finding(RULES.resourceNotPlural, range,
        `\`${entry}\` is ${what}: \`resources\` takes lowercase plural resource names, so write \`${plurals.join('` or `')}\`. As written it matches no object.`,
        plurals.flatMap((plural) => fix(`Change to \`${plural}\``, [replaceScalar(item, plural)], plurals.length === 1))));
      continue;
    }
    const nearest = closest(entry, [...new Set(all.filter((type) => apiGroup === undefined || type.group === apiGroup).map((type) => type.resource))]);
    findings.push(finding(RULES.unknownResource, range,
      `No resource \`${entry}\` is known${apiGroup !== undefined ? ` in group \`${apiGroup || 'core'}\`` : ''} (built-in Kubernetes resources, CRDs in the workspace, or the connected WDS), so this entry probably matches nothing.${nearest ? ` Did you mean \`${nearest}\`?` : ''}`,
      nearest ? fix(`Change to \`${nearest}\``, [replaceScalar(item, nearest)], false) : undefined));
  }
  return findings;
}

function emptyNamespaceFindings(seq: YAMLSeq): Finding[] {
  return seq.items.filter((item) => isScalar(item) && item.value === '' && item.range).map((item) =>
    finding(RULES.emptyNamespaceEntry, nodeRange(item as Node)!,
      '`""` matches every cluster-scoped object (the controller compares namespaces literally). This is undocumented: to select cluster-scoped objects, the documented way is `"*"`.'));
}

function statusCollectorFindings(seq: YAMLSeq, ctx: FeatureContext): Finding[] {
  if (ctx.inventory.objects.length === 0) return [];
  const known = new Set(ctx.inventory.objects.filter((o) => o.resource === 'statuscollectors' && o.group === 'control.kubestellar.io').map((o) => o.name));
  return seq.items.filter((item) => isScalar(item) && typeof item.value === 'string' && item.value !== '' && !known.has(item.value)).map((item) =>
    finding(RULES.unknownStatusCollector, nodeRange(item as Node)!,
      `No StatusCollector \`${String((item as { value: unknown }).value)}\` is known in ${ctx.inventory.origin}${known.size ? ` (known: ${[...known].sort().map((n) => `\`${n}\``).join(', ')})` : ''}.`));
}

// ---------------------------------------------------------------------------------------------
// What the inventory says

function inventoryFindings(model: PolicyModel, ctx: FeatureContext): Finding[] {
  const findings: Finding[] = [];
  const inventory = ctx.inventory;
  if (inventory.wecs.length === 0 && inventory.objects.length === 0) return findings;
  const resolution = resolvePolicy(model.spec, ctx.index);
  if (!resolution.resolved) return findings;
  if (inventory.wecs.length > 0 && model.clusterSelectors.length > 0 && resolution.wecs.length === 0) {
    findings.push(finding(RULES.bindsNoWec, model.clusterSelectorsKeyRange ?? model.nameRange,
      `None of the ${inventory.wecs.length} known WECs (${inventory.origin}) matches any cluster selector: this policy binds no WEC.`));
  }
  const workloads = inventory.objects.some((o) => o.resource !== 'namespaces');
  if (workloads && model.clauses.length > 0 && resolution.objects.length === 0) {
    findings.push(finding(RULES.selectsNoObject, model.downsyncKeyRange ?? model.nameRange,
      `No known workload object (${inventory.origin}) matches any downsync clause: this policy selects nothing.`));
  }
  const drift = driftMessage(model, resolution, ctx);
  if (drift) findings.push(finding(RULES.bindingDrift, model.nameRange, drift));
  return findings;
}

function driftMessage(model: PolicyModel, resolution: PolicyResolution, ctx: FeatureContext): string | undefined {
  const drift = bindingDrift(model.name, resolution, ctx.inventory);
  if (!drift) return undefined;
  return `The Binding \`${drift.bindingName}\` in the WDS differs from what this policy predicts: ${describeDrift(drift, 5).join('; ')}. (Apply the policy to update it, or the estate changed since.)`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
