/**
 * Differential test of the label-selector port against the golden vectors produced by the real Go
 * code of k8s.io/apimachinery v0.32.13 (`shared/oracle/`, format in its README.txt). Every record of
 * every top-level `*.jsonl` must agree on every field it carries. When the `alt-v0.36.3/` folder is
 * present, its records are checked only on what the README says v0.36.3 shares with v0.32.13.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  addRequirements,
  isQualifiedName,
  isValidLabelValue,
  labelSelectorAsMap,
  labelSelectorAsSelector,
  newRequirement,
  parseSelector,
  parseToLabelSelector,
  selectorFromRequirements,
  selectorProblems,
  type LabelSelectorInput,
  type Requirement,
  type Selector,
} from '../../server/src/core/matcher';

const repoRoot = path.resolve(__dirname, '../../..');
const oracleDir = path.join(process.env.KS_SHARED_DIR ?? path.join(repoRoot, '..', 'shared'), 'oracle');

/** A record is free-form JSON whose fields are checked one by one. */
type OracleRecord = { id: string; kind: string; input: any; labelSets?: Record<string, string>[]; output: any };

interface Disagreement {
  file: string;
  id: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

/** Collects the disagreements of one record; a record agrees when it collects none. */
class RecordCheck {
  readonly disagreements: Disagreement[] = [];
  constructor(
    private readonly file: string,
    private readonly id: string,
  ) {}

  equal(field: string, actual: unknown, expected: unknown): void {
    try {
      assert.deepStrictEqual(actual, expected);
    } catch {
      this.disagreements.push({ file: this.file, id: this.id, field, expected, actual });
    }
  }

  oneOf(field: string, actual: unknown, allowed: readonly unknown[]): void {
    if (!allowed.some((candidate) => isDeepEqual(actual, candidate))) {
      this.disagreements.push({ file: this.file, id: this.id, field, expected: { oneOf: allowed }, actual });
    }
  }

  fail(field: string, expected: unknown, actual: unknown): void {
    this.disagreements.push({ file: this.file, id: this.id, field, expected, actual });
  }
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

function plainRequirements(requirements: readonly Requirement[] | null): unknown {
  return requirements === null ? null : requirements.map((r) => ({ key: r.key, operator: r.operator, values: [...r.values] }));
}

function multiset(requirements: unknown): string[] {
  return (requirements as unknown[]).map((r) => JSON.stringify(r)).sort();
}

/** The fields shared by selector, parse and requirements records for a valid selector. */
function checkValidSelector(check: RecordCheck, selector: Selector, record: OracleRecord): void {
  const expected = record.output;
  const actualString = selector.toString();
  if (expected.stringOneOf) {
    // Go's unstable sort above 12 requirements: any listed string is right, and our requirements
    // must be the same multiset in the order our string shows.
    check.oneOf('string', actualString, expected.stringOneOf);
    check.equal('requirements (as a multiset)', multiset(plainRequirements(selector.requirements)), multiset(expected.requirements));
  } else {
    if ('string' in expected) check.equal('string', actualString, expected.string);
    if ('requirements' in expected) check.equal('requirements', plainRequirements(selector.requirements), expected.requirements);
  }
  if ('empty' in expected) check.equal('empty', selector.empty, expected.empty);
  if ('selectable' in expected) check.equal('selectable', selector.requirements !== null, expected.selectable);
  if ('matches' in expected) {
    check.equal('matches', (record.labelSets ?? []).map((labels) => selector.matches(labels)), expected.matches);
  }
}

function checkSelectorRecord(check: RecordCheck, record: OracleRecord): void {
  const expected = record.output;
  const result = labelSelectorAsSelector(record.input);
  check.equal('valid', result.valid, expected.valid);
  if (result.valid && expected.valid) checkValidSelector(check, result.selector, record);
  if (!result.valid && !expected.valid) {
    if (expected.errorOneOf) {
      check.oneOf('error', result.error, expected.errorOneOf);
      check.equal('errorOneOf (as a set)', [...(result.errorOneOf ?? [result.error])].sort(), [...expected.errorOneOf].sort());
    } else {
      check.equal('error', result.error, expected.error);
    }
  }
  // The editor's list of problems is empty exactly when Go accepts the selector, and Go's reported
  // error quotes one of the listed problems verbatim.
  const problems = selectorProblems(record.input as LabelSelectorInput | null);
  check.equal('selectorProblems is empty iff valid', problems.length === 0, expected.valid);
  if (!expected.valid) {
    const goErrors: string[] = expected.errorOneOf ?? [expected.error];
    const explained = goErrors.every((error) => problems.some((problem) => error.includes(problem.goMessage)));
    if (!explained) check.fail('selectorProblems goMessage', goErrors, problems.map((p) => p.goMessage));
  }
}

function checkParseRecord(check: RecordCheck, record: OracleRecord): void {
  const expected = record.output;
  const result = parseSelector(record.input);
  check.equal('valid', result.valid, expected.valid);
  if (result.valid && expected.valid) checkValidSelector(check, result.selector, record);
  if (!result.valid && !expected.valid) check.equal('error', result.error, expected.error);
  if ('parseToLabelSelector' in expected) {
    check.equal('parseToLabelSelector', parseToLabelSelector(record.input), expected.parseToLabelSelector);
  }
}

function checkNameRecord(check: RecordCheck, record: OracleRecord, validate: (s: string) => string[]): void {
  const errors = validate(record.input);
  check.equal('valid', errors.length === 0, record.output.valid);
  check.equal('errors', errors, record.output.errors);
}

function checkRequirementRecord(check: RecordCheck, record: OracleRecord): void {
  const { key, operator, values } = record.input;
  const result = newRequirement(key, operator, values);
  check.equal('valid', result.valid, record.output.valid);
  if (!result.valid) {
    check.equal('error', result.error, record.output.error);
    check.equal(
      'errors',
      result.errors.map((e) => ({ type: e.type, field: e.field, badValue: e.badValue })),
      record.output.errors,
    );
  }
}

function checkRequirementsRecord(check: RecordCheck, record: OracleRecord): void {
  const input = record.input;
  let selector: Selector;
  if (Array.isArray(input)) {
    selector = selectorFromRequirements(input);
  } else {
    const added = selectorFromRequirements(input.add).requirements ?? [];
    selector = addRequirements(selectorFromRequirements(input.selector), ...added);
  }
  checkValidSelector(check, selector, record);
}

function checkAsMapRecord(check: RecordCheck, record: OracleRecord): void {
  const result = labelSelectorAsMap(record.input);
  check.equal('valid', result.valid, record.output.valid);
  if ('error' in record.output) check.equal('error', result.error, record.output.error);
  check.equal('map', result.map, record.output.map);
}

function checkRecord(file: string, record: OracleRecord): Disagreement[] {
  const check = new RecordCheck(file, record.id);
  switch (record.kind) {
    case 'selector':
      checkSelectorRecord(check, record);
      break;
    case 'parse':
      checkParseRecord(check, record);
      break;
    case 'key':
      checkNameRecord(check, record, isQualifiedName);
      break;
    case 'value':
      checkNameRecord(check, record, isValidLabelValue);
      break;
    case 'requirement':
      checkRequirementRecord(check, record);
      break;
    case 'requirements':
      checkRequirementsRecord(check, record);
      break;
    case 'asMap':
      checkAsMapRecord(check, record);
      break;
    default:
      check.fail('kind', 'a known kind', record.kind);
  }
  return check.disagreements;
}

/**
 * v0.36.3 records: only validity, matches, string and emptiness are promised to equal v0.32.13's
 * (error texts changed), except that v0.35 fixed the ",," parse quirk, so a parse input with ",,"
 * that v0.36.3 accepts may still be an error for us.
 */
function checkAltRecord(file: string, record: OracleRecord): Disagreement[] {
  const check = new RecordCheck(file, record.id);
  const expected = record.output;
  switch (record.kind) {
    case 'selector': {
      const result = labelSelectorAsSelector(record.input);
      check.equal('valid', result.valid, expected.valid);
      if (result.valid && expected.valid) checkValidSelector(check, result.selector, { ...record, output: pick(expected) });
      break;
    }
    case 'parse': {
      const result = parseSelector(record.input);
      const commaQuirk = !result.valid && expected.valid && String(record.input).includes(',,');
      if (!commaQuirk) check.equal('valid', result.valid, expected.valid);
      if (result.valid && expected.valid) checkValidSelector(check, result.selector, { ...record, output: pick(expected) });
      break;
    }
    case 'key':
      check.equal('valid', isQualifiedName(record.input).length === 0, expected.valid);
      break;
    case 'value':
      check.equal('valid', isValidLabelValue(record.input).length === 0, expected.valid);
      break;
    default:
      check.fail('kind', 'selector, parse, key or value', record.kind);
  }
  return check.disagreements;
}

function pick(output: any): any {
  const picked: any = {};
  for (const field of ['string', 'stringOneOf', 'empty', 'matches']) if (field in output) picked[field] = output[field];
  return picked;
}

function readRecords(file: string): OracleRecord[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OracleRecord);
}

function runFolder(dir: string, label: string, checker: (file: string, record: OracleRecord) => Disagreement[]): Disagreement[] {
  const files = fs.readdirSync(dir).filter((name) => name.endsWith('.jsonl')).sort();
  assert.ok(files.length > 0, `no *.jsonl files in ${dir}`);
  const all: Disagreement[] = [];
  for (const name of files) {
    const records = readRecords(path.join(dir, name));
    let agreed = 0;
    for (const record of records) {
      const disagreements = checker(`${label}${name}`, record);
      if (disagreements.length === 0) agreed++;
      all.push(...disagreements);
    }
    console.log(`oracle ${label}${name}: ${records.length} records, ${agreed} agreed`);
  }
  return all;
}

function report(disagreements: readonly Disagreement[]): string {
  const shown = disagreements.slice(0, 20).map((d) => {
    return `  ${d.file} ${d.id} ${d.field}\n    expected: ${JSON.stringify(d.expected)}\n    actual:   ${JSON.stringify(d.actual)}`;
  });
  const more = disagreements.length > 20 ? `\n  ... and ${disagreements.length - 20} more` : '';
  return `${disagreements.length} disagreement(s) with the Go oracle:\n${shown.join('\n')}${more}`;
}

test('the Go oracle folder is present', () => {
  assert.ok(
    fs.existsSync(oracleDir),
    `oracle folder not found at ${oracleDir}; put shared/ beside the repository or set KS_SHARED_DIR`,
  );
});

test('label selectors agree with every record of the v0.32.13 oracle', () => {
  assert.ok(fs.existsSync(oracleDir), `oracle folder not found at ${oracleDir}`);
  const disagreements = runFolder(oracleDir, '', checkRecord);
  assert.equal(disagreements.length, 0, report(disagreements));
});

test('label selectors agree with the v0.36.3 records where the versions promise the same answer', (t) => {
  const altDir = path.join(oracleDir, 'alt-v0.36.3');
  if (!fs.existsSync(altDir)) {
    t.skip('alt-v0.36.3/ is only in the fuller copy of the oracle');
    return;
  }
  const disagreements = runFolder(altDir, 'alt-v0.36.3/', checkAltRecord);
  assert.equal(disagreements.length, 0, report(disagreements));
});
