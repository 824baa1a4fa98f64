/**
 * The matcher at scale, through the language service rather than the matcher's own API (the raw
 * matcher is measured by bench/matcher.bench.ts): a 500-policy file validated against an estate of
 * 10,000 WECs and 100,000 objects, where every policy is resolved for its "binds nothing" and drift
 * checks, and hovers that resolve selectors, clauses and whole policies.
 */
import { performance } from 'node:perf_hooks';
import { getLanguageService } from '../../server/src/core/languageService';
import { ESTATE_VOCABULARY, generateEstate, generatePolicyFile } from './corpus';
import { median, p90 } from './stats';

export interface ScaleMeasurement {
  readonly wecs: number;
  readonly objects: number;
  readonly policies: number;
  readonly lines: number;
  readonly indexBuildMs: number;
  readonly parseMs: number;
  /** Validation of every policy of the freshly parsed file, resolution included. */
  readonly validateMs: number;
  readonly diagnostics: number;
  /** Median and p90 of parse + validate after a one-character edit in one policy. */
  readonly editValidateMs: readonly [number, number];
  /** Median and p90 of one hover, per place. */
  readonly hoverMs: Readonly<Record<'policy name' | 'cluster selector' | 'downsync clause', readonly [number, number]>>;
}

function timed<T>(work: () => T): [T, number] {
  const started = performance.now();
  const result = work();
  return [result, performance.now() - started];
}

export function measureScale(repetitions: number): ScaleMeasurement {
  const inventory = generateEstate(10_000, 100_000, 20260830);
  const file = generatePolicyFile({ policies: 500, seed: 500, vocabulary: ESTATE_VOCABULARY, errorRate: 0 });
  const service = getLanguageService({ getInventory: () => inventory });
  const uri = 'file:///bench/scale.yaml';

  const [, indexBuildMs] = timed(() => service.context());
  const [parsed, parseMs] = timed(() => service.parse(uri, 1, file.text));
  const [diagnostics, validateMs] = timed(() => service.validate(parsed));

  const edits: number[] = [];
  let text = file.text;
  for (let version = 2; version < 2 + repetitions; version++) {
    text = version % 2 === 0 ? `${text.slice(0, file.editOffset)}x${text.slice(file.editOffset)}` : `${text.slice(0, file.editOffset)}${text.slice(file.editOffset + 1)}`;
    edits.push(timed(() => service.validate(service.parse(uri, version, text)))[1]);
  }
  // Back to the generated text, so that the offsets below point where they should.
  const current = service.parse(uri, 2 + repetitions, file.text);
  const hoverTimes = (offset: number): readonly [number, number] => {
    const times: number[] = [];
    for (let i = 0; i < repetitions; i++) {
      const [result, ms] = timed(() => service.hover(current, offset));
      if (!result) throw new Error(`no hover at offset ${offset} of the scale file`);
      times.push(ms);
    }
    return [median(times), p90(times)];
  };
  return {
    wecs: inventory.wecs.length,
    objects: inventory.objects.length,
    policies: file.policies,
    lines: file.lines,
    indexBuildMs,
    parseMs,
    validateMs,
    diagnostics: diagnostics.length,
    editValidateMs: [median(edits), p90(edits)],
    hoverMs: {
      'policy name': hoverTimes(file.nameOffset),
      'cluster selector': hoverTimes(file.hoverOffset),
      'downsync clause': hoverTimes(file.clauseOffset),
    },
  };
}
