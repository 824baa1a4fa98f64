/**
 * A reflector keeps a reduced copy of one resource type current: it lists (page by page), then
 * watches from the list's resourceVersion with bookmarks, resumes a dropped watch from the last
 * resourceVersion it saw, lists again when the server answers 410 Gone, and retries failures with
 * a capped, jittered backoff. While it fails, the last good items stay in place.
 *
 * client-node's `ListWatch` (what `makeInformer` returns) is not used because it keeps every full
 * object (memory grows with the cluster, not with what we need), never asks for bookmarks or pages,
 * and stops for good after an error; this class builds the same loop on client-node's `Watch`.
 */
import type { ResourceType } from '../core/types';
import { RequestFailure, type ContextApi } from './api';

/** How a reflector reduces and compares the objects it keeps. */
export interface ItemCodec<T> {
  /** Keeps what the inventory needs of a raw object; undefined drops it. */
  reduce(raw: unknown, type: ResourceType): T | undefined;
  /** True when two reductions of the same object are equal (a status-only update changes nothing). */
  same(a: T, b: T): boolean;
}

export type ReflectorMode = 'watch' | 'list-once';

/** Page size of lists, as client-go's reflector uses. */
const PAGE_SIZE = 500;
/** A guard against a server that keeps returning continue tokens. */
const MAX_PAGES = 100_000;
/** Watches ask the server to end them after 5 to 10 minutes (as client-go does), so a silently dead connection is noticed. */
const MIN_WATCH_TIMEOUT_SECONDS = 300;
/** A watch that yields nothing for its whole timeout plus this grace is treated as stalled. */
const WATCH_STALL_GRACE_MS = 30_000;
/** A watch that ends this quickly is retried with backoff, not at once, so a server that closes every watch is not hammered. */
const MIN_HEALTHY_WATCH_MS = 1_000;
const BACKOFF_INITIAL_MS = 250;
const BACKOFF_MAX_MS = 30_000;

/** Exponential backoff, capped, with jitter so that many streams do not retry in lockstep. */
export class Backoff {
  private attempt = 0;

  next(): number {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 20);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  reset(): void {
    this.attempt = 0;
  }
}

function metadataOf(raw: unknown): { name?: string; namespace?: string; resourceVersion?: string } {
  return ((raw as { metadata?: unknown } | null)?.metadata ?? {}) as { name?: string; namespace?: string; resourceVersion?: string };
}

function keyOf(raw: unknown): string | undefined {
  const metadata = metadataOf(raw);
  return metadata.name ? `${metadata.namespace ?? ''}/${metadata.name}` : undefined;
}

type WatchOutcome = 'ended' | 'expired';

export class Reflector<T> {
  private items = new Map<string, T>();
  private itemArray: readonly T[] | undefined;
  private resourceVersion = '';
  /** True until a list succeeds, and again after 410 Gone or `relist()`. */
  private needsList = true;
  private readonly backoff = new Backoff();
  /** Bumped by every start and stop; a loop iteration whose run is no longer current stops quietly. */
  private run = 0;
  private running = false;
  private firstAttempt: Promise<void> = Promise.resolve();
  private finishFirstAttempt: (() => void) | undefined;
  private cancelWait: (() => void) | undefined;
  private cancelWatch: (() => void) | undefined;
  private currentFailure: RequestFailure | undefined;
  private everSynced = false;
  private lastSyncAt: number | undefined;

  constructor(
    private readonly api: () => ContextApi,
    readonly type: ResourceType,
    private readonly codec: ItemCodec<T>,
    private readonly mode: ReflectorMode,
    private readonly onChange: () => void,
    private readonly onStatus: () => void,
  ) {}

  /** The kept items; the array is rebuilt only after a change. */
  values(): readonly T[] {
    this.itemArray ??= [...this.items.values()];
    return this.itemArray;
  }

  get size(): number {
    return this.items.size;
  }

  /** True once a list has completed (the items stay, even while later attempts fail). */
  get synced(): boolean {
    return this.everSynced;
  }

  /** The failure of the latest attempt, cleared by the next success. */
  get failure(): RequestFailure | undefined {
    return this.currentFailure;
  }

  get lastSync(): number | undefined {
    return this.lastSyncAt;
  }

  /** Starts listing and watching; resolves after the first list attempt, successful or not. */
  start(): Promise<void> {
    if (this.running) return this.firstAttempt;
    this.running = true;
    const run = ++this.run;
    this.firstAttempt = new Promise<void>((resolve) => (this.finishFirstAttempt = resolve));
    this.loop(run).catch((err: unknown) => {
      // The loop handles request failures itself; this is a bug, reported rather than crashing the server.
      this.currentFailure = new RequestFailure(`${this.type.resource}: internal error: ${(err as Error).message}`, 'other');
      this.stop();
      this.onStatus();
    });
    return this.firstAttempt;
  }

  /** Stops all network activity; the items are kept. */
  stop(): void {
    this.run++;
    this.running = false;
    this.cancelWatch?.();
    this.cancelWait?.();
    this.finishFirstAttempt?.();
  }

  /** Lists afresh (dropping the watch); resolves after that list attempt. */
  relist(): Promise<void> {
    this.stop();
    this.needsList = true;
    this.backoff.reset();
    return this.start();
  }

  private isCurrent(run: number): boolean {
    return this.running && this.run === run;
  }

  private async loop(run: number): Promise<void> {
    let consecutiveExpiries = 0;
    while (this.isCurrent(run)) {
      let retryAfterMs = 0;
      const step = this.needsList ? 'list' : 'watch';
      try {
        if (step === 'list') {
          await this.list(run);
          this.finishFirstAttempt?.();
          if (this.mode === 'list-once') this.stop();
          continue;
        }
        const startedAt = Date.now();
        const outcome = await this.watch(run);
        if (outcome === 'expired') {
          this.needsList = true;
          consecutiveExpiries++;
          // One expiry is routine (history was compacted); several in a row mean something is off.
          if (consecutiveExpiries > 1) retryAfterMs = this.backoff.next();
        } else {
          consecutiveExpiries = 0;
          if (Date.now() - startedAt < MIN_HEALTHY_WATCH_MS) retryAfterMs = this.backoff.next();
          else this.backoff.reset();
        }
      } catch (err) {
        if (!this.isCurrent(run)) return;
        const failure = this.fail(err, step);
        if (step === 'list') {
          this.finishFirstAttempt?.();
          if (this.mode === 'list-once') {
            this.stop();
            return;
          }
        }
        if (failure.statusCode === 410) this.needsList = true;
        retryAfterMs = this.backoff.next();
      }
      if (retryAfterMs > 0 && this.isCurrent(run)) await this.wait(retryAfterMs);
    }
  }

  private fail(err: unknown, verb: 'list' | 'watch'): RequestFailure {
    const failure = err instanceof RequestFailure ? err : this.api().describeFailure(err, verb, this.type);
    const changed = failure.message !== this.currentFailure?.message;
    this.currentFailure = failure;
    if (changed) this.onStatus();
    return failure;
  }

  private succeed(): void {
    this.lastSyncAt = Date.now();
    if (this.currentFailure) {
      this.currentFailure = undefined;
      this.backoff.reset();
    }
    this.onStatus();
  }

  private wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.cancelWait = done;
    });
  }

  /** Lists every page, then replaces the items at once (so a failure halfway keeps the old ones). */
  private async list(run: number): Promise<void> {
    const fresh = new Map<string, T>();
    let continueToken: string | undefined;
    let resourceVersion = '';
    for (let page = 1; ; page++) {
      const result = await this.api().listPage(this.type, PAGE_SIZE, continueToken);
      if (!this.isCurrent(run)) return;
      for (const raw of result.items) {
        const key = keyOf(raw);
        const item = key === undefined ? undefined : this.codec.reduce(raw, this.type);
        if (key !== undefined && item !== undefined) fresh.set(key, item);
      }
      resourceVersion = result.resourceVersion;
      if (!result.continueToken) break;
      if (result.continueToken === continueToken || page >= MAX_PAGES) {
        throw new Error('the server kept returning continue tokens');
      }
      continueToken = result.continueToken;
    }
    const changed = !this.everSynced || !this.sameItems(fresh);
    this.items = fresh;
    // An empty resourceVersion (some aggregated APIs) makes the watch start with the current state.
    this.resourceVersion = resourceVersion;
    this.needsList = false;
    this.everSynced = true;
    if (changed) this.changed();
    this.succeed();
  }

  private sameItems(fresh: Map<string, T>): boolean {
    if (fresh.size !== this.items.size) return false;
    for (const [key, item] of fresh) {
      const existing = this.items.get(key);
      if (existing === undefined || !this.codec.same(existing, item)) return false;
    }
    return true;
  }

  private changed(): void {
    this.itemArray = undefined;
    this.onChange();
  }

  /** One watch, from the current resourceVersion until it ends, expires or fails (then it throws). */
  private watch(run: number): Promise<WatchOutcome> {
    const timeoutSeconds = MIN_WATCH_TIMEOUT_SECONDS + Math.floor(Math.random() * MIN_WATCH_TIMEOUT_SECONDS);
    return new Promise((resolve, reject) => {
      let settled = false;
      let controller: AbortController | undefined;
      let stallTimer: NodeJS.Timeout | undefined;
      const settle = (err: unknown, outcome: WatchOutcome = 'ended'): void => {
        if (settled) return;
        settled = true;
        clearTimeout(stallTimer);
        this.cancelWatch = undefined;
        controller?.abort();
        if (err) reject(err);
        else resolve(outcome);
      };
      const armStallTimer = (): void => {
        clearTimeout(stallTimer);
        stallTimer = setTimeout(
          () => settle(new Error(`no event or bookmark for ${timeoutSeconds + WATCH_STALL_GRACE_MS / 1000} s`)),
          timeoutSeconds * 1000 + WATCH_STALL_GRACE_MS,
        );
      };
      const onEvent = (type: string, object: unknown): void => {
        if (settled || !this.isCurrent(run)) return;
        armStallTimer();
        this.lastSyncAt = Date.now();
        if (type === 'ERROR') {
          const status = object as { code?: number; message?: string };
          if (status.code === 410) settle(undefined, 'expired');
          else settle(this.api().describeFailure({ statusCode: status.code ?? 500 }, 'watch', this.type));
          return;
        }
        const resourceVersion = metadataOf(object).resourceVersion;
        if (resourceVersion) this.resourceVersion = resourceVersion;
        if (type === 'ADDED' || type === 'MODIFIED') this.upsert(object);
        else if (type === 'DELETED') this.delete(object);
      };
      this.cancelWatch = () => settle(undefined);
      armStallTimer();
      Promise.resolve()
        .then(() => this.api().watch(this.type, this.resourceVersion, timeoutSeconds, onEvent, (err) => settle(err ?? undefined)))
        .then(
          (opened) => {
            controller = opened;
            if (settled) opened.abort();
            else this.succeed();
          },
          (err) => settle(err),
        );
    });
  }

  private upsert(raw: unknown): void {
    const key = keyOf(raw);
    const item = key === undefined ? undefined : this.codec.reduce(raw, this.type);
    if (key === undefined || item === undefined) return;
    const existing = this.items.get(key);
    if (existing !== undefined && this.codec.same(existing, item)) return;
    this.items.set(key, item);
    this.changed();
  }

  private delete(raw: unknown): void {
    const key = keyOf(raw);
    if (key !== undefined && this.items.delete(key)) this.changed();
  }
}
