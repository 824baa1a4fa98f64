/**
 * `npm run bench`: speed and memory of our language server against yaml-language-server, the
 * matcher at scale through the language service, and the raw matcher benchmark. Prints one table
 * and writes it to bench/RESULTS.md. It measures and reports; it never fails on a missed target.
 *
 * Options: `--quick` (fewer repetitions, for trying the harness), `--sizes=50,2000` (file sizes in
 * lines), `--no-scale` and `--no-matcher` (skip those parts), `--no-write` (print only), `--report=FILE`
 * (write the whole report to FILE instead of bench/RESULTS.md, also with `--quick`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generatePolicyFile, type PolicyFile } from './lsp/corpus';
import { measureFloors } from './lsp/floors';
import { resultsMarkdown, resultsTable, type BenchResults } from './lsp/report';
import { measureScale, type ScaleMeasurement } from './lsp/scale';
import { createWorkspace, measureSize, measureStartup, type Repetitions, type SizeMeasurement } from './lsp/scenario';
import { useEnvironmentCopy } from '../server/src/environment';
import { DELAY_FILE, DELAY_LINE, doNothingServer, ourServer, parseOnlyServer, peerVersion, REPO_ROOT, shippedPeer, ZERO_DELAY_LINE, zeroDelayPeer } from './lsp/servers';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const option = (name: string): string | undefined => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

const quick = flag('quick');
const sizes = (option('sizes') ?? '50,2000,20000').split(',').map(Number);

function repetitions(size: number): Repetitions {
  if (quick) return { open: 2, edit: 3, idleRequest: 3, requestAfterEdit: 2 };
  // Small files are cheap to measure and their millisecond latencies are the noisiest: more samples.
  if (size >= 20_000) return { open: 5, edit: 9, idleRequest: 14, requestAfterEdit: 7 };
  return size >= 1_000 ? { open: 11, edit: 21, idleRequest: 21, requestAfterEdit: 15 } : { open: 15, edit: 25, idleRequest: 28, requestAfterEdit: 21 };
}
const STARTUP_REPETITIONS = quick ? 3 : 9;
const SCALE_REPETITIONS = quick ? 5 : 21;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function main(): Promise<void> {
  // The floors parse with `yaml` in this process: as fast as our server can (see environment.ts).
  useEnvironmentCopy();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ks-bench-'));
  const loadAtStart = os.loadavg()[0];
  try {
    const variants = [ourServer(), zeroDelayPeer(scratch), shippedPeer()] as const;
    const files = new Map<number, PolicyFile>(sizes.map((size) => [size, generatePolicyFile({ lines: size, seed: size })]));
    // Measured in turn with the three, and reported only as floors.
    const floorServer = doNothingServer(scratch);
    const parseFloorServer = parseOnlyServer(scratch);
    const floorServers = [floorServer, parseFloorServer];
    const measured = new Map<string, Map<number, SizeMeasurement>>([...variants, ...floorServers].map((variant) => [variant.name, new Map()]));
    for (const [size, file] of files) {
      const workspace = createWorkspace(scratch, `workspace-${size}`, file);
      log(`${file.lines} lines (${file.policies} policies), the servers in turn...`);
      for (const [name, measurement] of await measureSize([...variants, ...floorServers], workspace, file, repetitions(size))) measured.get(name)!.set(size, measurement);
    }
    log('startup, the servers in turn...');
    const smallest = createWorkspace(scratch, 'workspace-startup', files.get(Math.min(...sizes))!);
    const startupMs = await measureStartup(variants, smallest, STARTUP_REPETITIONS);

    log('floors: idle Node, the LSP library, the yaml parse alone...');
    const floors = await measureFloors(files, quick ? 3 : 7);

    let scale: ScaleMeasurement | undefined;
    let scaleError: string | undefined;
    if (!flag('no-scale')) {
      log('matcher at scale through the language service...');
      try {
        scale = measureScale(SCALE_REPETITIONS);
      } catch (error) {
        // Keep the server measurements of the last minutes; say what failed instead.
        scaleError = error instanceof Error ? error.message : String(error);
        log(`matcher at scale failed: ${scaleError}`);
      }
    }
    let matcherBench: string | undefined;
    if (!flag('no-matcher')) {
      log('bench/matcher.bench.ts...');
      const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'out', 'bench', 'matcher.bench.js')], { encoding: 'utf8' });
      matcherBench = run.status === 0 ? run.stdout : `failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`;
    }

    const results: BenchResults = {
      date: new Date().toISOString().slice(0, 10),
      machine: {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
        node: process.version,
        os: `${os.type()} ${os.release()}`,
        load: `${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end`,
      },
      peerVersion: peerVersion(),
      variants: variants.map((variant) => variant.name) as unknown as [string, string, string],
      files,
      sizes: measured,
      startupMs,
      scale,
      scaleError,
      matcherBench,
      floors,
      transportFloor: measured.get(floorServer.name),
      parseFloor: measured.get(parseFloorServer.name),
      peerPatch:
        `yaml-language-server ${peerVersion()} has no setting for its validation debounce: \`SettingsState\`'s constructor in ` +
        `\`${DELAY_FILE}\` sets \`${DELAY_LINE}\`, and \`ValidationHandler.validate\` waits that long (\`setTimeout\`) before every validation. ` +
        `For "${variants[1].name}" the benchmark copies the package's \`package.json\`, \`bin/\`, \`out/\` and \`l10n/\` into a temporary folder ` +
        `(its dependencies reached through symlinks to the installed ones), and in the copy replaces that one line with \`${ZERO_DELAY_LINE}\`. ` +
        'Nothing else differs, and node_modules is not modified.',
      repetitions: sizes
        .map((size) => {
          const r = repetitions(size);
          return `${files.get(size)!.lines} lines: ${r.open} opens, ${r.edit} edits, ${r.idleRequest} idle hovers and completions, ${r.requestAfterEdit} of each right after an edit`;
        })
        .concat(`${STARTUP_REPETITIONS} start-ups per server`)
        .join('; '),
    };
    const table = resultsTable(results);
    console.log(table.markdown);
    console.log(`\nTargets met: ${table.met} of ${table.total}.${table.missed.length ? ` Missed: ${table.missed.join('; ')}.` : ''}`);
    if (scale) console.log(`\n${JSON.stringify(scale, null, 1)}`);
    if (matcherBench) console.log(`\n${matcherBench}`);
    const reportFile = option('report');
    if (reportFile) {
      writeFileSync(reportFile, resultsMarkdown(results));
      log(`wrote ${reportFile}`);
    } else if (!flag('no-write') && !quick) {
      writeFileSync(path.join(REPO_ROOT, 'bench', 'RESULTS.md'), resultsMarkdown(results));
      log('wrote bench/RESULTS.md');
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
