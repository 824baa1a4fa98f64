/**
 * Property-based robustness tests of the core language service, over random BindingPolicy YAML
 * and over the example policies mutated the ways editing breaks files (lines deleted, duplicated,
 * swapped or re-indented, stray YAML tokens, changed keys, operators and values, truncation):
 *  - no feature ever throws, and each answers within a second;
 *  - every quick fix round-trips: its edits leave YAML with no new syntax errors, keep the comment
 *    lines they do not touch, and leave fewer diagnostics of the fixed code in the file;
 *  - "fix all" leaves no new syntax errors and keeps untouched comment lines;
 *  - reopening a document with the same version and other text gives that text's diagnostics;
 *  - alias bombs, deep nesting and 10 MB files are answered in bounded time and memory.
 *
 * The seed is fixed (printed) so that a run is reproducible; FUZZ_SEED and FUZZ_RUNS override it
 * and the number of cases per property.
 *
 * Each check runs in a worker thread: an endless loop in the language service cannot be stopped
 * from the thread that runs it, so the test's own thread watches the worker, which reports every
 * input and call before making it, and fails the test with that input when a call never returns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { applyEdits } from '../../server/src/core/codeActions';
import { getLanguageService, type LanguageService } from '../../server/src/core/languageService';
import { documentAt, type ParsedFile } from '../../server/src/core/document';
import { RULES } from '../../server/src/core/rules';
import type { CoreDiagnostic, Inventory, OffsetEdit, OffsetRange } from '../../server/src/core/types';
import { loadWorkspace } from '../../server/src/workspace/loader';

const REPO = path.resolve(__dirname, '../../..');
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20260830;
const RUNS = process.env.FUZZ_RUNS !== undefined ? Number(process.env.FUZZ_RUNS) : 120;
/** How long one call of one feature may take on any generated input. */
const CALL_LIMIT_MS = 1000;
/** A call that has not returned after this long is taken for an endless loop. */
const HANG_MS = 5_000;

// ---------------------------------------------------------------------------------------------
// The estate and the corpus

let inventory: Inventory;
let service: LanguageService;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return yamlFiles(file);
    return /\.ya?ml$/.test(name) ? [file] : [];
  });
}

const CORPUS = yamlFiles(path.join(REPO, 'examples', 'policies')).map((file) => readFileSync(file, 'utf8'));

async function setUp(): Promise<void> {
  const loaded = await loadWorkspace([path.join(REPO, 'examples', 'inventory'), path.join(REPO, 'examples', 'workloads')]);
  // Bindings for two example policies, so that the drift checks run too.
  const bindings = new Map([
    ['web-to-edge', { name: 'web-to-edge', destinations: ['edge-eu-1', 'cloud-us-1'], objects: [{ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'storefront', name: 'web' }] }],
    ['payments', { name: 'payments', destinations: [], objects: [] }],
  ]);
  inventory = { ...loaded.inventory, bindings };
  service = getLanguageService({ getInventory: () => inventory });
}

// ---------------------------------------------------------------------------------------------
// Inputs

/** Keys and values of the BindingPolicy vocabulary, right and wrong. */
const WORDS = [
  'clusterSelectors', 'clusterSelector', 'downsync', 'matchLabels', 'matchExpressions', 'resources', 'namespaces',
  'objectNames', 'objectSelectors', 'namespaceSelectors', 'apiGroup', 'apiVersion', 'kind', 'operator', 'values', 'key',
  'createOnly', 'wantSingletonReportedState', 'wantMultiWECReportedState', 'statusCollectors', 'In', 'NotIn', 'Exists',
  'DoesNotExist', 'in', 'notin', 'deployments', 'Deployment', 'apps/v1', 'apps', 'v1', 'core', '*', '""', 'true', 'false',
  'null', '1', '-1', 'x'.repeat(70), 'a_b/c', 'example.com/x', 'BindingPolicy', 'Binding', 'spec', 'metadata', 'name',
  'labels', 'namespace', 'location-group', 'edge', 'storefront',
] as const;

/** Tokens that change YAML's structure when typed at the wrong place. */
const TOKENS = [
  ':', ': ', '-', '- ', '[', ']', '{', '}', ',', '&a ', '*a', '!!str ', '!!map ', '---\n', '...\n', '"', "'", '#', '# note\n',
  '\t', ' ', '  ', '\n', '|', '>-', '? ', '<<: *a\n', '%YAML 1.2\n', '\u0000', '\u{1F600}', '~', '[]', '{}', '\r\n', '\uFEFF',
  'key: [a, b]\n', '- {}\n',
] as const;

type Mutation =
  | { readonly kind: 'delete-line'; readonly at: number }
  | { readonly kind: 'duplicate-line'; readonly at: number }
  | { readonly kind: 'swap-lines'; readonly at: number; readonly other: number }
  | { readonly kind: 'indent'; readonly at: number; readonly by: number }
  | { readonly kind: 'insert'; readonly at: number; readonly token: string }
  | { readonly kind: 'replace-word'; readonly at: number; readonly word: string }
  | { readonly kind: 'truncate'; readonly at: number };

const position = fc.nat({ max: 100_000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete-line' as const), at: position }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: position }),
  fc.record({ kind: fc.constant('swap-lines' as const), at: position, other: position }),
  fc.record({ kind: fc.constant('indent' as const), at: position, by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, token: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 })) }),
  fc.record({ kind: fc.constant('replace-word' as const), at: position, word: fc.constantFrom(...WORDS) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
);

const WORD_CHAR = /[A-Za-z0-9_./*"-]/;

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const line = m.at % lines.length;
  switch (m.kind) {
    case 'delete-line':
      return lines.filter((_, i) => i !== line).join('\n');
    case 'duplicate-line':
      return [...lines.slice(0, line + 1), lines[line], ...lines.slice(line + 1)].join('\n');
    case 'swap-lines': {
      const other = m.other % lines.length;
      const swapped = [...lines];
      [swapped[line], swapped[other]] = [swapped[other], swapped[line]];
      return swapped.join('\n');
    }
    case 'indent': {
      const changed = [...lines];
      changed[line] = m.by >= 0 ? ' '.repeat(m.by) + changed[line] : changed[line].replace(new RegExp(`^ {0,${-m.by}}`), '');
      return changed.join('\n');
    }
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.token + text.slice(at);
    }
    case 'replace-word': {
      let start = m.at % (text.length + 1);
      let end = start;
      while (start > 0 && WORD_CHAR.test(text[start - 1])) start--;
      while (end < text.length && WORD_CHAR.test(text[end])) end++;
      return text.slice(0, start) + m.word + text.slice(end);
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
  }
}

/** Random YAML values built from the vocabulary, nested a few levels. */
const { node: randomValue } = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<unknown>(...WORDS),
    fc.integer({ min: -2, max: 3 }),
    fc.boolean(),
    fc.constant(null),
    fc.string({ maxLength: 5 }),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...WORDS), tie('node'), { maxKeys: 4 }),
  ),
}));

/** A BindingPolicy with a random spec, written in block or flow style. */
const randomPolicy = fc
  .record({ name: fc.constantFrom('web', 'p-1', 'Bad_Name', ''), spec: fc.dictionary(fc.constantFrom(...WORDS), randomValue, { maxKeys: 5 }), flow: fc.boolean() })
  .map(({ name, spec, flow }) =>
    stringify({ apiVersion: 'control.kubestellar.io/v1alpha1', kind: 'BindingPolicy', metadata: { name }, spec }, { collectionStyle: flow ? 'flow' : 'block' }),
  );

/** An example policy (or a random one, or two joined), then up to five mutations. */
const policyText = fc
  .record({
    base: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CORPUS) }, { weight: 1, arbitrary: randomPolicy }),
    second: fc.option(fc.constantFrom(...CORPUS), { freq: 4 }),
    mutations: fc.array(mutation, { maxLength: 5 }),
  })
  .map(({ base, second, mutations }) => mutations.reduce(mutate, second === null ? base : `${base}---\n${second}`));

// ---------------------------------------------------------------------------------------------
// Helpers

/** Runs one feature call, failing with the input when it throws or takes too long. */
function call<T>(what: string, text: string, run: () => T, limitMs = CALL_LIMIT_MS): T {
  report({ kind: 'call', what, input: text === lastReported ? undefined : text });
  lastReported = text;
  const started = performance.now();
  let result: T;
  try {
    result = run();
  } catch (error) {
    throw new Error(`${what} threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\non input ${JSON.stringify(text)}`);
  }
  const elapsed = performance.now() - started;
  if (elapsed > limitMs) throw new Error(`${what} took ${elapsed.toFixed(0)} ms (limit ${limitMs} ms) on input ${JSON.stringify(text.length > 2000 ? `${text.slice(0, 2000)}...` : text)}`);
  return result;
}

/** What the worker tells the test's thread before each call. */
interface Progress {
  readonly kind: 'call';
  readonly what: string;
  /** The input, when it differs from the previous call's. */
  readonly input?: string;
}
type WorkerMessage = Progress | { readonly kind: 'done' } | { readonly kind: 'failed'; readonly message: string };

let lastReported: string | undefined;
function report(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

let uriCounter = 0;
/** Every check parses under a URI of its own, so no cached version of another input is reused. */
function freshUri(): string {
  return `file:///fuzz/${++uriCounter}.yaml`;
}

/** YAML errors of a text; with `uniqueKeys`, a repeated key counts as one. */
function syntaxErrorCount(text: string, uniqueKeys = true): number {
  return Array.from(parseAllDocuments(text, { uniqueKeys }) as Iterable<{ errors: unknown[] }>).reduce((sum, doc) => sum + doc.errors.length, 0);
}

/** Where an offset of the text before the edits is after them; offsets inside a replaced span go to its start. */
function mapOffset(offset: number, edits: readonly OffsetEdit[]): number {
  let shift = 0;
  for (const edit of [...edits].sort((a, b) => a.range.start - b.range.start)) {
    if (edit.range.end <= offset) shift += edit.newText.length - (edit.range.end - edit.range.start);
    else if (edit.range.start < offset) return edit.range.start + shift;
  }
  return offset + shift;
}

/** Comment lines (`# ...` alone on a line) that no edit touches, with their counts. */
function untouchedCommentLines(text: string, edits: readonly OffsetEdit[]): Map<string, number> {
  const counts = new Map<string, number>();
  let start = 0;
  for (const line of text.split('\n')) {
    const end = start + line.length;
    const touched = edits.some((edit) => start < edit.range.end && edit.range.start < end);
    if (/^\s*#/.test(line) && !touched) counts.set(line, (counts.get(line) ?? 0) + 1);
    start = end + 1;
  }
  return counts;
}

function assertCommentsKept(before: string, after: string, edits: readonly OffsetEdit[], what: string): void {
  const remaining = new Map<string, number>();
  for (const line of after.split('\n')) remaining.set(line, (remaining.get(line) ?? 0) + 1);
  for (const [line, count] of untouchedCommentLines(before, edits)) {
    assert.ok((remaining.get(line) ?? 0) >= count, `${what} lost the comment line ${JSON.stringify(line)}\nbefore: ${JSON.stringify(before)}\nafter: ${JSON.stringify(after)}`);
  }
}

function codeCount(diagnostics: readonly CoreDiagnostic[], code: string): number {
  return diagnostics.filter((d) => d.code === code).length;
}

function codeCountAt(diagnostics: readonly CoreDiagnostic[], code: string, range: OffsetRange): number {
  return diagnostics.filter((d) => d.code === code && d.range.start <= range.end && range.start <= d.range.end).length;
}

/** Each document of a text as plain data, with repeated keys resolved as YAML readers do (the last wins). */
function documentValues(text: string): unknown[] | undefined {
  try {
    return Array.from(parseAllDocuments(text, { uniqueKeys: false }) as Iterable<{ toJS(options: object): unknown }>).map((doc) => doc.toJS({ maxAliasCount: 200 }));
  } catch {
    // An alias bomb: nothing to compare.
    return undefined;
  }
}

/** The index of the YAML document holding a file offset. */
function documentIndexAt(file: ParsedFile, offset: number): number {
  return documentAt(file, offset)?.index ?? -1;
}

// ---------------------------------------------------------------------------------------------
// Properties

/**
 * Inputs that once broke a property, checked on every run before the random ones, each with the
 * offsets completion and hover are asked at.
 */
const DUPLICATE_KEY = RULES.duplicateKey.code;
const POLICY_HEAD = 'apiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\nmetadata:\n  name: p\n';

const REGRESSIONS: [string, number[]][] = [
  // Completion at offset 0 above a policy that starts after an empty line looped forever.
  ['\napiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\n', [0, 0, 0]],
];

/** Inputs whose quick fixes once failed to round-trip. */
const FIX_REGRESSIONS: [string][] = [
  // Removing a repeated `matchLabels` with a block value also removed the line after it.
  [`${POLICY_HEAD}spec:\n  clusterSelectors:\n  - matchLabels:\n      a: b\n    matchLabels:\n      a: b\n    matchExpressions: []\n`],
  // "Make it a list" was offered where the list holds selectors: `[edge]` is as wrong as `edge`.
  [`${POLICY_HEAD}spec:\n  clusterSelectors: edge\n`],
  // Of `spec:` (null), `spec:` with content and `spec:` (null), the last was removed as equal to
  // the first, which made the middle one the value that counts.
  [`${POLICY_HEAD}spec:\nspec:\n  clusterSelectors: [{}]\nspec:\n`],
];

const CHECKS: Record<string, () => void> = {};

CHECKS['no feature throws or takes over a second on random and mutated policies'] = () => {
  fc.assert(
    fc.property(policyText, fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), (text, picks) => {
      const file = call('parse', text, () => service.parse(freshUri(), 1, text));
      const offsets = [0, text.length, ...picks.map((pick) => pick % (text.length + 1))];
      call('validate', text, () => service.validate(file));
      call('quickFixes', text, () => service.quickFixes(file, { start: 0, end: text.length }));
      call('fixAll', text, () => service.fixAll(file));
      for (const offset of offsets) {
        call(`complete at ${offset}`, text, () => service.complete(file, offset));
        call(`hover at ${offset}`, text, () => service.hover(file, offset));
      }
      call('inlayHints', text, () => service.inlayHints(file, { start: 0, end: text.length }));
      call('documentSymbols', text, () => service.documentSymbols(file));
      call('foldingRanges', text, () => service.foldingRanges(file));
      call('explain', text, () => service.explain(file));
    }),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true, examples: REGRESSIONS },
  );
};

CHECKS['every quick fix round-trips: valid YAML, comments kept, its diagnostic gone'] = () => {
  let fixesChecked = 0;
  fc.assert(
    fc.property(policyText, (text) => {
      const file = call('parse', text, () => service.parse(freshUri(), 1, text));
      const diagnostics = call('validate', text, () => service.validate(file));
      const syntaxErrors = syntaxErrorCount(text);
      for (const fix of call('quickFixes', text, () => service.quickFixes(file, { start: 0, end: text.length }))) {
        fixesChecked++;
        const fixed = applyEdits(text, fix.edits);
        const what = `the fix "${fix.title}" for ${fix.diagnostic.code} "${fix.diagnostic.message}"`;
        const context = `\nbefore: ${JSON.stringify(text)}\nafter: ${JSON.stringify(fixed)}`;
        assert.ok(syntaxErrorCount(fixed) <= syntaxErrors, `${what} added a YAML syntax error${context}`);
        assertCommentsKept(text, fixed, fix.edits, what);
        if (fix.diagnostic.code === DUPLICATE_KEY && syntaxErrorCount(text, false) === 0) {
          // Removing a repeated entry whose value equals the kept one must not change the document's meaning.
          assert.deepEqual(documentValues(fixed), documentValues(text), `${what} changed the document's content${context}`);
        }
        // Where a key is repeated, a finding on that key describes one of the entries and its fix
        // repairs that one; the other stays and may carry the same finding. Removal is checked
        // where no key of the document is repeated.
        const place = documentIndexAt(file, fix.diagnostic.range.start);
        if (fix.diagnostic.code !== DUPLICATE_KEY && diagnostics.some((d) => d.code === DUPLICATE_KEY && documentIndexAt(file, d.range.start) === place)) continue;
        const after = call(`validate after "${fix.title}"`, fixed, () => service.validate(service.parse(freshUri(), 1, fixed)));
        // Its diagnostic is gone: fewer of its code where it was (a fix may uncover another one
        // elsewhere, e.g. the parent of a removed entry is now empty), or fewer in the file (the
        // next of three repeated entries may move into the fixed one's place).
        const code = fix.diagnostic.code;
        const movedTo = { start: mapOffset(fix.diagnostic.range.start, fix.edits), end: mapOffset(fix.diagnostic.range.end, fix.edits) };
        const fewerInFile = codeCount(after, code) < codeCount(diagnostics, code);
        const fewerThere = codeCountAt(after, code, movedTo) < codeCountAt(diagnostics, code, fix.diagnostic.range);
        assert.ok(fewerInFile || fewerThere, `${what} did not remove its diagnostic (${codeCount(diagnostics, code)} in the file before, ${codeCount(after, code)} after)${context}`);
      }
    }),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true, examples: FIX_REGRESSIONS },
  );
  // The corpus is full of fixable mistakes; a run that checked none would prove nothing.
  assert.ok(fixesChecked > RUNS / 10, `only ${fixesChecked} quick fixes were checked`);
};

CHECKS['fix all leaves valid YAML and keeps the comments it does not touch'] = () => {
  fc.assert(
    fc.property(policyText, (text) => {
      const file = call('parse', text, () => service.parse(freshUri(), 1, text));
      const edits = call('fixAll', text, () => service.fixAll(file));
      if (edits.length === 0) return;
      const fixed = applyEdits(text, edits);
      assert.ok(syntaxErrorCount(fixed) <= syntaxErrorCount(text), `fix all added a YAML syntax error\nbefore: ${JSON.stringify(text)}\nafter: ${JSON.stringify(fixed)}`);
      assertCommentsKept(text, fixed, edits, 'fix all');
    }),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
  );
};

CHECKS['reopening with the same version and other text gives that text’s diagnostics'] = () => {
  fc.assert(
    fc.property(policyText, policyText, (first, second) => {
      const uri = freshUri();
      call('validate', first, () => service.validate(service.parse(uri, 7, first)));
      const reopened = call('validate reopened', second, () => service.validate(service.parse(uri, 7, second)));
      const fresh = service.validate(service.parse(freshUri(), 7, second));
      assert.deepEqual(reopened, fresh);
    }),
    { seed: SEED, numRuns: Math.ceil(RUNS / 2), includeErrorInReport: true },
  );
};

// ---------------------------------------------------------------------------------------------
// Pathological inputs: bounded time and memory

const HEAD = 'apiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\nmetadata:\n  name: bomb\n';

function billionLaughs(levels: number, width: number, flow: boolean): string {
  const lines = [`a0: &a0 ${flow ? '[x, x]' : 'x'}`];
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array(width).fill(`*a${i - 1}`).join(', ')}]`);
  return `${HEAD}spec:\n  clusterSelectors:\n  - matchLabels: {a: b}\n  downsync:\n  - resources: *a${levels - 1}\n  extra:\n${lines.map((line) => `    ${line}`).join('\n')}\n`;
}

const PATHOLOGICAL: Record<string, () => string> = {
  'billion laughs (10 levels of 10)': () => billionLaughs(10, 10, false),
  'alias bomb in flow lists (20 levels of 2)': () => billionLaughs(20, 2, true),
  'alias bomb through selectors': () =>
    `${HEAD}spec:\n  clusterSelectors: &s\n${Array.from({ length: 12 }, (_, i) => `  - &s${i} {matchLabels: {a: b}, matchExpressions: [${i === 0 ? '' : `*s${i - 1}, *s${i - 1}`}]}`).join('\n')}\n  downsync: [*s, *s, *s]\n`,
  'flow collections nested 2,000 deep': () => `${HEAD}spec:\n  clusterSelectors: ${'['.repeat(2000)}${']'.repeat(2000)}\n`,
  'block lists nested 500 deep': () => `${HEAD}spec:\n  clusterSelectors:\n${Array.from({ length: 500 }, (_, i) => `${' '.repeat(2 + 2 * i)}- `).join('\n')}x\n`,
  'a 10 MB policy': () => `${HEAD}spec:\n  clusterSelectors: [{}]\n  downsync:\n  - namespaces:\n${'    - ns-0123456789abcdef\n'.repeat(440_000)}`,
  'a 10 MB file of many documents': () => {
    const parts: string[] = [];
    for (let i = 0, size = 0; size < 10 * 1024 * 1024; i++) {
      const part = i % 50 === 0 ? CORPUS[i % CORPUS.length] : `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  blob: "${'y'.repeat(4000)}"\n`;
      parts.push(part);
      size += part.length + 4;
    }
    return parts.join('\n---\n');
  },
};

for (const [name, build] of Object.entries(PATHOLOGICAL)) {
  CHECKS[`bounded time and memory: ${name}`] = () => {
    const text = build();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const measure = <T>(what: string, run: () => T, limitMs = CALL_LIMIT_MS): T => {
      const result = call(what, text, run, limitMs);
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      return result;
    };
    // Reading a large file once is allowed more time than a request on it.
    const file = measure('parse', () => service.parse(freshUri(), 1, text), 10_000);
    measure('validate', () => service.validate(file), 10_000);
    measure('quickFixes', () => service.quickFixes(file, { start: 0, end: text.length }));
    measure('fixAll', () => service.fixAll(file));
    for (const offset of [0, Math.floor(text.length / 2), text.length - 3]) {
      measure(`complete at ${offset}`, () => service.complete(file, offset));
      measure(`hover at ${offset}`, () => service.hover(file, offset));
    }
    measure('inlayHints', () => service.inlayHints(file, { start: 0, end: text.length }));
    measure('documentSymbols', () => service.documentSymbols(file));
    measure('foldingRanges', () => service.foldingRanges(file));
    measure('explain', () => service.explain(file));
    const growthMb = (heapPeak - heapBefore) / (1024 * 1024);
    assert.ok(growthMb < 500, `the heap grew by ${growthMb.toFixed(0)} MB`);
  };
}

// ---------------------------------------------------------------------------------------------
// Running the checks

/** Runs one check in a worker and fails with the input of a call that never returns. */
function runInWorker(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // The heap limit turns a memory bomb into a failure instead of a machine out of memory.
    const worker = new Worker(__filename, { workerData: { check: name }, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
    let input = '';
    let what = 'start-up';
    let since = performance.now();
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      void worker.terminate();
      if (error) reject(error);
      else resolve();
    };
    const watchdog = setInterval(() => {
      if (performance.now() - since > HANG_MS) {
        finish(new Error(`${what} did not return within ${HANG_MS / 1000} s (an endless loop?) on input ${JSON.stringify(input)}`));
      }
    }, 250);
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'call') {
        what = message.what;
        if (message.input !== undefined) input = message.input;
        since = performance.now();
      } else if (message.kind === 'done') {
        finish();
      } else {
        finish(new Error(message.message));
      }
    });
    worker.on('error', (error) => finish(error));
    worker.on('exit', (code) => finish(code === 0 ? undefined : new Error(`the worker exited with code ${code} during ${what} on input ${JSON.stringify(input)}`)));
  });
}

if (isMainThread) {
  console.log(`fuzz: seed ${SEED}, ${RUNS} runs per property (override with FUZZ_SEED / FUZZ_RUNS)`);
  for (const name of Object.keys(CHECKS)) test(name, () => runInWorker(name));
} else {
  const { check } = workerData as { check: string };
  setUp()
    .then(() => CHECKS[check]())
    .then(
      () => report({ kind: 'done' }),
      (error: unknown) => report({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
}
