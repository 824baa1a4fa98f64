import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseManifests, readManifests, readManifestSet } from '../../server/src/core/manifests';
import { ResourceCatalog } from '../../server/src/core/resources';

const catalog = new ResourceCatalog([]);
const URI = 'file:///ws/app.yaml';

const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
    - {name: v1alpha1, served: true, storage: false}
    - {name: v1, served: true, storage: true}
    - {name: v2beta1, served: false, storage: false}
`;
const WIDGET = `apiVersion: example.com/v1
kind: Widget
metadata:
  name: gizmo
  namespace: shop
`;

describe('readManifests: objects', () => {
  it('reads each document with the offset of its content, namespaced objects defaulting to `default`', () => {
    const text = `# the web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app.kubernetes.io/name: web}
---
# a comment before the second document
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: shop
`;
    const read = readManifests(text, URI, catalog);
    assert.deepEqual(read.problems, []);
    assert.deepEqual(read.objects, [
      {
        group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespace: 'default', name: 'web',
        labels: { 'app.kubernetes.io/name': 'web' }, source: { uri: URI, offset: text.indexOf('apiVersion: apps/v1') },
      },
      {
        group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespace: 'shop', name: 'web-config',
        labels: {}, source: { uri: URI, offset: text.indexOf('apiVersion: v1') },
      },
    ]);
  });

  it('gives cluster-scoped objects the namespace "" even when one is written', () => {
    const text = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader, namespace: shop}\n';
    const [role] = readManifests(text, URI, catalog).objects;
    assert.equal(role.namespace, '');
    assert.equal(role.resource, 'clusterroles');
  });

  it('turns ManagedClusters into WECs, not objects', () => {
    const text = `apiVersion: cluster.open-cluster-management.io/v1
kind: ManagedCluster
metadata:
  name: edge-eu-1
  labels: {location-group: edge, region: eu-west}
`;
    const read = readManifests(text, URI, catalog);
    assert.deepEqual(read.wecs, [{ name: 'edge-eu-1', labels: { 'location-group': 'edge', region: 'eu-west' }, source: { uri: URI, offset: 0 } }]);
    assert.deepEqual(read.objects, []);
  });

  it('leaves BindingPolicies and Bindings out, in any style, but keeps StatusCollectors (policies name them)', () => {
    const text = `apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata: {name: p}
---
{"apiVersion": "control.kubestellar.io/v1alpha1", "kind": "Binding", "metadata": {"name": "b"}}
---
apiVersion: "control.kubestellar.io/v1alpha1" # quoted, with a comment
kind: 'Binding'
metadata: {name: b2}
---
apiVersion: control.kubestellar.io/v1alpha1
kind: StatusCollector
metadata: {name: sc}
`;
    const read = readManifests(text, URI, catalog);
    assert.deepEqual(read.objects.map((o) => `${o.resource}/${o.namespace}/${o.name}`), ['statuscollectors//sc']);
    assert.deepEqual(read.problems, []);
  });

  it('still reads an object whose kind only looks like a policy in a nested map', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: notes}
data:
  kind: BindingPolicy
  apiVersion: control.kubestellar.io/v1alpha1
`;
    assert.deepEqual(readManifests(text, URI, catalog).objects.map((o) => o.name), ['notes']);
  });

  it('skips YAML that is not a Kubernetes object, and client configuration files, silently', () => {
    const text = `name: my-chart
apiVersion: v2
version: 1.0.0
---
- just
- a list
---
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [web.yaml]
---
apiVersion: v1
kind: Config
clusters: []
`;
    const read = readManifests(text, URI, catalog);
    assert.deepEqual(read, { wecs: [], objects: [], resourceTypes: [], problems: [] });
  });

  it('reports objects without a name, or with only generateName', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {namespace: shop}
---
apiVersion: batch/v1
kind: Job
metadata: {generateName: migrate-}
---
kind: ConfigMap
metadata: {name: no-api-version}
`;
    const read = readManifests(text, URI, catalog);
    assert.deepEqual(read.objects, []);
    assert.deepEqual(read.problems.map((p) => p.offset), [0, text.indexOf('apiVersion: batch/v1'), text.indexOf('kind: ConfigMap\nmetadata: {name: no-api')]);
    assert.match(read.problems[0].message, /no metadata\.name/);
    assert.match(read.problems[1].message, /generateName/);
    assert.match(read.problems[2].message, /apiVersion and kind/);
  });

  it('reports label values that are not strings, and keeps the valid labels', () => {
    const text = `apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app: web
    port: 8080
    canary: true
    empty:
`;
    const read = readManifests(text, URI, catalog);
    assert.deepEqual(read.objects[0].labels, { app: 'web' });
    assert.equal(read.problems.length, 3);
    assert.match(read.problems[0].message, /label "port" has the number 8080/);
    assert.match(read.problems[1].message, /label "canary" has the boolean true/);
    assert.match(read.problems[2].message, /label "empty" has no value/);
  });

  it('reports labels that are not a map at all', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata: {name: web, labels: [app, web]}\n';
    const read = readManifests(text, URI, catalog);
    assert.deepEqual(read.objects[0].labels, {});
    assert.match(read.problems[0].message, /must be a map of strings/);
  });

  it('keeps an object defined twice once, reporting the repeat', () => {
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup, namespace: shop}\n';
    const text = `${doc}---\n${doc}`;
    const read = readManifests(text, URI, catalog);
    assert.equal(read.objects.length, 1);
    assert.equal(read.objects[0].source?.offset, 0);
    assert.deepEqual(read.problems.map((p) => p.offset), [doc.length + 4]);
    assert.match(read.problems[0].message, /ConfigMap shop\/dup is defined more than once/);
  });

  it('honours YAML merge keys, as Kubernetes does', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: merged
  labels:
    <<: {team: web, tier: front}
    tier: edge
`;
    assert.deepEqual(readManifests(text, URI, catalog).objects[0].labels, { team: 'web', tier: 'edge' });
  });
});

describe('readManifests: lists', () => {
  it('reads the items of a kind: List, each with its own offset', () => {
    const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Namespace
    metadata: {name: shop}
  - apiVersion: cluster.open-cluster-management.io/v1
    kind: ManagedCluster
    metadata: {name: cloud-1, labels: {env: prod}}
`;
    const read = readManifests(text, URI, catalog);
    assert.deepEqual(read.problems, []);
    assert.deepEqual(read.objects.map((o) => [o.resource, o.name, o.source?.offset]), [
      ['namespaces', 'shop', text.indexOf('apiVersion: v1\n    kind: Namespace')],
    ]);
    assert.deepEqual(read.wecs.map((w) => [w.name, w.source?.offset]), [['cloud-1', text.indexOf('apiVersion: cluster')]]);
  });

  it("gives a typed list's items the list's apiVersion and kind when they lack their own", () => {
    const text = `apiVersion: apps/v1
kind: DeploymentList
items:
  - metadata: {name: web, namespace: shop}
  - metadata: {name: cart, namespace: shop}
`;
    const read = readManifests(text, URI, catalog);
    assert.deepEqual(read.objects.map((o) => `${o.group}/${o.resource}/${o.namespace}/${o.name}`), ['apps/deployments/shop/web', 'apps/deployments/shop/cart']);
    assert.equal(read.objects[1].source?.offset, text.indexOf('metadata: {name: cart'));
  });
});

describe('readManifests: CRDs', () => {
  it('defines resource types for its served versions, the preferred version first', () => {
    const read = readManifests(WIDGET_CRD, URI, catalog);
    assert.deepEqual(read.resourceTypes, [
      { group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true, shortNames: ['wd'] },
      { group: 'example.com', version: 'v1alpha1', resource: 'widgets', kind: 'Widget', namespaced: true, shortNames: ['wd'] },
    ]);
    assert.deepEqual(read.objects.map((o) => `${o.group}/${o.resource}/${o.name}`), ['apiextensions.k8s.io/customresourcedefinitions/widgets.example.com']);
  });

  it('makes its kind known to the other documents of the same file', () => {
    const read = readManifests(`${WIDGET}---\n${WIDGET_CRD}`, URI, catalog);
    assert.deepEqual(read.problems, []);
    assert.equal(read.objects[0].resource, 'widgets');
    assert.equal(read.objects[0].namespace, 'shop');
  });

  it('reports a CRD that defines no usable type', () => {
    const text = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x.example.com}\nspec: {group: example.com, scope: Namespaced}\n';
    const read = readManifests(text, URI, catalog);
    assert.deepEqual(read.resourceTypes, []);
    assert.match(read.problems[0].message, /CustomResourceDefinition x\.example\.com defines no usable type: spec\.names/);
  });

  it('reports an unknown kind instead of guessing, and leaves the object out', () => {
    const read = readManifests(WIDGET, URI, catalog);
    assert.deepEqual(read.objects, []);
    assert.deepEqual(read.problems, [
      { uri: URI, offset: 0, message: 'kind Widget (group example.com) is not a known resource type; add its CRD to the workspace' },
    ]);
    const core = readManifests('apiVersion: v1\nkind: Widget\nmetadata: {name: w}\n', URI, catalog);
    assert.match(core.problems[0].message, /kind Widget \(core group\)/);
  });
});

describe('readManifestSet', () => {
  it('lets a CRD in one file define the kind used in another', () => {
    const withCrd = readManifestSet([
      { uri: 'file:///ws/widget.yaml', text: WIDGET },
      { uri: 'file:///ws/crd.yaml', text: WIDGET_CRD },
    ]);
    assert.deepEqual(withCrd.problems, []);
    assert.deepEqual(withCrd.objects.map((o) => o.resource).sort(), ['customresourcedefinitions', 'widgets']);
    assert.equal(withCrd.resourceTypes.length, 2);

    const without = readManifestSet([{ uri: 'file:///ws/widget.yaml', text: WIDGET }]);
    assert.deepEqual(without.objects, []);
    assert.match(without.problems[0].message, /not a known resource type/);
  });

  it('uses types known from elsewhere (discovery)', () => {
    const read = readManifestSet([{ uri: URI, text: WIDGET }], [
      { group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true },
    ]);
    assert.deepEqual(read.problems, []);
    assert.equal(read.objects[0].resource, 'widgets');
  });

  it('keeps a WEC defined in two files once', () => {
    const mc = 'apiVersion: cluster.open-cluster-management.io/v1\nkind: ManagedCluster\nmetadata: {name: c1}\n';
    const read = readManifestSet([{ uri: 'file:///a.yaml', text: mc }, { uri: 'file:///b.yaml', text: mc }]);
    assert.equal(read.wecs.length, 1);
    assert.equal(read.wecs[0].source?.uri, 'file:///a.yaml');
    assert.equal(read.problems[0].uri, 'file:///b.yaml');
    assert.match(read.problems[0].message, /ManagedCluster c1 is defined more than once; only the first definition \(file:\/\/\/a\.yaml\)/);
  });
});

describe('readManifests: bad input', () => {
  it('skips a broken document with a problem at the error and reads the others', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: before}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: broken
  namespace: [x
---
apiVersion: v1
kind: ConfigMap
metadata: {name: after}
`;
    const read = readManifests(text, URI, catalog);
    assert.deepEqual(read.objects.map((o) => o.name), ['before', 'after']);
    assert.equal(read.problems.length, 1);
    assert.match(read.problems[0].message, /^YAML error, document skipped/);
    const second = text.indexOf('---') + 4;
    const third = text.lastIndexOf('---');
    assert.ok(read.problems[0].offset >= second && read.problems[0].offset <= third, `offset ${read.problems[0].offset}`);
  });

  it('skips a document with a duplicate key', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nmetadata: {name: b}\n';
    const read = readManifests(text, URI, catalog);
    assert.deepEqual(read.objects, []);
    assert.equal(read.problems[0].offset, text.indexOf('metadata: {name: b}'));
    assert.match(read.problems[0].message, /unique/);
  });

  it('hints that a broken document with {{ }} is probably a template', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n  labels: {{- include "x" . | nindent 4 }}\n';
    const read = readManifests(text, URI, catalog);
    assert.equal(read.problems.length, 1);
    assert.match(read.problems[0].message, /Helm or Go template/);
  });

  it('bounds an alias bomb: reports it quickly instead of expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
    const started = Date.now();
    const read = readManifests(bomb, URI, catalog);
    assert.ok(Date.now() - started < 2000, 'took too long');
    assert.deepEqual(read.objects, []);
    assert.match(read.problems[0].message, /alias/i);
  });

  it('still resolves ordinary anchors and aliases', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: shared
  labels: &labels {app: web}
  annotations: *labels
`;
    assert.deepEqual(readManifests(text, URI, catalog).objects[0].labels, { app: 'web' });
  });

  it('refuses files over the size limit without parsing them', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {blob: "${'x'.repeat(2000)}"}\n`;
    const parsed = parseManifests(text, URI, { maxChars: 1000 });
    assert.deepEqual(parsed.entries, []);
    assert.match(parsed.problems[0].message, /larger than/);
    assert.equal(parseManifests(text, URI).entries.length, 1);
  });

  it('reports a malformed apiVersion', () => {
    const read = readManifests('apiVersion: apps/v1/beta\nkind: Deployment\nmetadata: {name: x}\n', URI, catalog);
    assert.deepEqual(read.objects, []);
    assert.match(read.problems[0].message, /apiVersion "apps\/v1\/beta" is not of the form/);
  });
});
