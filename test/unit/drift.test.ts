/** BP1403: the Binding that the controller wrote differs from what the editor predicts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLanguageService } from '../../server/src/core/languageService';
import type { BindingSnapshot, Inventory } from '../../server/src/core/types';

function inventoryWith(binding: BindingSnapshot): Inventory {
  return {
    origin: 'cluster (test)',
    generation: 1,
    resourceTypes: [],
    wecs: [
      { name: 'wec-a', labels: { env: 'prod' } },
      { name: 'wec-b', labels: { env: 'dev' } },
    ],
    objects: [{ group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespace: 'web', name: 'frontend', labels: {} }],
    bindings: new Map([[binding.name, binding]]),
  };
}

const text = `apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata:
  name: web
spec:
  clusterSelectors:
  - matchLabels: {env: prod}
  downsync:
  - resources: [deployments]
`;

test('no drift when the Binding agrees', () => {
  const inventory = inventoryWith({ name: 'web', destinations: ['wec-a'], objects: [{ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'web', name: 'frontend' }] });
  const service = getLanguageService({ getInventory: () => inventory });
  assert.deepEqual(service.validate(service.parse('file:///p.yaml', 1, text)).map((d) => d.code), []);
});

test('drift names the WECs and objects on each side, at the policy name', () => {
  const inventory = inventoryWith({ name: 'web', destinations: ['wec-b'], objects: [{ group: '', version: 'v1', resource: 'configmaps', namespace: 'web', name: 'old' }] });
  const service = getLanguageService({ getInventory: () => inventory });
  const diagnostics = service.validate(service.parse('file:///p.yaml', 1, text));
  assert.equal(diagnostics.length, 1);
  const [drift] = diagnostics;
  assert.equal(drift.code, 'BP1403');
  assert.equal(text.slice(drift.range.start, drift.range.end), 'web');
  assert.match(drift.message, /WECs this text does not bind: wec-b/);
  assert.match(drift.message, /binds WECs the Binding lacks: wec-a/);
  assert.match(drift.message, /objects this text does not select: configmaps web\/old/);
  assert.match(drift.message, /selects objects the Binding lacks: deployments.apps web\/frontend/);
});

test('the hover on the policy name shows the drift', () => {
  const inventory = inventoryWith({ name: 'web', destinations: ['wec-a', 'wec-b'], objects: [{ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'web', name: 'frontend' }] });
  const service = getLanguageService({ getInventory: () => inventory });
  const file = service.parse('file:///p.yaml', 1, text);
  const result = service.hover(file, text.indexOf('name: web') + 'name: w'.length);
  assert.ok(result);
  assert.match(result.markdown, /\*\*Drift\*\*/);
  assert.match(result.markdown, /the Binding has WECs this text does not bind: wec\\?-b/);
});
