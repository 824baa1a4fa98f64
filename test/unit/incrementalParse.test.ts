/**
 * `patchDocument` (core/incrementalParse.ts) against the parser it stands in for: over random
 * small edits of real policies, whenever it makes a parse, that parse must be the one `yaml` makes
 * of the new text, node by node (class, offsets, value, style, comments) and as plain data. It must
 * also make one for the keystrokes it is there for, and leave everything else to the parser.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { Document, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { PARSE_OPTIONS, parseFile, splitDocuments } from '../../server/src/core/document';
import { patchDocument } from '../../server/src/core/incrementalParse';

const REPO = path.resolve(__dirname, '../../..');
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261130;
const RUNS = process.env.FUZZ_RUNS !== undefined ? Number(process.env.FUZZ_RUNS) : 3000;

function parse(text: string): Document.Parsed {
  const docs = parseAllDocuments(text, PARSE_OPTIONS);
  assert.ok(Array.isArray(docs));
  return docs.find((doc) => doc.contents !== null) ?? docs[0];
}

/** Every YAML document of the example policies (good and broken) as a piece of its own. */
function pieces(): string[] {
  const dirs = [path.join(REPO, 'examples', 'policies'), path.join(REPO, 'examples', 'policies', 'broken')];
  const out: string[] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((file) => file.endsWith('.yaml'))) {
      const text = readFileSync(path.join(dir, name), 'utf8');
      const starts = splitDocuments(text);
      starts.forEach((start, i) => out.push(text.slice(start, starts[i + 1] ?? text.length)));
    }
  }
  return out.filter((piece) => piece.includes('BindingPolicy'));
}

/** Asserts that two parses are the same tree: classes, offsets and every own property, recursively. */
function assertSameTree(actual: unknown, expected: unknown, where: string): void {
  if (actual === null || expected === null || typeof actual !== 'object' || typeof expected !== 'object') {
    assert.deepEqual(actual, expected, where);
    return;
  }
  assert.equal(Object.getPrototypeOf(actual), Object.getPrototypeOf(expected), `${where}: class`);
  assert.equal(isScalar(actual), isScalar(expected), `${where}: node type`);
  assert.equal(isMap(actual), isMap(expected), `${where}: node type`);
  assert.equal(isSeq(actual), isSeq(expected), `${where}: node type`);
  assert.equal(isPair(actual), isPair(expected), `${where}: node type`);
  const keys = (node: object): string[] => Object.keys(node).filter((key) => key !== 'srcToken').sort();
  assert.deepEqual(keys(actual), keys(expected), `${where}: properties`);
  for (const key of keys(expected)) {
    const a: unknown = (actual as Record<string, unknown>)[key];
    const e: unknown = (expected as Record<string, unknown>)[key];
    if (key === 'items') {
      const items = e as unknown[];
      assert.equal((a as unknown[]).length, items.length, `${where}.items: length`);
      items.forEach((item, i) => assertSameTree((a as unknown[])[i], item, `${where}[${i}]`));
    } else if (key === 'key' || key === 'value') {
      assertSameTree(a, e, `${where}.${key}`);
    } else {
      assert.deepEqual(a, e, `${where}.${key}`);
    }
  }
}

function assertSameParse(actual: Document.Parsed, expected: Document.Parsed, context: string): void {
  assert.deepEqual(actual.range, expected.range, `${context}: document range`);
  assert.deepEqual(actual.errors, expected.errors, `${context}: errors`);
  assert.deepEqual(actual.warnings, expected.warnings, `${context}: warnings`);
  assert.equal(actual.commentBefore, expected.commentBefore, `${context}: comment before`);
  assert.equal(actual.comment, expected.comment, `${context}: comment`);
  assertSameTree(actual.contents, expected.contents, `${context}: contents`);
  assert.deepEqual(actual.toJS({ maxAliasCount: 200 }), expected.toJS({ maxAliasCount: 200 }), `${context}: as plain data`);
}

test('every parse it makes is the one yaml makes, over random small edits of the example policies', (t) => {
  const corpus = pieces();
  assert.ok(corpus.length >= 8, `the examples hold ${corpus.length} policy documents`);
  const parsed = corpus.map((text) => ({
    text,
    ast: parse(text),
    /** Offsets right after a letter or digit. */
    wordEnds: [...text.matchAll(/[A-Za-z0-9](?=.)/gs)].map((match) => match.index! + 1),
  }));
  // Characters people type: mostly those of names and values, which it may patch, and now and then
  // structural ones, which it must refuse (or get right).
  const wordChar = fc.constantFrom(...'aZ09._-/x'.split(''));
  const anyChar = fc.oneof({ weight: 3, arbitrary: wordChar }, { weight: 1, arbitrary: fc.constantFrom(...': #"\'\n{}[],&*!|>%@~\t'.split('')) });
  const edit = fc.record({
    piece: fc.nat({ max: corpus.length - 1 }),
    at: fc.nat({ max: 1_000_000 }),
    // Half the edits are typing in a word (right after a letter or digit), as in a name or value.
    inWord: fc.boolean(),
    removed: fc.nat({ max: 2 }),
    inserted: fc.array(anyChar, { maxLength: 2 }).map((chars) => chars.join('')),
  });
  let patched = 0;
  fc.assert(
    fc.property(edit, ({ piece, at, inWord, removed, inserted }) => {
      const { text, ast, wordEnds } = parsed[piece];
      const start = inWord ? wordEnds[at % wordEnds.length] : at % (text.length + 1);
      const newText = text.slice(0, start) + inserted + text.slice(Math.min(text.length, start + removed));
      if (newText === text) return;
      const result = patchDocument(text, ast, newText);
      if (!result) return;
      patched++;
      assertSameParse(result, parse(newText), `piece ${piece}, at ${start}: -${removed} +${JSON.stringify(inserted)}`);
    }),
    { seed: SEED, numRuns: RUNS },
  );
  // Random edits mostly hit structure or punctuation; enough must land in a value to test anything.
  t.diagnostic(`${patched} of ${RUNS} random edits were patched`);
  assert.ok(patched >= RUNS / 5, `only ${patched} of ${RUNS} edits were patched`);
});

test('it makes the parse for the keystrokes it is there for, and leaves the rest to the parser', () => {
  const text = [
    'apiVersion: control.kubestellar.io/v1alpha1',
    'kind: BindingPolicy',
    'metadata:',
    '  name: web # the name',
    'spec:',
    '  clusterSelectors:',
    '  - matchLabels: {location-group: edge, env: prod, envx: staging, tier: tr, size: 1}',
    '  - matchLabels: {.inf: a, Infinit: b}',
    '',
  ].join('\n');
  const ast = parse(text);
  const typedAt = (after: string, inserted: string, removed = 0): string => {
    const at = text.indexOf(after) + after.length;
    return text.slice(0, at) + inserted + text.slice(at + removed);
  };
  const patched = {
    'typing at the end of a value': typedAt('name: web', 'x'),
    'deleting inside a value': typedAt('name: w', '', 1),
    'typing in a key of a flow map': typedAt('location-gr', 'x'),
    'typing a few characters in a flow value': typedAt('env: pro', 'd-2'),
  };
  for (const [what, newText] of Object.entries(patched)) {
    const result = patchDocument(text, ast, newText);
    assert.ok(result, what);
    assertSameParse(result, parse(newText), what);
  }
  const parsed = {
    'a space': typedAt('name: web', ' x'),
    'typing at the start of a scalar': typedAt('name: ', 'x'),
    'a value that becomes a boolean': typedAt('tier: tr', 'ue'),
    'a value that becomes a number': typedAt('size: 1', '2'),
    'a key that becomes a duplicate': typedAt('env', 'x'),
    // `.inf` is the number Infinity, and "Infinity" a string: different values, one key as text.
    'a key that becomes a duplicate only as text': typedAt('Infinit', 'y'),
    'punctuation': typedAt('kind: BindingPolicy', ': x'),
    'typing in a comment': typedAt('# the na', 'x'),
  };
  for (const [what, newText] of Object.entries(parsed)) assert.equal(patchDocument(text, ast, newText), undefined, what);
});

test('parseFile uses it for an edit inside one document, and the result is the full parse', () => {
  const [one, two] = pieces();
  const text = `${one}---\n${two}`;
  const first = parseFile('file:///a.yaml', 1, text);
  const at = text.indexOf('\n  name: ', text.lastIndexOf('kind: BindingPolicy')) + '\n  name: '.length + 2;
  const edited = `${text.slice(0, at)}x${text.slice(at)}`;
  const second = parseFile('file:///a.yaml', 2, edited, first);
  const fresh = parseFile('file:///a.yaml', 2, edited);
  assert.equal(second.documents.length, fresh.documents.length);
  second.documents.forEach((doc, i) => {
    assert.equal(doc.text, fresh.documents[i].text);
    assert.equal(doc.kind, fresh.documents[i].kind);
    assert.deepEqual(doc.value, fresh.documents[i].value);
    assert.equal(doc.ast === undefined, fresh.documents[i].ast === undefined);
    if (doc.ast) assertSameParse(doc.ast, fresh.documents[i].ast!, `document ${i}`);
  });
  // The edited document was patched (a new tree), the one before it reused (the same tree).
  const edited1 = second.documents.findIndex((doc, i) => doc.text !== first.documents[i].text);
  assert.ok(edited1 >= 0);
  assert.notEqual(second.documents[edited1].ast, first.documents[edited1].ast);
  assert.equal(second.documents[0].ast, first.documents[0].ast);
});
