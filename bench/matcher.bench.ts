/**
 * Benchmark of the shared matcher (`npm run bench:matcher`). It prints, it does not assert: timings
 * depend on the machine. Three measurements:
 *  1. compiled selector evaluations per second: 100,000 label sets x 100 selectors;
 *  2. full resolution of 500 policies over 10,000 WECs and 100,000 objects;
 *  3. the cost of one clause hover (median over repeats) for several clause shapes.
 * All data comes from a seeded generator, so every run measures the same work.
 */
import type { Inventory, Labels, Wec, WorkloadObject } from '../server/src/core/types';
import {
  labelSelectorAsSelector,
  MatchIndex,
  objectsMatchingClause,
  resolvePolicy,
  type DownsyncClauseInput,
  type LabelSelectorInput,
  type PolicySpecInput,
  type Selector,
} from '../server/src/core/matcher';

/** mulberry32: a small deterministic generator, so runs are comparable. */
function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = randomGenerator(20260830);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];
const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** Label keys of workloads and clusters, each with its pool of values. */
const OBJECT_LABELS: Record<string, readonly string[]> = {
  app: range('app-', 200),
  tier: ['frontend', 'backend', 'cache', 'db'],
  env: ['dev', 'staging', 'prod'],
  team: range('team-', 30),
  version: range('v', 12),
  'app.kubernetes.io/name': range('svc-', 300),
  'app.kubernetes.io/part-of': range('system-', 40),
  'app.kubernetes.io/managed-by': ['helm', 'kustomize', 'argocd'],
  release: range('r', 50),
  'cost-center': range('cc-', 20),
};
const CLUSTER_LABELS: Record<string, readonly string[]> = {
  region: ['us-east', 'us-west', 'eu-central', 'eu-west', 'ap-south', 'ap-east'],
  zone: range('zone-', 24),
  env: ['dev', 'staging', 'prod'],
  cloud: ['aws', 'gcp', 'azure', 'onprem'],
  tier: ['edge', 'core', 'regional'],
  'kubestellar.io/cluster-group': range('group-', 50),
  'hardware.example.com/gpu': ['none', 'a100', 'h100'],
  owner: range('owner-', 30),
};

/**
 * A label set of `min`..`max` labels. Keys are inserted in sorted order, as in objects decoded from
 * the API server's JSON (Go's encoding/json sorts map keys), so label sets with the same keys share
 * one V8 hidden class, as they do in real inventories. `shuffled` gives each set its own random key
 * order instead: a worst case for property lookup, measured separately.
 */
function randomLabels(pool: Record<string, readonly string[]>, min: number, max: number, shuffled = false): Labels {
  const keys = Object.keys(pool);
  const count = min + int(max - min + 1);
  const chosen = new Map<string, string>();
  while (chosen.size < count) {
    const key = pick(keys);
    chosen.set(key, pick(pool[key]));
  }
  const order = [...chosen.keys()];
  if (!shuffled) order.sort();
  const labels: Record<string, string> = {};
  for (const key of order) labels[key] = chosen.get(key) as string;
  return labels;
}

/** A random selector over a label pool: matchLabels, In, NotIn, Exists, DoesNotExist and mixes. */
function randomSelector(pool: Record<string, readonly string[]>): LabelSelectorInput {
  const keys = Object.keys(pool);
  const values = (key: string, n: number): string[] => Array.from({ length: n }, () => pick(pool[key]));
  const key = pick(keys);
  const other = pick(keys);
  switch (int(7)) {
    case 0:
      return { matchLabels: { [key]: pick(pool[key]) } };
    case 1:
      return { matchLabels: { [key]: pick(pool[key]), [other]: pick(pool[other]) } };
    case 2:
      return { matchExpressions: [{ key, operator: 'In', values: values(key, 2 + int(3)) }] };
    case 3:
      return { matchExpressions: [{ key, operator: 'NotIn', values: values(key, 1 + int(3)) }] };
    case 4:
      return { matchExpressions: [{ key, operator: 'Exists' }] };
    case 5:
      return { matchExpressions: [{ key, operator: 'DoesNotExist' }] };
    default:
      return {
        matchLabels: { [key]: pick(pool[key]) },
        matchExpressions: [
          { key: other, operator: 'In', values: values(other, 2) },
          { key: pick(keys), operator: 'DoesNotExist' },
        ],
      };
  }
}

function compile(input: LabelSelectorInput): Selector {
  const result = labelSelectorAsSelector(input);
  if (!result.valid) throw new Error(`benchmark selector is invalid: ${result.error}`);
  return result.selector;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// ---------------------------------------------------------------------------------------------
// 1. Label-set evaluations
// ---------------------------------------------------------------------------------------------

function benchEvaluations(): void {
  const selectors = Array.from({ length: 100 }, () => compile(randomSelector(OBJECT_LABELS)));
  const evaluate = (sets: readonly Labels[]): number => {
    let matched = 0;
    for (const selector of selectors) {
      for (let i = 0; i < sets.length; i++) if (selector.matches(sets[i])) matched++;
    }
    return matched;
  };
  const variants: [string, boolean][] = [
    ['label-set evaluations', false],
    ['label-set evaluations, every set in its own random key order (worst case)', true],
  ];
  for (const [title, shuffled] of variants) {
    const labelSets = Array.from({ length: 100_000 }, () => randomLabels(OBJECT_LABELS, 3, 8, shuffled));
    evaluate(labelSets.slice(0, 5_000)); // warm-up, so the measurement sees optimized code
    const start = process.hrtime.bigint();
    const matched = evaluate(labelSets);
    const elapsed = seconds(start);
    const total = labelSets.length * selectors.length;
    console.log(
      `${title}: ${total} in ${elapsed.toFixed(2)} s = ${(total / elapsed / 1e6).toFixed(1)} M/s ` +
        `(target >= 5 M/s; ${matched} matched)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// 2. and 3. Resolution
// ---------------------------------------------------------------------------------------------

const RESOURCES: readonly [string, string, string][] = [
  ['apps', 'deployments', 'Deployment'],
  ['apps', 'statefulsets', 'StatefulSet'],
  ['', 'services', 'Service'],
  ['', 'configmaps', 'ConfigMap'],
  ['', 'secrets', 'Secret'],
  ['', 'serviceaccounts', 'ServiceAccount'],
  ['networking.k8s.io', 'ingresses', 'Ingress'],
  ['batch', 'jobs', 'Job'],
  ['rbac.authorization.k8s.io', 'clusterroles', 'ClusterRole'],
  ['', 'events', 'Event'],
];
const NAMESPACES = range('ns-', 300);

function buildInventory(): Inventory {
  const wecs: Wec[] = Array.from({ length: 10_000 }, (_, i) => ({
    name: `wec-${String(i).padStart(5, '0')}`,
    labels: randomLabels(CLUSTER_LABELS, 3, 7),
  }));
  const objects: WorkloadObject[] = NAMESPACES.map((name) => ({
    group: '',
    version: 'v1',
    resource: 'namespaces',
    kind: 'Namespace',
    namespace: '',
    name,
    labels: { team: pick(OBJECT_LABELS.team), env: pick(OBJECT_LABELS.env), 'kubernetes.io/metadata.name': name },
  }));
  while (objects.length < 100_000) {
    const [group, resource, kind] = pick(RESOURCES);
    const clusterScoped = resource === 'clusterroles';
    objects.push({
      group,
      version: 'v1',
      resource,
      kind,
      namespace: clusterScoped ? '' : pick(NAMESPACES),
      name: `${resource}-${objects.length}`,
      labels: randomLabels(OBJECT_LABELS, 3, 8),
    });
  }
  return { wecs, objects, resourceTypes: [], origin: 'benchmark', generation: 1 };
}

/** A clause of one of the shapes people write, from narrow to broad. */
function randomClause(): DownsyncClauseInput {
  const [group, resource] = pick(RESOURCES);
  switch (int(6)) {
    case 0:
      return { apiGroup: group, resources: [resource], namespaces: [pick(NAMESPACES), pick(NAMESPACES)] };
    case 1:
      return { resources: [resource], objectSelectors: [randomSelector(OBJECT_LABELS)] };
    case 2:
      return { namespaces: [pick(NAMESPACES)], objectNames: ['*'] };
    case 3:
      return { objectSelectors: [{ matchLabels: { app: pick(OBJECT_LABELS.app) } }], createOnly: true };
    case 4:
      return { namespaceSelectors: [{ matchLabels: { team: pick(OBJECT_LABELS.team) } }], statusCollectors: ['replicas'] };
    default:
      return { apiGroup: group, objectSelectors: [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }] };
  }
}

function randomPolicy(): PolicySpecInput {
  return {
    clusterSelectors: Array.from({ length: 1 + int(2) }, () => randomSelector(CLUSTER_LABELS)),
    downsync: Array.from({ length: 1 + int(3) }, randomClause),
  };
}

function benchResolution(): void {
  const inventory = buildInventory();
  let start = process.hrtime.bigint();
  const index = new MatchIndex(inventory);
  console.log(
    `index build: ${inventory.wecs.length} WECs, ${inventory.objects.length} objects ` +
      `(${index.objects.length} selectable) in ${(seconds(start) * 1000).toFixed(0)} ms`,
  );

  const policies = Array.from({ length: 500 }, randomPolicy);
  resolvePolicy(policies[0], index); // warm-up
  start = process.hrtime.bigint();
  let boundWecs = 0;
  let selectedObjects = 0;
  for (const policy of policies) {
    const resolution = resolvePolicy(policy, index);
    boundWecs += resolution.wecs.length;
    selectedObjects += resolution.objects.length;
  }
  const elapsed = seconds(start);
  console.log(
    `full resolution: ${policies.length} policies in ${elapsed.toFixed(2)} s ` +
      `(${((elapsed / policies.length) * 1000).toFixed(2)} ms per policy; ${boundWecs} WEC bindings, ${selectedObjects} object selections)`,
  );

  const shapes: [string, DownsyncClauseInput][] = [
    ['apiGroup+resources+namespaces', { apiGroup: 'apps', resources: ['deployments'], namespaces: ['ns-7', 'ns-42'] }],
    ['objectSelectors matchLabels', { objectSelectors: [{ matchLabels: { app: 'app-17' } }] }],
    ['namespaceSelectors', { namespaceSelectors: [{ matchLabels: { team: 'team-3' } }] }],
    ['resources + NotIn selector, broad', { resources: ['configmaps'], objectSelectors: [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] }] }],
    ['DoesNotExist selector, 45% of all objects', { objectSelectors: [{ matchExpressions: [{ key: 'release', operator: 'DoesNotExist' }] }] }],
  ];
  for (const [name, clause] of shapes) {
    const times: number[] = [];
    let count = 0;
    for (let repeat = 0; repeat < 101; repeat++) {
      const begin = process.hrtime.bigint();
      count = objectsMatchingClause(clause, index).length;
      times.push(Number(process.hrtime.bigint() - begin) / 1e6);
    }
    console.log(`clause hover (${name}): median ${median(times).toFixed(3)} ms over ${times.length} repeats, ${count} objects`);
  }
}

benchEvaluations();
benchResolution();
