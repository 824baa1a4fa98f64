/**
 * The live-cluster inventory: WECs from an ITS context, workload objects, Namespaces,
 * StatusCollectors, Bindings and API discovery from a WDS context, kept current by watches.
 */
import type { BindingSnapshot, Inventory, ResourceRef, ResourceType, Wec, WorkloadObject } from '../core/types';
import { ContextApi, qualifiedResource, RequestFailure } from './api';
import { discover, isNeverSelected, type DiscoveredType, type DiscoveryResult } from './discovery';
import { bindingCodec, wecCodec, workloadCodec } from './items';
import { KubeconfigError, loadKubeconfig, setUpContext, type MergedKubeconfig } from './kubeconfig';
import { Backoff, Reflector, type ReflectorMode } from './reflector';

export interface ClusterOptions {
  /** A kubeconfig file; when absent, `KUBECONFIG` (several files merged) or `~/.kube/config`. */
  readonly kubeconfigPath?: string;
  readonly itsContext: string;
  readonly wdsContext: string;
  /** False refuses contexts whose user authenticates by running a command (exec plugins), e.g. in an untrusted workspace. */
  readonly allowExecAuth: boolean;
  /** Receives status changes; messages never contain credentials. */
  readonly log?: (message: string) => void;
  /** Timeout of each request (a list page, a discovery document, the opening of a watch). */
  readonly requestTimeoutMs?: number;
}

export type ConnectionState = 'connecting' | 'ready' | 'degraded' | 'error';

export interface ContextStatus {
  readonly context: string;
  /**
   * `connecting` until the first lists complete; `ready` when everything is synced and watched;
   * `degraded` when some requests fail while others work; `error` when nothing works (the last good
   * cache is still served).
   */
  readonly state: ConnectionState;
  readonly message: string;
  /** When the cache was last known current (epoch ms): the latest list, watch (re)connection or event. */
  readonly lastSync?: number;
}

export interface ClusterStatus {
  readonly its: ContextStatus;
  readonly wds: ContextStatus;
}

export type { ResourceRef };

/** The resource types to watch: a list, or `'all'` for everything a policy could select. */
export type ResourceSelection = readonly ResourceRef[] | 'all';

const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** Listeners hear of changes at most this often; a burst of watch events makes one notification. */
const NOTIFY_INTERVAL_MS = 100;
/** A resource no open policy names any more is still watched this long, so that editing a line does not cause relists. */
const UNUSED_STREAM_LINGER_MS = 60_000;
/** When a policy names a resource discovery does not know (a CRD installed since), discovery runs again, at most this often. */
const REDISCOVERY_MIN_INTERVAL_MS = 30_000;

const MANAGED_CLUSTERS: ResourceType = {
  group: 'cluster.open-cluster-management.io',
  version: 'v1',
  resource: 'managedclusters',
  kind: 'ManagedCluster',
  namespaced: false,
};
const KUBESTELLAR_GROUP = 'control.kubestellar.io';

/** What a connection reports to the source. */
interface ConnectionHooks {
  readonly mode: ReflectorMode;
  readonly allowExecAuth: boolean;
  readonly requestTimeoutMs: number;
  changed(): void;
  statusChanged(): void;
}

/** What the status needs to know of a stream. */
interface StreamHealth {
  readonly type: ResourceType;
  readonly synced: boolean;
  readonly failure: RequestFailure | undefined;
  readonly lastSync: number | undefined;
}

/** One context: its API client, built from the kubeconfig, and the status of its streams. */
abstract class ContextConnection {
  protected api: ContextApi | undefined;
  private setupError: string | undefined;
  private started = false;

  constructor(
    readonly contextName: string,
    protected readonly hooks: ConnectionHooks,
  ) {}

  abstract start(kubeconfig: MergedKubeconfig | KubeconfigError): Promise<void>;
  abstract refresh(kubeconfig: MergedKubeconfig | KubeconfigError): Promise<void>;
  abstract stop(): void;
  protected abstract streams(): StreamHealth[];
  protected abstract summary(): string;

  /** Failures that are not a stream's, such as discovery. */
  protected otherFailures(): RequestFailure[] {
    return [];
  }

  /** Work still pending before the first sync that is not a stream's, such as discovery. */
  protected otherPending(): string[] {
    return [];
  }

  /** The API client; streams run only while one exists. */
  protected readonly requireApi = (): ContextApi => {
    if (!this.api) throw new RequestFailure(this.setupError ?? `context ${this.contextName} is not connected`, 'other');
    return this.api;
  };

  /** (Re)builds the API client from the kubeconfig; false, with the reason kept, when the context is unusable. */
  protected connect(kubeconfig: MergedKubeconfig | KubeconfigError): boolean {
    this.started = true;
    try {
      if (kubeconfig instanceof KubeconfigError) throw kubeconfig;
      const setup = setUpContext(kubeconfig, this.contextName, this.hooks);
      this.api = new ContextApi(this.contextName, setup.server, setup.kubeConfig, this.hooks.requestTimeoutMs);
      this.setupError = undefined;
      return true;
    } catch (err) {
      this.api = undefined;
      this.setupError = err instanceof KubeconfigError ? err.message : `cannot use context ${this.contextName}: ${(err as Error).message}`;
      this.hooks.statusChanged();
      return false;
    }
  }

  status(): ContextStatus {
    const context = this.contextName;
    const streams = this.streams();
    const syncTimes = streams.map((stream) => stream.lastSync ?? 0);
    const lastSync = syncTimes.length && Math.max(...syncTimes) > 0 ? Math.max(...syncTimes) : undefined;
    if (this.setupError) return { context, state: 'error', message: this.setupError, lastSync };
    if (!this.started) return { context, state: 'connecting', message: 'not started', lastSync };
    const failures = [...this.otherFailures(), ...streams.flatMap((stream) => (stream.failure ? [stream.failure] : []))];
    if (failures.length > 0) {
      const healthy = streams.some((stream) => stream.synced && !stream.failure);
      const more = failures.length > 1 ? ` (and ${failures.length - 1} more failing)` : '';
      return { context, state: healthy ? 'degraded' : 'error', message: `${failures[0].message}${more}`, lastSync };
    }
    const listing = streams.filter((stream) => !stream.synced).map((stream) => qualifiedResource(stream.type));
    const waiting = [...this.otherPending()];
    if (listing.length > 0) {
      const more = listing.length > 3 ? ` and ${listing.length - 3} more` : '';
      waiting.push(`listing ${listing.slice(0, 3).join(', ')}${more}`);
    }
    if (waiting.length > 0) return { context, state: 'connecting', message: waiting.join('; '), lastSync };
    return { context, state: 'ready', message: this.summary(), lastSync };
  }
}

class ItsConnection extends ContextConnection {
  readonly managedClusters: Reflector<Wec>;

  constructor(contextName: string, hooks: ConnectionHooks) {
    super(contextName, hooks);
    this.managedClusters = new Reflector(this.requireApi, MANAGED_CLUSTERS, wecCodec, hooks.mode, hooks.changed, hooks.statusChanged);
  }

  async start(kubeconfig: MergedKubeconfig | KubeconfigError): Promise<void> {
    if (this.connect(kubeconfig)) await this.managedClusters.start();
  }

  async refresh(kubeconfig: MergedKubeconfig | KubeconfigError): Promise<void> {
    if (this.connect(kubeconfig)) await this.managedClusters.relist();
    else this.managedClusters.stop();
  }

  stop(): void {
    this.managedClusters.stop();
  }

  protected streams(): StreamHealth[] {
    return [this.managedClusters];
  }

  protected summary(): string {
    return counted(this.managedClusters.size, 'ManagedCluster');
  }
}

interface WorkloadStream {
  readonly reflector: Reflector<WorkloadObject>;
  lingerTimer?: NodeJS.Timeout;
}

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function typeKey(type: { group: string; resource: string }): string {
  return `${type.group}/${type.resource}`;
}

function refMatches(ref: ResourceRef, type: DiscoveredType): boolean {
  return (ref.group === '*' || ref.group === type.group) && (ref.resource === '*' || ref.resource === type.resource);
}

class WdsConnection extends ContextConnection {
  private discovery: DiscoveryResult | undefined;
  private discoveredTypes: readonly ResourceType[] = [];
  private discoveryFailure: RequestFailure | undefined;
  private discoveryRun = 0;
  private discoveryInFlight = false;
  private lastDiscoveryAt = 0;
  private discoveryRetry: NodeJS.Timeout | undefined;
  private readonly discoveryBackoff = new Backoff();
  private wanted: ResourceSelection = [];
  private readonly workloads = new Map<string, WorkloadStream>();
  private bindings: Reflector<BindingSnapshot> | undefined;
  private stopped = false;

  async start(kubeconfig: MergedKubeconfig | KubeconfigError): Promise<void> {
    if (!this.connect(kubeconfig)) return;
    await this.discoverAndReconcile();
    await Promise.all(this.reflectors().map((reflector) => reflector.start()));
  }

  async refresh(kubeconfig: MergedKubeconfig | KubeconfigError): Promise<void> {
    clearTimeout(this.discoveryRetry);
    if (!this.connect(kubeconfig)) {
      for (const reflector of this.reflectors()) reflector.stop();
      return;
    }
    const existing = this.reflectors();
    await this.discoverAndReconcile();
    // Streams that discovery has just started are listing already; the others list afresh.
    await Promise.all([...existing.map((reflector) => reflector.relist()), ...this.reflectors().map((reflector) => reflector.start())]);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.discoveryRetry);
    for (const stream of this.workloads.values()) clearTimeout(stream.lingerTimer);
    for (const reflector of this.reflectors()) reflector.stop();
  }

  setWanted(wanted: ResourceSelection): void {
    this.wanted = wanted;
    this.reconcile();
  }

  objects(): WorkloadObject[] {
    const all: WorkloadObject[] = [];
    for (const stream of this.workloads.values()) {
      for (const object of stream.reflector.values()) all.push(object);
    }
    return all;
  }

  resourceTypes(): readonly ResourceType[] {
    return this.discoveredTypes;
  }

  bindingSnapshots(): ReadonlyMap<string, BindingSnapshot> | undefined {
    if (!this.bindings?.synced) return undefined;
    return new Map(this.bindings.values().map((binding) => [binding.name, binding]));
  }

  protected streams(): StreamHealth[] {
    return this.reflectors();
  }

  protected override otherFailures(): RequestFailure[] {
    return this.discoveryFailure ? [this.discoveryFailure] : [];
  }

  protected override otherPending(): string[] {
    return this.discovery ? [] : ['reading API discovery'];
  }

  protected summary(): string {
    const objects = [...this.workloads.values()].reduce((sum, stream) => sum + stream.reflector.size, 0);
    const bindings = this.bindings ? `, ${counted(this.bindings.size, 'Binding')}` : ', no Binding API (is this a KubeStellar WDS?)';
    const skipped = this.discovery?.failures.length ? `; discovery skipped: ${this.discovery.failures.map((failure) => failure.message).join('; ')}` : '';
    return `${counted(objects, 'object')} of ${counted(this.workloads.size, 'resource type')}${bindings}${skipped}`;
  }

  private reflectors(): Reflector<unknown>[] {
    const all: Reflector<unknown>[] = [...this.workloads.values()].map((stream) => stream.reflector);
    if (this.bindings) all.push(this.bindings);
    return all;
  }

  /** Runs discovery (retrying with backoff while it fails), then starts or stops streams to match. */
  private async discoverAndReconcile(): Promise<void> {
    const api = this.api;
    if (!api || this.stopped) return;
    const run = ++this.discoveryRun;
    this.discoveryInFlight = true;
    clearTimeout(this.discoveryRetry);
    try {
      const result = await discover(api);
      if (run !== this.discoveryRun || this.stopped) return;
      this.discoveryFailure = undefined;
      this.discoveryBackoff.reset();
      this.discovery = result;
      const types: ResourceType[] = result.types.map(({ watchable: _watchable, ...type }) => type);
      if (JSON.stringify(types) !== JSON.stringify(this.discoveredTypes)) {
        this.discoveredTypes = types;
        this.hooks.changed();
      }
    } catch (err) {
      if (run !== this.discoveryRun || this.stopped) return;
      this.discoveryFailure = err instanceof RequestFailure ? err : new RequestFailure(String(err), 'other');
      if (this.hooks.mode === 'watch') {
        this.discoveryRetry = setTimeout(() => void this.discoverAndReconcile(), this.discoveryBackoff.next());
      }
    } finally {
      if (run === this.discoveryRun) {
        this.discoveryInFlight = false;
        this.lastDiscoveryAt = Date.now();
      }
    }
    this.reconcile();
    this.hooks.statusChanged();
  }

  private isWanted(type: DiscoveredType): boolean {
    if (!type.watchable) return false;
    if (type.group === '' && type.resource === 'namespaces') return true;
    if (type.group === KUBESTELLAR_GROUP && type.resource === 'statuscollectors') return true;
    if (isNeverSelected(type)) return false;
    return this.wanted === 'all' || this.wanted.some((ref) => refMatches(ref, type));
  }

  /** Starts streams for wanted types, lets unwanted ones linger then stop, and rediscovers for unknown names. */
  private reconcile(): void {
    const discovery = this.discovery;
    if (!discovery || !this.api || this.stopped) return;
    const desired = new Map(discovery.types.filter((type) => this.isWanted(type)).map((type) => [typeKey(type), type]));
    for (const [key, type] of desired) {
      const existing = this.workloads.get(key);
      if (existing && existing.reflector.type.version === type.version) {
        clearTimeout(existing.lingerTimer);
        existing.lingerTimer = undefined;
        continue;
      }
      if (existing) this.dropStream(key);
      const reflector = new Reflector(this.requireApi, type, workloadCodec, this.hooks.mode, this.hooks.changed, this.hooks.statusChanged);
      this.workloads.set(key, { reflector });
      void reflector.start();
      this.hooks.statusChanged();
    }
    for (const [key, stream] of this.workloads) {
      if (!desired.has(key) && stream.lingerTimer === undefined) {
        stream.lingerTimer = setTimeout(() => this.dropStream(key), UNUSED_STREAM_LINGER_MS);
      }
    }
    const bindingType = discovery.types.find((type) => type.group === KUBESTELLAR_GROUP && type.resource === 'bindings' && type.watchable);
    if (bindingType && !this.bindings) {
      this.bindings = new Reflector(this.requireApi, bindingType, bindingCodec, this.hooks.mode, this.hooks.changed, this.hooks.statusChanged);
      void this.bindings.start();
    }
    const namesUnknown =
      this.wanted !== 'all' && this.wanted.some((ref) => !discovery.types.some((type) => refMatches(ref, type)));
    if (namesUnknown && this.hooks.mode === 'watch' && !this.discoveryInFlight && Date.now() - this.lastDiscoveryAt > REDISCOVERY_MIN_INTERVAL_MS) {
      void this.discoverAndReconcile();
    }
  }

  private dropStream(key: string): void {
    const stream = this.workloads.get(key);
    if (!stream) return;
    clearTimeout(stream.lingerTimer);
    stream.reflector.stop();
    this.workloads.delete(key);
    if (stream.reflector.size > 0) this.hooks.changed();
    this.hooks.statusChanged();
  }
}

/**
 * The inventory of a KubeStellar estate read from live clusters. Nothing here blocks on the network
 * except the promises of `start()` and `refresh()`, and nothing throws: problems show in `status`.
 */
export class ClusterInventorySource {
  private readonly its: ItsConnection;
  private readonly wds: WdsConnection;
  private readonly listeners = new Set<() => void>();
  private readonly log: (message: string) => void;
  private revision = 1;
  private snapshot: Inventory | undefined;
  private notifyTimer: NodeJS.Timeout | undefined;
  private lastNotifyAt = 0;
  private started: Promise<void> | undefined;
  private stopped = false;
  private readonly loggedStatus = { its: '', wds: '' };

  /** `mode: 'list-once'` lists without watching, for `loadClusterInventoryOnce`. */
  constructor(
    private readonly options: ClusterOptions,
    mode: ReflectorMode = 'watch',
  ) {
    this.log = options.log ?? (() => undefined);
    const hooks: ConnectionHooks = {
      mode,
      allowExecAuth: options.allowExecAuth,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      changed: () => {
        this.revision++;
        this.scheduleNotify();
      },
      statusChanged: () => {
        this.logStatus();
        this.scheduleNotify();
      },
    };
    this.its = new ItsConnection(options.itsContext, hooks);
    this.wds = new WdsConnection(options.wdsContext, hooks);
  }

  /** Connects both contexts; resolves once each has completed its first sync or failed. */
  start(): Promise<void> {
    if (this.stopped) return this.started ?? Promise.resolve();
    this.started ??= this.guard(async () => {
      const kubeconfig = this.readKubeconfig();
      await Promise.all([this.its.start(kubeconfig), this.wds.start(kubeconfig)]);
    });
    return this.started;
  }

  /** Re-reads the kubeconfig, rediscovers and relists everything; resolves when that is done. */
  refresh(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.started) return this.start();
    return this.guard(async () => {
      await this.started;
      const kubeconfig = this.readKubeconfig();
      await Promise.all([this.its.refresh(kubeconfig), this.wds.refresh(kubeconfig)]);
    });
  }

  /** Stops all network activity and notifications for good. The last inventory stays readable. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.notifyTimer);
    this.its.stop();
    this.wds.stop();
  }

  /** Says which workload resource types the open policies can select; streams start and stop to match. */
  ensureResources(resources: ResourceSelection): void {
    if (this.stopped) return;
    if (resources === 'all') {
      this.wds.setWanted('all');
      return;
    }
    const refs = Array.isArray(resources) ? resources : [];
    this.wds.setWanted(
      refs
        .filter((ref) => typeof ref?.group === 'string' && typeof ref?.resource === 'string')
        .map((ref) => ({ group: ref.group, resource: ref.resource })),
    );
  }

  get inventory(): Inventory {
    if (this.snapshot?.generation !== this.revision) {
      const bindings = this.wds.bindingSnapshots();
      this.snapshot = {
        wecs: this.its.managedClusters.values(),
        objects: this.wds.objects(),
        resourceTypes: this.wds.resourceTypes(),
        ...(bindings ? { bindings } : {}),
        origin: `cluster (ITS ${this.options.itsContext}, WDS ${this.options.wdsContext})`,
        generation: this.revision,
      };
    }
    return this.snapshot;
  }

  get status(): ClusterStatus {
    return { its: this.its.status(), wds: this.wds.status() };
  }

  /** Called (at most every 100 ms) after the inventory or the status changed. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private readKubeconfig(): MergedKubeconfig | KubeconfigError {
    try {
      return loadKubeconfig(this.options.kubeconfigPath);
    } catch (err) {
      return err instanceof KubeconfigError ? err : new KubeconfigError(`cannot load the kubeconfig: ${(err as Error).message}`);
    }
  }

  /** Runs a start or refresh so that an unexpected error is logged, never thrown at the caller. */
  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.log(`cluster inventory: unexpected error: ${(err as Error).message}`);
    }
  }

  private scheduleNotify(): void {
    if (this.notifyTimer || this.stopped) return;
    const wait = Math.max(0, this.lastNotifyAt + NOTIFY_INTERVAL_MS - Date.now());
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      this.lastNotifyAt = Date.now();
      for (const listener of [...this.listeners]) {
        try {
          listener();
        } catch (err) {
          this.log(`cluster inventory: a change listener failed: ${(err as Error).message}`);
        }
      }
    }, wait);
  }

  /** Logs each change of state, and each new failure; not the progress of lists or object counts. */
  private logStatus(): void {
    const status = this.status;
    for (const role of ['its', 'wds'] as const) {
      const { context, state, message } = status[role];
      const failing = state === 'degraded' || state === 'error';
      const key = failing ? `${state}: ${message}` : state;
      if (key !== this.loggedStatus[role]) {
        this.loggedStatus[role] = key;
        this.log(`${role.toUpperCase()} context ${context}: ${state}: ${message}`);
      }
    }
  }
}

/** Lists everything once, without watching (for the CLI). Never throws: problems show in `status`. */
export async function loadClusterInventoryOnce(
  options: ClusterOptions,
  resources: ResourceSelection,
): Promise<{ inventory: Inventory; status: ClusterStatus }> {
  const source = new ClusterInventorySource(options, 'list-once');
  source.ensureResources(resources);
  try {
    await source.start();
    return { inventory: source.inventory, status: source.status };
  } finally {
    source.stop();
  }
}
