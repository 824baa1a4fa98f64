/**
 * Choosing between the workspace files and a live cluster (`kubestellar.source`, trust, context
 * states), and keeping the inventory handed to the core consistent across switches and edits.
 * The workspace side is the real loader over `examples/`; the cluster side is a scripted source
 * (no cluster is reachable in tests), driven through the same interface the real one offers.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { URI } from 'vscode-uri';
import type { ClusterOptions, ClusterStatus, ContextStatus, ResourceSelection } from '../../server/src/cluster';
import { EMPTY_INVENTORY, type Inventory, type Wec } from '../../server/src/core/types';
import { chooseSource, InventorySource, type ClusterSource, type SourceConfig } from '../../server/src/inventorySource';
import { WorkspaceInventory } from '../../server/src/workspace/loader';

const REPO = path.resolve(__dirname, '../../..');
const EXAMPLES = path.join(REPO, 'examples');

function contextStatus(context: string, state: ContextStatus["state"], message: string = state): ContextStatus {
  return { context, state, message };
}

function clusterStatus(its: ContextStatus['state'], wds: ContextStatus['state'], message?: string): ClusterStatus {
  return { its: contextStatus('its1', its, message), wds: contextStatus('wds1', wds, message) };
}

const CONTEXTS = { itsContext: 'its1', wdsContext: 'wds1' };

describe('chooseSource', () => {
  it('uses the workspace when asked to, without starting a cluster source', () => {
    const choice = chooseSource({ source: 'workspace', ...CONTEXTS }, true, undefined);
    assert.deepEqual([choice.source, choice.wantCluster, choice.errors], ['workspace', false, []]);
  });

  it('never contacts a cluster from an untrusted workspace, and says so when the cluster was asked for', () => {
    const auto = chooseSource({ source: 'auto', ...CONTEXTS }, false, undefined);
    assert.deepEqual([auto.source, auto.wantCluster, auto.errors], ['workspace', false, []]);
    assert.match(auto.reason, /not trusted/);
    const cluster = chooseSource({ source: 'cluster', ...CONTEXTS }, false, undefined);
    assert.deepEqual([cluster.source, cluster.wantCluster], ['workspace', false]);
    assert.match(cluster.errors.join(), /"cluster" but the workspace is not trusted/);
  });

  it('needs both contexts', () => {
    const choice = chooseSource({ source: 'auto', itsContext: 'its1' }, true, undefined);
    assert.deepEqual([choice.source, choice.wantCluster], ['workspace', false]);
    assert.equal(choice.reason, 'kubestellar.wds.context is not set');
    const none = chooseSource({ source: 'cluster' }, true, undefined);
    assert.match(none.errors.join(), /kubestellar\.its\.context and kubestellar\.wds\.context are not set/);
  });

  it('in auto mode, uses the cluster only once both contexts are usable', () => {
    const config = { source: 'auto', ...CONTEXTS } as const;
    const connecting = chooseSource(config, true, clusterStatus('connecting', 'ready'));
    assert.deepEqual([connecting.source, connecting.wantCluster], ['workspace', true]);
    assert.match(connecting.reason, /connecting/);
    const ready = chooseSource(config, true, clusterStatus('ready', 'ready'));
    assert.deepEqual([ready.source, ready.errors], ['cluster', []]);
    assert.equal(ready.reason, 'connected to ITS its1 and WDS wds1');
    const degraded = chooseSource(config, true, clusterStatus('ready', 'degraded', 'cannot list secrets'));
    assert.equal(degraded.source, 'cluster');
    assert.deepEqual(degraded.errors, ['WDS wds1: cannot list secrets']);
    const down = chooseSource(config, true, clusterStatus('error', 'ready', 'connection refused'));
    assert.deepEqual([down.source, down.wantCluster], ['workspace', true]);
    assert.equal(down.reason, 'the cluster is not reachable (ITS its1: connection refused)');
  });

  it('with source "cluster", keeps the cluster and reports its errors', () => {
    const choice = chooseSource({ source: 'cluster', ...CONTEXTS }, true, clusterStatus('error', 'error', 'no route to host'));
    assert.equal(choice.source, 'cluster');
    assert.deepEqual(choice.errors, ['ITS its1: no route to host', 'WDS wds1: no route to host']);
  });
});

/** A cluster source whose status and inventory the test sets. */
class ScriptedCluster implements ClusterSource {
  status: ClusterStatus = clusterStatus('connecting', 'connecting');
  inventory: Inventory = EMPTY_INVENTORY;
  started = false;
  stopped = false;
  watched: ResourceSelection = [];
  private readonly listeners = new Set<() => void>();

  constructor(readonly options: ClusterOptions) {}

  async start(): Promise<void> {
    this.started = true;
  }
  stop(): void {
    this.stopped = true;
  }
  async refresh(): Promise<void> {}
  ensureResources(resources: ResourceSelection): void {
    this.watched = resources;
  }
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
  /** Simulates a sync: new status and inventory, then the change notification. */
  sync(status: ClusterStatus, wecs: readonly Wec[]): void {
    this.status = status;
    this.inventory = { ...EMPTY_INVENTORY, wecs, origin: 'cluster (ITS its1, WDS wds1)', generation: this.inventory.generation + 1 };
    for (const listener of this.listeners) listener();
  }
}

function setUp() {
  const clusters: ScriptedCluster[] = [];
  let watched: ResourceSelection = [{ group: 'apps', resource: 'deployments' }];
  const source = new InventorySource({
    watchedResources: () => watched,
    createWorkspace: (options) => new WorkspaceInventory(options),
    createCluster: (options) => {
      const cluster = new ScriptedCluster(options);
      clusters.push(cluster);
      return cluster;
    },
    log: { info: () => undefined, error: () => undefined },
  });
  let changes = 0;
  source.onDidChange(() => changes++);
  return { source, clusters, changes: () => changes, watch: (resources: ResourceSelection) => (watched = resources) };
}

const WORKSPACE_CONFIG: SourceConfig = { source: 'auto', include: ['**/*.{yaml,yml}'], exclude: [] };

describe('InventorySource', () => {
  it('reads the workspace and reports its counts', async () => {
    const { source, clusters } = setUp();
    await source.configure(WORKSPACE_CONFIG, true, [EXAMPLES]);
    const status = source.status;
    assert.equal(status.source, 'workspace');
    assert.equal(status.wecCount, 8);
    assert.ok(status.objectCount > 10, `objects: ${status.objectCount}`);
    assert.equal(clusters.length, 0);
  });

  it('starts no cluster source in an untrusted workspace, and one (with exec auth) once trusted', async () => {
    const { source, clusters } = setUp();
    const config = { ...WORKSPACE_CONFIG, ...CONTEXTS, kubeconfig: '/tmp/kubeconfig' };
    await source.configure(config, false, [EXAMPLES]);
    assert.equal(clusters.length, 0);
    assert.equal(source.status.trusted, false);
    assert.deepEqual(source.status.contexts, { its: { context: 'its1', state: 'off' }, wds: { context: 'wds1', state: 'off' } });
    await source.configure(config, true, [EXAMPLES]);
    assert.equal(clusters.length, 1);
    assert.deepEqual(clusters[0].options, { kubeconfigPath: '/tmp/kubeconfig', itsContext: 'its1', wdsContext: 'wds1', allowExecAuth: true });
    assert.ok(clusters[0].started);
  });

  it('switches to the cluster once it is ready, with a generation the core has not seen', async () => {
    const { source, clusters, changes, watch } = setUp();
    await source.configure({ ...WORKSPACE_CONFIG, ...CONTEXTS }, true, [EXAMPLES]);
    const cluster = clusters[0];
    assert.deepEqual(cluster.watched, [{ group: 'apps', resource: 'deployments' }], 'a new cluster source hears what to watch');
    watch([{ group: '*', resource: '*' }]);
    source.updateWatchedResources();
    assert.deepEqual(cluster.watched, [{ group: '*', resource: '*' }]);
    const workspaceInventory = source.inventory;
    assert.equal(source.status.source, 'workspace');
    const before = changes();
    cluster.sync(clusterStatus('ready', 'ready'), [{ name: 'live-1', labels: { env: 'prod' } }]);
    assert.ok(changes() > before, 'listeners hear of the switch');
    assert.equal(source.status.source, 'cluster');
    assert.deepEqual(source.inventory.wecs.map((wec) => wec.name), ['live-1']);
    assert.notEqual(source.inventory.generation, workspaceInventory.generation);
    cluster.sync(clusterStatus('error', 'ready', 'connection refused'), [{ name: 'live-1', labels: { env: 'prod' } }]);
    assert.equal(source.status.source, 'workspace');
    assert.match(source.status.reason, /connection refused/);
    assert.equal(source.inventory.wecs.length, 8);
  });

  it('stops the cluster source when the contexts change or the workspace is chosen', async () => {
    const { source, clusters } = setUp();
    await source.configure({ ...WORKSPACE_CONFIG, ...CONTEXTS }, true, [EXAMPLES]);
    await source.configure({ ...WORKSPACE_CONFIG, itsContext: 'its2', wdsContext: 'wds1' }, true, [EXAMPLES]);
    assert.equal(clusters.length, 2);
    assert.ok(clusters[0].stopped);
    await source.configure({ ...WORKSPACE_CONFIG, source: 'workspace', itsContext: 'its2', wdsContext: 'wds1' }, true, [EXAMPLES]);
    assert.ok(clusters[1].stopped);
    assert.equal(source.status.contexts, undefined);
  });

  it('lays editor buffers over the disk, and keeps the generation when an edit changes no WEC or object', async () => {
    const { source } = setUp();
    await source.configure(WORKSPACE_CONFIG, true, [EXAMPLES]);
    const inventoryFile = path.join(EXAMPLES, 'inventory', 'edge-clusters.yaml');
    const uri = URI.file(inventoryFile).toString();
    const disk = fs.readFileSync(inventoryFile, 'utf8');
    const generation = source.inventory.generation;

    source.updateBuffer(uri, `${disk}\n# a comment typed in the editor\n`);
    assert.equal(source.inventory.generation, generation, 'a comment changes nothing');

    const extra = '---\napiVersion: cluster.open-cluster-management.io/v1\nkind: ManagedCluster\nmetadata:\n  name: edge-new\n  labels: {env: prod}\n';
    source.updateBuffer(uri, `${disk}${disk.endsWith('\n') ? '' : '\n'}${extra}`);
    assert.equal(source.inventory.wecs.length, 9);
    assert.notEqual(source.inventory.generation, generation);

    source.updateFromDisk(uri, disk);
    assert.equal(source.inventory.wecs.length, 9, 'the open buffer wins over the disk');
    await source.refresh();
    assert.equal(source.inventory.wecs.length, 9, 'a reload keeps the open buffer');

    source.closeBuffer(uri, disk);
    assert.equal(source.inventory.wecs.length, 8);
  });
});
