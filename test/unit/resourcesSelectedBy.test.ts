/** Which resource types the open policies can select: what a cluster source is told to watch. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFile } from '../../server/src/core/document';
import { resourcesSelectedBy } from '../../server/src/core/policy';

const HEAD = 'apiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\nmetadata:\n  name: p\nspec:\n  clusterSelectors: [{}]\n';

describe('resourcesSelectedBy', () => {
  it('lists group/resource pairs of every clause, once, with "*" for an absent group or resource list', () => {
    const first = parseFile('file:///a.yaml', 1, `${HEAD}  downsync:\n  - apiGroup: apps\n    resources: [deployments, statefulsets]\n  - resources: [namespaces]\n    objectNames: [web]\n`);
    const second = parseFile(
      'file:///b.yaml',
      1,
      `${HEAD}  downsync:\n  - apiGroup: apps\n    resources: [deployments]\n  - apiGroup: ""\n    namespaces: [web]\n---\nkind: Deployment\napiVersion: apps/v1\nmetadata: {name: not-a-policy}\n`,
    );
    assert.deepEqual(resourcesSelectedBy([first, second]), [
      { group: '', resource: '*' },
      { group: '*', resource: 'namespaces' },
      { group: 'apps', resource: 'deployments' },
      { group: 'apps', resource: 'statefulsets' },
    ]);
  });

  it('widens to every resource for "*" and asks for nothing without policies', () => {
    const wildcard = parseFile('file:///c.yaml', 1, `${HEAD}  downsync:\n  - resources: ["*", deployments]\n`);
    assert.deepEqual(resourcesSelectedBy([wildcard]), [{ group: '*', resource: '*' }]);
    assert.deepEqual(resourcesSelectedBy([parseFile('file:///d.yaml', 1, 'kind: ConfigMap\n')]), []);
  });
});
