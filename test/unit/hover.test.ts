/**
 * Hovers on a policy against the estate of featureContext.ts. `|` marks the hovered character.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { hover, type HoverResult } from '../../server/src/core/hover';
import type { FeatureContext } from '../../server/src/core/languageService';
import { withCursor } from './cursor';
import { contextFor, EMPTY_CONTEXT, parsed, POLICY_HEAD } from './featureContext';

const ctx = contextFor();

const POLICY = `${POLICY_HEAD}metadata:
  name: web-policy
spec:
  clusterSelectors:
  - matchLabels: {env: prod}
    matchExpressions:
    - {key: region, operator: In, values: [eu-west]}
  - matchLabels:
      location-group: edge
  downsync:
  - apiGroup: apps
    resources: [deployments]
    namespaces: [web]
    objectSelectors:
    - matchLabels: {app: frontend}
  - resources: [configmaps, jobs]
    namespaceSelectors:
    - matchLabels: {env: staging}
`;

/** Hovers `text` at the `|` placed inside the first occurrence of `marked` (e.g. `name: web|-policy`). */
function hoverIn(text: string, marked: string, context: FeatureContext = ctx): (HoverResult & { hovered: string }) | undefined {
  const { text: plain, offset } = withCursor(marked);
  const at = text.indexOf(plain);
  assert.ok(at >= 0, `${plain} is not in the text`);
  const result = hover(parsed(text), at + offset, context);
  return result && { ...result, hovered: text.slice(result.range.start, result.range.end) };
}

function hoverAt(marked: string, context: FeatureContext = ctx): ReturnType<typeof hoverIn> {
  return hoverIn(POLICY, marked, context);
}

describe('hover: selectors', () => {
  it('a cluster selector’s `-`: its kubectl form and the WECs it matches', () => {
    const result = hoverAt('|- matchLabels: {env: prod}');
    assert.equal(result?.hovered, '-');
    assert.equal(
      result?.markdown,
      [
        '**Cluster selector 1**: `env=prod,region in (eu-west)`',
        "```sh\nkubectl get managedclusters -l 'env=prod,region in (eu-west)'\n```",
        'Matches 2 of 4 WECs: `cloud-eu-1`, `edge-eu-1`.',
      ].join('\n\n'),
    );
  });

  it('the same summary on a label inside the selector, over the hovered word', () => {
    const result = hoverAt('location-group: ed|ge');
    assert.equal(result?.hovered, 'edge');
    assert.match(result!.markdown, /^\*\*Cluster selector 2\*\*: `location-group=edge`/);
    assert.match(result!.markdown, /Matches 2 of 4 WECs: `edge-eu-1`, `edge-us-1`\.$/);
  });

  it('on the selector’s first key: the summary and the field’s documentation', () => {
    const result = hoverAt('  - match|Labels:\n      location-group');
    assert.equal(result?.hovered, 'matchLabels');
    const [summary, field] = result!.markdown.split('\n\n---\n\n');
    assert.match(summary, /^\*\*Cluster selector 2\*\*/);
    assert.match(field, /^\*\*matchLabels\*\* `map\[string\]string`\n\nmatchLabels is a map of \{key,value\} pairs/);
  });

  it('a later field key of a selector shows only the field', () => {
    const result = hoverAt('    match|Expressions:');
    assert.match(result!.markdown, /^\*\*matchExpressions\*\* `\[\]object`\n\nmatchExpressions is a list/);
  });

  it('names are capped at hoverListLimit with "and N more"', () => {
    const result = hoverAt('|- matchLabels: {env: prod}', contextFor(undefined, { hoverListLimit: 1 }));
    assert.match(result!.markdown, /Matches 2 of 4 WECs: `cloud-eu-1` and 1 more\.$/);
  });

  it('an invalid selector says Go’s error and what it costs the policy', () => {
    const text = `${POLICY_HEAD}metadata:\n  name: bad\nspec:\n  clusterSelectors:\n  - matchExpressions:\n    - key: region\n      operator: in\n      values: [eu-west]\n`;
    const result = hoverIn(text, 'operator: i|n');
    assert.equal(
      result?.markdown,
      '**Cluster selector 1** is invalid:\n\n"in" is not a valid label selector operator\n\n' +
        'It matches no WEC, and while it is invalid the controller cannot resolve the policy at all: no WEC is bound and no object is re-evaluated.',
    );
    const objectText = `${POLICY_HEAD}metadata:\n  name: bad\nspec:\n  downsync:\n  - objectSelectors:\n    - matchLabels: {"bad key": x}\n`;
    assert.match(hoverIn(objectText, '{"bad |key"')!.markdown, /is invalid:[\s\S]*The controller skips it silently: it matches no object\.$/);
  });

  it('the empty selector matches everything', () => {
    const text = `${POLICY_HEAD}metadata:\n  name: all\nspec:\n  clusterSelectors:\n  - {}\n`;
    const result = hoverIn(text, '|- {}');
    assert.equal(
      result?.markdown,
      '**Cluster selector 1**: `{}`, which matches everything\n\n```sh\nkubectl get managedclusters\n```\n\n' +
        'Matches 4 of 4 WECs: `cloud-ap-1`, `cloud-eu-1`, `edge-eu-1`, `edge-us-1`.',
    );
  });

  it('an object selector: kubectl over the clause’s resources and namespace, and its share of the clause', () => {
    const result = hoverAt('{app: fr|ontend}');
    assert.equal(
      result?.markdown,
      [
        '**Object selector 1**: `app=frontend`',
        "```sh\nkubectl get deployments.apps -n web -l 'app=frontend'\n```",
        'With the clause’s other tests, matches 1 object:\n\n- `deployments.apps` (1): `web/frontend`',
      ].join('\n\n'),
    );
  });

  it('a namespace selector: the Namespace objects it matches', () => {
    const result = hoverAt('{env: sta|ging}');
    assert.equal(
      result?.markdown,
      "**Namespace selector 1**: `env=staging`\n\n```sh\nkubectl get namespaces -l 'env=staging'\n```\n\nMatches 1 namespace: `batch`.",
    );
  });

  it('with no inventory, it says how to get one', () => {
    const result = hoverAt('|- matchLabels: {env: prod}', EMPTY_CONTEXT());
    assert.match(result!.markdown, /\n\nNo inventory loaded: open a workspace with ManagedCluster manifests or connect a cluster\.$/);
  });
});

describe('hover: clauses and the policy', () => {
  it('a clause’s first key: its objects grouped by resource, then the field', () => {
    const result = hoverAt('  - api|Group: apps');
    const [summary, field] = result!.markdown.split('\n\n---\n\n');
    assert.equal(summary, '**Downsync clause 1**: apps deployments in web labels app=frontend\n\nSelects 1 object:\n\n- `deployments.apps` (1): `web/frontend`');
    assert.match(field, /^\*\*apiGroup\*\* `string`/);
  });

  it('a clause’s `-`, with several resources', () => {
    const result = hoverAt('|- resources: [configmaps, jobs]');
    assert.equal(result?.hovered, '-');
    assert.equal(
      result?.markdown,
      '**Downsync clause 2**: configmaps,jobs namespace labels env=staging\n\nSelects 2 objects:\n\n' +
        '- `configmaps` (1): `batch/settings`\n- `jobs.batch` (1): `batch/nightly`',
    );
  });

  it('the policy name: WECs bound, objects selected, per clause', () => {
    const result = hoverAt('name: web-|policy');
    assert.equal(result?.hovered, 'web-policy');
    assert.equal(
      result?.markdown,
      [
        '**BindingPolicy `web-policy`**',
        'Binds 3 of 4 WECs: `cloud-eu-1`, `edge-eu-1`, `edge-us-1`.',
        'Selects 3 objects:\n\n- clause 1, apps deployments in web labels app=frontend: 1 object\n- clause 2, configmaps,jobs namespace labels env=staging: 2 objects',
      ].join('\n\n'),
    );
  });

  it('an unresolvable policy says why on its name and on its clauses', () => {
    const text = `${POLICY_HEAD}metadata:\n  name: broken\nspec:\n  clusterSelectors:\n  - matchLabels: {env: prod}\n  - matchExpressions: [{key: env, operator: Exists, values: [x]}]\n  downsync:\n  - resources: [jobs]\n`;
    const name = hoverIn(text, 'name: bro|ken');
    assert.match(name!.markdown, /cannot resolve this policy, so no WEC is bound and no object is re-evaluated:\n\n- clusterSelectors\\\[1\\\]: values: Invalid value/);
    assert.match(hoverIn(text, '|- resources: [jobs]')!.markdown, /Selects 1 object:[\s\S]*While the policy cannot be resolved/);
  });

  it('with no inventory the name hover says so', () => {
    assert.equal(hoverAt('name: web-|policy', EMPTY_CONTEXT())?.markdown, '**BindingPolicy `web-policy`**\n\nNo inventory loaded: open a workspace with ManagedCluster manifests or connect a cluster.');
  });
});

describe('hover: field documentation', () => {
  it('on a key and on a list item, from the CRD', () => {
    const key = hoverAt('cluster|Selectors:');
    assert.equal(key?.hovered, 'clusterSelectors');
    assert.match(key!.markdown, /^\*\*clusterSelectors\*\* `\[\]object`\n\n`clusterSelectors` identifies the relevant Cluster objects/);
    const listItem = hoverAt('namespaces: [w|eb]');
    assert.equal(listItem?.hovered, 'web');
    assert.match(listItem!.markdown, /^\*\*namespaces\*\* `\[\]string`\n\n`namespaces` is a list of acceptable names/);
  });

  it('in a Binding, from the Binding CRD', () => {
    const text = 'apiVersion: control.kubestellar.io/v1alpha1\nkind: Binding\nmetadata:\n  name: web-policy\nspec:\n  destinations:\n  - clusterId: edge-eu-1\n';
    const result = hoverIn(text, 'destin|ations');
    assert.match(result!.markdown, /^\*\*destinations\*\* `\[\]object`/);
  });

  it('nothing outside KubeStellar documents or on blank space', () => {
    assert.equal(hoverIn('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n', 'name: w|eb'), undefined);
    assert.equal(hoverIn(`${POLICY}\n\n`, `env: staging}\n|\n`), undefined);
  });
});

describe('hover: large files', () => {
  it('answers in a few milliseconds in a 20,000-line file', () => {
    const policy = (n: number): string =>
      `${POLICY_HEAD}metadata:\n  name: policy-${n}\nspec:\n  clusterSelectors:\n  - matchLabels: {env: prod}\n  downsync:\n` +
      Array.from({ length: 8 }, (_, i) => `  - apiGroup: apps\n    resources:\n    - deployments\n    namespaces:\n    - web\n    objectSelectors:\n    - matchLabels: {app: app-${i}}\n`).join('');
    const text = Array.from({ length: 360 }, (_, n) => policy(n)).join('---\n');
    assert.ok(text.split('\n').length >= 20000);
    const file = parsed(text);
    const offsets = [text.lastIndexOf('name: policy-') + 8, text.lastIndexOf('- apiGroup'), text.lastIndexOf('{env: prod}') + 3];
    for (const offset of offsets) assert.ok(hover(file, offset, ctx), `a hover at ${offset}`);
    const runs = 30;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) for (const offset of offsets) hover(file, offset, ctx);
    const perCall = Number(process.hrtime.bigint() - start) / 1e6 / (runs * offsets.length);
    // A generous bound: it catches a re-parse or a whole-file scan per request, not machine noise.
    assert.ok(perCall < 10, `hover took ${perCall.toFixed(2)} ms per call`);
  });
});
