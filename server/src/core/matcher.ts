/**
 * The shared matcher: the only code that decides whether a selector or a downsync clause matches.
 *
 * Label selectors (k8s.io/apimachinery semantics, exact to the error text) live in `labels.ts` and
 * are re-exported from here; this file adds how KubeStellar's binding controller resolves a
 * BindingPolicy (`shared/kubestellar/MATCHING.md`) and the index that keeps that fast over large
 * inventories. Every indexed lookup returns exactly what the plain definition would: the index only
 * picks which objects to test, the full test always runs on them.
 */
import type { Inventory, Labels, Wec, WorkloadObject } from './types';
import {
  compareGoStrings,
  labelSelectorAsSelector,
  type LabelSelectorInput,
  type Selector,
} from './labels';

export {
  addRequirements,
  compareGoStrings,
  EVERYTHING,
  goQuote,
  isQualifiedName,
  isValidLabelValue,
  labelSelectorAsMap,
  labelSelectorAsSelector,
  newRequirement,
  NOTHING,
  parseSelector,
  parseToLabelSelector,
  selectorFromRequirements,
  selectorProblems,
  utf8ByteLength,
} from './labels';
export type {
  FieldError,
  LabelSelectorInput,
  LabelSelectorRequirementInput,
  NewRequirementResult,
  Requirement,
  SelectionOperator,
  Selector,
  SelectorProblem,
  SelectorProblemKind,
  SelectorResult,
} from './labels';

// ---------------------------------------------------------------------------------------------
// Policy input and output shapes
// ---------------------------------------------------------------------------------------------

export interface DownsyncClauseInput {
  apiGroup?: string | null;
  resources?: readonly string[] | null;
  namespaces?: readonly string[] | null;
  objectNames?: readonly string[] | null;
  objectSelectors?: readonly (LabelSelectorInput | null)[] | null;
  namespaceSelectors?: readonly (LabelSelectorInput | null)[] | null;
  createOnly?: boolean | null;
  statusCollectors?: readonly string[] | null;
  wantSingletonReportedState?: boolean | null;
  wantMultiWECReportedState?: boolean | null;
}

export interface PolicySpecInput {
  clusterSelectors?: readonly (LabelSelectorInput | null)[] | null;
  downsync?: readonly (DownsyncClauseInput | null)[] | null;
}

/** How an object is downsynced, combined over every clause that selects it. */
export interface Modulation {
  createOnly: boolean;
  wantSingletonReportedState: boolean;
  wantMultiWECReportedState: boolean;
  /** Sorted, without duplicates. */
  statusCollectors: string[];
}

export interface PolicyResolution {
  /** False when any cluster selector is invalid: the controller then fails the whole policy. */
  resolved: boolean;
  /** Why the policy is not resolved: one entry per invalid cluster selector, with its index. */
  errors: string[];
  /** Bound WECs sorted by name; empty when not resolved. */
  wecs: Wec[];
  /** Objects selected by each downsync clause (excluded objects removed); empty lists when not resolved. */
  clauses: { index: number; objects: WorkloadObject[] }[];
  /** The union over clauses, sorted by group, resource, namespace, name, with combined modulation. */
  objects: { object: WorkloadObject; modulation: Modulation }[];
}

// ---------------------------------------------------------------------------------------------
// Objects the controller never selects
// ---------------------------------------------------------------------------------------------

/** API groups the controller never downsyncs (MATCHING.md section 2). */
const EXCLUDED_GROUPS: ReadonlySet<string> = new Set([
  'flowcontrol.apiserver.k8s.io',
  'discovery.k8s.io',
  'apiregistration.k8s.io',
  'coordination.k8s.io',
  'control.kubestellar.io',
]);

/** Group/resource pairs the controller never downsyncs, as `group/resource` (`/events` is core). */
const EXCLUDED_GROUP_RESOURCES: ReadonlySet<string> = new Set([
  '/events',
  'events.k8s.io/events',
  '/nodes',
  '/endpoints',
  'storage.k8s.io/csistoragecapacities',
  'storage.k8s.io/csinodes',
  'control.kubestellar.io/workstatuses',
]);

/**
 * Groups KubeStellar adds to any configured allowed set so that it can still work
 * (`addRequiredResourceGroups` in its pkg/util): its own API group and the CRD group.
 */
const ALWAYS_ALLOWED_GROUPS: ReadonlySet<string> = new Set(['control.kubestellar.io', 'apiextensions.k8s.io']);

/**
 * Whether the controller refuses to select objects of this group and resource whatever a policy
 * says. `allowedGroups`, when given and non-empty, restricts the groups further (an empty list means
 * no restriction, as in the controller).
 */
export function isExcludedResource(group: string, resource: string, allowedGroups?: readonly string[]): boolean {
  if (EXCLUDED_GROUPS.has(group) || EXCLUDED_GROUP_RESOURCES.has(`${group}/${resource}`)) return true;
  if (allowedGroups !== undefined && allowedGroups.length > 0) {
    return !allowedGroups.includes(group) && !ALWAYS_ALLOWED_GROUPS.has(group);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Indexes
// ---------------------------------------------------------------------------------------------

const NO_IDS: readonly number[] = Object.freeze([]);

/**
 * A set of item ids that contains every match, not yet materialized: the union of `lists`.
 * `disjoint` says the lists cannot share ids, so the union needs no de-duplication.
 */
interface Candidates {
  readonly size: number;
  readonly lists: readonly (readonly number[])[];
  readonly disjoint: boolean;
}

function candidatesOf(lists: readonly (readonly number[])[], disjoint: boolean): Candidates {
  let size = 0;
  for (const list of lists) size += list.length;
  return { size, lists, disjoint };
}

/** The union of the candidate lists, ascending (every list is ascending already). */
function materialize(candidates: Candidates): readonly number[] {
  const { lists, disjoint } = candidates;
  if (lists.length === 0) return NO_IDS;
  if (lists.length === 1) return lists[0];
  const all = new Int32Array(candidates.size);
  let offset = 0;
  for (const list of lists) {
    all.set(list, offset);
    offset += list.length;
  }
  all.sort();
  const ids: number[] = [];
  for (let i = 0; i < all.length; i++) {
    if (disjoint || i === 0 || all[i] !== all[i - 1]) ids.push(all[i]);
  }
  return ids;
}

function pushTo<K>(map: Map<K, number[]>, key: K, id: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [id]);
  else list.push(id);
}

/** Label sets indexed by key and by key=value, to find a selector's candidates without a scan. */
class LabelIndex {
  private readonly byKey = new Map<string, number[]>();
  private readonly byKeyValue = new Map<string, Map<string, number[]>>();

  constructor(labelSets: readonly Labels[]) {
    labelSets.forEach((labels, id) => {
      for (const key of Object.keys(labels)) {
        const value: unknown = labels[key];
        if (typeof value !== 'string') continue;
        pushTo(this.byKey, key, id);
        let byValue = this.byKeyValue.get(key);
        if (byValue === undefined) {
          byValue = new Map();
          this.byKeyValue.set(key, byValue);
        }
        pushTo(byValue, value, id);
      }
    });
  }

  /**
   * A superset of the ids `selector` matches, from its most selective indexable requirement
   * (`=`/`in` by value, `exists`/`gt`/`lt` by key); `null` when it has none and a scan is needed.
   */
  candidates(selector: Selector): Candidates | null {
    const requirements = selector.requirements;
    if (requirements === null) return candidatesOf([], true);
    let best: Candidates | null = null;
    for (const { key, operator, values } of requirements) {
      let candidates: Candidates;
      switch (operator) {
        case '=':
        case '==':
        case 'in': {
          const byValue = this.byKeyValue.get(key);
          // One label set has one value per key, so the lists of distinct values are disjoint.
          const lists = [...new Set(values)].map((value) => byValue?.get(value) ?? NO_IDS);
          candidates = candidatesOf(lists, true);
          break;
        }
        case 'exists':
        case 'gt':
        case 'lt':
          candidates = candidatesOf([this.byKey.get(key) ?? NO_IDS], true);
          break;
        default:
          continue;
      }
      if (best === null || candidates.size < best.size) best = candidates;
    }
    return best;
  }
}

/** The first entry with a lower score wins; `null` means "no handle", which loses to any. */
function smallest(options: readonly (Candidates | null)[]): Candidates | null {
  let best: Candidates | null = null;
  for (const option of options) {
    if (option !== null && (best === null || option.size < best.size)) best = option;
  }
  return best;
}

function compareObjects(a: WorkloadObject, b: WorkloadObject): number {
  return (
    compareGoStrings(a.group, b.group) ||
    compareGoStrings(a.resource, b.resource) ||
    compareGoStrings(a.namespace, b.namespace) ||
    compareGoStrings(a.name, b.name)
  );
}

function isNamespaceObject(object: WorkloadObject): boolean {
  return object.group === '' && object.resource === 'namespaces';
}

const indexCache = new WeakMap<Inventory, MatchIndex>();

/**
 * Everything matching needs from one inventory generation, indexed. Ids are positions in the sorted
 * `wecs` and `objects` arrays, so ascending ids are already the output order.
 */
export class MatchIndex {
  readonly generation: number;
  /** All WECs, sorted by name. */
  readonly wecs: readonly Wec[];
  /** The objects the controller may select (exclusions applied), sorted by group, resource, namespace, name. */
  readonly objects: readonly WorkloadObject[];
  /** Every Namespace object of the inventory (exclusions do not apply to namespace lookups), sorted by name. */
  readonly namespaces: readonly WorkloadObject[];

  private readonly wecLabels: LabelIndex;
  private readonly objectLabels: LabelIndex;
  private readonly byGroup = new Map<string, number[]>();
  private readonly byResource = new Map<string, number[]>();
  private readonly byGroupResource = new Map<string, Map<string, number[]>>();
  private readonly byNamespace = new Map<string, number[]>();
  private readonly byName = new Map<string, number[]>();
  /** Namespace labels by name. The controller GETs one Namespace; with duplicates the first in inventory order counts. */
  private readonly namespaceLabels = new Map<string, Labels>();
  private readonly allObjectIds: readonly number[];

  constructor(inventory: Inventory) {
    this.generation = inventory.generation;
    this.wecs = [...inventory.wecs].sort((a, b) => compareGoStrings(a.name, b.name));
    this.wecLabels = new LabelIndex(this.wecs.map((wec) => wec.labels));

    for (const object of inventory.objects) {
      if (isNamespaceObject(object) && object.name !== '' && !this.namespaceLabels.has(object.name)) {
        this.namespaceLabels.set(object.name, object.labels);
      }
    }
    this.namespaces = inventory.objects.filter(isNamespaceObject).sort((a, b) => compareGoStrings(a.name, b.name));

    this.objects = inventory.objects
      .filter((object) => !isExcludedResource(object.group, object.resource, inventory.allowedGroups))
      .sort(compareObjects);
    this.objectLabels = new LabelIndex(this.objects.map((object) => object.labels));
    this.objects.forEach((object, id) => {
      pushTo(this.byGroup, object.group, id);
      pushTo(this.byResource, object.resource, id);
      let byResource = this.byGroupResource.get(object.group);
      if (byResource === undefined) {
        byResource = new Map();
        this.byGroupResource.set(object.group, byResource);
      }
      pushTo(byResource, object.resource, id);
      pushTo(this.byNamespace, object.namespace, id);
      pushTo(this.byName, object.name, id);
    });
    this.allObjectIds = this.objects.map((_, id) => id);
  }

  /** The index of an inventory, built once per inventory object and generation. */
  static of(inventory: Inventory): MatchIndex {
    const cached = indexCache.get(inventory);
    if (cached !== undefined && cached.generation === inventory.generation) return cached;
    const index = new MatchIndex(inventory);
    indexCache.set(inventory, index);
    return index;
  }

  /** Ids (ascending) of the WECs whose labels match `selector`. */
  wecIdsMatching(selector: Selector): readonly number[] {
    const candidates = this.wecLabels.candidates(selector);
    const ids = candidates === null ? this.wecs.map((_, id) => id) : materialize(candidates);
    return ids.filter((id) => selector.matches(this.wecs[id].labels));
  }

  /** The labels of the Namespace named `name`, or undefined when there is none (as for `""`). */
  namespaceLabelsOf(name: string): Labels | undefined {
    return this.namespaceLabels.get(name);
  }

  /** Ids (ascending) of the selectable objects that `clause` selects. */
  objectIdsMatching(clause: CompiledClause): readonly number[] {
    const candidates = smallest([
      this.groupResourceCandidates(clause),
      clause.namespaces === null ? null : this.unionOf(this.byNamespace, clause.namespaces, true),
      clause.objectNames === null ? null : this.unionOf(this.byName, clause.objectNames, true),
      this.objectSelectorCandidates(clause.objectSelectors),
      this.namespaceSelectorCandidates(clause.namespaceSelectors),
    ]);
    const ids = candidates === null ? this.allObjectIds : materialize(candidates);
    const matched: number[] = [];
    for (const id of ids) {
      if (clauseMatches(clause, this.objects[id], this)) matched.push(id);
    }
    return matched;
  }

  private unionOf(map: ReadonlyMap<string, readonly number[]>, keys: ReadonlySet<string>, disjoint: boolean): Candidates {
    return candidatesOf([...keys].map((key) => map.get(key) ?? NO_IDS), disjoint);
  }

  private groupResourceCandidates(clause: CompiledClause): Candidates | null {
    if (clause.apiGroup !== null) {
      if (clause.resources === null) return candidatesOf([this.byGroup.get(clause.apiGroup) ?? NO_IDS], true);
      const byResource = this.byGroupResource.get(clause.apiGroup);
      return candidatesOf([...clause.resources].map((resource) => byResource?.get(resource) ?? NO_IDS), true);
    }
    return clause.resources === null ? null : this.unionOf(this.byResource, clause.resources, true);
  }

  /** The union of each selector's candidates, or null when one of them gives no handle. */
  private objectSelectorCandidates(selectors: readonly Selector[] | null): Candidates | null {
    if (selectors === null) return null;
    const lists: (readonly number[])[] = [];
    for (const selector of selectors) {
      const candidates = this.objectLabels.candidates(selector);
      if (candidates === null) return null;
      lists.push(...candidates.lists);
    }
    return candidatesOf(lists, false);
  }

  /** Objects in the namespaces the selectors match; namespaces are few, so they are simply scanned. */
  private namespaceSelectorCandidates(selectors: readonly Selector[] | null): Candidates | null {
    if (selectors === null) return null;
    const lists: (readonly number[])[] = [];
    for (const [name, labels] of this.namespaceLabels) {
      if (selectors.some((selector) => selector.matches(labels))) lists.push(this.byNamespace.get(name) ?? NO_IDS);
    }
    return candidatesOf(lists, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Clauses
// ---------------------------------------------------------------------------------------------

/** A downsync clause prepared for testing many objects. `null` tests pass every object. */
interface CompiledClause {
  readonly apiGroup: string | null;
  readonly resources: ReadonlySet<string> | null;
  readonly namespaces: ReadonlySet<string> | null;
  readonly objectNames: ReadonlySet<string> | null;
  /** The valid object selectors (invalid ones are skipped, as the controller does); none left means nothing matches. */
  readonly objectSelectors: readonly Selector[] | null;
  /** The valid namespace selectors; `null` when the list is empty or holds an empty selector. */
  readonly namespaceSelectors: readonly Selector[] | null;
  readonly modulation: Modulation;
}

/** A list test passes every object when it is empty or contains `"*"`; otherwise it is the set of accepted values. */
function listTest(values: readonly string[] | null | undefined): ReadonlySet<string> | null {
  if (values === null || values === undefined || values.length === 0 || values.includes('*')) return null;
  return new Set(values);
}

/**
 * The selectors that compile. A null list entry cannot reach the controller (the API server's
 * schema refuses it); Go would decode it as the zero LabelSelector, `{}`, and so do we.
 */
function validSelectors(inputs: readonly (LabelSelectorInput | null)[]): Selector[] {
  const selectors: Selector[] = [];
  for (const input of inputs) {
    const result = labelSelectorAsSelector(input ?? {});
    if (result.valid) selectors.push(result.selector);
  }
  return selectors;
}

/** The controller's ALabelSelectorIsEmpty test: no matchLabels and no matchExpressions at all. */
function isEmptyLabelSelector(input: LabelSelectorInput | null): boolean {
  const labelCount = input?.matchLabels ? Object.keys(input.matchLabels).length : 0;
  const expressionCount = input?.matchExpressions ? input.matchExpressions.length : 0;
  return labelCount === 0 && expressionCount === 0;
}

function zeroModulation(): Modulation {
  return { createOnly: false, wantSingletonReportedState: false, wantMultiWECReportedState: false, statusCollectors: [] };
}

/**
 * Compiles one clause. A null clause (which the API server would refuse) is Go's zero clause: every
 * test absent, so it selects every object.
 */
function compileClause(input: DownsyncClauseInput | null): CompiledClause {
  const clause = input ?? {};
  const objectSelectorInputs = clause.objectSelectors ?? [];
  const namespaceSelectorInputs = clause.namespaceSelectors ?? [];
  const namespaceTestPasses =
    namespaceSelectorInputs.length === 0 || namespaceSelectorInputs.some(isEmptyLabelSelector);
  return {
    apiGroup: clause.apiGroup ?? null,
    resources: listTest(clause.resources),
    namespaces: listTest(clause.namespaces),
    objectNames: listTest(clause.objectNames),
    objectSelectors: objectSelectorInputs.length === 0 ? null : validSelectors(objectSelectorInputs),
    namespaceSelectors: namespaceTestPasses ? null : validSelectors(namespaceSelectorInputs),
    modulation: {
      createOnly: clause.createOnly === true,
      wantSingletonReportedState: clause.wantSingletonReportedState === true,
      wantMultiWECReportedState: clause.wantMultiWECReportedState === true,
      statusCollectors: [...new Set(clause.statusCollectors ?? [])].sort(compareGoStrings),
    },
  };
}

/** The controller's testObject for one clause. */
function clauseMatches(clause: CompiledClause, object: WorkloadObject, index: MatchIndex): boolean {
  if (clause.apiGroup !== null && clause.apiGroup !== object.group) return false;
  if (clause.resources !== null && !clause.resources.has(object.resource)) return false;
  if (clause.namespaces !== null && !clause.namespaces.has(object.namespace)) return false;
  if (clause.objectNames !== null && !clause.objectNames.has(object.name)) return false;
  if (clause.objectSelectors !== null && !clause.objectSelectors.some((s) => s.matches(object.labels))) return false;
  if (clause.namespaceSelectors !== null) {
    // A cluster-scoped object has namespace "", which names no Namespace, so it never passes here.
    const namespaceLabels = index.namespaceLabelsOf(object.namespace);
    if (namespaceLabels === undefined) return false;
    if (!clause.namespaceSelectors.some((s) => s.matches(namespaceLabels))) return false;
  }
  return true;
}

function combineModulation(into: Modulation, from: Modulation): void {
  into.createOnly ||= from.createOnly;
  into.wantSingletonReportedState ||= from.wantSingletonReportedState;
  into.wantMultiWECReportedState ||= from.wantMultiWECReportedState;
  if (from.statusCollectors.length > 0) {
    into.statusCollectors = [...new Set([...into.statusCollectors, ...from.statusCollectors])].sort(compareGoStrings);
  }
}

// ---------------------------------------------------------------------------------------------
// Public resolution API
// ---------------------------------------------------------------------------------------------

/** The WECs (sorted by name) whose labels match one selector: the hover of one cluster selector. */
export function wecsMatchingSelector(selector: Selector, index: MatchIndex): Wec[] {
  return index.wecIdsMatching(selector).map((id) => index.wecs[id]);
}

/** The objects one downsync clause selects, excluded objects removed: the hover of one clause. */
export function objectsMatchingClause(clause: DownsyncClauseInput, index: MatchIndex): WorkloadObject[] {
  return index.objectIdsMatching(compileClause(clause)).map((id) => index.objects[id]);
}

/**
 * The selectable objects whose labels match `selector`, optionally within the scope of a clause's
 * other tests (same semantics as in a clause: `"*"` or an empty list passes everything).
 */
export function objectsMatchingSelector(
  selector: Selector,
  index: MatchIndex,
  scope?: { resources?: readonly string[] | null; namespaces?: readonly string[] | null; apiGroup?: string | null },
): WorkloadObject[] {
  const clause: CompiledClause = {
    apiGroup: scope?.apiGroup ?? null,
    resources: listTest(scope?.resources),
    namespaces: listTest(scope?.namespaces),
    objectNames: null,
    objectSelectors: [selector],
    namespaceSelectors: null,
    modulation: zeroModulation(),
  };
  return index.objectIdsMatching(clause).map((id) => index.objects[id]);
}

/** The Namespace objects (sorted by name) whose labels match `selector`: the hover of a namespace selector. */
export function namespacesMatchingSelector(selector: Selector, index: MatchIndex): WorkloadObject[] {
  return index.namespaces.filter((namespace) => selector.matches(namespace.labels));
}

/** Resolves a BindingPolicy spec the way the binding controller does (MATCHING.md sections 1 and 2). */
export function resolvePolicy(spec: PolicySpecInput, index: MatchIndex): PolicyResolution {
  const errors: string[] = [];
  const clusterSelectors: Selector[] = [];
  (spec.clusterSelectors ?? []).forEach((input, i) => {
    const result = labelSelectorAsSelector(input ?? {});
    if (result.valid) clusterSelectors.push(result.selector);
    else errors.push(`clusterSelectors[${i}]: ${result.error}`);
  });
  const downsync = spec.downsync ?? [];
  if (errors.length > 0) {
    return { resolved: false, errors, wecs: [], clauses: downsync.map((_, i) => ({ index: i, objects: [] })), objects: [] };
  }

  const wecIds = new Set<number>();
  for (const selector of clusterSelectors) {
    for (const id of index.wecIdsMatching(selector)) wecIds.add(id);
  }
  const wecs = [...wecIds].sort((a, b) => a - b).map((id) => index.wecs[id]);

  const modulations = new Map<number, Modulation>();
  const clauses = downsync.map((input, i) => {
    const clause = compileClause(input);
    const ids = index.objectIdsMatching(clause);
    for (const id of ids) {
      let modulation = modulations.get(id);
      if (modulation === undefined) {
        modulation = zeroModulation();
        modulations.set(id, modulation);
      }
      combineModulation(modulation, clause.modulation);
    }
    return { index: i, objects: ids.map((id) => index.objects[id]) };
  });
  const objects = [...modulations.keys()]
    .sort((a, b) => a - b)
    .map((id) => ({ object: index.objects[id], modulation: modulations.get(id) as Modulation }));
  return { resolved: true, errors: [], wecs, clauses, objects };
}
