/**
 * Bad input gets a clear message, never a crash: alias bombs, oversize documents, garbage. Also the
 * incremental behaviour the server relies on: unchanged documents are not re-parsed, and a reopened
 * document with the same version but other text gets fresh diagnostics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLanguageService } from '../../server/src/core/languageService';
import { EMPTY_INVENTORY } from '../../server/src/core/types';
import { splitDocuments } from '../../server/src/core/document';

const service = getLanguageService({ getInventory: () => EMPTY_INVENTORY });

const HEAD = 'apiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\nmetadata:\n  name: bomb\n';

test('BP1003: an alias bomb is reported, not expanded', () => {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  const text = `${HEAD}spec:\n  clusterSelectors:\n  - {}\n  anchors:\n${lines.map((l) => `    ${l}`).join('\n')}\n`;
  const started = Date.now();
  const diagnostics = service.validate(service.parse('file:///bomb.yaml', 1, text));
  assert.ok(Date.now() - started < 1000, 'answered within a second');
  const bomb = diagnostics.find((d) => d.code === 'BP1003');
  assert.ok(bomb, JSON.stringify(diagnostics));
  assert.match(bomb.message, /alias/i);
});

test('BP1003: a document over the size limit is reported at its first line', () => {
  const filler = `  # ${'x'.repeat(1000)}\n`.repeat(2200);
  const text = `${HEAD}spec:\n${filler}  clusterSelectors: [{}]\n`;
  const diagnostics = service.validate(service.parse('file:///big.yaml', 1, text));
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0].code, 'BP1003');
  assert.equal(text.slice(diagnostics[0].range.start, diagnostics[0].range.end), 'apiVersion: control.kubestellar.io/v1alpha1');
});

test('a 10 MB file of many documents is answered in bounded time', () => {
  const policy = (i: number) => `${HEAD.replace('bomb', `p${i}`)}spec:\n  clusterSelectors:\n  - matchLabels: {env: prod}\n  downsync:\n  - resources: [deployments]\n    namespaces: [ns-${i}]\n`;
  const other = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  blob: "${'y'.repeat(2000)}"\n`;
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < 10 * 1024 * 1024; i++) {
    const part = i % 20 === 0 ? policy(i) : other(i);
    parts.push(part);
    size += part.length + 4;
  }
  const text = parts.join('---\n');
  const started = Date.now();
  const diagnostics = service.validate(service.parse('file:///huge.yaml', 1, text));
  const elapsed = Date.now() - started;
  assert.deepEqual(diagnostics, []);
  assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
});

test('an edit re-parses only the document it touched', () => {
  const doc = (i: number) => `${HEAD.replace('bomb', `p${i}`)}spec:\n  clusterSelectors:\n  - matchLabels: {env: prod}\n`;
  const text = Array.from({ length: 50 }, (_, i) => doc(i)).join('---\n');
  const first = service.parse('file:///many.yaml', 1, text);
  const edited = text.replace('name: p7\n', 'name: p7x\n');
  const second = service.parse('file:///many.yaml', 2, edited);
  const reused = second.documents.filter((d, i) => d.ast !== undefined && d.ast === first.documents[i].ast).length;
  assert.equal(reused, 49);
  assert.notEqual(second.documents[7].ast, first.documents[7].ast);
});

test('same version, different text: fresh diagnostics', () => {
  const good = `${HEAD}spec:\n  clusterSelectors:\n  - {}\n`;
  const bad = `${HEAD}spec:\n  clusterSelectors:\n  - matchExpressions: [{key: a, operator: in, values: [b]}]\n`;
  assert.deepEqual(service.validate(service.parse('file:///reopen.yaml', 3, good)), []);
  const again = service.validate(service.parse('file:///reopen.yaml', 3, bad));
  assert.deepEqual(again.map((d) => d.code), ['BP1201']);
});

test('garbage never throws', () => {
  const inputs = ['', '---', '---\n---\n', ': : :', 'apiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\nspec: [1, 2]',
    'apiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\nspec:\n  clusterSelectors: 5\n  downsync: {a: 1}',
    'apiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\nspec:\n  clusterSelectors: [null, 3, [], {matchLabels: [1]}, {matchExpressions: {a: 1}}]',
    '\u0000\u0001 Binding', 'kind: BindingPolicy\napiVersion: control.kubestellar.io/v1alpha1\n\t- x'];
  for (const [i, text] of inputs.entries()) {
    const file = service.parse(`file:///garbage${i}.yaml`, 1, text);
    service.validate(file);
    service.fixAll(file);
    service.explain(file);
  }
});

test('a text that starts with a line break: completion at offset 0 and a directive line end', () => {
  // Both once looped forever: `lastIndexOf('\n', -1)` finds the line break at offset 0.
  const text = '\napiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\n';
  const file = service.parse('file:///leading-newline.yaml', 1, text);
  assert.ok(Array.isArray(service.complete(file, 0).items));
  assert.deepEqual(splitDocuments('\n%YAML 1.2\n---\na: 1\n'), [0, 1]);
});
