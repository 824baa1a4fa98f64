/**
 * One server, one file size: the latencies a person feels while editing a policy file, and the
 * server's peak memory while it does so. Every server is driven by the same sequence of messages.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { BenchClient } from './client';
import type { PolicyFile } from './corpus';
import { REPO_ROOT, type ServerVariant } from './servers';

export interface Repetitions {
  readonly open: number;
  readonly edit: number;
  readonly idleRequest: number;
  readonly requestAfterEdit: number;
}

export interface SizeMeasurement {
  readonly openMs: number[];
  readonly editMs: number[];
  readonly hoverIdleMs: number[];
  readonly completionIdleMs: number[];
  readonly hoverAfterEditMs: number[];
  readonly completionAfterEditMs: number[];
  readonly peakRssBytes: number;
  /** Diagnostics of the untouched file: both servers must find something, or the comparison is void. */
  readonly diagnostics: number;
  /** Whether hover and completion answered with content (not null or empty). */
  readonly hoverAnswered: boolean;
  readonly completionAnswered: boolean;
}

/** Time between two server messages after which the server counts as idle between measurements. */
const SETTLE_MS = 120;

/**
 * A workspace folder like a user's: the example inventory (ManagedClusters, workloads, a CRD) and
 * the benchmark file under `policies/`.
 */
export function createWorkspace(scratch: string, name: string, file: PolicyFile): { folder: string; fileUri: string } {
  const folder = path.join(scratch, name);
  mkdirSync(path.join(folder, 'policies'), { recursive: true });
  cpSync(path.join(REPO_ROOT, 'examples', 'inventory'), path.join(folder, 'inventory'), { recursive: true });
  cpSync(path.join(REPO_ROOT, 'examples', 'workloads'), path.join(folder, 'workloads'), { recursive: true });
  const file0 = path.join(folder, 'policies', 'bench.yaml');
  writeFileSync(file0, file.text);
  return { folder, fileUri: pathToFileURL(file0).toString() };
}

function hasContent(result: unknown): boolean {
  if (result === null || result === undefined) return false;
  if (Array.isArray(result)) return result.length > 0;
  if (typeof result === 'object' && 'items' in result) return (result as { items: unknown[] }).items.length > 0;
  if (typeof result === 'object' && 'contents' in result) {
    const contents = (result as { contents: unknown }).contents;
    return typeof contents === 'string' ? contents !== '' : typeof contents === 'object' && contents !== null && JSON.stringify(contents).length > 20;
  }
  return true;
}

export async function measureSize(variant: ServerVariant, workspace: { folder: string; fileUri: string }, file: PolicyFile, reps: Repetitions): Promise<SizeMeasurement> {
  const client = await BenchClient.start(variant.command, workspace.folder, pathToFileURL(workspace.folder).toString());
  try {
    await variant.ready(client);
    await client.quiet(SETTLE_MS);
    const versionOf = (version: number): number | undefined => (variant.versionedDiagnostics ? version : undefined);

    // Open -> first diagnostics, each time as a document the server has never seen.
    const openMs: number[] = [];
    for (let i = 0; i < reps.open; i++) {
      const uri = workspace.fileUri.replace(/bench\.yaml$/, `bench-open-${i}.yaml`);
      const after = client.publishedCount();
      const started = performance.now();
      await client.open(uri, file.text);
      const published = await client.nextDiagnostics(uri, after, versionOf(1));
      openMs.push(published.at - started);
      await client.quiet(SETTLE_MS);
      await client.close(uri);
      await client.quiet(SETTLE_MS);
    }

    const uri = workspace.fileUri;
    let after = client.publishedCount();
    await client.open(uri, file.text);
    const first = await client.nextDiagnostics(uri, after, versionOf(1));
    await client.quiet(SETTLE_MS);

    const hoverAt = client.position(uri, file.hoverOffset);
    const completeAt = client.position(uri, file.completionOffset);
    const hoverIdleMs: number[] = [];
    const completionIdleMs: number[] = [];
    let hoverAnswered = false;
    let completionAnswered = false;
    for (let i = 0; i < reps.idleRequest; i++) {
      let started = performance.now();
      hoverAnswered = hasContent(await client.hover(uri, hoverAt));
      hoverIdleMs.push(performance.now() - started);
      started = performance.now();
      completionAnswered = hasContent(await client.completion(uri, completeAt));
      completionIdleMs.push(performance.now() - started);
    }

    // One character typed and deleted again at the end of the middle policy's name: the text
    // alternates between two versions that are both valid, as in real typing.
    let typed = false;
    const typeOrDelete = (): Promise<number> => {
      typed = !typed;
      return typed ? client.edit(uri, file.editOffset, file.editOffset, 'x') : client.edit(uri, file.editOffset, file.editOffset + 1, '');
    };

    const editMs: number[] = [];
    for (let i = 0; i < reps.edit; i++) {
      after = client.publishedCount();
      const started = performance.now();
      const version = await typeOrDelete();
      const published = await client.nextDiagnostics(uri, after, versionOf(version));
      editMs.push(published.at - started);
      await client.quiet(SETTLE_MS);
    }

    const afterEdit = async (request: () => Promise<unknown>, into: number[]): Promise<void> => {
      for (let i = 0; i < reps.requestAfterEdit; i++) {
        after = client.publishedCount();
        const version = await typeOrDelete();
        const started = performance.now();
        await request();
        into.push(performance.now() - started);
        await client.nextDiagnostics(uri, after, versionOf(version));
        await client.quiet(SETTLE_MS);
      }
    };
    const hoverAfterEditMs: number[] = [];
    const completionAfterEditMs: number[] = [];
    await afterEdit(() => client.hover(uri, hoverAt), hoverAfterEditMs);
    await afterEdit(() => client.completion(uri, completeAt), completionAfterEditMs);

    const peakRssBytes = await client.dispose();
    return { openMs, editMs, hoverIdleMs, completionIdleMs, hoverAfterEditMs, completionAfterEditMs, peakRssBytes, diagnostics: first.count, hoverAnswered, completionAnswered };
  } catch (error) {
    await client.dispose();
    throw error;
  }
}

/** Spawn -> `initialize` response, each time in a new process. */
export async function measureStartup(variant: ServerVariant, workspace: { folder: string }, repetitions: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const client = await BenchClient.start(variant.command, workspace.folder, pathToFileURL(workspace.folder).toString());
    times.push(client.startupMs);
    await variant.ready(client);
    await client.dispose();
  }
  return times;
}
