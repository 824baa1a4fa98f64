/**
 * Unit tests of the label-selector half of the matcher: the API contract other code relies on and
 * the Go details that the oracle covers only by example. The oracle test (`oracle.test.ts`) is the
 * exhaustive comparison with Go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compareGoStrings,
  goQuote,
  isQualifiedName,
  isValidLabelValue,
  labelSelectorAsMap,
  labelSelectorAsSelector,
  newRequirement,
  parseSelector,
  parseToLabelSelector,
  selectorProblems,
  utf8ByteLength,
  type LabelSelectorInput,
  type Selector,
} from '../../server/src/core/matcher';
import type { Labels } from '../../server/src/core/types';

function compile(input: LabelSelectorInput | null): Selector {
  const result = labelSelectorAsSelector(input);
  assert.ok(result.valid, result.valid ? '' : result.error);
  return result.selector;
}

function parse(text: string): Selector {
  const result = parseSelector(text);
  assert.ok(result.valid, result.valid ? '' : result.error);
  return result.selector;
}

test('matchLabels needs the key present with exactly that value; "" is a value, not absence', () => {
  const selector = compile({ matchLabels: { app: '' } });
  assert.equal(selector.matches({ app: '' }), true);
  assert.equal(selector.matches({}), false);
  assert.equal(selector.matches({ app: 'web' }), false);
});

test('In, NotIn, Exists and DoesNotExist follow Kubernetes semantics', () => {
  const sets = (...labelSets: Labels[]): Labels[] => labelSets;
  const inSelector = compile({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] });
  assert.deepEqual(sets({ env: 'prod' }, { env: 'dev' }, {}).map((l) => inSelector.matches(l)), [true, false, false]);

  const notIn = compile({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] });
  assert.deepEqual(sets({ env: 'prod' }, { env: 'dev' }, {}).map((l) => notIn.matches(l)), [true, false, true]);

  const exists = compile({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] });
  assert.deepEqual(sets({ gpu: '' }, { gpu: 'a100' }, {}).map((l) => exists.matches(l)), [true, true, false]);

  const absent = compile({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] });
  assert.deepEqual(sets({ gpu: '' }, {}).map((l) => absent.matches(l)), [false, true]);
});

test('a set of many In values matches exactly its members', () => {
  const values = Array.from({ length: 40 }, (_, i) => `v${i}`);
  const selector = compile({ matchExpressions: [{ key: 'k', operator: 'In', values }] });
  assert.equal(selector.matches({ k: 'v39' }), true);
  assert.equal(selector.matches({ k: 'v40' }), false);
  const notIn = compile({ matchExpressions: [{ key: 'k', operator: 'NotIn', values }] });
  assert.equal(notIn.matches({ k: 'v0' }), false);
  assert.equal(notIn.matches({ k: 'x' }), true);
});

test('null is labels.Nothing() and {} is labels.Everything()', () => {
  const nothing = compile(null);
  assert.equal(nothing.requirements, null);
  assert.equal(nothing.empty, false);
  assert.equal(nothing.matches({}), false);
  assert.equal(nothing.toString(), '');

  const everything = compile({ matchLabels: null, matchExpressions: [] });
  assert.deepEqual(everything.requirements, []);
  assert.equal(everything.empty, true);
  assert.equal(everything.matches({ anything: 'x' }), true);
});

test('only own properties are labels: inherited ones and Object.prototype members are not', () => {
  const inherited = Object.create({ app: 'web' }) as Record<string, string>;
  assert.equal(compile({ matchLabels: { app: 'web' } }).matches(inherited), false);
  assert.equal(compile({ matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }).matches({}), false);
  assert.equal(compile({ matchExpressions: [{ key: 'toString', operator: 'DoesNotExist' }] }).matches({}), true);
  const decoded = JSON.parse('{"constructor": "x"}') as Record<string, string>;
  assert.equal(compile({ matchLabels: { constructor: 'x' } }).matches(decoded), true);
});

test('a compiled selector is immutable and does not see later changes to its input', () => {
  const input = { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] };
  const selector = compile(input);
  input.matchExpressions[0].values.push('dev');
  assert.equal(selector.matches({ env: 'dev' }), false);
  assert.ok(Object.isFrozen(selector.requirements));
  assert.ok(Object.isFrozen(selector.requirements?.[0]));
  assert.throws(() => (selector.requirements as unknown as unknown[]).push({}));
});

test('String() sorts requirements bytewise by key and values inside parentheses, keeping duplicates', () => {
  const selector = compile({
    matchLabels: { b: '1', B: '2' },
    matchExpressions: [
      { key: 'a', operator: 'In', values: ['web', 'db', 'web'] },
      { key: 'a-b', operator: 'NotIn', values: [''] },
      { key: 'a.b', operator: 'Exists' },
      { key: 'a/b', operator: 'DoesNotExist' },
    ],
  });
  assert.equal(selector.toString(), 'B=2,a in (db,web,web),a-b notin (),a.b,!a/b,b=1');
  // Stored values keep their input order; only the string is sorted.
  assert.deepEqual(selector.requirements?.[1].values, ['web', 'db', 'web']);
});

test('same-key requirements keep matchLabels first, then expressions in input order', () => {
  const selector = compile({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'app', operator: 'DoesNotExist' },
      { key: 'app', operator: 'Exists' },
    ],
  });
  assert.equal(selector.toString(), 'app=web,!app,app');
  assert.equal(selector.matches({ app: 'web' }), false);
});

test('above 12 requirements the order is Go pdqsort order, not a stable sort', () => {
  // A stable sort would give "a=1,a in (1,2),a,!a,..."; Go 1.19's sort.Sort gives this.
  assert.equal(parse('a=1,b,a in (1,2),c,a,d,e,f,g,h,i,j,!a').toString(), '!a,a in (1,2),a,a=1,b,c,d,e,f,g,h,i,j');
});

test('Go sort keeps every requirement and orders long selectors by key', () => {
  const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...keys), { minLength: 13, maxLength: 120 }), (chosen) => {
      const text = chosen.map((key, i) => (i % 3 === 0 ? `!${key}` : i % 3 === 1 ? key : `${key}=${i}`)).join(',');
      const requirements = parse(text).requirements ?? [];
      assert.equal(requirements.length, chosen.length);
      assert.deepEqual(requirements.map((r) => r.key), [...chosen].sort());
    }),
    { numRuns: 200, seed: 4242 },
  );
});

test('with several invalid matchLabels entries every possible Go error is listed', () => {
  const result = labelSelectorAsSelector({ matchLabels: { 'b b': 'x', 'a a': 'y', ok: 'fine' } });
  assert.equal(result.valid, false);
  if (result.valid) return;
  assert.match(result.error, /^key: Invalid value: "a a": /);
  assert.equal(result.errorOneOf?.length, 2);
  assert.match(result.errorOneOf?.[1] ?? '', /^key: Invalid value: "b b": /);
});

test('error texts reproduce Go: nil slices, %#v slices, aggregation', () => {
  const noValues = labelSelectorAsSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] });
  assert.deepEqual(noValues, {
    valid: false,
    error: "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
  });
  const direct = newRequirement('x', 'in', []);
  assert.equal(direct.valid ? '' : direct.error, "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
  const both = labelSelectorAsSelector({ matchExpressions: [{ key: 'app', operator: 'Exists', values: ['a b'] }] });
  assert.match(both.valid ? '' : both.error, /^\[values: Invalid value: \[\]string\{"a b"\}: values set must be empty .*, values\[0\]\[app\]: Invalid value: "a b": a valid label/);
  const operator = labelSelectorAsSelector({ matchExpressions: [{ key: 'app', operator: 'in', values: ['x'] }] });
  assert.equal(operator.valid ? '' : operator.error, '"in" is not a valid label selector operator');
});

test('lengths are UTF-8 bytes and quoting follows Go strconv.Quote (Unicode 13 printability)', () => {
  assert.equal(utf8ByteLength('é'.repeat(32)), 64);
  assert.equal(utf8ByteLength('😀'), 4);
  assert.deepEqual(isValidLabelValue('é'.repeat(32)).length, 2);
  assert.equal(goQuote('a\u0000b'), '"a\\x00b"');
  assert.equal(goQuote('\u00ad\u2028\u200b'), '"\\u00ad\\u2028\\u200b"');
  assert.equal(goQuote('é日本😀'), '"é日本😀"');
  assert.equal(goQuote('"\\\n\t\x7f'), '"\\"\\\\\\n\\t\\x7f"');
  // U+1FAD7 was added in Unicode 14, after Go 1.19's tables: Go escapes it.
  assert.equal(goQuote('\u{1FAD7}'), '"\\U0001fad7"');
});

test('string order is bytewise (code point order), not UTF-16 order', () => {
  assert.ok(compareGoStrings('B', 'a') < 0);
  assert.ok(compareGoStrings('a', 'a-b') < 0);
  assert.ok(compareGoStrings('a-b', 'a.b') < 0);
  assert.ok(compareGoStrings('a/b', 'a_b') < 0);
  // U+FFFD sorts before U+1F600 in UTF-8, although its UTF-16 unit is larger than a surrogate.
  assert.ok(compareGoStrings('\uFFFD', '😀') < 0);
  assert.ok('\uFFFD' > '😀');
});

test('labels.Parse: Gt/Lt use full int64 precision', () => {
  const selector = parse('a>9223372036854775806');
  assert.equal(selector.matches({ a: '9223372036854775807' }), true);
  assert.equal(selector.matches({ a: '9223372036854775806' }), false);
  assert.equal(selector.matches({ a: '9223372036854775808' }), false, 'beyond int64 does not parse');
  const small = parse('a<7');
  assert.deepEqual(['+4', '-3', '007', ' 1', '1.5', '0x1', ''].map((v) => small.matches({ a: v })), [
    true, true, false, false, false, false, false,
  ]);
});

test('labels.Parse: the v0.32.13 ",," quirk and NUL handling', () => {
  assert.equal(parseSelector('x in (a,,)').valid, false);
  assert.equal(parse('x in (a,,,)').toString(), 'x in (,a)');
  assert.equal(parseSelector('x in (a,,,,,,)').valid, false);
  assert.equal(parse('a \u0000 garbage').toString(), 'a');
  assert.equal(parse('a,\u0000b').toString(), 'a,b');
  const nul = parseSelector('a\u0000b');
  assert.equal(nul.valid ? '' : nul.error, "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
});

test('parseToLabelSelector converts to the API shape and rejects what it cannot express', () => {
  assert.deepEqual(parseToLabelSelector('b in (y,x,x),a=1,!c'), {
    valid: true,
    matchLabels: { a: '1' },
    matchExpressions: [
      { key: 'b', operator: 'In', values: ['x', 'y'] },
      { key: 'c', operator: 'DoesNotExist', values: [] },
    ],
  });
  assert.deepEqual(parseToLabelSelector('a!=1'), { valid: false, error: '"!=" is not a valid label selector operator' });
  assert.deepEqual(parseToLabelSelector('a>1'), { valid: false, error: '"gt" isn\'t supported in label selectors' });
  assert.deepEqual(parseToLabelSelector('a,'), {
    valid: false,
    error: 'couldn\'t parse the selector string "a,": found \'\', expected: identifier after \',\'',
  });
});

test('labelSelectorAsMap returns the partial map with its error', () => {
  assert.deepEqual(labelSelectorAsMap({ matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'In', values: ['2'] }] }), {
    valid: true,
    map: { a: '1', b: '2' },
  });
  assert.deepEqual(labelSelectorAsMap({ matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'Bogus' }] }), {
    valid: false,
    error: '"Bogus" is not a valid selector operator',
    map: { a: '1' },
  });
  assert.deepEqual(labelSelectorAsMap(null), { valid: true, map: null });
});

test('isQualifiedName reports prefix and name problems separately', () => {
  assert.deepEqual(isQualifiedName('example.com/app'), []);
  assert.deepEqual(isQualifiedName('/a'), ['prefix part must be non-empty']);
  assert.equal(isQualifiedName('a/b/c').length, 1);
  assert.equal(isQualifiedName('').length, 2);
  assert.match(isQualifiedName('Example.com/a')[0], /^prefix part a lowercase RFC 1123 subdomain/);
});

test('selectorProblems lists every problem with its path, a friendly message and Go text', () => {
  const input = {
    matchLabels: { 'bad key': 'ok', good: 'bad value!' },
    matchExpressions: [
      { key: 'app', operator: 'in', values: ['web'] },
      { key: 'Bad_', operator: 'In', values: [] },
      { key: 'tier', operator: 'Exists', values: ['x', 'y z'] },
      { key: 'env', operator: 'NotIn', values: ['ok', '-bad'] },
    ],
  };
  const problems = selectorProblems(input);
  assert.deepEqual(
    problems.map((p) => [p.kind, p.path]),
    [
      ['matchLabels-key', ['matchLabels', 'bad key']],
      ['matchLabels-value', ['matchLabels', 'good']],
      ['operator', ['matchExpressions', 0, 'operator']],
      ['key', ['matchExpressions', 1, 'key']],
      ['values-required', ['matchExpressions', 1, 'values']],
      ['values-forbidden', ['matchExpressions', 2, 'values']],
      ['value', ['matchExpressions', 2, 'values', 1]],
      ['value', ['matchExpressions', 3, 'values', 1]],
    ],
  );
  assert.match(problems[2].message, /"in".*case-sensitive.*"In"/);
  assert.equal(problems[2].goMessage, '"in" is not a valid label selector operator');
  assert.match(problems[0].message, /"bad key"/);
  assert.match(problems[1].message, /"bad value!"/);
  assert.match(problems[5].message, /Exists takes no values.*2/);
  assert.equal(problems[5].goMessage, 'values: Invalid value: []string{"x", "y z"}: values set must be empty for exists and does not exist');
  assert.equal(problems[7].goMessage.startsWith('values[1][env]: Invalid value: "-bad": '), true);
  // Go itself reports only the first of them.
  const goResult = labelSelectorAsSelector(input);
  assert.equal(goResult.valid, false);
});

test('selectorProblems is empty exactly for valid selectors, including null and {}', () => {
  assert.deepEqual(selectorProblems(null), []);
  assert.deepEqual(selectorProblems({}), []);
  assert.deepEqual(selectorProblems({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }), []);
  const nullExpression = selectorProblems({ matchExpressions: [null as never] });
  assert.deepEqual(nullExpression.map((p) => p.kind), ['operator', 'key']);
});
