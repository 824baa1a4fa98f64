import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { URI } from 'vscode-uri';
import { loadWorkspace, WorkspaceInventory } from '../../server/src/workspace/loader';
import type { Inventory } from '../../server/src/core/types';

const repoRoot = path.resolve(__dirname, '../../..');
const examples = path.join(repoRoot, 'examples');

const uriOf = (file: string): string => URI.file(file).toString();
const keyOf = (o: Inventory['objects'][number]): string => `${o.group}/${o.resource}/${o.namespace}/${o.name}`;

/** Every *.yaml / *.yml file under a folder, found independently of the loader. */
function yamlFilesUnder(folder: string): string[] {
  return (fs.readdirSync(folder, { recursive: true }) as string[])
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => path.join(folder, file));
}

const tempDirs: string[] = [];
function tempWorkspace(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-loader-'));
  tempDirs.push(root);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}
after(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const configMap = (name: string, labels: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: shop\n  labels: ${labels}\n`;
const WIDGET = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: gizmo, namespace: shop}\n';
const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, kind: Widget}
  versions: [{name: v1, served: true, storage: true}]
`;

describe('loadWorkspace on examples/', async () => {
  const loaded = await loadWorkspace([examples]);
  const { inventory } = loaded;

  it('reads every YAML file of the estate', () => {
    assert.deepEqual(loaded.files, yamlFilesUnder(examples).map(uriOf).sort());
  });

  it('finds the eight WECs with their labels', () => {
    assert.deepEqual(inventory.wecs.map((w) => w.name).sort(), [
      'cloud-ap-1', 'cloud-eu-1', 'cloud-us-1', 'edge-ap-1', 'edge-eu-1', 'edge-eu-2', 'edge-eu-3', 'edge-us-1',
    ]);
    const edgeUs = inventory.wecs.find((w) => w.name === 'edge-us-1');
    assert.deepEqual(edgeUs?.labels, {
      'cluster.open-cluster-management.io/clusterset': 'default',
      'location-group': 'edge',
      region: 'us-east',
      env: 'prod',
      name: 'edge-us-1',
      maintenance: 'true',
    });
    const cloudEu = inventory.wecs.find((w) => w.name === 'cloud-eu-1');
    assert.equal(cloudEu?.source?.uri, uriOf(path.join(examples, 'inventory/cloud-clusters.yaml')));
  });

  it('finds the workload objects, the CRD instance included', () => {
    const workloads = inventory.objects.filter((o) => o.group !== 'control.kubestellar.io').map(keyOf).sort();
    assert.deepEqual(workloads, [
      '/configmaps/storefront-staging/web-config',
      '/configmaps/storefront/web-config',
      '/namespaces//monitoring',
      '/namespaces//payments',
      '/namespaces//storefront',
      '/namespaces//storefront-staging',
      '/secrets/payments/payments-db',
      '/serviceaccounts/monitoring/node-exporter',
      '/serviceaccounts/storefront/web',
      '/services/payments/payments-api',
      '/services/storefront/cart',
      '/services/storefront/web',
      'apiextensions.k8s.io/customresourcedefinitions//backupschedules.ops.example.com',
      'apps/daemonsets/monitoring/node-exporter',
      'apps/deployments/payments/payments-api',
      'apps/deployments/storefront-staging/web',
      'apps/deployments/storefront/cart',
      'apps/deployments/storefront/web',
      'ops.example.com/backupschedules/payments/nightly-db',
      'rbac.authorization.k8s.io/clusterrolebindings//node-exporter',
      'rbac.authorization.k8s.io/clusterroles//node-exporter',
    ]);
    assert.deepEqual(inventory.resourceTypes.map((t) => `${t.group}/${t.resource}/${t.version}`), [
      'ops.example.com/backupschedules/v1',
      'ops.example.com/backupschedules/v1beta1',
    ]);
  });

  it('leaves policies out of the inventory but keeps the StatusCollectors they name', () => {
    assert.deepEqual(inventory.objects.filter((o) => o.resource === 'bindingpolicies' || o.resource === 'bindings'), []);
    assert.ok(inventory.objects.some((o) => o.resource === 'statuscollectors' && o.name === 'ready-replicas'));
  });

  it('reports no problem for the broken policy files: they are not inventory, and their editor shows why', () => {
    assert.deepEqual(loaded.problems, []);
  });

  it('describes where the inventory came from', () => {
    const holding = new Set([...inventory.wecs, ...inventory.objects].map((entry) => entry.source?.uri));
    assert.equal(inventory.origin, `workspace: 8 WECs, ${inventory.objects.length} objects from ${holding.size} files`);
    assert.ok(holding.size < loaded.files.length, 'policy files hold no inventory and are not counted');
    assert.ok(inventory.generation > 0);
  });
});

describe('loadWorkspace options', () => {
  it('applies include and exclude globs relative to the root', async () => {
    const onlyInventory = await loadWorkspace([examples], { include: ['inventory/**/*.yaml'] });
    assert.equal(onlyInventory.inventory.wecs.length, 8);
    assert.deepEqual(onlyInventory.inventory.objects, []);

    const noPolicies = await loadWorkspace([examples], { exclude: ['policies/**'] });
    assert.ok(noPolicies.inventory.objects.length > 0);
    assert.ok(!noPolicies.inventory.objects.some((o) => o.group === 'control.kubestellar.io'));
    assert.deepEqual(noPolicies.problems, []);
  });

  it('skips dependency, build and hidden folders, and non-YAML files', async () => {
    const root = tempWorkspace({
      'app/cm.yaml': configMap('kept', '{}'),
      'app/cm.yml': configMap('kept-too', '{}'),
      'app/notes.txt': configMap('text-file', '{}'),
      'node_modules/pkg/cm.yaml': configMap('in-node-modules', '{}'),
      'dist/cm.yaml': configMap('in-dist', '{}'),
      'out/cm.yaml': configMap('in-out', '{}'),
      '.github/workflows/ci.yaml': configMap('in-hidden', '{}'),
    });
    const loaded = await loadWorkspace([root]);
    assert.deepEqual(loaded.inventory.objects.map((o) => o.name).sort(), ['kept', 'kept-too']);
  });

  it('reports a file over the size limit instead of reading it', async () => {
    const root = tempWorkspace({ 'small.yaml': configMap('small', '{}'), 'big.yaml': configMap('big', `{blob: "${'x'.repeat(4000)}"}`) });
    const loaded = await loadWorkspace([root], { maxFileBytes: 1000 });
    assert.deepEqual(loaded.inventory.objects.map((o) => o.name), ['small']);
    assert.equal(loaded.problems.length, 1);
    assert.equal(loaded.problems[0].uri, uriOf(path.join(root, 'big.yaml')));
    assert.match(loaded.problems[0].message, /larger than/);
  });

  it('reports a missing root and still reads the others', async () => {
    const root = tempWorkspace({ 'cm.yaml': configMap('here', '{}') });
    const missing = path.join(root, 'nope');
    const loaded = await loadWorkspace([missing, root]);
    assert.deepEqual(loaded.inventory.objects.map((o) => o.name), ['here']);
    assert.deepEqual(loaded.problems.map((p) => p.uri), [uriOf(missing)]);
    assert.match(loaded.problems[0].message, /does not exist/);
  });

  it('reads a file given as a root, and each file once when roots overlap', async () => {
    const root = tempWorkspace({ 'a/cm.yaml': configMap('one', '{}') });
    const loaded = await loadWorkspace([root, path.join(root, 'a'), path.join(root, 'a/cm.yaml')]);
    assert.equal(loaded.files.length, 1);
    assert.deepEqual(loaded.problems, []);
  });

  it('stops at maxFiles with a problem', async () => {
    const root = tempWorkspace({ 'a.yaml': configMap('a', '{}'), 'b.yaml': configMap('b', '{}'), 'c.yaml': configMap('c', '{}') });
    const loaded = await loadWorkspace([root], { maxFiles: 2 });
    assert.equal(loaded.files.length, 2);
    assert.match(loaded.problems[0].message, /more than 2 YAML files/);
  });
});

describe('WorkspaceInventory updates', () => {
  it('reflects a changed label, keeping the other files as they were', async () => {
    const root = tempWorkspace({ 'web.yaml': configMap('web', '{tier: front}'), 'cart.yaml': configMap('cart', '{tier: back}') });
    const workspace = new WorkspaceInventory();
    await workspace.loadAll([root]);
    const before = workspace.inventory;
    const cartBefore = before.objects.find((o) => o.name === 'cart');

    assert.equal(workspace.updateFile(uriOf(path.join(root, 'web.yaml')), configMap('web', '{tier: edge}')), true);
    const afterUpdate = workspace.inventory;
    assert.ok(afterUpdate.generation > before.generation);
    assert.deepEqual(afterUpdate.objects.find((o) => o.name === 'web')?.labels, { tier: 'edge' });
    // Without a CRD change, only the updated file is classified again.
    assert.equal(afterUpdate.objects.find((o) => o.name === 'cart'), cartBefore);
    assert.equal(workspace.inventory, afterUpdate, 'unchanged state gives the same snapshot');
  });

  it('drops a deleted file, and reads a new one', async () => {
    const root = tempWorkspace({ 'web.yaml': configMap('web', '{}'), 'cart.yaml': configMap('cart', '{}') });
    const workspace = new WorkspaceInventory();
    await workspace.loadAll([root]);

    assert.equal(workspace.updateFile(uriOf(path.join(root, 'cart.yaml')), undefined), true);
    assert.deepEqual(workspace.inventory.objects.map((o) => o.name), ['web']);
    assert.deepEqual(workspace.files, [uriOf(path.join(root, 'web.yaml'))]);
    assert.equal(workspace.updateFile(uriOf(path.join(root, 'cart.yaml')), undefined), false, 'already gone');

    assert.equal(workspace.updateFile(uriOf(path.join(root, 'sub/new.yaml')), configMap('new', '{}')), true);
    assert.deepEqual(workspace.inventory.objects.map((o) => o.name).sort(), ['new', 'web']);
  });

  it('makes an unknown kind known when its CRD is added, and unknown again when it goes', async () => {
    const root = tempWorkspace({ 'widget.yaml': WIDGET, 'cm.yaml': configMap('cm', '{}') });
    const workspace = new WorkspaceInventory();
    await workspace.loadAll([root]);
    assert.deepEqual(workspace.inventory.objects.map((o) => o.name), ['cm']);
    assert.match(workspace.problems[0].message, /kind Widget \(group example\.com\) is not a known resource type/);

    const crdUri = uriOf(path.join(root, 'crds/widget-crd.yaml'));
    workspace.updateFile(crdUri, WIDGET_CRD);
    assert.deepEqual(workspace.problems, []);
    assert.deepEqual(workspace.inventory.objects.map(keyOf).sort(), [
      '/configmaps/shop/cm',
      'apiextensions.k8s.io/customresourcedefinitions//widgets.example.com',
      'example.com/widgets/shop/gizmo',
    ]);
    assert.deepEqual(workspace.inventory.resourceTypes.map((t) => t.resource), ['widgets']);

    workspace.updateFile(crdUri, undefined);
    assert.deepEqual(workspace.inventory.objects.map((o) => o.name), ['cm']);
    assert.equal(workspace.problems.length, 1);
  });

  it('ignores files outside the roots or filtered out', async () => {
    const root = tempWorkspace({ 'app/cm.yaml': configMap('cm', '{}') });
    const workspace = new WorkspaceInventory({ exclude: ['generated/**'] });
    await workspace.loadAll([path.join(root, 'app')]);
    const generation = workspace.inventory.generation;
    assert.equal(workspace.updateFile(uriOf(path.join(root, 'elsewhere.yaml')), configMap('x', '{}')), false);
    assert.equal(workspace.updateFile(uriOf(path.join(root, 'app/generated/cm.yaml')), configMap('x', '{}')), false);
    assert.equal(workspace.updateFile(uriOf(path.join(root, 'app/node_modules/cm.yaml')), configMap('x', '{}')), false);
    assert.equal(workspace.updateFile(uriOf(path.join(root, 'app/readme.md')), '# hi'), false);
    assert.equal(workspace.updateFile('untitled:Untitled-1', configMap('x', '{}')), false);
    assert.equal(workspace.inventory.generation, generation);
    assert.deepEqual(workspace.inventory.objects.map((o) => o.name), ['cm']);
  });

  it('reads the other objects of a file that also holds a policy', async () => {
    const policy = 'apiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\nmetadata: {name: p}\nspec: {}\n';
    const root = tempWorkspace({ 'bundle.yaml': `${policy}---\n${configMap('cm', '{}')}` });
    const workspace = new WorkspaceInventory();
    await workspace.loadAll([root]);
    assert.deepEqual(workspace.inventory.objects.map((o) => o.resource), ['configmaps']);
  });

  it('keeps the inventory and its origin when a policy file is opened or edited', async () => {
    const policy = (name: string): string => `apiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\nmetadata: {name: ${name}}\nspec: {}\n`;
    const root = tempWorkspace({ 'cm.yaml': configMap('cm', '{}') });
    const workspace = new WorkspaceInventory();
    await workspace.loadAll([root]);
    const before = workspace.inventory;
    workspace.updateFile(uriOf(path.join(root, 'policy.yaml')), policy('p'));
    workspace.updateFile(uriOf(path.join(root, 'policy.yaml')), policy('px'));
    // Flow style is not recognised before parsing, and is left out after it.
    workspace.updateFile(uriOf(path.join(root, 'flow.yaml')), '{apiVersion: control.kubestellar.io/v1alpha1, kind: Binding, metadata: {name: b}}\n');
    const after = workspace.inventory;
    assert.equal(after.generation, before.generation, 'files that hold no inventory leave the generation alone');
    assert.equal(after.origin, before.origin);
    assert.deepEqual(after.objects, before.objects);
    assert.deepEqual(after.wecs, before.wecs);
  });
});
