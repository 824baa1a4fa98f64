/**
 * The shared matcher: the only code that decides whether a selector or a downsync clause matches.
 *
 * Label selectors (k8s.io/apimachinery semantics, exact to the error text) live in `labels.ts` and
 * are re-exported from here; this file adds how KubeStellar's binding controller resolves a
 * BindingPolicy (`shared/kubestellar/MATCHING.md`) and the index that keeps that fast over large
 * inventories. The index evaluates clauses and selectors by set algebra over its lists; the answer is
 * always exactly what testing each object one by one would give (resolution.test.ts checks this
 * against a naive transcription of the controller's loop).
 */
import type { Inventory, Labels, Wec, WorkloadObject } from './types';
import {
  compareGoStrings,
  labelSelectorAsSelector,
  selectorFromRequirements,
  type LabelSelectorInput,
  type Selector,
} from './labels';

export {
  addRequirements,
  compareGoStrings,
  goQuote,
  isQualifiedName,
  isValidLabelValue,
  labelSelectorAsMap,
  labelSelectorAsSelector,
  newRequirement,
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
// Id sets and indexes
// ---------------------------------------------------------------------------------------------

/**
 * A set of ids `0..size-1` as a bitset. The index answers every test of a clause with one of these,
 * so a clause costs a few passes over `size / 32` words plus the index lists it touches, instead of
 * a property lookup per object and requirement.
 */
class IdSet {
  private readonly words: Uint32Array;

  private constructor(readonly size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }

  static empty(size: number): IdSet {
    return new IdSet(size);
  }

  static full(size: number): IdSet {
    const set = new IdSet(size);
    set.words.fill(0xffffffff);
    const spare = set.words.length * 32 - size;
    if (spare > 0) set.words[set.words.length - 1] = 0xffffffff >>> spare;
    return set;
  }

  /** The union of index lists. */
  static ofLists(size: number, lists: Iterable<readonly number[]>): IdSet {
    const set = new IdSet(size);
    for (const list of lists) {
      for (let i = 0; i < list.length; i++) set.words[list[i] >>> 5] |= 1 << (list[i] & 31);
    }
    return set;
  }

  copy(): IdSet {
    const set = new IdSet(this.size);
    set.words.set(this.words);
    return set;
  }

  and(other: IdSet): void {
    for (let i = 0; i < this.words.length; i++) this.words[i] &= other.words[i];
  }

  andNot(other: IdSet): void {
    for (let i = 0; i < this.words.length; i++) this.words[i] &= ~other.words[i];
  }

  or(other: IdSet): void {
    for (let i = 0; i < this.words.length; i++) this.words[i] |= other.words[i];
  }

  delete(id: number): void {
    this.words[id >>> 5] &= ~(1 << (id & 31));
  }

  /** The ids in ascending order. */
  toArray(): number[] {
    const ids: number[] = [];
    for (let i = 0; i < this.words.length; i++) {
      let word = this.words[i] | 0;
      while (word !== 0) {
        const lowest = word & -word;
        ids.push(i * 32 + 31 - Math.clz32(lowest));
        word ^= lowest;
      }
    }
    return ids;
  }
}

function pushTo(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [id]);
  else list.push(id);
}

/** The lists of `map` under each of `keys` (missing keys have none). */
function listsOf(map: ReadonlyMap<string, readonly number[]>, keys: Iterable<string>): (readonly number[])[] {
  const lists: (readonly number[])[] = [];
  for (const key of keys) {
    const list = map.get(key);
    if (list !== undefined) lists.push(list);
  }
  return lists;
}

/**
 * Label sets indexed by key and by key and value, so that a selector is evaluated by set algebra:
 * `=`/`in` keep the sets having one of the values, `!=`/`notin` remove them, `exists` keeps the sets
 * having the key and `!` removes them. That is exactly what testing each set would give (a label is
 * present when it is an own property; a non-string value is present but equals no selector value).
 * Only `gt`/`lt`, which need integer parsing, are tested set by set.
 */
class LabelIndex {
  private readonly byKey = new Map<string, number[]>();
  private readonly byKeyValue = new Map<string, Map<string, number[]>>();

  constructor(private readonly labelSets: readonly Labels[]) {
    labelSets.forEach((labels, id) => {
      for (const key of Object.keys(labels)) {
        pushTo(this.byKey, key, id);
        const value: unknown = labels[key];
        if (typeof value !== 'string') continue;
        let byValue = this.byKeyValue.get(key);
        if (byValue === undefined) {
          byValue = new Map();
          this.byKeyValue.set(key, byValue);
        }
        pushTo(byValue, value, id);
      }
    });
  }

  /** The ids within `scope` (all ids when absent) whose label sets `selector` matches. */
  matching(selector: Selector, scope?: IdSet): IdSet {
    const size = this.labelSets.length;
    const requirements = selector.requirements;
    if (requirements === null) return IdSet.empty(size);
    const result = scope !== undefined ? scope.copy() : IdSet.full(size);
    for (const requirement of requirements) {
      const { key, operator, values } = requirement;
      switch (operator) {
        case '=':
        case '==':
        case 'in':
          result.and(this.withValues(key, values));
          break;
        case '!=':
        case 'notin':
          result.andNot(this.withValues(key, values));
          break;
        case 'exists':
          result.and(IdSet.ofLists(size, listsOf(this.byKey, [key])));
          break;
        case '!':
          result.andNot(IdSet.ofLists(size, listsOf(this.byKey, [key])));
          break;
        default: {
          const single = selectorFromRequirements([requirement]);
          for (const id of result.toArray()) {
            if (!single.matches(this.labelSets[id])) result.delete(id);
          }
        }
      }
    }
    return result;
  }

  private withValues(key: string, values: readonly string[]): IdSet {
    const byValue = this.byKeyValue.get(key);
    return IdSet.ofLists(this.labelSets.length, byValue === undefined ? [] : listsOf(byValue, values));
  }
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
  /** Every Namespace object of the inventory, sorted by name: namespace lookups ignore the exclusions. */
  readonly namespaces: readonly WorkloadObject[];

  private readonly wecLabels: LabelIndex;
  private readonly objectLabels: LabelIndex;
  private readonly byGroup = new Map<string, number[]>();
  private readonly byResource = new Map<string, number[]>();
  /** Keyed by `group/resource`; a group never contains '/'. */
  private readonly byGroupResource = new Map<string, number[]>();
  private readonly byNamespace = new Map<string, number[]>();
  private readonly byName = new Map<string, number[]>();
  /** Namespace labels by name. The controller GETs one Namespace; of duplicates, the first in inventory order counts. */
  private readonly namespaceLabels = new Map<string, Labels>();

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
      pushTo(this.byGroupResource, `${object.group}/${object.resource}`, id);
      pushTo(this.byNamespace, object.namespace, id);
      pushTo(this.byName, object.name, id);
    });
  }

  /** The WECs whose labels match `selector`, as an id set. */
  wecIdsMatching(selector: Selector): IdSet {
    return this.wecLabels.matching(selector);
  }

  /** The ids (ascending) of the selectable objects that `clause` selects: each test of the controller's testObject, intersected. */
  objectIdsMatching(clause: CompiledClause): number[] {
    const size = this.objects.length;
    const ids = IdSet.full(size);
    if (clause.apiGroup !== null) {
      const group = clause.apiGroup;
      ids.and(
        IdSet.ofLists(
          size,
          clause.resources === null
            ? listsOf(this.byGroup, [group])
            : listsOf(this.byGroupResource, [...clause.resources].map((resource) => `${group}/${resource}`)),
        ),
      );
    } else if (clause.resources !== null) {
      ids.and(IdSet.ofLists(size, listsOf(this.byResource, clause.resources)));
    }
    if (clause.namespaces !== null) ids.and(IdSet.ofLists(size, listsOf(this.byNamespace, clause.namespaces)));
    if (clause.objectNames !== null) ids.and(IdSet.ofLists(size, listsOf(this.byName, clause.objectNames)));
    if (clause.objectSelectors !== null) {
      const selected = IdSet.empty(size);
      for (const selector of clause.objectSelectors) selected.or(this.objectLabels.matching(selector, ids));
      ids.and(selected);
    }
    if (clause.namespaceSelectors !== null) {
      // A cluster-scoped object has namespace "", which names no Namespace, so it never passes here.
      const selectors = clause.namespaceSelectors;
      const namespaces: string[] = [];
      for (const [name, labels] of this.namespaceLabels) {
        if (selectors.some((selector) => selector.matches(labels))) namespaces.push(name);
      }
      ids.and(IdSet.ofLists(size, listsOf(this.byNamespace, namespaces)));
    }
    return ids.toArray();
  }
}

// ---------------------------------------------------------------------------------------------
// Clauses
// ---------------------------------------------------------------------------------------------

/** A downsync clause prepared for evaluation. `null` tests pass every object. */
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

/**
 * A list field as a list. The YAML layer hands over what the user wrote, and a mapping or a scalar
 * where a list belongs must not crash us (schema validation reports it); it counts as absent.
 */
function asList<T>(value: readonly T[] | null | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

/** A list test passes every object when it is empty or contains `"*"`; otherwise it is the set of accepted values. */
function listTest(values: readonly string[] | null | undefined): ReadonlySet<string> | null {
  const list = asList(values);
  if (list.length === 0 || list.includes('*')) return null;
  return new Set(list);
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
  const matchLabels = input?.matchLabels;
  const labelCount = matchLabels !== null && typeof matchLabels === 'object' ? Object.keys(matchLabels).length : 0;
  return labelCount === 0 && asList(input?.matchExpressions).length === 0;
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
  const objectSelectorInputs = asList(clause.objectSelectors);
  const namespaceSelectorInputs = asList(clause.namespaceSelectors);
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
      statusCollectors: [...new Set(asList(clause.statusCollectors))].sort(compareGoStrings),
    },
  };
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
  return index.wecIdsMatching(selector).toArray().map((id) => index.wecs[id]);
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
  asList(spec.clusterSelectors).forEach((input, i) => {
    const result = labelSelectorAsSelector(input ?? {});
    if (result.valid) clusterSelectors.push(result.selector);
    else errors.push(`clusterSelectors[${i}]: ${result.error}`);
  });
  const downsync = asList(spec.downsync);
  if (errors.length > 0) {
    return { resolved: false, errors, wecs: [], clauses: downsync.map((_, i) => ({ index: i, objects: [] })), objects: [] };
  }

  let wecIds: IdSet | null = null;
  for (const selector of clusterSelectors) {
    const matching = index.wecIdsMatching(selector);
    if (wecIds === null) wecIds = matching;
    else wecIds.or(matching);
  }
  const wecs = wecIds === null ? [] : wecIds.toArray().map((id) => index.wecs[id]);

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
