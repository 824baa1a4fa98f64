/**
 * Turns the measurements into one table (printed, and written to bench/RESULTS.md): ours against
 * the zero-delay peer and the shipped peer, each target of the issue marked met or missed.
 */
import type { PolicyFile } from './corpus';
import type { Floors } from './floors';
import type { ScaleMeasurement } from './scale';
import type { SizeMeasurement } from './scenario';
import { SERVER_NODE_FLAGS } from '../../server/src/protocol';
import { median, p90 } from './stats';

export interface BenchResults {
  readonly date: string;
  readonly machine: { readonly cores: number; readonly cpu: string; readonly memoryGiB: number; readonly node: string; readonly os: string; readonly load: string };
  readonly peerVersion: string;
  /** Labels of the three variants: ours, zero-delay peer, shipped peer. */
  readonly variants: readonly [string, string, string];
  readonly files: ReadonlyMap<number, PolicyFile>;
  /** By variant label, then by target size. */
  readonly sizes: ReadonlyMap<string, ReadonlyMap<number, SizeMeasurement>>;
  readonly startupMs: ReadonlyMap<string, number[]>;
  readonly scale?: ScaleMeasurement;
  /** Why the scale measurement is missing, when it failed. */
  readonly scaleError?: string;
  readonly matcherBench?: string;
  readonly floors?: Floors;
  /** A server that does nothing, measured in turn with the others: the floor of every latency. */
  readonly transportFloor?: ReadonlyMap<number, SizeMeasurement>;
  /** A server that only parses each changed YAML document (servers.ts): the floor of a server that parses before it answers. */
  readonly parseFloor?: ReadonlyMap<number, SizeMeasurement>;
  readonly peerPatch: string;
  readonly repetitions: string;
}

interface Row {
  readonly measurement: string;
  readonly file: string;
  readonly values: readonly (readonly number[] | number)[];
  readonly unit: 'ms' | 'MB';
  /** Absolute bound on ours' median, besides the ratio target. */
  readonly absoluteMs?: number;
  /** Ratio target ours / zero-delay peer; absent where the issue sets none. */
  readonly ratio?: number;
}

const LATENCIES: readonly [keyof SizeMeasurement, string][] = [
  ['openMs', 'open → first diagnostics'],
  ['editMs', 'one-character edit → diagnostics'],
  ['hoverIdleMs', 'hover, idle document'],
  ['completionIdleMs', 'completion, idle document'],
  ['hoverAfterEditMs', 'hover right after an edit'],
  ['completionAfterEditMs', 'completion right after an edit'],
];

function rows(results: BenchResults): Row[] {
  const out: Row[] = [];
  const sizes = [...results.files.keys()];
  for (const [field, label] of LATENCIES) {
    for (const size of sizes) {
      const values = results.variants.map((variant) => results.sizes.get(variant)!.get(size)![field] as number[]);
      out.push({ measurement: label, file: fileLabel(results.files.get(size)!), values, unit: 'ms', ratio: 0.5, absoluteMs: field === 'editMs' && size >= 20_000 ? 100 : undefined });
    }
  }
  for (const size of sizes) {
    const values = results.variants.map((variant) => results.sizes.get(variant)!.get(size)!.peakRssBytes / (1024 * 1024));
    out.push({ measurement: 'peak RSS of the process tree', file: fileLabel(results.files.get(size)!), values, unit: 'MB', ratio: 0.5 });
  }
  out.push({ measurement: 'startup (spawn → initialize response)', file: '-', values: results.variants.map((variant) => results.startupMs.get(variant)!), unit: 'ms', absoluteMs: 150 });
  return out;
}

function fileLabel(file: PolicyFile): string {
  return `${file.lines.toLocaleString('en-US')} lines`;
}

function central(value: readonly number[] | number): number {
  return typeof value === 'number' ? value : median(value);
}

function cell(value: readonly number[] | number, unit: string): string {
  if (typeof value === 'number') return `${value.toFixed(0)} ${unit}`;
  return `${format(median(value))} (p90 ${format(p90(value))})`;
}

function format(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function verdict(row: Row): { text: string; met: boolean } {
  const ours = central(row.values[0]);
  const parts: string[] = [];
  let met = true;
  if (row.ratio !== undefined) {
    const ok = ours <= row.ratio * central(row.values[1]);
    met &&= ok;
    parts.push(`≤ ${row.ratio}× peer 0 ms: ${ok ? 'met' : '**missed**'}`);
  }
  if (row.absoluteMs !== undefined) {
    const ok = ours <= row.absoluteMs;
    met &&= ok;
    parts.push(`≤ ${row.absoluteMs} ms: ${ok ? 'met' : '**missed**'}`);
  }
  return { text: parts.join('; '), met };
}

export function resultsTable(results: BenchResults): { markdown: string; met: number; total: number; missed: string[] } {
  const [ours, zero, shipped] = results.variants;
  const lines = [
    `| measurement | file | ${ours} | ${zero} | ${shipped} | ours / peer 0 ms | ours / peer shipped | target |`,
    '|---|---|---|---|---|---|---|---|',
  ];
  let met = 0;
  const missed: string[] = [];
  for (const row of rows(results)) {
    const [a, b, c] = row.values.map(central);
    const v = verdict(row);
    if (v.met) met++;
    else missed.push(`${row.measurement}, ${row.file}`);
    lines.push(`| ${row.measurement} | ${row.file} | ${row.values.map((value) => cell(value, row.unit)).join(' | ')} | ${(a / b).toFixed(2)} | ${(a / c).toFixed(2)} | ${v.text} |`);
  }
  return { markdown: lines.join('\n'), met, total: met + missed.length, missed };
}

function sanity(results: BenchResults): string {
  const lines = ['| server | file | diagnostics on the file | hover answered | completion answered |', '|---|---|---|---|---|'];
  for (const variant of results.variants) {
    for (const [size, m] of results.sizes.get(variant)!) {
      lines.push(`| ${variant} | ${fileLabel(results.files.get(size)!)} | ${m.diagnostics} | ${m.hoverAnswered ? 'yes' : 'no'} | ${m.completionAnswered ? 'yes' : 'no'} |`);
    }
  }
  return lines.join('\n');
}

function scaleSection(scale: ScaleMeasurement): string {
  const pair = ([m, p]: readonly [number, number]): string => `${format(m)} ms (p90 ${format(p)})`;
  return [
    `Estate: ${scale.wecs.toLocaleString('en-US')} WECs, ${scale.objects.toLocaleString('en-US')} objects; file: ${scale.policies} policies, ${scale.lines.toLocaleString('en-US')} lines, no mistakes (so every policy is resolved).`,
    '',
    '| step | time |',
    '|---|---|',
    `| match index build (once per inventory generation) | ${format(scale.indexBuildMs)} ms |`,
    `| parse the 500-policy file | ${format(scale.parseMs)} ms |`,
    `| validate it: full resolution of all 500 policies (${scale.diagnostics} diagnostics) | ${format(scale.validateMs)} ms |`,
    `| one-character edit in one policy → parse + validate | ${pair(scale.editValidateMs)} |`,
    ...Object.entries(scale.hoverMs).map(([place, times]) => `| one hover on a ${place} | ${pair(times)} |`),
  ].join('\n');
}

function latencyFloorSection(results: BenchResults, nothing: ReadonlyMap<number, SizeMeasurement>, parseOnly?: ReadonlyMap<number, SizeMeasurement>): string {
  const [ours, peer] = results.variants;
  const lines = [
    'Latencies: two more servers on vscode-languageserver, measured in turn with the others on every file. ' +
      'The first does nothing (it publishes empty diagnostics for every version and answers hover and completion with a constant): what it takes, every server here pays, the transport and waking an idle process. ' +
      "The second only parses: for every version it parses each changed YAML document with our own `parseFile` (as our language service does: with `yaml`, or, after a keystroke inside a plain word, by moving the previous parse), publishes empty diagnostics, and answers with a constant after the parse of the version the request follows; it runs with our server's node flags and warms its parse first. " +
      'No server that parses each changed YAML document that way before it diagnoses or answers can be faster than that one: where it misses a target, so must such a server. ' +
      (results.floors
        ? `Every measured step follows an idle period, and on this machine waking costs: one keystroke's parse and validation of the ${fileLabel(results.files.get(Math.min(...results.files.keys()))!)} file, in-process and warm, takes ${format(results.floors.keystroke.backToBackMs)} ms back to back and ${format(results.floors.keystroke.afterIdleMs)} ms after 50 ms of idleness.`
        : ''),
    '',
    `| measurement | file | a server that does nothing | a server that only parses | ${ours} | target: half the zero-delay peer's | the target is |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const [field, label] of LATENCIES) {
    for (const size of results.files.keys()) {
      const medianOf = (measured: ReadonlyMap<number, SizeMeasurement> | undefined): number | undefined =>
        measured?.get(size) ? median(measured.get(size)![field] as number[]) : undefined;
      const none = medianOf(nothing);
      const parse = medianOf(parseOnly);
      const mine = medianOf(results.sizes.get(ours));
      const target = median(results.sizes.get(peer)!.get(size)![field] as number[]) / 2;
      // A server that does nothing is never slower than one that parses, except by noise: a target
      // counts as below it only when both miss it.
      const verdict =
        mine !== undefined && mine <= target
          ? 'met'
          : parse !== undefined && parse > target
            ? none !== undefined && none > target
              ? '**below a server that does nothing**'
              : '**below a server that only parses**'
            : 'missed, within reach of a server that only parses';
      const cell = (value: number | undefined): string => (value === undefined ? '-' : `${format(value)} ms`);
      lines.push(`| ${label} | ${fileLabel(results.files.get(size)!)} | ${cell(none)} | ${cell(parse)} | ${cell(mine)} | ${format(target)} ms | ${verdict} |`);
    }
  }
  return lines.join('\n');
}

function floorsSection(results: BenchResults, floors: Floors): string {
  const mb = (bytes: number): string => `${format(bytes / (1024 * 1024))} MB`;
  const [ours, peer] = results.variants;
  const sizes = [...results.files.keys()];
  const smallest = Math.min(...sizes);
  const halfPeerRss = results.sizes.get(peer)!.get(smallest)!.peakRssBytes / 2;
  const rssVerdict = halfPeerRss < floors.bareNodeRssBytes
    ? 'below what a bare Node process takes, so no server running on Node can meet that target'
    : halfPeerRss < floors.lspLibraryRssBytes
      ? 'below what Node takes with vscode-languageserver loaded, so no server built on that library (as both are) can meet that target'
      : 'above both floors';
  return [
    `Memory: an idle Node process peaks at ${mb(floors.bareNodeRssBytes)}; with vscode-languageserver loaded, at ${mb(floors.lspLibraryRssBytes)}. ` +
      `The target for the ${fileLabel(results.files.get(smallest)!)} file, half the zero-delay peer's peak, is ${mb(halfPeerRss)}: ${rssVerdict}.`,
    '',
    'Opening a file: both servers parse with the `yaml` package. Below, for each file: the time `yaml` alone takes to parse it, split into documents as our language service does; the time our language service takes to parse and check it (every policy resolved against the example inventory); both warm and in the benchmark process (whose `process.env` is a plain copy, as in our server: see `server/src/environment.ts`), so without the LSP transport and the pauses between measurements. Where the language service alone is near or above the target, no change to the server around it can meet the target: only parsing and checking on more than one thread (bench/README.md says what a worker thread measured) or fewer checks.',
    '',
    `| file | \`yaml\` parse alone | language service: parse + check | ${ours}: open → first diagnostics | target: half the zero-delay peer's | language service / target |`,
    '|---|---|---|---|---|---|',
    ...sizes.map((size) => {
      const parse = floors.yamlParseMs.get(size)!;
      const service = floors.serviceOpenMs.get(size)!;
      const target = median(results.sizes.get(peer)!.get(size)!.openMs) / 2;
      const open = median(results.sizes.get(ours)!.get(size)!.openMs);
      return `| ${fileLabel(results.files.get(size)!)} | ${format(parse)} ms | ${format(service)} ms | ${format(open)} ms | ${format(target)} ms | ${(service / target).toFixed(2)} |`;
    }),
    ...(results.transportFloor ? ['', latencyFloorSection(results, results.transportFloor, results.parseFloor)] : []),
  ].join('\n');
}

export function resultsMarkdown(results: BenchResults): string {
  const table = resultsTable(results);
  const m = results.machine;
  return [
    '# Speed and memory against yaml-language-server',
    '',
    `Written by \`npm run bench\` on ${results.date}. Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; 1-minute load average ${m.load} (other work on the machine makes the numbers noisier). ` +
      `Peer: yaml-language-server ${results.peerVersion}, given our BindingPolicy JSON Schema (\`schemas/bindingpolicy.v1alpha1.schema.json\`) for the benchmark files through \`yaml.schemas\`, with \`yaml.schemaStore.enable: false\`, \`yaml.kubernetesCRDStore.enable: false\`, validation, hover and completion on.`,
    '',
    `Times are medians (p90 in brackets) over ${results.repetitions}. Every latency is measured at the LSP client: from sending the notification or request to receiving the diagnostics or the answer. The files are generated deterministically (bench/lsp/corpus.ts): multi-document BindingPolicy files with comments, block and flow lists, and a mistake in about one policy in eight; edits and requests go to the policy in the middle of the file. Our server runs with the workspace folder holding the example inventory (ManagedClusters, workloads), so its diagnostics and hovers include matching. It is started as the VS Code client starts it (\`node ${SERVER_NODE_FLAGS.join(' ')} dist/server.js\`), and, as in an editor, it warms its keystroke path in idle time after start (\`server/src/warmUp.ts\`); every server is measured once it has reported ready and been quiet for 120 ms. The three servers run side by side and are measured step by step in turn, the order rotating with each repetition (only the one being measured has work to do: after each step the harness waits until it has sent nothing for 120 ms and used no CPU for 50 ms), so that a host whose speed drifts during the run (a shared machine) affects every server alike.`,
    '',
    `**Targets met: ${table.met} of ${table.total}.**${table.missed.length ? ` Missed: ${table.missed.join('; ')}.` : ''}`,
    '',
    table.markdown,
    '',
    ...(results.floors ? ['## Floors: what a server on Node and `yaml` cannot go below', '', floorsSection(results, results.floors), ''] : []),
    '## What each server found (the comparison is void if one finds nothing)',
    '',
    "The peer reports what the JSON Schema can express (a lowercase operator breaks the operator's pattern; an unknown field is refused). Our rules also report what a schema cannot: a kind in `resources`, a version in `apiGroup`, invalid label keys, `In` without values, repeated entries, and what the inventory says.",
    '',
    sanity(results),
    '',
    '## The zero-delay peer',
    '',
    results.peerPatch,
    '',
    ...(results.scale ? ['## The matcher at scale, through the language service', '', scaleSection(results.scale), ''] : []),
    ...(results.scaleError ? ['## The matcher at scale, through the language service', '', `Failed: ${results.scaleError}`, ''] : []),
    ...(results.matcherBench ? ['## The raw matcher (`bench/matcher.bench.ts`, run by `npm run bench`)', '', '```', results.matcherBench.trim(), '```', ''] : []),
  ].join('\n');
}
