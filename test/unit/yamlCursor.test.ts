/**
 * The cursor's place in half-typed YAML, reconstructed from indentation and markers. Each case is a
 * document as it looks while being typed, with `|` at the cursor.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { yamlCursor, type YamlCursor } from '../../server/src/core/yamlCursor';
import { withCursor } from './cursor';

function at(marked: string): YamlCursor & { wordText: string } {
  const { text, offset } = withCursor(marked);
  const cursor = yamlCursor(text, offset);
  assert.ok(cursor, `expected a cursor place in ${JSON.stringify(marked)}`);
  return { ...cursor, wordText: text.slice(cursor.word.start, cursor.word.end) };
}

function nothingAt(marked: string): void {
  const { text, offset } = withCursor(marked);
  assert.equal(yamlCursor(text, offset), undefined);
}

const HEAD = 'apiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\n';

describe('yamlCursor: keys', () => {
  it('a top-level key on an empty line, and half-typed', () => {
    assert.deepEqual(at(`${HEAD}|`).path, []);
    const typed = at(`${HEAD}sp|`);
    assert.equal(typed.position, 'key');
    assert.deepEqual(typed.path, []);
    assert.equal(typed.wordText, 'sp');
    assert.equal(typed.typed, 'sp');
  });

  it('a key on a blank line holding more blanks than the cursor column', () => {
    const cursor = at(`${HEAD}spec:\n  |      \n`);
    assert.deepEqual(cursor.path, ['spec']);
    assert.equal(cursor.column, 2);
    assert.equal(cursor.wordText, '');
  });

  it('a key on an indented empty line under a map key', () => {
    const cursor = at(`${HEAD}spec:\n  |\n`);
    assert.equal(cursor.position, 'key');
    assert.deepEqual(cursor.path, ['spec']);
    assert.equal(cursor.column, 2);
    assert.equal(cursor.lineIndent, 2);
  });

  it('a half-typed key indented under `apiGroup: apps` (which YAML reads as a multi-line scalar)', () => {
    const cursor = at(`${HEAD}spec:\n  downsync:\n  - apiGroup: apps\n    reso|\n`);
    assert.equal(cursor.position, 'key');
    assert.deepEqual(cursor.path, ['spec', 'downsync', 0]);
    assert.equal(cursor.wordText, 'reso');
  });

  it('the second clause of an indentless list, past the first clause and its nested lists', () => {
    const cursor = at(
      `${HEAD}spec:\n  downsync:\n  - resources:\n    - deployments\n    namespaces: [web]\n  - apiGroup: apps\n    |\n`,
    );
    assert.deepEqual(cursor.path, ['spec', 'downsync', 1]);
  });

  it('the item of an indented (non-indentless) list', () => {
    const cursor = at(`${HEAD}spec:\n  downsync:\n    - apiGroup: apps\n    - resources: [x]\n      |\n`);
    assert.deepEqual(cursor.path, ['spec', 'downsync', 1]);
    assert.equal(cursor.position, 'key');
  });

  it('a key under a block map key, skipping a deeper sibling value and blank and comment lines', () => {
    const cursor = at(`${HEAD}spec:\n  clusterSelectors:\n  - matchLabels:\n      region: eu\n\n      # the next label\n      |\n`);
    assert.equal(cursor.position, 'key');
    assert.deepEqual(cursor.path, ['spec', 'clusterSelectors', 0, 'matchLabels']);
  });

  it('editing an existing key: the word is the whole key and a colon follows', () => {
    const cursor = at(`${HEAD}spec:\n  downsync:\n  - reso|urces: [deployments]\n`);
    assert.equal(cursor.position, 'item');
    assert.deepEqual(cursor.path, ['spec', 'downsync', 0]);
    assert.equal(cursor.wordText, 'resources');
    assert.equal(cursor.typed, 'reso');
    assert.equal(cursor.colonFollows, true);
  });

  it('a key in a flow map after other entries', () => {
    const cursor = at(`${HEAD}spec:\n  clusterSelectors:\n  - matchLabels: {"location-group": "edge", re|}\n`);
    assert.equal(cursor.position, 'key');
    assert.equal(cursor.inFlow, true);
    assert.deepEqual(cursor.path, ['spec', 'clusterSelectors', 0, 'matchLabels']);
    assert.equal(cursor.wordText, 're');
  });
});

describe('yamlCursor: values and items', () => {
  it('a value after `key: ` with nothing typed', () => {
    const cursor = at(`${HEAD}spec:\n  clusterSelectors:\n  - matchLabels:\n      region: |\n`);
    assert.equal(cursor.position, 'value');
    assert.deepEqual(cursor.path, ['spec', 'clusterSelectors', 0, 'matchLabels', 'region']);
    assert.equal(cursor.wordText, '');
    assert.equal(cursor.needsSpace, false);
  });

  it('a value right after the colon needs a space inserted', () => {
    const cursor = at(`${HEAD}spec:\n  downsync:\n  - apiGroup:|\n`);
    assert.equal(cursor.position, 'value');
    assert.deepEqual(cursor.path, ['spec', 'downsync', 0, 'apiGroup']);
    assert.equal(cursor.needsSpace, true);
  });

  it('a half-typed value stops before a trailing comment', () => {
    const cursor = at(`${HEAD}spec:\n  downsync:\n  - apiGroup: ap|ps   # the apps group\n`);
    assert.equal(cursor.wordText, 'apps');
    assert.equal(cursor.typed, 'ap');
  });

  it('a quoted value: the word covers both quotes', () => {
    const cursor = at(`${HEAD}spec:\n  downsync:\n  - apiGroup: "ap|"\n`);
    assert.equal(cursor.quote, '"');
    assert.equal(cursor.wordText, '"ap"');
    assert.equal(cursor.typed, 'ap');
  });

  it('an item after `- ` with nothing typed, in an indentless list under a key', () => {
    const cursor = at(`${HEAD}spec:\n  downsync:\n  - resources:\n    - deployments\n    namespaces:\n    - web\n    - |\n`);
    assert.equal(cursor.position, 'item');
    assert.deepEqual(cursor.path, ['spec', 'downsync', 0, 'namespaces', 1]);
  });

  it('the first item of a list of selectors', () => {
    const cursor = at(`${HEAD}spec:\n  clusterSelectors:\n  - |\n`);
    assert.equal(cursor.position, 'item');
    assert.deepEqual(cursor.path, ['spec', 'clusterSelectors', 0]);
    assert.equal(cursor.column, 4);
    assert.equal(cursor.lineIndent, 2);
  });

  it('nested sequences on one line count as first items', () => {
    const cursor = at('a:\n- - x\n  - |\n');
    assert.deepEqual(cursor.path, ['a', 0, 1]);
  });

  it('a matchExpressions item key, with the dash and key on the line', () => {
    const cursor = at(`${HEAD}spec:\n  clusterSelectors:\n  - matchExpressions:\n    - key: region\n      operator: In\n    - key: |\n`);
    assert.equal(cursor.position, 'value');
    assert.deepEqual(cursor.path, ['spec', 'clusterSelectors', 0, 'matchExpressions', 1, 'key']);
  });

  it('flow lists: an item after others, and a value in a flow map inside a flow list', () => {
    const values = at(`${HEAD}spec:\n  clusterSelectors:\n  - matchExpressions:\n    - key: region\n      operator: In\n      values: [eu, |]\n`);
    assert.equal(values.position, 'item');
    assert.deepEqual(values.path, ['spec', 'clusterSelectors', 0, 'matchExpressions', 0, 'values', 1]);
    const nested = at(`${HEAD}spec:\n  clusterSelectors: [{matchLabels: {region: e|}}]\n`);
    assert.equal(nested.position, 'value');
    assert.deepEqual(nested.path, ['spec', 'clusterSelectors', 0, 'matchLabels', 'region']);
    assert.equal(nested.wordText, 'e');
  });

  it('an unterminated quoted flow value', () => {
    const cursor = at(`${HEAD}spec:\n  clusterSelectors:\n  - matchLabels: {"location-group":"ed|`);
    assert.equal(cursor.position, 'value');
    assert.deepEqual(cursor.path, ['spec', 'clusterSelectors', 0, 'matchLabels', 'location-group']);
    assert.equal(cursor.wordText, '"ed');
    assert.equal(cursor.quote, '"');
  });

  it('CRLF line ends', () => {
    const cursor = at('spec:\r\n  downsync:\r\n  - apiGroup: ap|\r\n');
    assert.deepEqual(cursor.path, ['spec', 'downsync', 0, 'apiGroup']);
    assert.equal(cursor.wordText, 'ap');
  });
});

describe('yamlCursor: nothing to complete', () => {
  it('in a comment, after a closed flow list, in a block scalar, on an anchor, in indentation', () => {
    nothingAt(`${HEAD}# a comm|ent\n`);
    nothingAt(`${HEAD}spec:\n  downsync:\n  - apiGroup: apps # co|\n`);
    nothingAt(`${HEAD}spec:\n  downsync:\n  - resources: [deployments] |\n`);
    const { text, offset } = withCursor(`${HEAD}metadata:\n  annotations:\n    note: |\n      some te^xt\n`, '^');
    assert.equal(yamlCursor(text, offset), undefined);
    nothingAt(`${HEAD}spec:\n  downsync:\n  - apiGroup: &gr|\n`);
    nothingAt(`${HEAD}spec:\n | downsync: []\n`);
  });
});
