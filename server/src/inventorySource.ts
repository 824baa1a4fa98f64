/**
 * Picks where the inventory comes from — the workspace files or a live cluster — following
 * `kubestellar.source`, workspace trust and the cluster's reachability, and says why.
 *
 * The workspace inventory is always kept loaded: it is the fallback whenever the cluster is not
 * usable, and switching back must not wait for a reload. The cluster source is started only when
 * the workspace is trusted, the source is `auto` or `cluster` and both contexts are set.
 *
 * The inventory handed to the core is re-stamped with a generation of its own: the workspace and
 * the cluster count generations independently, and the core caches diagnostics by generation, so
 * switching sources must never present a number the core has already seen.
 */
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { URI } from 'vscode-uri';
import type { ClusterInventorySource, ClusterOptions, ClusterStatus, ContextStatus, ResourceSelection } from './cluster';
import { EMPTY_INVENTORY, type Inventory } from './core/types';
import type { KubestellarSettings } from './lsp/settings';
import type { ContextState, InventorySourceKind, StatusParams } from './protocol';
import type { WorkspaceInventory, WorkspaceOptions } from './workspace/loader';

/** The settings that decide the source (the rest of `kubestellar.*` does not concern it). */
export type SourceConfig = Pick<KubestellarSettings, 'source' | 'include' | 'exclude' | 'kubeconfig' | 'itsContext' | 'wdsContext'>;

/** The parts of the workspace loader this file uses (tests may pass a loader of their own). */
export type WorkspaceSource = Pick<WorkspaceInventory, 'loadAll' | 'updateFile' | 'inventory' | 'problems'>;

/** The parts of the live cluster source this file uses. */
export type ClusterSource = Pick<ClusterInventorySource, 'start' | 'stop' | 'refresh' | 'inventory' | 'status' | 'onDidChange' | 'ensureResources'>;

export interface InventorySourceDeps {
  createWorkspace(options: WorkspaceOptions): WorkspaceSource;
  createCluster(options: ClusterOptions): ClusterSource;
  /** The resource types the open policies can select; asked only while a cluster source runs. */
  watchedResources(): ResourceSelection;
  readonly log: { info(message: string): void; error(message: string): void };
}

/** The workspace before the first `configure`: empty, and it keeps nothing it is given. */
const NOT_READ_YET: WorkspaceSource = {
  loadAll: async () => undefined,
  updateFile: () => false,
  inventory: { ...EMPTY_INVENTORY, origin: 'workspace: not read yet' },
  problems: [],
};

/** How many file problems the status lists; the rest are counted. */
const LISTED_FILE_PROBLEMS = 5;

/** The decision, separate from any IO so that every branch is easy to test. */
export interface SourceChoice {
  readonly source: InventorySourceKind;
  readonly reason: string;
  /** Whether a cluster source should be running. */
  readonly wantCluster: boolean;
  readonly errors: readonly string[];
}

export function chooseSource(
  config: Pick<SourceConfig, 'source' | 'itsContext' | 'wdsContext'>,
  trusted: boolean,
  cluster: ClusterStatus | undefined,
): SourceChoice {
  if (config.source === 'workspace') {
    return { source: 'workspace', reason: 'kubestellar.source is "workspace"', wantCluster: false, errors: [] };
  }
  const explicit = config.source === 'cluster';
  const missing = [!config.itsContext && 'kubestellar.its.context', !config.wdsContext && 'kubestellar.wds.context'].filter(Boolean);
  if (missing.length > 0) {
    const reason = `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`;
    return { source: 'workspace', reason, wantCluster: false, errors: explicit ? [`kubestellar.source is "cluster" but ${reason}`] : [] };
  }
  if (!trusted) {
    const reason = 'the workspace is not trusted, so no cluster is contacted';
    return { source: 'workspace', reason, wantCluster: false, errors: explicit ? [`kubestellar.source is "cluster" but ${reason}`] : [] };
  }
  const problems = (states: readonly ContextStatus['state'][]): string[] =>
    cluster ? (['its', 'wds'] as const).filter((role) => states.includes(cluster[role].state)).map((role) => `${role.toUpperCase()} ${describe(cluster[role])}`) : [];
  const contextErrors = problems(['error']);
  const degraded = problems(['degraded']);
  if (explicit) {
    const reason = `kubestellar.source is "cluster" (ITS ${config.itsContext}, WDS ${config.wdsContext})`;
    return { source: 'cluster', reason, wantCluster: true, errors: [...contextErrors, ...degraded] };
  }
  // A degraded context still serves most of its data (only some requests fail), so it is used.
  const usable = (state: ContextStatus['state'] | undefined): boolean => state === 'ready' || state === 'degraded';
  if (usable(cluster?.its.state) && usable(cluster?.wds.state)) {
    return { source: 'cluster', reason: `connected to ITS ${config.itsContext} and WDS ${config.wdsContext}`, wantCluster: true, errors: degraded };
  }
  if (contextErrors.length > 0) {
    return { source: 'workspace', reason: `the cluster is not reachable (${contextErrors.join('; ')})`, wantCluster: true, errors: contextErrors };
  }
  return { source: 'workspace', reason: 'connecting to the cluster; the workspace files are used meanwhile', wantCluster: true, errors: [] };
}

function describe(status: ContextStatus): string {
  return `${status.context}: ${status.message || status.state}`;
}

export class InventorySource {
  private config: SourceConfig | undefined;
  private trusted = false;
  private roots: readonly string[] = [];
  private workspace: WorkspaceSource;
  private cluster: { source: ClusterSource; key: string; subscription: { dispose(): void } } | undefined;
  private choice: SourceChoice = { source: 'workspace', reason: 'loading the workspace', wantCluster: false, errors: [] };
  private readonly listeners = new Set<() => void>();
  private stamped: { inner: Inventory; innerGeneration: number; inventory: Inventory } | undefined;
  private generation = 0;
  private settingProblems: readonly string[] = [];
  /** Texts of files open in an editor, by URI. */
  private readonly buffers = new Map<string, string>();
  /** What the running cluster source was last told to watch. */
  private resources: ResourceSelection = [];
  /** Serialises reconfigurations, so that overlapping setting changes apply in order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: InventorySourceDeps) {
    // The real workspace is created by the first `configure`, which knows the include and exclude
    // settings; until then nothing is read (and the loader's code need not even be loaded).
    this.workspace = NOT_READ_YET;
  }

  /** The inventory the core sees right now. Cheap: it is called on every request. */
  get inventory(): Inventory {
    const inner = this.choice.source === 'cluster' && this.cluster ? this.cluster.source.inventory : this.workspace.inventory;
    const stamped = this.stamped;
    if (stamped && stamped.inner === inner && stamped.innerGeneration === inner.generation) return stamped.inventory;
    // A new inventory with the same content (a keystroke in a policy, which at most moves where
    // later objects of its file start) keeps the generation, so the core's per-document caches
    // stay valid; the new object still carries the current source locations.
    if (!stamped || !sameInventoryContent(stamped.inner, inner)) this.generation++;
    this.stamped = { inner, innerGeneration: inner.generation, inventory: { ...inner, generation: this.generation } };
    return this.stamped.inventory;
  }

  get status(): StatusParams {
    const inventory = this.inventory;
    const fileProblems = this.workspace.problems;
    const listed = fileProblems.slice(0, LISTED_FILE_PROBLEMS).map((problem) => `${this.displayPath(problem.uri)}: ${problem.message}`);
    if (fileProblems.length > LISTED_FILE_PROBLEMS) listed.push(`and ${fileProblems.length - LISTED_FILE_PROBLEMS} more file problems`);
    return {
      source: this.choice.source,
      requested: this.config?.source ?? 'auto',
      reason: this.choice.reason,
      origin: inventory.origin,
      wecCount: inventory.wecs.length,
      objectCount: inventory.objects.length,
      trusted: this.trusted,
      contexts: this.cluster ? this.cluster.source.status : this.unconnectedContexts(),
      errors: [...this.settingProblems, ...this.choice.errors],
      fileProblems: listed,
    };
  }

  /** A file URI as a path relative to its workspace folder, which is how people read them. */
  private displayPath(uri: string): string {
    const file = URI.parse(uri).fsPath;
    for (const root of this.roots) {
      const relative = path.relative(root, file);
      if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) return relative;
    }
    return file;
  }

  /** Called when the inventory or the status may have changed. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Applies settings, trust and workspace roots; reloads only what they affect. */
  configure(config: SourceConfig, trusted: boolean, roots: readonly string[], settingProblems: readonly string[] = []): Promise<void> {
    return this.enqueue(() => this.apply(config, trusted, roots, settingProblems));
  }

  /** Reloads the workspace files and asks the cluster source to re-list. */
  refresh(): Promise<void> {
    return this.enqueue(async () => {
      await this.load(this.workspace);
      await this.cluster?.source.refresh();
      this.reselect();
    });
  }

  /** Runs `work` after the work queued before it; its failure goes to its caller, not to later work. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** An open editor's text of a file: it wins over the disk until the editor closes. */
  updateBuffer(uri: string, text: string): void {
    this.buffers.set(uri, text);
    this.updateWorkspaceFile(uri, text);
  }

  /** The editor closed; `diskText` is the file's content on disk (`undefined` if there is none). */
  closeBuffer(uri: string, diskText: string | undefined): void {
    if (!this.buffers.delete(uri)) return;
    this.updateWorkspaceFile(uri, diskText);
  }

  /** A watched file changed on disk; ignored while an editor holds it open. */
  updateFromDisk(uri: string, text: string | undefined): void {
    if (!this.buffers.has(uri)) this.updateWorkspaceFile(uri, text);
  }

  private updateWorkspaceFile(uri: string, text: string | undefined): void {
    if (this.workspace.updateFile(uri, text) && this.choice.source === 'workspace') this.fire();
  }

  /** Loads the workspace files, then lays the open editors' texts over them. */
  private async load(workspace: WorkspaceSource): Promise<void> {
    await workspace.loadAll(this.roots);
    for (const [uri, text] of this.buffers) workspace.updateFile(uri, text);
  }

  /** The open policies changed: the cluster source, if one runs, watches what they can select. */
  updateWatchedResources(): void {
    if (!this.cluster) return;
    const resources = this.deps.watchedResources();
    if (isDeepStrictEqual(resources, this.resources)) return;
    this.resources = resources;
    this.cluster.source.ensureResources(resources);
  }

  dispose(): void {
    this.stopCluster();
    this.listeners.clear();
  }

  private async apply(config: SourceConfig, trusted: boolean, roots: readonly string[], settingProblems: readonly string[]): Promise<void> {
    const previous = this.config;
    this.settingProblems = settingProblems;
    const globsChanged = !previous || !isDeepStrictEqual([previous.include, previous.exclude], [config.include, config.exclude]);
    const rootsChanged = !isDeepStrictEqual(this.roots, roots);
    this.config = config;
    this.trusted = trusted;
    this.roots = roots;
    if (globsChanged || rootsChanged) {
      const workspace = this.deps.createWorkspace({ include: config.include, exclude: config.exclude });
      await this.load(workspace);
      this.workspace = workspace;
      this.deps.log.info(`workspace inventory: ${workspace.inventory.origin}`);
    }
    this.reselect();
  }

  /** Decides the source, starts or stops the cluster source to match, and notifies listeners. */
  private reselect(): void {
    const config = this.config;
    if (!config) return;
    const key = JSON.stringify([config.kubeconfig, config.itsContext, config.wdsContext]);
    let choice = chooseSource(config, this.trusted, this.cluster?.key === key ? this.cluster.source.status : undefined);
    if (!choice.wantCluster || this.cluster?.key !== key) this.stopCluster();
    if (choice.wantCluster && !this.cluster) {
      choice = chooseSource(config, this.trusted, this.startCluster(config, key).status);
    }
    if (choice.source !== this.choice.source || choice.reason !== this.choice.reason) {
      this.deps.log.info(`inventory source: ${choice.source} (${choice.reason})`);
    }
    this.choice = choice;
    this.fire();
  }

  private startCluster(config: SourceConfig, key: string): ClusterSource {
    const source = this.deps.createCluster({
      kubeconfigPath: config.kubeconfig,
      itsContext: config.itsContext!,
      wdsContext: config.wdsContext!,
      // Only reached in a trusted workspace (see chooseSource), where kubeconfig exec plugins may run.
      allowExecAuth: this.trusted,
    });
    // Every cluster change may switch `auto` between cluster and workspace, so re-decide each time.
    const subscription = source.onDidChange(() => this.reselect());
    this.resources = this.deps.watchedResources();
    source.ensureResources(this.resources);
    this.cluster = { source, key, subscription };
    source.start().catch((error: unknown) => {
      this.deps.log.error(`cluster source failed to start: ${error instanceof Error ? error.message : String(error)}`);
      if (this.cluster?.source === source) this.reselect();
    });
    return source;
  }

  private stopCluster(): void {
    if (!this.cluster) return;
    this.cluster.subscription.dispose();
    this.cluster.source.stop();
    this.cluster = undefined;
  }

  /** The contexts as configured while no cluster source runs (untrusted, unset, or workspace chosen). */
  private unconnectedContexts(): StatusParams['contexts'] {
    if (!this.config || this.config.source === 'workspace') return undefined;
    const state = (context: string | undefined): ContextState => ({ context, state: context ? 'off' : 'unset' });
    return { its: state(this.config.itsContext), wds: state(this.config.wdsContext) };
  }

  private fire(): void {
    for (const listener of this.listeners) listener();
  }
}

/**
 * Whether two inventories hold the same WECs, objects and types, wherever they were read from
 * (`source` only serves navigation). Unchanged files keep their entries' identity in the loader,
 * so this mostly compares references and looks into the entries of the file that changed.
 */
export function sameInventoryContent(a: Inventory, b: Inventory): boolean {
  return sameList(a.wecs, b.wecs) && sameList(a.objects, b.objects) && sameList(a.resourceTypes, b.resourceTypes)
    && isDeepStrictEqual(a.bindings, b.bindings) && isDeepStrictEqual(a.allowedGroups, b.allowedGroups) && a.origin === b.origin;
}

function sameList<T extends object>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !isDeepStrictEqual(withoutSource(a[i]), withoutSource(b[i]))) return false;
  return true;
}

function withoutSource<T extends object>(entry: T): T {
  return 'source' in entry ? { ...entry, source: undefined } : entry;
}
