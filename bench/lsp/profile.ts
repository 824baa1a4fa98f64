/**
 * Where our server spends its time: runs it with `--cpu-prof` through one benchmark scenario and
 * prints the functions with the most self time and the most inclusive time, mapped back to the
 * TypeScript sources through the bundles' source maps (`dist/server.js` and `dist/language.js`).
 *
 *   node out/bench/lsp/profile.js [lines=20000] [edits=20] [outside] [--opens=N] [--top=N] [--only=TEXT]
 *
 * The scenario: open the file in a workspace with the example inventory, then type and delete one
 * character in the middle policy `edits` times, waiting for the diagnostics each time. With
 * `outside`, the file lies outside the workspace folder, so it is not part of the workspace
 * inventory and editing it does not change the inventory. With `--opens=N`, the file is first
 * opened and closed N times more, each time as a new document, as the benchmark's open step does.
 * Samples taken inside the idle-time warm-up (warmUp.ts) are left out: it runs when nothing else
 * does, so its time is never on a measured path. `--top` sets how many functions each list shows
 * (default 25 and 40); `--only` keeps the functions whose name contains TEXT (e.g. `core/`).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { BenchClient } from './client';
import { generatePolicyFile } from './corpus';
import { createWorkspace } from './scenario';
import { median } from './stats';
import { ourServer, REPO_ROOT } from './servers';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self and inclusive milliseconds per function, the bundles' positions mapped to source files. */
export function summarise(
  profile: CpuProfile,
  bundles: readonly string[],
  leaveOut: (frame: string) => boolean = () => false,
): { self: Map<string, number>; inclusive: Map<string, number>; totalMs: number; leftOutMs: number } {
  const maps = new Map(bundles.map((bundle) => [path.basename(bundle), new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')))]));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const nameCache = new Map<number, string>();
  const name = (node: ProfileNode): string => {
    let cached = nameCache.get(node.id);
    if (cached !== undefined) return cached;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const fn = functionName || '(anonymous)';
    const map = url ? maps.get(path.basename(url)) : undefined;
    if (map) {
      const entry = map.findEntry(lineNumber, columnNumber) as { originalSource?: string; originalLine?: number };
      const source = entry.originalSource ? path.relative(REPO_ROOT, entry.originalSource.replace(/^file:\/\//, '')).replace(/^(\.\.\/)+/, '') : 'bundle';
      cached = `${source}:${fn}${entry.originalLine !== undefined ? `:${entry.originalLine + 1}` : ''}`;
    } else {
      cached = url ? `${path.basename(url)}:${fn}` : fn;
    }
    nameCache.set(node.id, cached);
    return cached;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalMs = 0;
  let leftOutMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') return;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (leaveOut(name(byId.get(at)!))) {
        leftOutMs += ms;
        return;
      }
    }
    totalMs += ms;
    self.set(name(node), (self.get(name(node)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = name(byId.get(at)!);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  });
  return { self, inclusive, totalMs, leftOutMs };
}

function top(map: Map<string, number>, totalMs: number, count: number, only = ''): string {
  return [...map.entries()]
    .filter(([key]) => key.includes(only))
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, ms]) => `${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${key}`)
    .join('\n');
}

async function main(): Promise<void> {
  const lines = Number(process.argv[2] ?? 20_000);
  const edits = Number(process.argv[3] ?? 20);
  const outside = process.argv.includes('outside');
  const option = (name: string): string | undefined => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const topCount = option('top') === undefined ? undefined : Number(option('top'));
  const only = option('only') ?? '';
  const opens = Number(option('opens') ?? 0);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ks-profile-'));
  try {
    const profiles = path.join(scratch, 'profiles');
    const file = generatePolicyFile({ lines, seed: lines });
    const workspace = createWorkspace(scratch, 'workspace', file);
    const fileUri = outside ? pathToFileURL(path.join(scratch, 'bench.yaml')).toString() : workspace.fileUri;
    const variant = ourServer(['--cpu-prof', `--cpu-prof-dir=${profiles}`]);
    const client = await BenchClient.start(variant.command, workspace.folder, pathToFileURL(workspace.folder).toString());
    await variant.ready(client);
    await client.quiet(200);
    const openMs: number[] = [];
    for (let i = 0; i < opens; i++) {
      const uri = fileUri.replace(/\.yaml$/, `-open-${i}.yaml`);
      const before = client.publishedCount();
      const started = performance.now();
      await client.open(uri, file.text);
      openMs.push((await client.nextDiagnostics(uri, before, 1)).at - started);
      await client.quiet(150);
      await client.close(uri);
      await client.quiet(150);
    }
    let after = client.publishedCount();
    await client.open(fileUri, file.text);
    await client.nextDiagnostics(fileUri, after, 1);
    await client.quiet(200);
    const latencies: number[] = [];
    for (let i = 0; i < edits; i++) {
      after = client.publishedCount();
      const started = performance.now();
      const version = i % 2 === 0 ? await client.edit(fileUri, file.editOffset, file.editOffset, 'x') : await client.edit(fileUri, file.editOffset, file.editOffset + 1, '');
      latencies.push((await client.nextDiagnostics(fileUri, after, version)).at - started);
      await client.quiet(150);
    }
    await client.dispose();
    const written = readdirSync(profiles).filter((name) => name.endsWith('.cpuprofile'));
    if (written.length === 0) throw new Error('the server wrote no CPU profile');
    const profile = JSON.parse(readFileSync(path.join(profiles, written[0]), 'utf8')) as CpuProfile;
    const bundles = ['server.js', 'language.js'].map((bundle) => path.join(REPO_ROOT, 'dist', bundle));
    const { self, inclusive, totalMs, leftOutMs } = summarise(profile, bundles, (frame) => frame.startsWith('server/src/warmUp.ts:'));
    const openSummary = opens > 0 ? `; open -> diagnostics median ${median(openMs).toFixed(1)} ms over ${opens} opens` : '';
    console.log(
      `${lines} lines${outside ? ' (outside the workspace)' : ''}, ${opens} + 1 opens, ${edits} edits: ${totalMs.toFixed(0)} ms of non-idle CPU in the server ` +
        `(${leftOutMs.toFixed(0)} ms more in the warm-up, left out); edit -> diagnostics median ${edits > 0 ? median(latencies).toFixed(1) : '-'} ms${openSummary} (profiler on)\n`,
    );
    console.log(`Self time:\n${top(self, totalMs, topCount ?? 25, only)}\n`);
    console.log(`Inclusive time:\n${top(inclusive, totalMs, topCount ?? 40, only)}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
