/**
 * The live-cluster data source against the fake API server (a test double in test/fake-kube),
 * through the real @kubernetes/client-node over HTTPS on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ClusterInventorySource,
  listContexts,
  loadClusterInventoryOnce,
  type ClusterOptions,
} from '../../server/src/cluster';
import {
  addItsTypes,
  addWdsTypes,
  binding,
  configMap,
  deployment,
  managedCluster,
  namespace,
  statusCollector,
  widget,
} from '../fake-kube/estate';
import { writeExecPlugin, writeKubeconfig, type KubeconfigUser } from '../fake-kube/kubeconfig';
import { generateTestPki, type TestPki } from '../fake-kube/pki';
import { FakeKubeApiServer, type FakeKubeOptions } from '../fake-kube/server';

const ITS_TOKEN = 'its-secret-token-1f3a';
const WDS_TOKEN = 'wds-secret-token-9c2e';
const MC_GROUP = 'cluster.open-cluster-management.io';

let tmp: string;
let pki: TestPki;
const fakes: FakeKubeApiServer[] = [];
const sources: ClusterInventorySource[] = [];
const logs: string[] = [];

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-test-'));
  pki = generateTestPki(path.join(tmp, 'pki'));
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

afterEach(async () => {
  for (const source of sources.splice(0)) source.stop();
  for (const fake of fakes.splice(0)) {
    const writes = fake.requests.filter((request) => request.method !== 'GET');
    assert.deepEqual(writes, [], 'the client must only ever send GET (get, list, watch)');
    await fake.close();
  }
  for (const line of logs.splice(0)) {
    assert.ok(!line.includes(ITS_TOKEN) && !line.includes(WDS_TOKEN), `a log line shows a token: ${line}`);
  }
});

async function startFake(options: Partial<FakeKubeOptions> = {}): Promise<FakeKubeApiServer> {
  const fake = new FakeKubeApiServer({ pki, tokens: { [ITS_TOKEN]: 'its-admin', [WDS_TOKEN]: 'wds-admin' }, ...options });
  fakes.push(fake);
  await fake.listen();
  return fake;
}

/** An ITS with three WECs. */
async function startIts(options: Partial<FakeKubeOptions> = {}): Promise<FakeKubeApiServer> {
  const fake = await startFake(options);
  addItsTypes(fake);
  fake.put(MC_GROUP, 'managedclusters', managedCluster('cluster1', { location: 'edge', tier: 'gold' }));
  fake.put(MC_GROUP, 'managedclusters', managedCluster('cluster2', { location: 'edge' }));
  fake.put(MC_GROUP, 'managedclusters', managedCluster('cluster3', { location: 'cloud' }));
  return fake;
}

/** A WDS with namespaces, deployments, configmaps, widgets, a Binding and a StatusCollector. */
async function startWds(options: Partial<FakeKubeOptions> = {}): Promise<FakeKubeApiServer> {
  const fake = await startFake(options);
  addWdsTypes(fake);
  fake.put('', 'namespaces', namespace('shop', { team: 'web' }));
  fake.put('', 'namespaces', namespace('batch'));
  fake.put('apps', 'deployments', deployment('shop', 'frontend', { app: 'frontend' }));
  fake.put('apps', 'deployments', deployment('batch', 'worker', { app: 'worker' }));
  fake.put('', 'configmaps', configMap('shop', 'settings', { app: 'frontend' }));
  fake.put('example.com', 'widgets', widget('shop', 'gizmo', { kind: 'widget' }));
  fake.put('', 'events', { metadata: { name: 'ev1', namespace: 'shop' } });
  fake.put('control.kubestellar.io', 'statuscollectors', statusCollector('ready-replicas'));
  fake.put(
    'control.kubestellar.io',
    'bindings',
    binding('web', ['cluster1', 'cluster2'], {
      clusterScope: [{ group: '', version: 'v1', resource: 'namespaces', name: 'shop', resourceVersion: '1' }],
      namespaceScope: [{ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'shop', name: 'frontend', resourceVersion: '2' }],
    }),
  );
  return fake;
}

let kubeconfigCount = 0;

/** Writes a kubeconfig with contexts `its` and `wds` (token users, CA by file) and returns its path. */
function kubeconfig(its: FakeKubeApiServer | string, wds: FakeKubeApiServer | string, users?: { its?: KubeconfigUser; wds?: KubeconfigUser }): string {
  const url = (server: FakeKubeApiServer | string): string => (typeof server === 'string' ? server : server.url);
  return writeKubeconfig(path.join(tmp, `kubeconfig-${++kubeconfigCount}.yaml`), {
    clusters: [
      { name: 'its-cluster', server: url(its), caFile: pki.caCertFile },
      { name: 'wds-cluster', server: url(wds), caFile: pki.caCertFile },
    ],
    users: [users?.its ?? { name: 'its-user', token: ITS_TOKEN }, users?.wds ?? { name: 'wds-user', token: WDS_TOKEN }],
    contexts: [
      { name: 'its', cluster: 'its-cluster', user: users?.its?.name ?? 'its-user' },
      { name: 'wds', cluster: 'wds-cluster', user: users?.wds?.name ?? 'wds-user' },
    ],
    currentContext: 'wds',
  });
}

function options(kubeconfigPath: string, extra: Partial<ClusterOptions> = {}): ClusterOptions {
  return { kubeconfigPath, itsContext: 'its', wdsContext: 'wds', allowExecAuth: false, log: (line) => logs.push(line), ...extra };
}

function source(opts: ClusterOptions): ClusterInventorySource {
  const created = new ClusterInventorySource(opts);
  sources.push(created);
  return created;
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(10);
  }
}

function wecNames(cluster: ClusterInventorySource): string[] {
  return cluster.inventory.wecs.map((wec) => wec.name).sort();
}

function objectIds(cluster: ClusterInventorySource, resource?: string): string[] {
  return cluster.inventory.objects
    .filter((object) => resource === undefined || object.resource === resource)
    .map((object) => `${object.group}/${object.resource}/${object.namespace}/${object.name}`)
    .sort();
}

function listedResources(fake: FakeKubeApiServer): Set<string> {
  return new Set(fake.requests.filter((request) => request.verb === 'list').map((request) => request.path));
}

describe('initial sync', () => {
  test('reads WECs from the ITS and objects, Namespaces, StatusCollectors, Bindings and discovery from the WDS', async () => {
    const its = await startIts();
    const wds = await startWds();
    const cluster = source(options(kubeconfig(its, wds)));
    cluster.ensureResources([{ group: 'apps', resource: 'deployments' }]);
    await cluster.start();

    assert.equal(cluster.status.its.state, 'ready', cluster.status.its.message);
    assert.equal(cluster.status.wds.state, 'ready', cluster.status.wds.message);
    assert.equal(cluster.status.its.context, 'its');
    assert.ok(cluster.status.its.lastSync !== undefined && cluster.status.its.lastSync <= Date.now());
    assert.deepEqual(
      cluster.inventory.wecs.map((wec) => ({ name: wec.name, labels: wec.labels })).sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: 'cluster1', labels: { location: 'edge', tier: 'gold' } },
        { name: 'cluster2', labels: { location: 'edge' } },
        { name: 'cluster3', labels: { location: 'cloud' } },
      ],
    );
    assert.deepEqual(objectIds(cluster), [
      '/namespaces//batch',
      '/namespaces//shop',
      'apps/deployments/batch/worker',
      'apps/deployments/shop/frontend',
      'control.kubestellar.io/statuscollectors//ready-replicas',
    ]);
    const frontend = cluster.inventory.objects.find((object) => object.name === 'frontend');
    assert.deepEqual(frontend, {
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'frontend',
      labels: { app: 'frontend' },
    });
    assert.deepEqual(cluster.inventory.objects.find((object) => object.name === 'shop')?.labels, { team: 'web' });

    assert.deepEqual(cluster.inventory.bindings?.get('web'), {
      name: 'web',
      destinations: ['cluster1', 'cluster2'],
      objects: [
        { group: '', version: 'v1', resource: 'namespaces', namespace: '', name: 'shop' },
        { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'shop', name: 'frontend' },
      ],
    });

    const types = cluster.inventory.resourceTypes;
    assert.deepEqual(
      types.find((type) => type.resource === 'deployments'),
      { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'] },
    );
    assert.equal(types.find((type) => type.resource === 'widgets')?.namespaced, true);
    assert.equal(types.find((type) => type.resource === 'namespaces')?.namespaced, false);
    assert.ok(!types.some((type) => type.resource.includes('/')), 'subresources are not resource types');
    assert.ok(types.some((type) => type.resource === 'events'), 'discovery lists every served type, excluded ones too');
    assert.ok(cluster.inventory.generation > 0);
    assert.match(cluster.inventory.origin, /its.*wds/i);
  });

  test('lists are paginated with limit and continue', async () => {
    const its = await startIts({ maxPageSize: 3 });
    for (let index = 4; index <= 10; index++) its.put(MC_GROUP, 'managedclusters', managedCluster(`cluster${index}`, {}));
    // The core group goes through a different client-node API than named groups: page it too.
    const wds = await startWds({ maxPageSize: 1 });
    const cluster = source(options(kubeconfig(its, wds)));
    cluster.ensureResources([{ group: 'apps', resource: 'deployments' }]);
    await cluster.start();

    assert.equal(cluster.inventory.wecs.length, 10);
    assert.equal(objectIds(cluster, 'namespaces').length, 2);
    assert.equal(objectIds(cluster, 'deployments').length, 2);
    assert.equal(wds.requests.filter((request) => request.verb === 'list' && request.path === '/api/v1/namespaces').length, 2);
    const lists = its.requests.filter((request) => request.verb === 'list' && request.path.endsWith('/managedclusters'));
    assert.equal(lists.length, 4, 'ten objects in pages of three');
    assert.equal(lists[0].query.continue, undefined);
    for (const list of lists) assert.equal(list.query.limit, '500');
    assert.ok(lists.slice(1).every((list) => list.query.continue !== undefined && list.query.continue.length > 0));
    await waitFor('the watch', () => its.requests.some((request) => request.verb === 'watch'));
    const watch = its.requests.find((request) => request.verb === 'watch');
    assert.equal(watch?.query.resourceVersion, its.resourceVersion, 'the watch starts at the list resourceVersion');
    assert.equal(watch?.query.allowWatchBookmarks, 'true');
  });

  test('loadClusterInventoryOnce lists without watching', async () => {
    const its = await startIts();
    const wds = await startWds();
    const result = await loadClusterInventoryOnce(options(kubeconfig(its, wds)), [{ group: '*', resource: 'widgets' }]);
    assert.equal(result.status.its.state, 'ready', result.status.its.message);
    assert.equal(result.status.wds.state, 'ready', result.status.wds.message);
    assert.equal(result.inventory.wecs.length, 3);
    assert.deepEqual(
      result.inventory.objects.filter((object) => object.resource === 'widgets').map((object) => object.name),
      ['gizmo'],
    );
    assert.equal([...its.requests, ...wds.requests].filter((request) => request.verb === 'watch').length, 0);
  });
});

describe('watches keep the cache current', () => {
  test('added, modified and deleted objects update the inventory; generation grows; notifications coalesce', async () => {
    const its = await startIts();
    const wds = await startWds();
    // A short request timeout also shows that it limits the wait for headers, not an idle watch stream.
    const cluster = source(options(kubeconfig(its, wds), { requestTimeoutMs: 1000 }));
    await cluster.start();
    let notifications = 0;
    cluster.onDidChange(() => notifications++);
    const generation = cluster.inventory.generation;
    await delay(1200);

    its.put(MC_GROUP, 'managedclusters', managedCluster('cluster4', { location: 'edge' }));
    await waitFor('cluster4 added', () => wecNames(cluster).includes('cluster4'));
    assert.ok(cluster.inventory.generation > generation);

    its.put(MC_GROUP, 'managedclusters', managedCluster('cluster1', { location: 'cloud' }));
    await waitFor('cluster1 relabelled', () => cluster.inventory.wecs.find((wec) => wec.name === 'cluster1')?.labels.location === 'cloud');

    its.remove(MC_GROUP, 'managedclusters', undefined, 'cluster2');
    await waitFor('cluster2 deleted', () => !wecNames(cluster).includes('cluster2'));
    assert.deepEqual(wecNames(cluster), ['cluster1', 'cluster3', 'cluster4']);

    wds.put('', 'namespaces', namespace('shop', { team: 'mobile' }));
    await waitFor('namespace relabelled', () => cluster.inventory.objects.find((object) => object.name === 'shop')?.labels.team === 'mobile');
    assert.equal(its.requests.filter((request) => request.verb === 'watch').length, 1, 'the idle watch survived the request timeout');

    // A status-only update leaves identity and labels alone: no new generation.
    await delay(150);
    const settled = cluster.inventory.generation;
    its.put(MC_GROUP, 'managedclusters', { ...managedCluster('cluster3', { location: 'cloud' }), status: { conditions: [] } });
    await delay(150);
    assert.equal(cluster.inventory.generation, settled);

    // A burst of 50 changes makes few notifications.
    await delay(150);
    const before = notifications;
    for (let index = 0; index < 50; index++) its.put(MC_GROUP, 'managedclusters', managedCluster(`burst${index}`, {}));
    await waitFor('the burst', () => cluster.inventory.wecs.length === 53);
    await delay(150);
    assert.ok(notifications - before >= 1 && notifications - before <= 5, `${notifications - before} notifications for one burst`);
  });

  test('a dropped watch resumes from the last resourceVersion (bookmarks included) without listing again', async () => {
    const its = await startIts();
    const wds = await startWds();
    const cluster = source(options(kubeconfig(its, wds)));
    await cluster.start();
    // Advance the server's resourceVersion with a change the ITS watch does not see, then bookmark it.
    its.put('', 'namespaces', namespace('elsewhere'));
    its.sendBookmarks();
    const bookmarked = its.resourceVersion;
    await delay(50);
    const listsBefore = its.requests.filter((request) => request.verb === 'list').length;

    its.dropWatches();
    await waitFor('a second watch', () => its.requests.filter((request) => request.verb === 'watch').length === 2);
    const resumed = its.requests.filter((request) => request.verb === 'watch')[1];
    assert.equal(resumed.query.resourceVersion, bookmarked);
    assert.equal(its.requests.filter((request) => request.verb === 'list').length, listsBefore, 'no relist');

    its.put(MC_GROUP, 'managedclusters', managedCluster('cluster9', {}));
    await waitFor('cluster9 through the new watch', () => wecNames(cluster).includes('cluster9'));
    await waitFor('ready again', () => cluster.status.its.state === 'ready');
  });

  test('410 Gone makes the client list again, which finds changes the watch never reported', async () => {
    const its = await startIts();
    const wds = await startWds();
    const cluster = source(options(kubeconfig(its, wds)));
    await cluster.start();
    const lists = (): number => its.requests.filter((request) => request.verb === 'list' && request.path.endsWith('/managedclusters')).length;
    assert.equal(lists(), 1);

    its.remove(MC_GROUP, 'managedclusters', undefined, 'cluster3', { notify: false });
    its.expireWatches();
    await waitFor('cluster3 gone after the relist', () => !wecNames(cluster).includes('cluster3'));
    assert.equal(lists(), 2);
    await waitFor('watching again', () => its.openWatchCount === 1);
    its.put(MC_GROUP, 'managedclusters', managedCluster('cluster5', {}));
    await waitFor('cluster5', () => wecNames(cluster).includes('cluster5'));
    assert.equal(cluster.status.its.state, 'ready');
  });

  test('refresh() lists everything again', async () => {
    const its = await startIts();
    const wds = await startWds();
    const cluster = source(options(kubeconfig(its, wds)));
    await cluster.start();
    its.remove(MC_GROUP, 'managedclusters', undefined, 'cluster1', { notify: false });
    await cluster.refresh();
    assert.deepEqual(wecNames(cluster), ['cluster2', 'cluster3']);
    assert.equal(cluster.status.its.state, 'ready');
  });
});

describe('lazy resource selection', () => {
  test('only the resources the policies name are listed; "all" never includes never-selected types', async () => {
    const its = await startIts();
    const wds = await startWds();
    const cluster = source(options(kubeconfig(its, wds)));
    cluster.ensureResources([{ group: 'apps', resource: 'deployments' }]);
    await cluster.start();
    assert.deepEqual(
      [...listedResources(wds)].sort(),
      ['/api/v1/namespaces', '/apis/apps/v1/deployments', '/apis/control.kubestellar.io/v1alpha1/bindings', '/apis/control.kubestellar.io/v1alpha1/statuscollectors'],
    );

    cluster.ensureResources([{ group: 'apps', resource: 'deployments' }, { group: '*', resource: 'widgets' }]);
    await waitFor('widgets listed', () => objectIds(cluster, 'widgets').length === 1);
    assert.ok(!listedResources(wds).has('/api/v1/configmaps'));

    cluster.ensureResources('all');
    await waitFor('configmaps listed', () => objectIds(cluster, 'configmaps').length === 1);
    await waitFor('ready', () => cluster.status.wds.state === 'ready');
    const listed = listedResources(wds);
    for (const never of ['/api/v1/events', '/api/v1/nodes', '/apis/coordination.k8s.io/v1/leases', '/apis/control.kubestellar.io/v1alpha1/bindingpolicies', '/api/v1/bindings']) {
      assert.ok(!listed.has(never), `${never} must not be listed`);
    }
    assert.ok(!wds.requests.some((request) => /\/(status|scale)$/.test(request.path)), 'subresources are never requested');
  });

  test('a resource type installed after start is found by refresh()', async () => {
    const its = await startIts();
    const wds = await startWds();
    const cluster = source(options(kubeconfig(its, wds)));
    cluster.ensureResources([{ group: 'example.org', resource: 'gadgets' }]);
    await cluster.start();
    assert.equal(cluster.status.wds.state, 'ready');
    assert.ok(!cluster.inventory.resourceTypes.some((type) => type.resource === 'gadgets'));

    wds.addResourceType({ group: 'example.org', version: 'v1beta1', resource: 'gadgets', kind: 'Gadget', namespaced: false });
    wds.put('example.org', 'gadgets', { metadata: { name: 'g1', labels: { color: 'red' } } });
    await cluster.refresh();
    assert.deepEqual(objectIds(cluster, 'gadgets'), ['example.org/gadgets//g1']);
    assert.equal(cluster.inventory.objects.find((object) => object.name === 'g1')?.version, 'v1beta1');
  });
});

describe('faults', () => {
  test('403 names the verb, the resource and the context', async () => {
    const its = await startIts();
    const wds = await startWds();
    its.forbid({ verb: 'list', group: MC_GROUP, resource: 'managedclusters' });
    wds.forbid({ verb: 'list', group: 'apps', resource: 'deployments' });
    const cluster = source(options(kubeconfig(its, wds)));
    cluster.ensureResources([{ group: 'apps', resource: 'deployments' }]);
    await cluster.start();

    assert.equal(cluster.status.its.state, 'error');
    assert.equal(cluster.status.its.message, '403 Forbidden: list managedclusters.cluster.open-cluster-management.io in context its');
    assert.equal(cluster.status.wds.state, 'degraded', 'Namespaces and Bindings still work');
    assert.equal(cluster.status.wds.message, '403 Forbidden: list deployments.apps in context wds');
    assert.ok(logs.some((line) => line.includes('403 Forbidden: list managedclusters')));
  });

  test('a refused watch names the verb watch', async () => {
    const its = await startIts();
    const wds = await startWds();
    its.forbid({ verb: 'watch', resource: 'managedclusters' });
    const cluster = source(options(kubeconfig(its, wds)));
    await cluster.start();
    assert.equal(cluster.inventory.wecs.length, 3, 'the list worked');
    await waitFor('the watch failure', () => cluster.status.its.state === 'error');
    assert.equal(cluster.status.its.message, '403 Forbidden: watch managedclusters.cluster.open-cluster-management.io in context its');
  });

  test('a wrong token gives 401', async () => {
    const its = await startIts();
    const wds = await startWds();
    const cluster = source(options(kubeconfig(its, wds, { its: { name: 'its-user', token: 'wrong-token' } })));
    await cluster.start();
    assert.equal(cluster.status.its.state, 'error');
    assert.equal(cluster.status.its.message, '401 Unauthorized: list managedclusters.cluster.open-cluster-management.io in context its');
  });

  test('a server that does not answer in time gives a timeout', async () => {
    const its = await startIts();
    const wds = await startWds();
    its.addFault({ verb: 'list', resource: 'managedclusters', delayMs: 10_000 });
    const cluster = source(options(kubeconfig(its, wds), { requestTimeoutMs: 300 }));
    const startedAt = Date.now();
    await cluster.start();
    assert.ok(Date.now() - startedAt < 3000);
    assert.equal(cluster.status.its.state, 'error');
    assert.equal(cluster.status.its.message, 'timed out after 300 ms: list managedclusters.cluster.open-cluster-management.io in context its');
    assert.equal(cluster.status.wds.state, 'ready', cluster.status.wds.message);
  });

  test('failing requests are retried with backoff until they succeed', async () => {
    const its = await startIts();
    const wds = await startWds();
    its.addFault({ verb: 'list', resource: 'managedclusters', status: 503, times: 2 });
    const cluster = source(options(kubeconfig(its, wds)));
    await cluster.start();
    assert.equal(cluster.status.its.message, '503 Service Unavailable: list managedclusters.cluster.open-cluster-management.io in context its');
    await waitFor('ready after retries', () => cluster.status.its.state === 'ready');
    assert.equal(cluster.inventory.wecs.length, 3);
    assert.equal(its.requests.filter((request) => request.verb === 'list').length, 3);
  });

  test('an unreachable server: error status, the last cache is kept, and it recovers', async () => {
    const its = await startIts();
    const wds = await startWds();
    const cluster = source(options(kubeconfig(its, wds)));
    await cluster.start();
    assert.equal(cluster.inventory.wecs.length, 3);

    await its.close();
    await waitFor('ITS error', () => cluster.status.its.state === 'error');
    assert.match(cluster.status.its.message, /(cannot reach|connection to) https:\/\/127\.0\.0\.1:\d+ .*in context its/);
    assert.equal(cluster.inventory.wecs.length, 3, 'the last good cache is still served');
    assert.equal(cluster.status.wds.state, 'ready');

    its.put(MC_GROUP, 'managedclusters', managedCluster('cluster7', {}));
    await its.listen();
    await waitFor('ITS ready again', () => cluster.status.its.state === 'ready' && wecNames(cluster).includes('cluster7'), 8000);
  });

  test('a server nobody listens on', async () => {
    const closed = await startFake();
    const url = closed.url;
    await closed.close();
    fakes.splice(fakes.indexOf(closed), 1);
    const wds = await startWds();
    const cluster = source(options(kubeconfig(url, wds)));
    await cluster.start();
    assert.equal(cluster.status.its.state, 'error');
    assert.equal(
      cluster.status.its.message,
      `cannot reach ${url} (ECONNREFUSED): list managedclusters.cluster.open-cluster-management.io in context its`,
    );
    assert.deepEqual(cluster.inventory.wecs, []);
  });

  test('a group version that discovery cannot read is skipped and reported', async () => {
    const its = await startIts();
    const wds = await startWds();
    wds.addFault({ pathPrefix: '/apis/example.com/v1', verb: 'get', status: 503 });
    const cluster = source(options(kubeconfig(its, wds)));
    cluster.ensureResources('all');
    await cluster.start();
    assert.equal(cluster.status.wds.state, 'ready');
    assert.match(cluster.status.wds.message, /discovery skipped: 503 Service Unavailable: get \/apis\/example\.com\/v1 \(discovery\) in context wds$/);
    assert.ok(!cluster.inventory.resourceTypes.some((type) => type.group === 'example.com'));
    assert.equal(objectIds(cluster, 'deployments').length, 2, 'the other groups work');
  });

  test('a server certificate the kubeconfig does not trust', async () => {
    const its = await startIts();
    const wds = await startWds();
    const file = writeKubeconfig(path.join(tmp, 'untrusted.yaml'), {
      clusters: [{ name: 'c', server: its.url }],
      users: [{ name: 'u', token: ITS_TOKEN }],
      contexts: [{ name: 'its', cluster: 'c', user: 'u' }, { name: 'wds', cluster: 'c', user: 'u' }],
    });
    void wds;
    const cluster = source(options(file));
    await cluster.start();
    assert.equal(cluster.status.its.state, 'error');
    assert.match(cluster.status.its.message, /^TLS verification of https:\/\/127\.0\.0\.1:\d+ failed \([A-Z_]+\); check the cluster's certificate-authority: list managedclusters/);
    assert.equal(its.requests.length, 0, 'nothing was sent to an untrusted server');
  });
});

describe('kubeconfig', () => {
  test('KUBECONFIG with several files merges as kubectl does', async () => {
    const its = await startIts();
    const wds = await startWds();
    const first = writeKubeconfig(path.join(tmp, 'merge', 'first.yaml'), {
      clusters: [{ name: 'its-cluster', server: its.url, caFile: pki.caCertFile }, { name: 'wds-cluster', server: wds.url, caFile: pki.caCertFile }],
      users: [{ name: 'its-user', token: ITS_TOKEN }, { name: 'wds-user', token: WDS_TOKEN }],
      contexts: [{ name: 'its', cluster: 'its-cluster', user: 'its-user' }, { name: 'shared', cluster: 'wds-cluster', user: 'wds-user' }],
      currentContext: 'its',
    });
    const second = writeKubeconfig(path.join(tmp, 'merge', 'second.yaml'), {
      clusters: [{ name: 'its-cluster', server: 'https://127.0.0.1:1', caFile: pki.caCertFile }],
      users: [{ name: 'its-user', token: 'ignored' }],
      contexts: [{ name: 'wds', cluster: 'its-cluster', user: 'its-user' }, { name: 'shared', cluster: 'its-cluster', user: 'its-user' }],
      currentContext: 'wds',
    });
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = [first, path.join(tmp, 'merge', 'missing.yaml'), second].join(path.delimiter);
    try {
      assert.deepEqual(listContexts(), { contexts: ['its', 'shared', 'wds'], current: 'its' });
      // `shared` and the cluster and user names come from the first file that defines them.
      const cluster = source({ itsContext: 'its', wdsContext: 'shared', allowExecAuth: false, log: (line) => logs.push(line) });
      await cluster.start();
      assert.equal(cluster.status.its.state, 'ready', cluster.status.its.message);
      assert.equal(cluster.status.wds.state, 'ready', cluster.status.wds.message);
      assert.ok(objectIds(cluster).includes('/namespaces//shop'));
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  test('client certificates (relative paths) and certificate-authority-data', async () => {
    const its = await startIts();
    const wds = await startWds();
    const dir = path.join(tmp, 'certs-config');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(pki.clientCertFile, path.join(dir, 'client.crt'));
    fs.copyFileSync(pki.clientKeyFile, path.join(dir, 'client.key'));
    const file = writeKubeconfig(path.join(dir, 'config'), {
      clusters: [{ name: 'its-cluster', server: its.url, caPem: fs.readFileSync(pki.caCertFile, 'utf8') }, { name: 'wds-cluster', server: wds.url, caFile: pki.caCertFile }],
      users: [{ name: 'cert', clientCertFile: 'client.crt', clientKeyFile: 'client.key' }, { name: 'wds-user', token: WDS_TOKEN }],
      contexts: [{ name: 'its', cluster: 'its-cluster', user: 'cert' }, { name: 'wds', cluster: 'wds-cluster', user: 'wds-user' }],
    });
    const cluster = source(options(file));
    await cluster.start();
    assert.equal(cluster.status.its.state, 'ready', cluster.status.its.message);
    assert.ok(its.requests.length > 0 && its.requests.every((request) => request.user === pki.certUser));
  });

  test('exec plugins run when allowed, and are refused without running when allowExecAuth is false', async () => {
    const its = await startIts();
    const wds = await startWds();
    const marker = path.join(tmp, 'exec-ran.txt');
    its.setToken('exec-issued-token', 'exec-user');
    const exec = writeExecPlugin(tmp, 'exec-issued-token', marker);
    const file = kubeconfig(its, wds, { its: { name: 'exec-user', exec } });

    const refused = source(options(file, { allowExecAuth: false }));
    await refused.start();
    assert.equal(refused.status.its.state, 'error');
    assert.match(refused.status.its.message, /^context "its" authenticates user "exec-user" with an exec credential plugin; it was not run .*allowExecAuth is false/);
    assert.equal(refused.status.wds.state, 'ready', 'the other context is unaffected');
    assert.equal(fs.existsSync(marker), false, 'the plugin never ran');
    assert.equal(its.requests.length, 0);

    const allowed = source(options(file, { allowExecAuth: true }));
    await allowed.start();
    assert.equal(allowed.status.its.state, 'ready', allowed.status.its.message);
    assert.equal(allowed.inventory.wecs.length, 3);
    assert.ok(fs.existsSync(marker));
    assert.ok(its.requests.every((request) => request.user === 'exec-user'));
  });

  test('problems are reported clearly and without the file content', async () => {
    const broken = path.join(tmp, 'broken.yaml');
    fs.writeFileSync(broken, `users:\n- name: u\n  user:\n    token: ${ITS_TOKEN}\n   bad: [indent\n`);
    const fromBroken = source(options(broken));
    await fromBroken.start();
    assert.equal(fromBroken.status.its.state, 'error');
    assert.match(fromBroken.status.its.message, /^cannot parse kubeconfig .*broken\.yaml: .* at line \d+, column \d+$/);
    assert.ok(!fromBroken.status.its.message.includes(ITS_TOKEN));
    assert.ok(!listContexts(broken).error?.includes(ITS_TOKEN));

    const its = await startIts();
    const wds = await startWds();
    const wrongContext = source(options(kubeconfig(its, wds), { wdsContext: 'nope' }));
    await wrongContext.start();
    assert.equal(wrongContext.status.wds.message, 'context "nope" is not in the kubeconfig (contexts: its, wds)');
    assert.equal(wrongContext.status.its.state, 'ready');

    const missing = listContexts(path.join(tmp, 'does-not-exist.yaml'));
    assert.deepEqual(missing.contexts, []);
    assert.match(missing.error ?? '', /does-not-exist\.yaml does not exist/);
  });

  test('before start, the status says so and the inventory is empty', () => {
    const cluster = source(options(path.join(tmp, 'never-read.yaml')));
    assert.equal(cluster.status.its.state, 'connecting');
    assert.deepEqual(cluster.inventory.wecs, []);
    assert.deepEqual(cluster.inventory.objects, []);
  });
});
