/**
 * The `bindingpolicy` CLI in cluster mode (`--kubeconfig --its-context --wds-context`) against fake
 * ITS and WDS API servers (the test double in test/fake-kube) that hold the example estate: every
 * object of `examples/` that the workspace mode reads. Both modes must then print the same
 * explanations and the same diagnostics, since they describe the same estate.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { run } from '../../server/src/cli/main';
import { parseManifests } from '../../server/src/core/manifests';
import { BUILTIN_RESOURCE_TYPES, parseApiVersion, ResourceCatalog } from '../../server/src/core/resources';
import type { ResourceType } from '../../server/src/core/types';
import { writeKubeconfig } from '../fake-kube/kubeconfig';
import { generateTestPki, type TestPki } from '../fake-kube/pki';
import { FakeKubeApiServer, type FakeObject, type FakeResourceType } from '../fake-kube/server';

const repo = path.resolve(__dirname, '../../..');
const EXAMPLES = path.join(repo, 'examples');
const ITS_TOKEN = 'its-token-for-cli-test';
const WDS_TOKEN = 'wds-token-for-cli-test';
const OCM_CLUSTER_GROUP = 'cluster.open-cluster-management.io';

/** One object of the estate, as the API server would store and serve it. */
interface EstateObject {
  readonly type: ResourceType;
  readonly object: FakeObject;
}

interface Estate {
  readonly managedClusters: readonly FakeObject[];
  readonly objects: readonly EstateObject[];
  /** The types of the estate's objects, with the version their manifests use (CRD types included). */
  readonly types: readonly ResourceType[];
}

function yamlFilesUnder(folder: string): string[] {
  return (fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => path.join(folder, file));
}

function typeKey(type: { group: string; resource: string }): string {
  return `${type.group}/${type.resource}`;
}

/**
 * Reads every object of a workspace folder, as `kubectl apply -R -f <folder>` would create it:
 * ManagedClusters go to the ITS, everything else to the WDS. Documents that do not parse, and kinds
 * no CRD defines, are skipped (the API server would refuse them, and the workspace mode skips them
 * too). Like the API server, a cluster-scoped object loses a `metadata.namespace` written on it,
 * and a namespaced one without a namespace lands in `default`.
 */
function readEstate(folder: string): Estate {
  const parsed = yamlFilesUnder(folder).map((file) => parseManifests(fs.readFileSync(file, 'utf8'), pathToFileURL(file).href));
  const catalog = new ResourceCatalog(parsed.flatMap((manifests) => manifests.resourceTypes));
  const managedClusters: FakeObject[] = [];
  const objects: EstateObject[] = [];
  const types = new Map<string, ResourceType>();
  for (const { value } of parsed.flatMap((manifests) => manifests.entries)) {
    const { apiVersion, kind, metadata } = value as { apiVersion?: unknown; kind?: unknown; metadata?: FakeObject['metadata'] };
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof metadata?.name !== 'string') continue;
    const { group, version } = parseApiVersion(apiVersion);
    if (group === OCM_CLUSTER_GROUP && kind === 'ManagedCluster') {
      managedClusters.push(value as FakeObject);
      continue;
    }
    const known = catalog.byKind(group, kind);
    if (!known) continue;
    const type = { ...known, version };
    if (!types.has(typeKey(type))) types.set(typeKey(type), type);
    const { namespace, ...rest } = metadata;
    const scoped = type.namespaced ? { ...rest, namespace: namespace || 'default' } : rest;
    objects.push({ type, object: { ...value, metadata: scoped } as FakeObject });
  }
  return { managedClusters, objects, types: [...types.values()] };
}

function fakeType(type: ResourceType): FakeResourceType {
  return { group: type.group, version: type.version, resource: type.resource, kind: type.kind, namespaced: type.namespaced, shortNames: type.shortNames };
}

let tmp: string;
let pki: TestPki;
let examples: Estate;
const fakes: FakeKubeApiServer[] = [];

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-cluster-test-'));
  pki = generateTestPki(path.join(tmp, 'pki'));
  examples = readEstate(EXAMPLES);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

afterEach(async () => {
  for (const fake of fakes.splice(0)) {
    const other = fake.requests.filter((request) => request.method !== 'GET');
    assert.deepEqual(other, [], 'the CLI must only ever send GET requests');
    await fake.close();
  }
});

async function startFake(): Promise<FakeKubeApiServer> {
  const fake = new FakeKubeApiServer({ pki, tokens: { [ITS_TOKEN]: 'its-admin', [WDS_TOKEN]: 'wds-admin' } });
  fakes.push(fake);
  await fake.listen();
  return fake;
}

/** An ITS holding the estate's ManagedClusters. */
async function startIts(estate = examples): Promise<FakeKubeApiServer> {
  const its = await startFake();
  for (const type of BUILTIN_RESOURCE_TYPES.filter((candidate) => candidate.group === OCM_CLUSTER_GROUP || typeKey(candidate) === '/namespaces')) {
    its.addResourceType(fakeType(type));
  }
  for (const managedCluster of estate.managedClusters) its.put(OCM_CLUSTER_GROUP, 'managedclusters', managedCluster);
  return its;
}

/**
 * A WDS serving what a KubeStellar WDS serves (the built-in table without the ITS's
 * open-cluster-management APIs, whose groups a WDS does not have) plus the estate's CRD types,
 * holding every object of the estate that is not a ManagedCluster. A group's versions are announced
 * in the order the estate first uses them, the first being the group's preferred version.
 */
async function startWds(estate = examples): Promise<FakeKubeApiServer> {
  const wds = await startFake();
  const served = new Map<string, ResourceType>();
  for (const type of BUILTIN_RESOURCE_TYPES) if (!type.group.endsWith('open-cluster-management.io')) served.set(typeKey(type), type);
  for (const type of estate.types) served.set(typeKey(type), type);
  for (const type of served.values()) wds.addResourceType(fakeType(type));
  for (const { type, object } of estate.objects) wds.put(type.group, type.resource, object);
  return wds;
}

let kubeconfigCount = 0;

function writeConfig(itsUrl: string, wdsUrl: string): string {
  return writeKubeconfig(path.join(tmp, `kubeconfig-${++kubeconfigCount}.yaml`), {
    clusters: [
      { name: 'its-cluster', server: itsUrl, caFile: pki.caCertFile },
      { name: 'wds-cluster', server: wdsUrl, caFile: pki.caCertFile },
    ],
    users: [
      { name: 'its-user', token: ITS_TOKEN },
      { name: 'wds-user', token: WDS_TOKEN },
    ],
    contexts: [
      { name: 'its', cluster: 'its-cluster', user: 'its-user' },
      { name: 'wds', cluster: 'wds-cluster', user: 'wds-user' },
    ],
    currentContext: 'wds',
  });
}

/** The URL of a port on which nothing listens any more. */
async function closedUrl(): Promise<string> {
  const fake = new FakeKubeApiServer({ pki });
  await fake.listen();
  const url = fake.url;
  await fake.close();
  return url;
}

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd: repo });
  return { code, stdout, stderr };
}

function clusterArgs(kubeconfig: string): string[] {
  return ['--kubeconfig', kubeconfig, '--its-context', 'its', '--wds-context', 'wds'];
}

describe('cluster mode reads the same estate as workspace mode', () => {
  test('the fake estate is the example estate', () => {
    // Guards the comparison below: an estate that lost its objects would make both sides trivially equal.
    assert.equal(examples.managedClusters.length, 8);
    const names = new Set(examples.objects.map(({ type, object }) => `${type.resource}/${object.metadata.name}`));
    for (const expected of ['namespaces/storefront', 'deployments/payments-api', 'backupschedules/nightly-db', 'customresourcedefinitions/backupschedules.ops.example.com', 'statuscollectors/ready-replicas', 'clusterroles/node-exporter']) {
      assert.ok(names.has(expected), `${expected} is in the estate`);
    }
  });

  test('explain --format json prints the same policies, WECs, objects per clause and modulations', async () => {
    const its = await startIts();
    const wds = await startWds();
    const workspace = await cli('explain', 'examples/policies', '--workspace', 'examples', '--format', 'json');
    const cluster = await cli('explain', 'examples/policies', ...clusterArgs(writeConfig(its.url, wds.url)), '--format', 'json');

    assert.equal(cluster.stderr, '', 'cluster mode prints no warning');
    assert.equal(cluster.code, workspace.code);
    const expected = JSON.parse(workspace.stdout) as { policies: { name: string; wecs: string[]; objects: { resource: string; createOnly: boolean; statusCollectors: string[] }[] }[] };
    assert.deepEqual(JSON.parse(cluster.stdout), expected);
    // The comparison is only worth something if the workspace side binds real WECs and objects, CRD instances and modulations included.
    const policy = (name: string) => expected.policies.find((candidate) => candidate.name === name);
    assert.deepEqual(policy('web-to-edge')?.wecs, ['edge-eu-1', 'edge-eu-2', 'edge-eu-3']);
    assert.ok(policy('payments-backups')?.objects.some((object) => object.resource === 'backupschedules' && object.createOnly));
    assert.ok(policy('payments-prod')?.objects.some((object) => object.statusCollectors.includes('ready-replicas')));
    assert.equal(policy('monitoring-everywhere')?.wecs.length, 8);

    assert.ok(its.requests.some((request) => request.verb === 'list' && request.path.endsWith('/managedclusters')));
    assert.ok(wds.requests.some((request) => request.path === '/apis/ops.example.com/v1'), 'the CRD group is discovered');
    assert.ok(wds.requests.some((request) => request.verb === 'list' && request.path === '/apis/ops.example.com/v1/backupschedules'));
    assert.ok(wds.requests.some((request) => request.verb === 'list' && request.path === '/apis/control.kubestellar.io/v1alpha1/statuscollectors'));
    assert.equal([...its.requests, ...wds.requests].filter((request) => request.verb === 'watch').length, 0, 'a one-shot command does not watch');
  });

  test('check --format json gives the same diagnostics and exit code', async () => {
    const its = await startIts();
    const wds = await startWds();
    const workspace = await cli('check', 'examples/policies', '--workspace', 'examples', '--format', 'json');
    const cluster = await cli('check', 'examples/policies', ...clusterArgs(writeConfig(its.url, wds.url)), '--format', 'json');

    assert.equal(cluster.stderr, '');
    assert.equal(workspace.code, 1, 'the broken examples have errors');
    assert.equal(cluster.code, workspace.code);
    const expected = JSON.parse(workspace.stdout) as { file: string; diagnostics: unknown[] }[];
    assert.deepEqual(JSON.parse(cluster.stdout), expected);
    assert.ok(expected.filter((entry) => entry.diagnostics.length > 0).length >= 10);
  });
});

/**
 * A group whose CRDs are served at different versions: BackupSchedule at v1 (the group's preferred
 * version, listed first) and RestoreJob only at v1alpha1, as kube-apiserver serves them. kubectl
 * and the controller see both; so must the CLI.
 */
const TWO_VERSION_GROUP_WORKSPACE: Readonly<Record<string, string>> = {
  'inventory.yaml': `
apiVersion: cluster.open-cluster-management.io/v1
kind: ManagedCluster
metadata: {name: wec-1, labels: {env: prod}}
`,
  // The BackupSchedule comes first so that the fake announces v1 first, as the preferred version.
  'objects.yaml': `
apiVersion: v1
kind: Namespace
metadata: {name: ops}
---
apiVersion: ops.example.com/v1
kind: BackupSchedule
metadata: {name: nightly, namespace: ops, labels: {tier: db}}
---
apiVersion: ops.example.com/v1alpha1
kind: RestoreJob
metadata: {name: restore-1, namespace: ops, labels: {tier: db}}
`,
  'crds.yaml': ['backupschedules', 'restorejobs'].map((plural) => `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${plural}.ops.example.com}
spec:
  group: ops.example.com
  names: {kind: ${plural === 'backupschedules' ? 'BackupSchedule' : 'RestoreJob'}, plural: ${plural}}
  scope: Namespaced
  versions:
    - {name: ${plural === 'backupschedules' ? 'v1' : 'v1alpha1'}, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
`).join('---\n'),
  'policy.yaml': `
apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata: {name: ops-to-prod}
spec:
  clusterSelectors: [{matchLabels: {env: prod}}]
  downsync:
    - apiGroup: ops.example.com
      resources: [backupschedules, restorejobs]
      namespaces: [ops]
`,
};

test('a kind served only at a non-preferred version of its group is read like any other', async () => {
  const folder = path.join(tmp, 'two-version-group');
  fs.mkdirSync(folder);
  for (const [file, text] of Object.entries(TWO_VERSION_GROUP_WORKSPACE)) fs.writeFileSync(path.join(folder, file), text);
  const estate = readEstate(folder);
  const its = await startIts(estate);
  const wds = await startWds(estate);
  const policy = path.join(folder, 'policy.yaml');
  const args = clusterArgs(writeConfig(its.url, wds.url));

  const workspace = await cli('explain', policy, '--workspace', folder, '--format', 'json');
  const expected = JSON.parse(workspace.stdout) as { policies: { objects: { name: string; version: string }[] }[] };
  assert.deepEqual(expected.policies[0].objects.map((object) => `${object.version} ${object.name}`), ['v1 nightly', 'v1alpha1 restore-1']);
  assert.deepEqual(JSON.parse((await cli('explain', policy, ...args, '--format', 'json')).stdout), expected);
  const check = await cli('check', policy, ...args, '--format', 'json');
  assert.deepEqual(JSON.parse(check.stdout), JSON.parse((await cli('check', policy, '--workspace', folder, '--format', 'json')).stdout));
  assert.ok(wds.requests.some((request) => request.path === '/apis/ops.example.com/v1alpha1'), 'the other version is discovered');
});

describe('cluster mode failures exit 2 with a message', () => {
  test('an unreachable server names its context', async () => {
    const its = await startIts();
    const wds = await startWds();
    const deadItsUrl = await closedUrl();
    const deadWdsUrl = await closedUrl();

    const noIts = await cli('explain', 'examples/policies', ...clusterArgs(writeConfig(deadItsUrl, wds.url)));
    assert.equal(noIts.code, 2);
    assert.equal(noIts.stdout, '');
    assert.match(noIts.stderr, /cannot read the ITS: cannot reach https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\).* in context its/);

    const noWds = await cli('check', 'examples/policies', ...clusterArgs(writeConfig(its.url, deadWdsUrl)));
    assert.equal(noWds.code, 2);
    assert.equal(noWds.stdout, '');
    assert.match(noWds.stderr, /cannot read the WDS: cannot reach https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\).* in context wds/);
  });

  test('a missing file is reported before any cluster is contacted', async () => {
    const its = await startIts();
    const wds = await startWds();
    const result = await cli('explain', 'examples/no-such-policy.yaml', ...clusterArgs(writeConfig(its.url, wds.url)));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cannot read examples\/no-such-policy\.yaml/);
    assert.equal(its.requests.length + wds.requests.length, 0);
  });

  test('a 403 names the verb and the resource', async () => {
    const its = await startIts();
    const wds = await startWds();
    wds.forbid({ verb: 'list', group: '', resource: 'secrets' });
    const result = await cli('explain', 'examples/policies', ...clusterArgs(writeConfig(its.url, wds.url)), '--format', 'json');
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '', 'no explanation from a partial inventory');
    assert.match(result.stderr, /cannot read the WDS: 403 Forbidden: list secrets in context wds/);
  });
});

describe('the bundled dist/cli.js in cluster mode', () => {
  test('prints the explanation and exits promptly', async () => {
    const its = await startIts();
    const wds = await startWds();
    const kubeconfig = writeConfig(its.url, wds.url);
    const started = Date.now();
    // Spawned asynchronously: the fake servers run in this process and must keep answering.
    const child = spawn(process.execPath, [path.join(repo, 'dist/cli.js'), 'explain', 'examples/policies/web-to-edge.yaml', ...clusterArgs(kubeconfig)], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const limitMs = 5000;
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
    clearTimeout(killer);
    const elapsed = Date.now() - started;

    assert.ok(elapsed < limitMs, `dist/cli.js took ${elapsed} ms (killed after ${limitMs} ms): something keeps the process alive`);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '', 'no warning is printed');
    assert.match(stdout, /^BindingPolicy web-to-edge {2}\(examples\/policies\/web-to-edge\.yaml:\d+\)$/m);
    assert.match(stdout, /WECs \(3\): edge-eu-1, edge-eu-2, edge-eu-3/);
  });
});
