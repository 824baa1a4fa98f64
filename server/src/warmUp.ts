/**
 * Warms the keystroke path and the open path while the server is idle after start.
 *
 * V8 runs a function in its interpreter until it has been called often enough to be worth
 * optimising. The code a keystroke runs (the `yaml` parser, validation, the matcher, hover and
 * completion) only becomes fast after some hundred edits, so without this the first minute of
 * editing a small file costs several times what it costs later (one keystroke's parse and
 * validation of the benchmark's 48-line file, in-process: about 0.5 ms over the first twenty edits,
 * 0.08 ms after three thousand). This module drives a private language service (its own
 * inventory, its own caches; nothing it does is visible to the real one) through the same calls an
 * editing session makes on a built-in sample, and opens the example policies as new files (see
 * `warmUpOpen`), in slices of a few milliseconds. Real work always goes first: a slice runs only
 * when no message has been handled for a moment, and the whole warm-up stops after a fixed number
 * of rounds.
 */
import { getLanguageService, type LanguageService } from './core/languageService';
import { readManifestSet } from './core/manifests';
import type { Inventory } from './core/types';
import { WARM_UP_CORPUS } from './warmUpCorpus';

/** A small estate: WECs with the usual label shapes, namespaces, labelled workloads, a StatusCollector. */
const SAMPLE_INVENTORY = `apiVersion: cluster.open-cluster-management.io/v1
kind: ManagedCluster
metadata: {name: edge-1, labels: {location-group: edge, region: eu-west, env: prod}}
---
apiVersion: cluster.open-cluster-management.io/v1
kind: ManagedCluster
metadata: {name: cloud-1, labels: {location-group: cloud, region: us-east, env: staging}}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop, labels: {app.kubernetes.io/name: cart, tier: web}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cart-settings, namespace: shop, labels: {app.kubernetes.io/name: cart}}
---
apiVersion: control.kubestellar.io/v1alpha1
kind: StatusCollector
metadata: {name: ready-replicas}
`;

/** Two policies in the shapes people write, the second with mistakes, so the error paths warm too. */
const SAMPLE_POLICIES = `# What team shop runs, and where.
apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata:
  name: shop-to-edge
  labels:
    team: shop
spec:
  clusterSelectors:
  - matchLabels:
      location-group: edge
    matchExpressions:
    - key: region
      operator: In
      values: [eu-west, us-east]
  downsync:
  - resources: [namespaces]
    objectNames: [shop]
  - apiGroup: apps
    resources: [deployments, statefulsets]
    namespaces: [shop]
    objectSelectors:
    - matchLabels:
        app.kubernetes.io/name: cart
    createOnly: true
    statusCollectors: [ready-replicas]
---
apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata:
  name: shop-to-cloud
spec:
  clusterSelectors:
  - matchExpressions:
    - key: env
      operator: notin
      values: [prod]
  downsync:
  - apiGroup: apps/v1
    resources: [Deployment]
    namespaceSelectors:
    - matchLabels: {team: shop}
    objectSelectors:
    - matchExpressions:
      - {key: tier, operator: Exists}
`;

/** Rounds of edit, validate, hover, complete and hints; enough for V8 to optimise the hot functions. */
export const WARM_UP_ROUNDS = 80;
/** Longest stretch of warm-up work between two turns of the event loop. */
const SLICE_MS = 3;
/** How long after a handled message the warm-up waits before its next slice. */
const QUIET_MS = 30;

/** Where in the sample each request goes: after these texts. */
const PROBES = {
  edit: 'name: shop-to-edge',
  hoverSelector: '  - matchLabels:\n      location-group: edge',
  hoverClause: '  - apiGroup: ap',
  hoverName: '  name: shop-to-cl',
  completeField: '    createOnly: true\n    ',
  completeValue: '      location-group: ',
  completeResource: '    resources: [deployments, ',
  fix: 'operator: no',
} as const;

export interface WarmUpHandle {
  /** Called for every message the server handles, so that the warm-up steps aside. */
  noteActivity(): void;
  /** Stops the warm-up (the server shuts down). */
  cancel(): void;
  /** Rounds done so far. */
  readonly roundsDone: number;
  /** Resolves with the rounds done once the warm-up has finished or was cancelled. */
  readonly done: Promise<number>;
}

/** What one round produced; a test checks it, so that the sample keeps exercising every path. */
export interface WarmUpRoundResult {
  readonly diagnostics: number;
  readonly hovers: number;
  readonly completions: number;
  readonly inlayHints: number;
  readonly quickFixes: number;
}

/** One round of an editing session on the sample, as the server would run it. */
export function warmUpRound(service: LanguageService, round: number): WarmUpRoundResult {
  // Every other round types: a letter, which the incremental parse takes (incrementalParse.ts), or
  // a comment, which only the parser can, so that both stay warm.
  const typed = round % 4 === 1 ? 'x' : ' # typed';
  const edited = round % 2 === 0 ? SAMPLE_POLICIES : insertAfter(SAMPLE_POLICIES, PROBES.edit, typed);
  // A new URI now and then: a first parse, as when a file is opened, not only re-parses.
  const uri = `warm-up:///sample-${Math.floor(round / 10)}.yaml`;
  const file = service.parse(uri, round, edited);
  const diagnostics = service.validate(file).length;
  let hovers = 0;
  for (const probe of [PROBES.hoverSelector, PROBES.hoverClause, PROBES.hoverName]) {
    if (service.hover(file, offsetAfter(edited, probe) - 1)) hovers++;
  }
  let completions = 0;
  for (const probe of [PROBES.completeField, PROBES.completeValue, PROBES.completeResource]) {
    if (service.complete(file, offsetAfter(edited, probe)).items.length > 0) completions++;
  }
  const inlayHints = service.inlayHints(file, { start: 0, end: edited.length }).length;
  const fixAt = offsetAfter(edited, PROBES.fix);
  const quickFixes = service.quickFixes(file, { start: fixAt, end: fixAt }).length;
  if (round % 10 === 9) service.close(uri);
  return { diagnostics, hovers, completions, inlayHints, quickFixes };
}

/**
 * Opens one document of the corpus (the example policies, warmUpCorpus.ts) as a new file, parsed
 * and validated in full, the way a file the user opens is; returns its diagnostics' count.
 *
 * The sample round above mostly re-parses one edited piece and finds the rest cached, so it warms
 * the keystroke path but barely the open path. Measured in the server, without and with these
 * opens in turn (three runs each, median of 12 and 30 opens): opening a new 2,025-line file took
 * 42–59 ms without and 35–44 ms with them, a 48-line one 4.3–4.4 ms and 3.2–3.5 ms, for 3–6 MB
 * more peak memory and half a second more of idle-time work after start. More of the sample did
 * not help: 300 extra rounds of it in-process, or five fresh opens of it per round in the server
 * (400 opens, against these 1,760). The variety of the documents seems to be what counts.
 */
export function warmUpOpen(service: LanguageService, round: number, index: number): number {
  const { name, text } = WARM_UP_CORPUS[index];
  const uri = `warm-up:///round-${round}/${name}`;
  const diagnostics = service.validate(service.parse(uri, 1, text)).length;
  service.close(uri);
  return diagnostics;
}

/**
 * Starts warming in idle time: slices run from `setImmediate`, so pending IO is served between
 * them, and from a timer while messages keep arriving. A round is the sample round, then one open
 * of every corpus document; each of these is a step of its own, so that a slice stays short.
 */
export function startWarmUp(options: { rounds?: number; onError?: (message: string) => void } = {}): WarmUpHandle {
  const rounds = options.rounds ?? WARM_UP_ROUNDS;
  const now = (): number => performance.now();
  let inventory: Inventory | undefined;
  const service = getLanguageService({ getInventory: () => (inventory ??= sampleInventory()) });
  let round = 0;
  // The step within the round: 0 is the sample round, 1 to the corpus' length its opens.
  let step = 0;
  const runStep = (): void => {
    if (step === 0) warmUpRound(service, round);
    else warmUpOpen(service, round, step - 1);
    step++;
    if (step > WARM_UP_CORPUS.length) {
      step = 0;
      round++;
    }
  };
  let lastActivity = -Infinity;
  let cancelled = false;
  let finish: (rounds: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const slice = (): void => {
    if (cancelled) return finish(round);
    const waited = now() - lastActivity;
    if (waited < QUIET_MS) {
      setTimeout(slice, QUIET_MS - waited);
      return;
    }
    const started = now();
    try {
      while (round < rounds && now() - started < SLICE_MS) runStep();
    } catch (error) {
      // Warming is an optimisation: a failure ends it, and is logged, since the same code runs
      // for real documents.
      options.onError?.(`warm-up stopped at round ${round}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      return finish(round);
    }
    if (round >= rounds) return finish(round);
    setImmediate(slice);
  };
  setImmediate(slice);
  return {
    noteActivity: () => {
      lastActivity = now();
    },
    cancel: () => {
      cancelled = true;
    },
    get roundsDone() {
      return round;
    },
    done,
  };
}

/** Read from text (not written as data) so that reading manifests warms up too. */
export function sampleInventory(): Inventory {
  const set = readManifestSet([{ uri: 'warm-up:///inventory.yaml', text: SAMPLE_INVENTORY }]);
  return { wecs: set.wecs, objects: set.objects, resourceTypes: set.resourceTypes, origin: 'warm-up sample', generation: 1 };
}

function offsetAfter(text: string, probe: string): number {
  const at = text.indexOf(probe);
  if (at < 0) throw new Error(`warm-up probe not in the sample: ${JSON.stringify(probe)}`);
  return at + probe.length;
}

function insertAfter(text: string, probe: string, inserted: string): string {
  const at = offsetAfter(text, probe);
  return text.slice(0, at) + inserted + text.slice(at);
}
