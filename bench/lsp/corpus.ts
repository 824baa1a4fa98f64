/**
 * Deterministic test material for the benchmarks: multi-document BindingPolicy files of a chosen
 * length, written the way people write them (comments, block and flow lists, several clauses),
 * with a few typical mistakes in them, and a large synthetic estate for the matcher-at-scale run.
 *
 * Everything comes from a seeded generator, so every run measures the same text and the numbers
 * of two runs (or of two servers) are comparable.
 */
import type { Inventory, Labels, Wec, WorkloadObject } from '../../server/src/core/types';

/** mulberry32: small, fast and deterministic. */
export function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  private readonly random: () => number;
  constructor(seed: number) {
    this.random = randomGenerator(seed);
  }
  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  some<T>(items: readonly T[], min: number, max: number): T[] {
    const count = min + this.int(max - min + 1);
    const chosen = new Set<T>();
    while (chosen.size < Math.min(count, items.length)) chosen.add(this.pick(items));
    return [...chosen];
  }
}

const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** The words policies are written with: which cluster labels exist, which namespaces and apps. */
export interface Vocabulary {
  readonly clusterLabels: Readonly<Record<string, readonly string[]>>;
  readonly namespaces: readonly string[];
  readonly apps: readonly string[];
  readonly teams: readonly string[];
}

/** Matches the example inventory in `examples/`, so that our server's matching finds real WECs and objects. */
export const EXAMPLE_VOCABULARY: Vocabulary = {
  clusterLabels: {
    'location-group': ['edge', 'cloud'],
    region: ['eu-west', 'eu-central', 'us-east', 'ap-south'],
    env: ['prod', 'staging'],
  },
  namespaces: ['storefront', 'storefront-staging', 'payments', 'monitoring'],
  apps: ['web', 'cart', 'payments-api', 'payments-db', 'node-exporter'],
  teams: ['shop', 'payments', 'platform'],
};

/** The vocabulary of the synthetic estate of `generateEstate`. */
export const ESTATE_VOCABULARY: Vocabulary = {
  clusterLabels: {
    region: ['us-east', 'us-west', 'eu-central', 'eu-west', 'ap-south', 'ap-east'],
    zone: range('zone-', 24),
    env: ['dev', 'staging', 'prod'],
    cloud: ['aws', 'gcp', 'azure', 'onprem'],
    tier: ['edge', 'core', 'regional'],
    'kubestellar.io/cluster-group': range('group-', 50),
  },
  namespaces: range('ns-', 300),
  apps: range('app-', 200),
  teams: range('team-', 30),
};

/** The kinds of mistake sprinkled into generated policies (each a rule of ours, some also schema errors). */
const MISTAKES = ['lowercase-operator', 'kind-in-resources', 'apigroup-with-version', 'duplicate-entry', 'in-without-values', 'bad-label-key'] as const;
type Mistake = (typeof MISTAKES)[number];

const RESOURCE_SETS: readonly (readonly [string | undefined, readonly string[]])[] = [
  ['apps', ['deployments']],
  ['apps', ['deployments', 'statefulsets']],
  [undefined, ['services', 'configmaps']],
  [undefined, ['secrets']],
  ['networking.k8s.io', ['ingresses']],
  ['batch', ['jobs', 'cronjobs']],
];

interface Layout {
  /** Block lists (`- a` lines) or flow lists (`[a, b]`). */
  readonly flow: boolean;
}

function list(items: readonly string[], indent: string, layout: Layout): string {
  if (layout.flow) return ` [${items.join(', ')}]`;
  return `\n${items.map((item) => `${indent}- ${item}`).join('\n')}`;
}

function clusterSelector(dice: Dice, vocabulary: Vocabulary, mistake: Mistake | undefined, layout: Layout): string {
  const keys = Object.keys(vocabulary.clusterLabels);
  const labelKey = dice.pick(keys);
  const exprKey = dice.pick(keys.filter((key) => key !== labelKey));
  const lines = [`  - matchLabels:`, `      ${mistake === 'bad-label-key' ? labelKey.replace(/[-.]/g, '_') + '_/x' : labelKey}: ${dice.pick(vocabulary.clusterLabels[labelKey])}`];
  if (dice.chance(0.6) || mistake === 'lowercase-operator' || mistake === 'in-without-values') {
    const operator = mistake === 'lowercase-operator' ? 'in' : dice.pick(['In', 'In', 'NotIn']);
    lines.push('    matchExpressions:', `    - key: ${exprKey}`, `      operator: ${operator}`);
    if (mistake !== 'in-without-values') lines.push(`      values:${list(dice.some(vocabulary.clusterLabels[exprKey], 1, 3), '      ', layout)}`);
  }
  return lines.join('\n');
}

function clause(dice: Dice, vocabulary: Vocabulary, mistake: Mistake | undefined, layout: Layout): string {
  const [group, resources] = dice.pick(RESOURCE_SETS);
  const lines: string[] = [];
  let first = true;
  const add = (line: string) => {
    lines.push(`${first ? '  - ' : '    '}${line}`);
    first = false;
  };
  if (group !== undefined) add(`apiGroup: ${mistake === 'apigroup-with-version' ? `${group}/v1` : group}`);
  let resourceList = [...resources];
  if (mistake === 'kind-in-resources') resourceList = ['Deployment'];
  if (mistake === 'duplicate-entry') resourceList = [...resourceList, resourceList[0]];
  add(`resources:${list(resourceList, '    ', layout)}`);
  // Most clauses name their namespaces; some pick them by label, some span every namespace (the
  // broad clauses that make resolution scan many objects).
  const scope = dice.int(10);
  if (scope < 7) add(`namespaces:${list(dice.some(vocabulary.namespaces, 1, 2), '    ', layout)}`);
  else if (scope < 9) add(`namespaceSelectors:\n    - matchLabels:\n        team: ${dice.pick(vocabulary.teams)}`);
  if (dice.chance(0.5)) {
    add('objectSelectors:');
    lines.push('    - matchLabels:', `        app.kubernetes.io/name: ${dice.pick(vocabulary.apps)}`);
  }
  if (dice.chance(0.15)) add('createOnly: true');
  return lines.join('\n');
}

function policy(dice: Dice, index: number, vocabulary: Vocabulary, errorRate: number): string {
  const mistake = dice.chance(errorRate) ? dice.pick(MISTAKES) : undefined;
  const team = dice.pick(vocabulary.teams);
  const layout: Layout = { flow: dice.chance(0.5) };
  const name = `${team}-policy-${String(index).padStart(5, '0')}`;
  const clauses = Array.from({ length: 1 + dice.int(3) }, (_, i) => clause(dice, vocabulary, i === 0 ? mistake : undefined, layout));
  const selectors = Array.from({ length: 1 + (dice.chance(0.2) ? 1 : 0) }, (_, i) => clusterSelector(dice, vocabulary, i === 0 ? mistake : undefined, layout));
  return [
    `# Policy ${index}: what team ${team} runs, and where.`,
    'apiVersion: control.kubestellar.io/v1alpha1',
    'kind: BindingPolicy',
    'metadata:',
    `  name: ${name}`,
    '  labels:',
    `    team: ${team}`,
    'spec:',
    '  clusterSelectors:',
    ...selectors,
    '  downsync:',
    '  # The namespace itself, so that the WECs have somewhere to put the rest.',
    `  - resources: [namespaces]`,
    `    objectNames: [${dice.pick(vocabulary.namespaces)}]`,
    ...clauses,
  ].join('\n');
}

export interface PolicyFile {
  readonly text: string;
  readonly lines: number;
  readonly policies: number;
  /** Offset just after the `metadata.name` value of the middle policy: where the one-character edit goes. */
  readonly editOffset: number;
  /** Offset inside the middle policy's `metadata.name` value. */
  readonly nameOffset: number;
  /** Offset inside the `matchLabels` key of the middle policy's first cluster selector (hover). */
  readonly hoverOffset: number;
  /** Offset of the `-` that starts the middle policy's last downsync clause. */
  readonly clauseOffset: number;
  /** Offset at the start of the first key of the middle policy's last clause, after its `- ` (completion). */
  readonly completionOffset: number;
}

export interface PolicyFileOptions {
  /** Generate policies until the file has about this many lines... */
  readonly lines?: number;
  /** ...or exactly this many policies. */
  readonly policies?: number;
  readonly seed: number;
  readonly vocabulary?: Vocabulary;
  /** Share of the policies that carry one mistake. */
  readonly errorRate?: number;
}

/**
 * A file of BindingPolicies. The offsets point into the policy in the middle of the file, so that
 * edits and requests there cost what they cost in a large file, not what they cost at its start.
 */
export function generatePolicyFile(options: PolicyFileOptions): PolicyFile {
  const dice = new Dice(options.seed);
  const vocabulary = options.vocabulary ?? EXAMPLE_VOCABULARY;
  const errorRate = options.errorRate ?? 0.12;
  const done = (count: number, lines: number): boolean =>
    options.policies !== undefined ? count >= options.policies : count > 0 && lines >= (options.lines ?? 0) - 10;
  const policies: string[] = [];
  let lines = 0;
  while (!done(policies.length, lines)) {
    const text = policy(dice, policies.length, vocabulary, errorRate);
    policies.push(text);
    lines += text.split('\n').length + 1;
  }
  const separator = '\n---\n';
  const text = `${policies.join(separator)}\n`;
  const middle = Math.floor(policies.length / 2);
  const middleStart = policies.slice(0, middle).reduce((sum, p) => sum + p.length + separator.length, 0);
  const middleText = policies[middle];
  const nameValue = middleText.indexOf('\n  name: ') + '\n  name: '.length;
  const clauseOffset = middleStart + middleText.lastIndexOf('\n  - ') + 3;
  return {
    text,
    lines: text.split('\n').length - 1,
    policies: policies.length,
    editOffset: middleStart + middleText.indexOf('\n', nameValue),
    nameOffset: middleStart + nameValue + 1,
    hoverOffset: middleStart + middleText.indexOf('matchLabels:') + 2,
    clauseOffset,
    completionOffset: clauseOffset + 2,
  };
}

// ---------------------------------------------------------------------------------------------
// The large estate

function randomLabels(dice: Dice, pool: Readonly<Record<string, readonly string[]>>, min: number, max: number): Labels {
  const labels: Record<string, string> = {};
  for (const key of dice.some(Object.keys(pool), min, max)) labels[key] = dice.pick(pool[key]);
  return labels;
}

const OBJECT_RESOURCES: readonly [string, string, string][] = [
  ['apps', 'deployments', 'Deployment'],
  ['apps', 'statefulsets', 'StatefulSet'],
  ['', 'services', 'Service'],
  ['', 'configmaps', 'ConfigMap'],
  ['', 'secrets', 'Secret'],
  ['networking.k8s.io', 'ingresses', 'Ingress'],
  ['batch', 'jobs', 'Job'],
  ['batch', 'cronjobs', 'CronJob'],
];

/** `wecs` ManagedClusters and `objects` workload objects (Namespaces included) labelled from `ESTATE_VOCABULARY`. */
export function generateEstate(wecCount: number, objectCount: number, seed: number): Inventory {
  const dice = new Dice(seed);
  const vocabulary = ESTATE_VOCABULARY;
  const wecs: Wec[] = Array.from({ length: wecCount }, (_, i) => ({
    name: `wec-${String(i).padStart(5, '0')}`,
    labels: randomLabels(dice, vocabulary.clusterLabels, 3, 6),
  }));
  const objects: WorkloadObject[] = vocabulary.namespaces.map((name) => ({
    group: '',
    version: 'v1',
    resource: 'namespaces',
    kind: 'Namespace',
    namespace: '',
    name,
    labels: { team: dice.pick(vocabulary.teams), 'kubernetes.io/metadata.name': name },
  }));
  while (objects.length < objectCount) {
    const [group, resource, kind] = dice.pick(OBJECT_RESOURCES);
    objects.push({
      group,
      version: 'v1',
      resource,
      kind,
      namespace: dice.pick(vocabulary.namespaces),
      name: `${resource}-${objects.length}`,
      labels: { 'app.kubernetes.io/name': dice.pick(vocabulary.apps), team: dice.pick(vocabulary.teams), env: dice.pick(['dev', 'staging', 'prod']) },
    });
  }
  return { wecs, objects, resourceTypes: [], origin: 'benchmark estate', generation: 1 };
}
