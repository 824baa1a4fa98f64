/**
 * Inlay hints after cluster selectors and downsync clauses, against the estate of featureContext.ts.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { inlayHints, type InlayHint } from '../../server/src/core/inlayHints';
import type { FeatureContext } from '../../server/src/core/languageService';
import { contextFor, EMPTY_CONTEXT, parsed, POLICY_HEAD } from './featureContext';

const ctx = contextFor();

const POLICY = `${POLICY_HEAD}metadata:
  name: web-policy
spec:
  clusterSelectors:
  - matchLabels: {env: prod}   # production
  - matchLabels:
      region: ap-south
  - matchLabels: {region: nowhere}
  - matchExpressions:
    - {key: region, operator: in, values: [eu-west]}
  downsync:
  - apiGroup: apps
    resources: [deployments]
  - resources: [configmaps]
    namespaces: [batch]
  - resources: [secrets]
`;

/** Each hint with the text of its line up to the hint, which shows where it sits. */
function hintsOf(text: string, context: FeatureContext = ctx, range = { start: 0, end: text.length }): (InlayHint & { line: string })[] {
  return inlayHints(parsed(text), range, context).map((hint) => ({
    ...hint,
    line: text.slice(text.lastIndexOf('\n', hint.offset - 1) + 1, hint.offset),
  }));
}

describe('inlay hints', () => {
  it('count WECs after each cluster selector and objects after each clause, at the end of its first line', () => {
    const hints = hintsOf(POLICY);
    assert.deepEqual(
      hints.map(({ line, label, kind, tooltip }) => ({ line, label, kind, tooltip })),
      [
        { line: '  - matchLabels: {env: prod}   # production', label: '→ 2 WECs', kind: 'wecs', tooltip: 'cloud-eu-1, edge-eu-1' },
        { line: '  - matchLabels:', label: '→ 1 WEC', kind: 'wecs', tooltip: 'cloud-ap-1' },
        { line: '  - matchLabels: {region: nowhere}', label: '→ 0 WECs', kind: 'wecs', tooltip: 'No WEC matches.' },
        {
          line: '  - matchExpressions:',
          label: '→ invalid',
          kind: 'wecs',
          tooltip: '"in" is not a valid label selector operator\nThe controller cannot resolve this policy: no WEC is bound.',
        },
        { line: '  - apiGroup: apps', label: '→ 2 objects', kind: 'objects', tooltip: 'deployments.apps web/backend, deployments.apps web/frontend' },
        { line: '  - resources: [configmaps]', label: '→ 1 object', kind: 'objects', tooltip: 'configmaps batch/settings' },
        { line: '  - resources: [secrets]', label: '→ 0 objects', kind: 'objects', tooltip: 'No object matches.' },
      ],
    );
  });

  it('tooltips are capped at hoverListLimit', () => {
    const [first] = hintsOf(POLICY, contextFor(undefined, { hoverListLimit: 1 }));
    assert.equal(first.tooltip, 'cloud-eu-1 and 1 more');
  });

  it('only inside the requested range, in file offsets of later documents', () => {
    const text = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n---\n${POLICY}`;
    const start = text.indexOf('  downsync:');
    const hints = hintsOf(text, ctx, { start, end: text.length });
    assert.deepEqual(hints.map((hint) => hint.line), ['  - apiGroup: apps', '  - resources: [configmaps]', '  - resources: [secrets]']);
    assert.equal(text[hints[0].offset], '\n');
  });

  it('none when switched off', () => {
    assert.deepEqual(hintsOf(POLICY, contextFor(undefined, { inlayHints: false })), []);
  });

  it('with no inventory only the invalid selector is worth a hint', () => {
    assert.deepEqual(hintsOf(POLICY, EMPTY_CONTEXT()).map((hint) => hint.label), ['→ invalid']);
  });

  it('CRLF line ends: the hint goes before the carriage return', () => {
    const text = POLICY.replace(/\n/g, '\r\n');
    const [first] = hintsOf(text);
    assert.equal(text.slice(first.offset, first.offset + 2), '\r\n');
    assert.equal(first.label, '→ 2 WECs');
  });
});
