/**
 * The outline of BindingPolicy and Binding documents, and folding ranges.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { documentSymbols, foldingRanges, type DocumentSymbol } from '../../server/src/core/symbols';
import { parsed, POLICY_HEAD } from './featureContext';

const POLICY = `${POLICY_HEAD}metadata:
  name: web-policy
spec:
  clusterSelectors:
  - matchLabels: {env: prod}
    matchExpressions:
    - {key: region, operator: In, values: [eu-west, us-east]}
  - {}
  - matchExpressions:
    - key: region
      operator: in
  downsync:
  - apiGroup: apps
    resources: [deployments]
    namespaces: [web]
  - apiGroup: ""
    resources: [configmaps, secrets, services, serviceaccounts]
    objectNames: [settings]
    objectSelectors:
    - matchLabels: {app: web}
    namespaceSelectors:
    - matchExpressions: [{key: team, operator: Exists}]
  - createOnly: true
`;

/** The tree as names, details and kinds, with the text of each selection range. */
function outline(text: string, symbols: readonly DocumentSymbol[]): unknown[] {
  return symbols.map((symbol) => {
    assert.ok(symbol.range.start <= symbol.selectionRange.start && symbol.selectionRange.end <= symbol.range.end, `${symbol.name}: selection inside range`);
    return {
      name: symbol.name,
      detail: symbol.detail,
      kind: symbol.kind,
      selection: text.slice(symbol.selectionRange.start, symbol.selectionRange.end),
      ...(symbol.children.length > 0 ? { children: outline(text, symbol.children) } : {}),
    };
  });
}

describe('document symbols', () => {
  it('a policy: its cluster selectors by canonical string, its clauses by their tests', () => {
    assert.deepEqual(outline(POLICY, documentSymbols(parsed(POLICY))), [
      {
        name: 'web-policy',
        detail: 'BindingPolicy',
        kind: 'policy',
        selection: 'web-policy',
        children: [
          {
            name: 'clusterSelectors',
            detail: '3 selectors',
            kind: 'clusterSelectors',
            selection: 'clusterSelectors',
            children: [
              { name: 'env=prod,region in (eu-west,us-east)', detail: 'clusterSelectors 1', kind: 'selector', selection: 'matchLabels: {env: prod}' },
              { name: '{}', detail: 'clusterSelectors 2', kind: 'selector', selection: '{}' },
              { name: 'invalid selector', detail: '"in" is not a valid label selector operator', kind: 'selector', selection: 'matchExpressions:' },
            ],
          },
          {
            name: 'downsync',
            detail: '3 clauses',
            kind: 'downsync',
            selection: 'downsync',
            children: [
              { name: 'apps deployments in web', detail: 'clause 1', kind: 'clause', selection: 'apiGroup: apps' },
              {
                name: 'core configmaps,secrets,services,+1 named settings labels app=web namespace labels team',
                detail: 'clause 2',
                kind: 'clause',
                selection: 'apiGroup: ""',
                children: [
                  { name: 'app=web', detail: 'objectSelectors 1', kind: 'selector', selection: 'matchLabels: {app: web}' },
                  { name: 'team', detail: 'namespaceSelectors 1', kind: 'selector', selection: 'matchExpressions: [{key: team, operator: Exists}]' },
                ],
              },
              { name: '(no tests)', detail: 'clause 3', kind: 'clause', selection: 'createOnly: true' },
            ],
          },
        ],
      },
    ]);
  });

  it('ranges cover the whole entry, in file offsets of later documents; Bindings and other kinds', () => {
    const binding = 'apiVersion: control.kubestellar.io/v1alpha1\nkind: Binding\nmetadata:\n  name: web-policy\nspec:\n  destinations:\n  - clusterId: a\n  - clusterId: b\n';
    const text = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n---\n${POLICY}---\n${binding}`;
    const symbols = documentSymbols(parsed(text));
    assert.deepEqual(outline(text, symbols).map((symbol) => (symbol as { name: string }).name), ['web-policy', 'web-policy']);
    const [policy, bindingSymbol] = symbols;
    assert.equal(text.slice(policy.range.start, policy.range.end), POLICY.trimEnd());
    const clause = policy.children[1].children[0];
    assert.equal(text.slice(clause.range.start, clause.range.end), 'apiGroup: apps\n    resources: [deployments]\n    namespaces: [web]');
    assert.equal(bindingSymbol.kind, 'binding');
    assert.equal(bindingSymbol.detail, 'Binding, 2 destinations');
  });

  it('an unnamed policy still has a symbol', () => {
    const text = `${POLICY_HEAD}spec:\n  clusterSelectors:\n  - matchLabels: {env: prod}\n`;
    const [symbol] = documentSymbols(parsed(text));
    assert.equal(symbol.name, '(unnamed)');
    assert.equal(text.slice(symbol.selectionRange.start, symbol.selectionRange.end), 'apiVersion: control.kubestellar.io/v1alpha1');
  });
});

describe('folding ranges', () => {
  /** Each fold as its first and last line. */
  function folds(text: string): string[] {
    return foldingRanges(parsed(text)).map(({ start, end }) => {
      const lines = text.slice(start, end).split('\n');
      return `${lines[0].trim()} … ${lines[lines.length - 1].trim()}`;
    });
  }

  it('every multi-line map and list of a policy, one fold per line, and one per document', () => {
    const text = `${POLICY_HEAD}metadata:\n  name: p\nspec:\n  clusterSelectors:\n  - matchLabels:\n      env: prod\n  downsync:\n  - resources: [deployments]\n  - resources:\n    - configmaps\n    - secrets\n`;
    assert.deepEqual(folds(text), [
      'apiVersion: control.kubestellar.io/v1alpha1 … - secrets',
      'metadata: … name: p',
      'spec: … - secrets',
      'clusterSelectors: … env: prod',
      'matchLabels: … env: prod',
      'downsync: … - secrets',
      'resources: … - secrets',
    ]);
  });

  it('other documents fold as a whole only', () => {
    const text = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n`;
    assert.deepEqual(folds(text), ['apiVersion: v1 … name: web', '--- … name: c']);
  });
});
