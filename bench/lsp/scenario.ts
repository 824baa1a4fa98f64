/**
 * One server, one file size: the latencies a person feels while editing a policy file, and the
 * server's peak memory while it does so. Every server is driven by the same sequence of messages.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Position } from 'vscode-languageserver-protocol';
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

/** Idle hovers and completions are sent in bursts of about this many pairs. */
const IDLE_BURST = 7;

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

/**
 * One server's editing session on the benchmark file; each method is one measured step, which
 * returns once the server is quiet again, so that the next step (of this or another server) starts
 * from an idle machine.
 */
class Session {
  private constructor(
    readonly variant: ServerVariant,
    private readonly client: BenchClient,
    private readonly workspace: { folder: string; fileUri: string },
    private readonly file: PolicyFile,
  ) {}

  static async start(variant: ServerVariant, workspace: { folder: string; fileUri: string }, file: PolicyFile): Promise<Session> {
    const client = await BenchClient.start(variant.command, workspace.folder, pathToFileURL(workspace.folder).toString());
    try {
      await variant.ready(client);
      await client.quiet(SETTLE_MS);
    } catch (error) {
      await client.dispose();
      throw error;
    }
    return new Session(variant, client, workspace, file);
  }

  readonly openMs: number[] = [];
  readonly editMs: number[] = [];
  readonly hoverIdleMs: number[] = [];
  readonly completionIdleMs: number[] = [];
  readonly hoverAfterEditMs: number[] = [];
  readonly completionAfterEditMs: number[] = [];
  private diagnostics = 0;
  private hoverAnswered = false;
  private completionAnswered = false;
  private typed = false;
  /** Where hovers and completions go, taken from the text as opened (edits never add a line). */
  private hoverAt: Position = { line: 0, character: 0 };
  private completeAt: Position = { line: 0, character: 0 };

  private versionOf(version: number): number | undefined {
    return this.variant.versionedDiagnostics ? version : undefined;
  }

  /** Open -> first diagnostics, as a document the server has never seen. */
  async open(repetition: number): Promise<void> {
    const { client } = this;
    const uri = this.workspace.fileUri.replace(/bench\.yaml$/, `bench-open-${repetition}.yaml`);
    const after = client.publishedCount();
    const started = performance.now();
    await client.open(uri, this.file.text);
    const published = await client.nextDiagnostics(uri, after, this.versionOf(1));
    this.openMs.push(published.at - started);
    await client.quiet(SETTLE_MS);
    await client.close(uri);
    await client.quiet(SETTLE_MS);
  }

  /** Opens the document the remaining steps work on. */
  async openForEditing(): Promise<void> {
    const { client } = this;
    const uri = this.workspace.fileUri;
    const after = client.publishedCount();
    await client.open(uri, this.file.text);
    this.diagnostics = (await client.nextDiagnostics(uri, after, this.versionOf(1))).count;
    this.hoverAt = client.position(uri, this.file.hoverOffset);
    this.completeAt = client.position(uri, this.file.completionOffset);
    await client.quiet(SETTLE_MS);
  }

  /** `pairs` hovers and completions back to back, as an editor sends them while the pointer moves. */
  async idleRequests(pairs: number): Promise<void> {
    const { client } = this;
    const uri = this.workspace.fileUri;
    for (let i = 0; i < pairs; i++) {
      let started = performance.now();
      this.hoverAnswered = hasContent(await client.hover(uri, this.hoverAt));
      this.hoverIdleMs.push(performance.now() - started);
      started = performance.now();
      this.completionAnswered = hasContent(await client.completion(uri, this.completeAt));
      this.completionIdleMs.push(performance.now() - started);
    }
    await client.quiet(SETTLE_MS);
  }

  /**
   * One character typed and deleted again at the end of the middle policy's name: the text
   * alternates between two versions that are both valid, as in real typing.
   */
  private typeOrDelete(): Promise<number> {
    const { client, file } = this;
    const uri = this.workspace.fileUri;
    this.typed = !this.typed;
    return this.typed ? client.edit(uri, file.editOffset, file.editOffset, 'x') : client.edit(uri, file.editOffset, file.editOffset + 1, '');
  }

  async edit(): Promise<void> {
    const { client } = this;
    const after = client.publishedCount();
    const started = performance.now();
    const version = await this.typeOrDelete();
    const published = await client.nextDiagnostics(this.workspace.fileUri, after, this.versionOf(version));
    this.editMs.push(published.at - started);
    await client.quiet(SETTLE_MS);
  }

  /** A hover or completion sent right behind a keystroke, as an editor sends it. */
  async requestAfterEdit(kind: 'hover' | 'completion'): Promise<void> {
    const { client } = this;
    const uri = this.workspace.fileUri;
    const after = client.publishedCount();
    const version = await this.typeOrDelete();
    const started = performance.now();
    if (kind === 'hover') await client.hover(uri, this.hoverAt);
    else await client.completion(uri, this.completeAt);
    (kind === 'hover' ? this.hoverAfterEditMs : this.completionAfterEditMs).push(performance.now() - started);
    await client.nextDiagnostics(uri, after, this.versionOf(version));
    await client.quiet(SETTLE_MS);
  }

  async finish(): Promise<SizeMeasurement> {
    const peakRssBytes = await this.client.dispose();
    return {
      openMs: this.openMs,
      editMs: this.editMs,
      hoverIdleMs: this.hoverIdleMs,
      completionIdleMs: this.completionIdleMs,
      hoverAfterEditMs: this.hoverAfterEditMs,
      completionAfterEditMs: this.completionAfterEditMs,
      peakRssBytes,
      diagnostics: this.diagnostics,
      hoverAnswered: this.hoverAnswered,
      completionAnswered: this.completionAnswered,
    };
  }

  dispose(): Promise<number> {
    return this.client.dispose();
  }
}

/**
 * Runs `step` `times` times for every session, interleaved: repetition i runs the servers in a
 * rotated order, so that no server is always measured first, and a machine that gets slower or
 * faster during the run (other work on a shared host) affects every server alike.
 */
async function interleaved(sessions: readonly Session[], times: number, step: (session: Session, repetition: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < times; i++) {
    for (let k = 0; k < sessions.length; k++) await step(sessions[(i + k) % sessions.length], i);
  }
}

/**
 * Every server through the same editing session on one file, step by step in turn: all servers run
 * at once, and only the one being measured has anything to do.
 */
export async function measureSize(variants: readonly ServerVariant[], workspace: { folder: string; fileUri: string }, file: PolicyFile, reps: Repetitions): Promise<Map<string, SizeMeasurement>> {
  const sessions: Session[] = [];
  try {
    for (const variant of variants) sessions.push(await Session.start(variant, workspace, file));
    await interleaved(sessions, reps.open, (session, i) => session.open(i));
    await interleaved(sessions, 1, (session) => session.openForEditing());
    // Idle requests come in bursts (back to back within one, as when the pointer moves), the
    // servers taking turns between bursts.
    const bursts = Math.max(1, Math.round(reps.idleRequest / IDLE_BURST));
    await interleaved(sessions, bursts, (session, i) => session.idleRequests(Math.round(((i + 1) * reps.idleRequest) / bursts) - Math.round((i * reps.idleRequest) / bursts)));
    await interleaved(sessions, reps.edit, (session) => session.edit());
    await interleaved(sessions, reps.requestAfterEdit, (session) => session.requestAfterEdit('hover'));
    await interleaved(sessions, reps.requestAfterEdit, (session) => session.requestAfterEdit('completion'));
    const results = new Map<string, SizeMeasurement>();
    for (const session of sessions.splice(0)) results.set(session.variant.name, await session.finish());
    return results;
  } finally {
    for (const session of sessions) await session.dispose();
  }
}

/** Spawn -> `initialize` response, each time in a new process, the servers in turn. */
export async function measureStartup(variants: readonly ServerVariant[], workspace: { folder: string }, repetitions: number): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let i = 0; i < repetitions; i++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(i + k) % variants.length];
      const client = await BenchClient.start(variant.command, workspace.folder, pathToFileURL(workspace.folder).toString());
      times.get(variant.name)!.push(client.startupMs);
      await variant.ready(client);
      await client.dispose();
    }
  }
  return times;
}
