/**
 * Reads Kubernetes manifests (text in, data out) into the parts of an `Inventory`: the WECs
 * (ManagedCluster objects), the workload objects of the WDS and the resource types that CRDs in
 * the files define.
 *
 * Reading is split in two steps because CRDs in one file define the kinds used in another:
 * `parseManifests` turns one file into plain objects and collects its CRDs without needing to
 * know any kind; `classifyManifests` then maps every object to its resource type with a catalog
 * that knows the CRDs of all files. The workspace loader keeps both results per file, so a
 * changed file is re-parsed alone and the other files are re-classified only when the set of CRDs
 * changes.
 */

import { isMap, isNode, isSeq, parseAllDocuments } from 'yaml';
import { KUBESTELLAR_GROUP, splitDocuments } from './document';
import { parseApiVersion, ResourceCatalog } from './resources';
import type { Labels, ResourceType, SourceLocation, Wec, WorkloadObject } from './types';

/** Something wrong in a manifest file; the offset is a character offset into the file's text. */
export interface ManifestProblem {
  readonly uri: string;
  readonly offset: number;
  readonly message: string;
}

/** One Kubernetes object as written in a file (a List's items are separate entries). */
export interface ManifestEntry {
  /** Offset of the object's content: the document's, or the list item's for a List. */
  readonly offset: number;
  readonly value: Readonly<Record<string, unknown>>;
}

/** The first step's result for one file: its objects as plain data and the types its CRDs define. */
export interface ParsedManifests {
  readonly uri: string;
  readonly entries: readonly ManifestEntry[];
  readonly resourceTypes: readonly ResourceType[];
  readonly problems: readonly ManifestProblem[];
}

/** The second step's result for one file. */
export interface ClassifiedManifests {
  readonly wecs: readonly Wec[];
  readonly objects: readonly WorkloadObject[];
  readonly problems: readonly ManifestProblem[];
}

/** The inventory parts read from one or more files. */
export interface ManifestSet {
  readonly wecs: Wec[];
  readonly objects: WorkloadObject[];
  readonly resourceTypes: ResourceType[];
  readonly problems: ManifestProblem[];
}

export interface ParseLimits {
  /** Files longer than this many characters are not read. */
  readonly maxChars?: number;
  /** Cap on alias expansions per document; bounds the work a "billion laughs" document can cause. */
  readonly maxAliasCount?: number;
}

export const DEFAULT_MAX_MANIFEST_CHARS = 5 * 1024 * 1024;
const DEFAULT_MAX_ALIAS_COUNT = 100;

const MANAGED_CLUSTER_GROUP = 'cluster.open-cluster-management.io';
const CRD_GROUP = 'apiextensions.k8s.io';

/**
 * API groups of configuration files that look like manifests but are read by a client, never
 * stored in a cluster (kustomize, kind, kubeadm, component configs, exec credentials). A
 * workspace is full of them, and calling each an unknown kind would bury the real problems.
 */
function isClientConfig(group: string, kind: string): boolean {
  return (
    group.endsWith('config.k8s.io') ||
    group === 'kind.x-k8s.io' ||
    group === 'kubeadm.k8s.io' ||
    group === 'client.authentication.k8s.io' ||
    (group === '' && kind === 'Config') // a kubeconfig file
  );
}

/**
 * BindingPolicies and Bindings are objects of the WDS, but not inventory: the controller never
 * downsyncs its own API group, and no rule looks them up (the language service reads the policies
 * themselves from the open documents; drift reads Bindings from a live cluster). Leaving them out
 * keeps the inventory unchanged while someone types in a policy file of the workspace, so the
 * match index and every cached finding stay valid. StatusCollectors stay: policies name them.
 */
function isKubeStellarPolicyObject(group: string, kind: string): boolean {
  return group === KUBESTELLAR_GROUP && (kind === 'BindingPolicy' || kind === 'Binding');
}

/** Step one: parses a file's YAML documents into objects, collecting its CRDs' resource types. */
export function parseManifests(text: string, uri: string, limits: ParseLimits = {}): ParsedManifests {
  const maxChars = limits.maxChars ?? DEFAULT_MAX_MANIFEST_CHARS;
  const problems: ManifestProblem[] = [];
  if (text.length > maxChars) {
    problems.push({ uri, offset: 0, message: `file is larger than ${formatSize(maxChars)} (${formatSize(text.length)}); not read` });
    return { uri, entries: [], resourceTypes: [], problems };
  }

  const entries: ManifestEntry[] = [];
  const resourceTypes: ResourceType[] = [];
  const starts = splitDocuments(text);
  for (let i = 0; i < starts.length; i++) {
    const pieceStart = starts[i];
    const pieceText = text.slice(pieceStart, i + 1 < starts.length ? starts[i + 1] : text.length);
    const piece = parsePieceCached(pieceText, limits.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT);
    for (const entry of piece.entries) entries.push({ offset: entry.offset + pieceStart, value: entry.value });
    for (const problem of piece.problems) problems.push({ uri, offset: problem.offset + pieceStart, message: problem.message });
  }

  for (const entry of entries) {
    const header = readHeader(entry.value);
    if (header?.group === CRD_GROUP && header.kind === 'CustomResourceDefinition') {
      resourceTypes.push(...crdResourceTypes(entry, uri, problems));
    }
  }
  return { uri, entries, resourceTypes, problems };
}

/** One document's objects, with offsets relative to the document's text. */
interface PieceResult {
  readonly entries: readonly ManifestEntry[];
  readonly problems: readonly { readonly offset: number; readonly message: string }[];
}

/**
 * Parsed documents by their text. A file edited in the editor is re-read on every change; with
 * this cache only the documents whose text changed are parsed again, so re-reading a 500-policy
 * file after one keystroke costs one document's parse. Bounded, oldest entries dropped first.
 */
const pieceCache = new Map<string, PieceResult>();
const PIECE_CACHE_LIMIT = 20_000;

function parsePieceCached(text: string, maxAliasCount: number): PieceResult {
  const key = `${maxAliasCount}\u0000${text}`;
  const cached = pieceCache.get(key);
  if (cached) return cached;
  const result = parsePiece(text, maxAliasCount);
  if (pieceCache.size >= PIECE_CACHE_LIMIT) pieceCache.delete(pieceCache.keys().next().value as string);
  pieceCache.set(key, result);
  return result;
}

/**
 * KubeStellar's own policies are not part of the inventory (see `isKubeStellarPolicyObject`).
 * The language service parses them anyway; recognising a block-style policy by its two top-level
 * lines spares the loader a second parse of every policy on every keystroke. Anything this misses
 * (flow style, quoted keys) is parsed and then dropped by `classifyManifests`.
 */
const POLICY_KIND_LINE = /^kind:[ \t]*(["']?)(?:BindingPolicy|Binding)\1[ \t]*(?:#.*)?$/m;
const KUBESTELLAR_API_VERSION_LINE = /^apiVersion:[ \t]*(["']?)control\.kubestellar\.io\/[^ \t#"']*\1[ \t]*(?:#.*)?$/m;

function parsePiece(text: string, maxAliasCount: number): PieceResult {
  const problems: { offset: number; message: string }[] = [];
  const entries: ManifestEntry[] = [];
  if (POLICY_KIND_LINE.test(text) && KUBESTELLAR_API_VERSION_LINE.test(text)) return { entries, problems };
  let documents: ReturnType<typeof parseAllDocuments>;
  try {
    // Merge keys (`<<: *base`) are on because Kubernetes' YAML reader (go-yaml) honours them.
    documents = parseAllDocuments(text, { merge: true, prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    // The parser recurses on nesting, so a pathologically deep file can exhaust the stack.
    problems.push({ offset: 0, message: `document could not be parsed as YAML: ${errorText(error)}` });
    return { entries: [], problems };
  }

  for (const doc of documents) {
    const [docStart, , docEnd] = doc.range ?? [0, 0, text.length];
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      const source = text.slice(docStart, docEnd);
      const hint = source.includes('{{')
        ? ' (this looks like a Helm or Go template, which is YAML only once rendered; exclude it from the workspace)'
        : '';
      problems.push({ offset: error.pos[0], message: `YAML error, document skipped: ${error.message}${hint}` });
      continue;
    }
    const contents = doc.contents;
    if (contents === null) continue;
    const offset = contents.range?.[0] ?? docStart;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount });
    } catch (error) {
      problems.push({ offset, message: `document skipped: ${errorText(error)}` });
      continue;
    }
    // A document that is not a map is not a Kubernetes object (a list of strings, a bare value).
    if (!isRecord(value)) continue;

    const items = value['items'];
    const listKind = typeof value['kind'] === 'string' ? value['kind'] : '';
    if (listKind.endsWith('List') && Array.isArray(items)) {
      // `kind: List` items carry their own apiVersion and kind; a typed list's items (what the
      // API returns for `DeploymentList`) often do not, and inherit them from the list.
      const itemsNode = isMap(contents) ? contents.get('items', true) : undefined;
      const inherited = listKind === 'List' ? {} : { apiVersion: value['apiVersion'], kind: listKind.slice(0, -'List'.length) };
      items.forEach((item, index) => {
        if (!isRecord(item)) return;
        const itemNode = isSeq(itemsNode) ? itemsNode.items[index] : undefined;
        const itemOffset = isNode(itemNode) && itemNode.range ? itemNode.range[0] : offset;
        entries.push({ offset: itemOffset, value: { ...inherited, ...item } });
      });
    } else {
      entries.push({ offset, value });
    }
  }

  return { entries, problems };
}

/** Step two: maps each object of a parsed file to a WEC or a workload object. */
export function classifyManifests(parsed: ParsedManifests, catalog: ResourceCatalog): ClassifiedManifests {
  const { uri } = parsed;
  const wecs: Wec[] = [];
  const objects: WorkloadObject[] = [];
  const problems: ManifestProblem[] = [];
  const report = (offset: number, message: string): void => {
    problems.push({ uri, offset, message });
  };

  for (const entry of parsed.entries) {
    const { offset, value } = entry;
    const apiVersion = value['apiVersion'];
    const kind = value['kind'];
    // Every Kubernetes object has a kind; YAML without one is some other tool's file (CI config,
    // Helm values, a Chart.yaml, which has an apiVersion of its own).
    if (kind === undefined) continue;
    if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') {
      report(offset, 'object skipped: it needs both apiVersion and kind as strings');
      continue;
    }
    const { group, version } = parseApiVersion(apiVersion);
    if (isClientConfig(group, kind)) continue;
    if (version === '' || version.includes('/')) {
      report(offset, `object skipped: apiVersion "${apiVersion}" is not of the form group/version or version`);
      continue;
    }

    const metadata = value['metadata'];
    if (metadata !== undefined && !isRecord(metadata)) {
      report(offset, `${kind} skipped: metadata must be a map`);
      continue;
    }
    const name = metadata?.['name'];
    if (typeof name !== 'string' || name === '') {
      const why = typeof metadata?.['generateName'] === 'string'
        ? 'it has only metadata.generateName, so its name is chosen by the API server and no policy can name it'
        : 'it has no metadata.name';
      report(offset, `${kind} skipped: ${why}`);
      continue;
    }

    if (isKubeStellarPolicyObject(group, kind)) continue;
    if (group === MANAGED_CLUSTER_GROUP && kind === 'ManagedCluster') {
      const labels = readLabels(metadata?.['labels'], `ManagedCluster ${name}`, offset, report);
      wecs.push({ name, labels, source: { uri, offset } });
      continue;
    }

    const type = catalog.byKind(group, kind);
    if (type === undefined) {
      report(offset, `kind ${kind} (${group === '' ? 'core group' : `group ${group}`}) is not a known resource type; add its CRD to the workspace`);
      continue;
    }

    let namespace = '';
    if (type.namespaced) {
      const written = metadata?.['namespace'];
      if (written !== undefined && written !== null && typeof written !== 'string') {
        report(offset, `${kind} ${name} skipped: metadata.namespace must be a string`);
        continue;
      }
      // Like kubectl, a namespaced object that names no namespace goes to `default` (strictly,
      // to the kubeconfig context's namespace, which a file cannot know; `default` is what it
      // nearly always is).
      namespace = typeof written === 'string' && written !== '' ? written : 'default';
    }
    const where = `${kind} ${namespace === '' ? name : `${namespace}/${name}`}`;
    const labels = readLabels(metadata?.['labels'], where, offset, report);
    objects.push({ group, version, resource: type.resource, kind, namespace, name, labels, source: { uri, offset } });
  }
  return { wecs, objects, problems };
}

/**
 * Joins the results of several files (or one) into inventory parts. An object or WEC defined
 * twice is kept once — the first in file order — with a problem at the repeat, so counts and
 * match results do not double.
 */
export function mergeManifests(
  files: readonly { readonly parsed: ParsedManifests; readonly classified: ClassifiedManifests }[],
): ManifestSet {
  const wecs = new Map<string, Wec>();
  const objects = new Map<string, WorkloadObject>();
  const resourceTypes = new Map<string, ResourceType>();
  const problems: ManifestProblem[] = [];

  for (const { parsed, classified } of files) {
    problems.push(...parsed.problems, ...classified.problems);
    for (const type of parsed.resourceTypes) {
      const key = `${type.group}/${type.resource}/${type.version}`;
      if (!resourceTypes.has(key)) resourceTypes.set(key, type);
    }
    for (const wec of classified.wecs) {
      const first = wecs.get(wec.name);
      if (first === undefined) wecs.set(wec.name, wec);
      else problems.push(duplicateProblem(`ManagedCluster ${wec.name}`, wec.source, first.source));
    }
    for (const object of classified.objects) {
      const key = [object.group, object.resource, object.namespace, object.name].join('/');
      const first = objects.get(key);
      if (first === undefined) objects.set(key, object);
      else {
        const where = object.namespace === '' ? object.name : `${object.namespace}/${object.name}`;
        problems.push(duplicateProblem(`${object.kind} ${where}`, object.source, first.source));
      }
    }
  }
  problems.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.offset - b.offset));
  return { wecs: [...wecs.values()], objects: [...objects.values()], resourceTypes: [...resourceTypes.values()], problems };
}

/** Reads one file; its own CRDs define kinds for its other documents. */
export function readManifests(text: string, uri: string, catalog: ResourceCatalog, limits?: ParseLimits): ManifestSet {
  const parsed = parseManifests(text, uri, limits);
  const classified = classifyManifests(parsed, catalog.withTypes(parsed.resourceTypes));
  return mergeManifests([{ parsed, classified }]);
}

/**
 * Reads many files in two passes: first the CRDs of all of them, then every object with a catalog
 * that knows those CRDs (before `knownTypes`, e.g. from API discovery, and the built-in table).
 */
export function readManifestSet(
  files: readonly { readonly uri: string; readonly text: string }[],
  knownTypes: readonly ResourceType[] = [],
  limits?: ParseLimits,
): ManifestSet {
  const parsed = files.map((file) => parseManifests(file.text, file.uri, limits));
  const catalog = new ResourceCatalog([...parsed.flatMap((p) => p.resourceTypes), ...knownTypes]);
  return mergeManifests(parsed.map((p) => ({ parsed: p, classified: classifyManifests(p, catalog) })));
}

function duplicateProblem(what: string, repeat: SourceLocation | undefined, first: SourceLocation | undefined): ManifestProblem {
  return {
    uri: repeat?.uri ?? '',
    offset: repeat?.offset ?? 0,
    message: `${what} is defined more than once; only the first definition (${first?.uri ?? 'unknown'}) is used`,
  };
}

/** The group and kind of an object, when both are strings. */
function readHeader(value: Readonly<Record<string, unknown>>): { group: string; kind: string } | undefined {
  const apiVersion = value['apiVersion'];
  const kind = value['kind'];
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  return { group: parseApiVersion(apiVersion).group, kind };
}

/**
 * The resource types a CRD defines: one per served version, the version discovery would prefer
 * first (so a catalog that keeps the first entry per resource keeps that one).
 */
function crdResourceTypes(entry: ManifestEntry, uri: string, problems: ManifestProblem[]): ResourceType[] {
  const spec = entry.value['spec'];
  const metadata = entry.value['metadata'];
  const crdName = isRecord(metadata) && typeof metadata['name'] === 'string' ? metadata['name'] : '(unnamed)';
  const fail = (why: string): ResourceType[] => {
    problems.push({ uri, offset: entry.offset, message: `CustomResourceDefinition ${crdName} defines no usable type: ${why}` });
    return [];
  };
  if (!isRecord(spec)) return fail('it has no spec');
  const names = spec['names'];
  const { group, scope } = spec;
  if (typeof group !== 'string' || group === '') return fail('spec.group is missing');
  if (!isRecord(names) || typeof names['plural'] !== 'string' || typeof names['kind'] !== 'string') {
    return fail('spec.names needs plural and kind');
  }
  if (scope !== 'Namespaced' && scope !== 'Cluster') return fail('spec.scope must be Namespaced or Cluster');

  const versions: string[] = [];
  if (Array.isArray(spec['versions'])) {
    for (const v of spec['versions']) {
      if (isRecord(v) && typeof v['name'] === 'string' && v['served'] === true) versions.push(v['name']);
    }
  } else if (typeof spec['version'] === 'string') {
    versions.push(spec['version']); // apiextensions.k8s.io/v1beta1's single-version form
  }
  if (versions.length === 0) return fail('it serves no version');

  const rawShortNames = names['shortNames'];
  const shortNames = Array.isArray(rawShortNames) ? rawShortNames.filter((s): s is string => typeof s === 'string') : [];
  return versions.sort(compareKubeVersions).map((version) => ({
    group,
    version,
    resource: names['plural'] as string,
    kind: names['kind'] as string,
    namespaced: scope === 'Namespaced',
    ...(shortNames.length > 0 ? { shortNames } : {}),
  }));
}

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Kubernetes' version priority (apimachinery's CompareKubeAwareVersionStrings), highest first:
 * GA before beta before alpha, higher numbers first; other names last, alphabetically.
 */
function compareKubeVersions(a: string, b: string): number {
  const ma = KUBE_VERSION.exec(a);
  const mb = KUBE_VERSION.exec(b);
  if (!ma || !mb) return ma ? -1 : mb ? 1 : a.localeCompare(b);
  const stability = (m: RegExpExecArray): number => (m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0);
  return (
    stability(mb) - stability(ma) ||
    Number(mb[1]) - Number(ma[1]) ||
    Number(mb[3] ?? 0) - Number(ma[3] ?? 0)
  );
}

/**
 * Reads `metadata.labels`. Kubernetes rejects an object whose labels are not a map of strings
 * (an unquoted `true` or `8080` is a boolean or a number in YAML), so such entries are reported
 * and left out rather than turned into strings the API server would never store.
 */
function readLabels(value: unknown, where: string, offset: number, report: (offset: number, message: string) => void): Labels {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    report(offset, `${where}: metadata.labels must be a map of strings; labels ignored`);
    return {};
  }
  const labels: Record<string, string> = {};
  for (const [key, labelValue] of Object.entries(value)) {
    if (typeof labelValue === 'string') labels[key] = labelValue;
    else report(offset, `${where}: label "${key}" has ${describeNonString(labelValue)}; label values must be strings, so quote it (label ignored)`);
  }
  return labels;
}

function describeNonString(value: unknown): string {
  if (value === null) return 'no value (write "" for an empty one)';
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  return Array.isArray(value) ? 'a list' : 'a map';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatSize(chars: number): string {
  return `${(chars / (1024 * 1024)).toFixed(1)} MB`;
}
