/**
 * What no language server built on Node and the `yaml` package can go below, measured in the same
 * run as the servers, so that a missed target can be told apart from a target that no
 * implementation under the project's rules could meet:
 * - the peak RSS of an idle Node process, bare and with vscode-languageserver loaded;
 * - the time the `yaml` package alone takes to parse a benchmark file, split into documents and
 *   parsed the way the language service does it (the peer parses with the same package);
 * - the time our language service takes to parse and check it, in-process and warm;
 * - what waking from idle costs: one keystroke's parse and validation back to back, and after idling.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { PARSE_OPTIONS, splitDocuments } from '../../server/src/core/document';
import { getLanguageService } from '../../server/src/core/languageService';
import type { Inventory } from '../../server/src/core/types';
import { loadWorkspace } from '../../server/src/workspace/loader';
import type { PolicyFile } from './corpus';
import { RssSampler } from './processTree';
import { median } from './stats';
import { REPO_ROOT } from './servers';

export interface Floors {
  /** Median peak RSS in bytes of `node` doing nothing for half a second. */
  readonly bareNodeRssBytes: number;
  /** The same with vscode-languageserver's node entry point loaded (every LSP server here loads it). */
  readonly lspLibraryRssBytes: number;
  /** Median milliseconds, by file size, of parsing the file's documents with `yaml` alone (warm). */
  readonly yamlParseMs: ReadonlyMap<number, number>;
  /**
   * Median milliseconds, by file size, of our language service's parse and validation of the file
   * as a new document, against the example inventory, warm and in-process: an open without the
   * LSP transport and without the pauses between measurements.
   */
  readonly serviceOpenMs: ReadonlyMap<number, number>;
  /**
   * Median milliseconds of one keystroke's parse and validation of the smallest file (one
   * character typed or deleted in its middle policy), in-process and warm: back to back, and each
   * after 50 ms of idleness. The ratio is what waking from idle costs on this machine, in work that
   * every measured step of the servers pays.
   */
  readonly keystroke: { readonly backToBackMs: number; readonly afterIdleMs: number };
}

async function peakRss(script: string): Promise<number> {
  const child = spawn(process.execPath, ['-e', script], { cwd: REPO_ROOT, stdio: 'ignore' });
  const sampler = new RssSampler(child.pid!, 10);
  sampler.start();
  await new Promise((resolve) => setTimeout(resolve, 400));
  const peak = sampler.stop();
  await new Promise((resolve) => {
    child.on('exit', resolve);
    child.kill();
  });
  return peak;
}

/** Median time of `work` after running it for half a second (and at least five times), so that its code is optimised. */
function warmMedian(work: () => void, repetitions: number): number {
  const warmUntil = performance.now() + 500;
  for (let round = 0; round < 5 || performance.now() < warmUntil; round++) work();
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return median(times);
}

function yamlParseMs(file: PolicyFile, repetitions: number): number {
  const starts = splitDocuments(file.text);
  const pieces = starts.map((start, i) => file.text.slice(start, i + 1 < starts.length ? starts[i + 1] : file.text.length));
  return warmMedian(() => {
    for (const piece of pieces) parseAllDocuments(piece, PARSE_OPTIONS);
  }, repetitions);
}

function serviceOpenMs(file: PolicyFile, inventory: Inventory, repetitions: number): number {
  const service = getLanguageService({ getInventory: () => inventory });
  let opened = 0;
  return warmMedian(() => {
    const uri = `file:///floors/open-${opened++}.yaml`;
    service.validate(service.parse(uri, 1, file.text));
    service.close(uri);
  }, repetitions);
}

async function keystrokeMs(file: PolicyFile, inventory: Inventory, repetitions: number): Promise<Floors['keystroke']> {
  const service = getLanguageService({ getInventory: () => inventory });
  const typed = `${file.text.slice(0, file.editOffset)}x${file.text.slice(file.editOffset)}`;
  let version = 0;
  const keystroke = (): void => {
    version++;
    service.validate(service.parse('file:///floors/keystroke.yaml', version, version % 2 ? typed : file.text));
  };
  const backToBackMs = warmMedian(keystroke, repetitions * 4);
  const afterIdle: number[] = [];
  for (let i = 0; i < repetitions * 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    keystroke();
    afterIdle.push(performance.now() - started);
  }
  return { backToBackMs, afterIdleMs: median(afterIdle) };
}

export async function measureFloors(files: ReadonlyMap<number, PolicyFile>, repetitions: number): Promise<Floors> {
  const lspLibrary = JSON.stringify(path.join(REPO_ROOT, 'node_modules', 'vscode-languageserver', 'node'));
  const bare: number[] = [];
  const withLibrary: number[] = [];
  for (let i = 0; i < 3; i++) {
    bare.push(await peakRss('setTimeout(() => {}, 2000)'));
    withLibrary.push(await peakRss(`require(${lspLibrary}); setTimeout(() => {}, 2000)`));
  }
  const yamlParse = new Map<number, number>();
  for (const [size, file] of files) yamlParse.set(size, yamlParseMs(file, repetitions));
  const { inventory } = await loadWorkspace([path.join(REPO_ROOT, 'examples', 'inventory'), path.join(REPO_ROOT, 'examples', 'workloads')]);
  const serviceOpen = new Map<number, number>();
  for (const [size, file] of files) serviceOpen.set(size, serviceOpenMs(file, inventory, repetitions));
  const smallest = files.get(Math.min(...files.keys()))!;
  const keystroke = await keystrokeMs(smallest, inventory, repetitions);
  return { bareNodeRssBytes: median(bare), lspLibraryRssBytes: median(withLibrary), yamlParseMs: yamlParse, serviceOpenMs: serviceOpen, keystroke };
}
