/**
 * TEST DOUBLE entry point: runs a fake ITS and a fake WDS in a child process (for the benchmark,
 * so that the client's memory is measured apart from the servers'). The parent forks this file
 * with one JSON argument (`ServeRequest`), receives `ServeReady` over IPC, may send
 * `RelabelRequest`s, and the child exits when the parent disconnects.
 */
import { addItsTypes, addWdsTypes, configMap, deployment, managedCluster, namespace, widget } from './estate';
import type { TestPki } from './pki';
import { FakeKubeApiServer } from './server';

export interface ServeRequest {
  readonly pki: TestPki;
  readonly tokens: Readonly<Record<string, string>>;
  readonly managedClusters: number;
  readonly namespaces: number;
  readonly deployments: number;
  readonly configMaps: number;
  readonly widgets: number;
}

export interface ServeReady {
  readonly itsUrl: string;
  readonly wdsUrl: string;
  readonly seedMs: number;
}

/** Asks the child to change the labels of the first `count` Deployments (one watch event each). */
export interface RelabelRequest {
  readonly relabelDeployments: number;
  readonly value: string;
}

const REGIONS = ['eu', 'us', 'ap'];
const TIERS = ['gold', 'silver', 'bronze'];

function deploymentName(index: number): string {
  return `app-${index}`;
}

function namespaceOf(index: number, namespaces: number): string {
  return `team-${index % namespaces}`;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]) as ServeRequest;
  const started = Date.now();
  const its = new FakeKubeApiServer({ pki: request.pki, tokens: request.tokens, eventHistory: 5000 });
  const wds = new FakeKubeApiServer({ pki: request.pki, tokens: request.tokens, eventHistory: 5000 });
  addItsTypes(its);
  addWdsTypes(wds);
  for (let index = 0; index < request.managedClusters; index++) {
    its.put('cluster.open-cluster-management.io', 'managedclusters', managedCluster(`wec-${index}`, {
      region: REGIONS[index % REGIONS.length],
      tier: TIERS[index % TIERS.length],
      'kubestellar.io/cluster-index': String(index),
    }));
  }
  for (let index = 0; index < request.namespaces; index++) {
    wds.put('', 'namespaces', namespace(`team-${index}`, { team: `team-${index}`, env: index % 2 ? 'prod' : 'dev' }));
  }
  for (let index = 0; index < request.deployments; index++) {
    wds.put('apps', 'deployments', deployment(namespaceOf(index, request.namespaces), deploymentName(index), {
      app: `app-${index % 500}`,
      tier: TIERS[index % TIERS.length],
    }));
  }
  for (let index = 0; index < request.configMaps; index++) {
    wds.put('', 'configmaps', configMap(namespaceOf(index, request.namespaces), `config-${index}`, { app: `app-${index % 500}` }));
  }
  for (let index = 0; index < request.widgets; index++) {
    wds.put('example.com', 'widgets', widget(namespaceOf(index, request.namespaces), `widget-${index}`, { size: String(index % 5) }));
  }
  await its.listen(0);
  await wds.listen(0);
  const ready: ServeReady = { itsUrl: its.url, wdsUrl: wds.url, seedMs: Date.now() - started };
  process.send?.(ready);
  process.on('message', (message: RelabelRequest) => {
    for (let index = 0; index < message.relabelDeployments; index++) {
      wds.put('apps', 'deployments', deployment(namespaceOf(index, request.namespaces), deploymentName(index), {
        app: `app-${index % 500}`,
        tier: message.value,
      }));
    }
  });
  process.on('disconnect', () => {
    void Promise.all([its.close(), wds.close()]).then(() => process.exit(0));
  });
}

void main();
