/**
 * Benchmark of the live-cluster data source: 10,000 ManagedClusters and 100,000 workload objects
 * served by the fake API server (a test double, run in a child process so that the memory measured
 * here is the client's own), read through the real @kubernetes/client-node over HTTPS.
 *
 * Reports: time to the first sync of each context, memory after sync, how fast a burst of watch
 * events reaches the inventory, and hover latency of the language service on that inventory.
 *
 *   npm run bench:cluster
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { ClusterInventorySource } from '../server/src/cluster';
import { getLanguageService } from '../server/src/core/languageService';
import type { Inventory } from '../server/src/core/types';
import { writeKubeconfig } from '../test/fake-kube/kubeconfig';
import { generateTestPki } from '../test/fake-kube/pki';
import type { RelabelRequest, ServeReady, ServeRequest } from '../test/fake-kube/serve';

const TOKEN = 'bench-token';
const ESTATE = { managedClusters: 10_000, namespaces: 200, deployments: 60_000, configMaps: 30_000, widgets: 10_000 };
const RELABELLED = 1_000;
const HOVERS = 50;

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

function memory(): { rssMb: number; heapMb: number } {
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  return { rssMb: usage.rss / 2 ** 20, heapMb: usage.heapUsed / 2 ** 20 };
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

function mb(value: number): string {
  return `${value.toFixed(1)} MB`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function waitUntil(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function startFakeServers(request: ServeRequest): Promise<{ child: ChildProcess; ready: ServeReady }> {
  const child = fork(path.join(__dirname, '../test/fake-kube/serve.js'), [JSON.stringify(request)], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (ready: ServeReady) => resolve({ child, ready }));
    child.once('exit', (code) => reject(new Error(`the fake API server exited with code ${code}`)));
  });
}

const HOVERED_POLICY = `apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata:
  name: gold-apps
spec:
  clusterSelectors:
  - matchLabels:
      tier: gold
  - matchExpressions:
    - {key: region, operator: In, values: [eu, us]}
  downsync:
  - apiGroup: apps
    resources: [deployments]
    namespaceSelectors:
    - matchLabels: {env: prod}
    objectSelectors:
    - matchLabels: {tier: gold}
  - resources: [configmaps]
    objectSelectors:
    - matchExpressions:
      - {key: app, operator: In, values: [app-1, app-2, app-3]}
`;

/**
 * Hover latency of the language service over the synced inventory: the policy's name (its totals:
 * WECs and objects bound) and a cluster selector, first hover (which builds the match index) and
 * the median of 50.
 */
function measureHoverLatency(inventory: Inventory): void {
  const service = getLanguageService({ getInventory: () => inventory });
  const file = service.parse('file:///bench/gold-apps.yaml', 1, HOVERED_POLICY);
  const targets = [
    { label: 'policy name (totals)', offset: HOVERED_POLICY.indexOf('gold-apps') + 2 },
    { label: 'cluster selector', offset: HOVERED_POLICY.indexOf('tier: gold') + 7 },
  ];
  for (const target of targets) {
    let first = 0;
    const times: number[] = [];
    let markdown = '';
    for (let run = 0; run <= HOVERS; run++) {
      const started = performance.now();
      markdown = service.hover(file, target.offset)?.markdown ?? '';
      const elapsed = performance.now() - started;
      if (run === 0) first = elapsed;
      else times.push(elapsed);
    }
    const summary = markdown.split('\n').find((line) => line.trim().length > 0) ?? '(no hover)';
    console.log(`hover on ${target.label}: first ${ms(first)}, median of ${HOVERS} ${ms(median(times))}  [${summary.slice(0, 100)}]`);
  }
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-bench-'));
  const pki = generateTestPki(path.join(tmp, 'pki'));
  const { child, ready } = await startFakeServers({ pki, tokens: { [TOKEN]: 'bench' }, ...ESTATE });
  const workloads = ESTATE.deployments + ESTATE.configMaps + ESTATE.widgets;
  console.log(`fake servers seeded in ${ms(ready.seedMs)}: ${ESTATE.managedClusters} ManagedClusters; ${workloads} workload objects + ${ESTATE.namespaces} Namespaces`);
  const kubeconfigPath = writeKubeconfig(path.join(tmp, 'kubeconfig'), {
    clusters: [
      { name: 'its', server: ready.itsUrl, caFile: pki.caCertFile },
      { name: 'wds', server: ready.wdsUrl, caFile: pki.caCertFile },
    ],
    users: [{ name: 'bench', token: TOKEN }],
    contexts: [
      { name: 'its', cluster: 'its', user: 'bench' },
      { name: 'wds', cluster: 'wds', user: 'bench' },
    ],
  });

  const before = memory();
  const source = new ClusterInventorySource({ kubeconfigPath, itsContext: 'its', wdsContext: 'wds', allowExecAuth: false, requestTimeoutMs: 60_000 });
  try {
    source.ensureResources([
      { group: 'apps', resource: 'deployments' },
      { group: '', resource: 'configmaps' },
      { group: '*', resource: 'widgets' },
    ]);
    const started = Date.now();
    await source.start();
    const syncedMs = Date.now() - started;
    const { its, wds } = source.status;
    if (its.state !== 'ready' || wds.state !== 'ready') throw new Error(`not ready: ITS ${its.message}; WDS ${wds.message}`);
    console.log(`first sync, both contexts in parallel: ${ms(syncedMs)} (ITS ${ms((its.lastSync ?? 0) - started)}, WDS ${ms((wds.lastSync ?? 0) - started)})`);

    const snapshotStarted = performance.now();
    const inventory = source.inventory;
    console.log(`inventory snapshot: ${inventory.wecs.length} WECs, ${inventory.objects.length} objects, built in ${ms(performance.now() - snapshotStarted)}`);
    if (inventory.wecs.length !== ESTATE.managedClusters || inventory.objects.length !== workloads + ESTATE.namespaces) {
      throw new Error('the inventory does not hold the whole estate');
    }
    const after = memory();
    console.log(`memory after sync (after GC): RSS ${mb(after.rssMb)} (+${mb(after.rssMb - before.rssMb)}), heap used ${mb(after.heapMb)} (+${mb(after.heapMb - before.heapMb)})`);
    console.log(`  about ${(((after.heapMb - before.heapMb) * 2 ** 20) / (inventory.wecs.length + inventory.objects.length)).toFixed(0)} bytes of heap per cached object`);

    const eventsStarted = performance.now();
    child.send({ relabelDeployments: RELABELLED, value: 'relabelled' } satisfies RelabelRequest);
    await waitUntil(
      'the relabelled Deployments',
      () => source.inventory.objects.filter((object) => object.labels.tier === 'relabelled').length === RELABELLED,
      60_000,
    );
    console.log(`${RELABELLED} watch events (label changes) visible in the inventory after ${ms(performance.now() - eventsStarted)}`);

    measureHoverLatency(source.inventory);
  } finally {
    source.stop();
    child.disconnect();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
