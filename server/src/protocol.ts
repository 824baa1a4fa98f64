/**
 * The custom messages between the KubeStellar language server and its clients.
 *
 * Both the server and the VS Code client import this one file, so a message's name and payload
 * cannot drift apart. Everything here is plain JSON: other LSP clients (Neovim, Helix) may send
 * these messages too, and payloads use LSP positions and ranges, never the core's offsets.
 */
import {
  NotificationType,
  RequestType,
  RequestType0,
  type Position,
  type Range,
} from 'vscode-languageserver-protocol';
import type { ConnectionState } from './cluster';
import type { ClauseExplanation, PolicyExplanation, SelectorExplanation } from './core/explain';
import type { ObjectRef } from './core/types';

/**
 * Node flags the client starts the server with (and `npm run bench` too). A young generation of
 * 2 MB per semi-space instead of V8's 16 keeps the server smaller while it parses a large file (in
 * two A/B runs of the benchmark's scenarios, peak RSS 25-32 MB lower at 2,025 lines and 83-84 MB at
 * 20,018), with no difference in speed beyond the runs' noise.
 *
 * Without V8's memory reducer: when the server has had little to do for a while it runs three full
 * collections that shrink the heap (15 s and 23 s into a series of opens 1.9 s apart, in the two
 * runs we traced), and after them the server's opens are slower. Opening a 48-line policy file every
 * 1.9 s (our server alone, 24 opens, three runs each): medians 5.0-6.0 ms with the reducer, with
 * opens of up to 20 ms after its collections, against 3.4-4.1 ms without it (one open of 22 ms
 * in the third run without it). Opening a 2,025- or 20,018-line file
 * and idle hovers on the 48-line file did not change beyond the noise. The price is memory that is
 * not handed back while the server idles: after a 20,018-line file was opened and closed, resident
 * memory stayed at 104 MB instead of falling to 63 MB within ten seconds.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--no-memory-reducer'];

/** What `kubestellar.source` may ask for. */
export type SourceSetting = 'auto' | 'workspace' | 'cluster';

/** Where the inventory in use comes from. */
export type InventorySourceKind = 'workspace' | 'cluster';

/** How one kubeconfig context (the ITS or the WDS) is doing, as the status bar shows it. */
export interface ContextState {
  /** The kubeconfig context name; absent when the setting is empty. */
  readonly context?: string;
  /**
   * `unset`: no context configured; `off`: configured but not contacted (untrusted workspace, or
   * the cluster is not needed); then the cluster source's own states: `connecting` until the first
   * sync, `ready`, `degraded` (some requests fail), `error` (nothing works).
   */
  readonly state: 'unset' | 'off' | ConnectionState;
  /** A human explanation of the state (never credentials). */
  readonly message?: string;
  /** When the cluster data was last known current (epoch ms). */
  readonly lastSync?: number;
}

/** Sent by the server whenever the source in use, its counts or its problems change. */
export interface StatusParams {
  readonly source: InventorySourceKind;
  /** What `kubestellar.source` asked for. */
  readonly requested: SourceSetting;
  /** Why `source` is in use, in one sentence (e.g. "cluster unreachable: ..."). */
  readonly reason: string;
  /** The inventory's own description, e.g. `workspace (12 files)`. */
  readonly origin: string;
  readonly wecCount: number;
  readonly objectCount: number;
  /** Whether the client said the workspace is trusted; untrusted means no cluster access. */
  readonly trusted: boolean;
  /** The ITS and WDS contexts, when a cluster source is configured. */
  readonly contexts?: { readonly its: ContextState; readonly wds: ContextState };
  /** Problems with the source itself: unreachable contexts, bad settings. */
  readonly errors: readonly string[];
  /** The first problems found in workspace files (unreadable, invalid manifests), then a count. */
  readonly fileProblems: readonly string[];
}

export const StatusNotification = new NotificationType<StatusParams>('kubestellar/status');

/**
 * Asks what a policy binds: with a position, the policy of the YAML document holding it; without one,
 * or when that document is no policy, every policy of the file.
 */
export interface ExplainParams {
  readonly uri: string;
  readonly position?: Position;
}

/** A WEC as the matches view shows it. */
export interface ExplainedWec {
  readonly name: string;
  /** Its labels, when the inventory knows the WEC. */
  readonly labels: Readonly<Record<string, string>>;
  /** Where its ManagedCluster was read from, when it came from a file. */
  readonly location?: SourceLink;
}

/** A workload object as the matches view shows it. */
export interface ExplainedObject extends ObjectRef {
  /** The object's kind, when the inventory knows the object. */
  readonly kind?: string;
  readonly location?: SourceLink;
}

/** A place in a file; `offset` is a character offset the client converts with the opened document. */
export interface SourceLink {
  readonly uri: string;
  readonly offset: number;
}

/** A selector in canonical form, valid or not, as the core explains it. */
export type ExplainedSelector = SelectorExplanation;

/** The core's clause explanation, with an LSP range and objects completed from the inventory. */
export interface ExplainedClause extends Omit<ClauseExplanation, 'range' | 'objects'> {
  readonly range: Range;
  readonly objects: readonly ExplainedObject[];
}

/**
 * The core's policy explanation as the matches view needs it: LSP ranges, WECs with their labels,
 * and no union of objects (the view shows them per clause).
 */
export interface ExplainedPolicy extends Omit<PolicyExplanation, 'range' | 'wecs' | 'clauses' | 'objects'> {
  /** The range of the policy's name (or first line), for navigation. */
  readonly range: Range;
  readonly wecs: readonly ExplainedWec[];
  readonly clauses: readonly ExplainedClause[];
}

export interface ExplainResult {
  readonly uri: string;
  /** The document version the explanation was computed from. */
  readonly version: number;
  /** Where the inventory came from, so the view can say "against workspace (12 files)". */
  readonly origin: string;
  readonly policies: readonly ExplainedPolicy[];
}

export const ExplainRequest = new RequestType<ExplainParams, ExplainResult | null, void>('kubestellar/explain');

/**
 * Reloads the workspace inventory (and re-lists the cluster when one is connected); answers the new
 * status, or null when the reload failed (the server log says why).
 */
export const RefreshInventoryRequest = new RequestType0<StatusParams | null, void>('kubestellar/refreshInventory');

export interface ListContextsParams {
  /** A kubeconfig path; the configured one (or the default) when absent. */
  readonly kubeconfig?: string;
}

export interface ListContextsResult {
  readonly contexts: readonly string[];
  readonly currentContext?: string;
  /** Why no contexts could be listed (no kubeconfig, untrusted workspace, unreadable file). */
  readonly error?: string;
}

export const ListContextsRequest = new RequestType<ListContextsParams, ListContextsResult, void>('kubestellar/listContexts');

/** Client → server: the workspace trust changed. Cluster access starts only once it is trusted. */
export interface SetTrustParams {
  readonly trusted: boolean;
}

export const SetTrustNotification = new NotificationType<SetTrustParams>('kubestellar/setTrust');

/** What a client passes as `initializationOptions`. */
export interface InitializationOptions {
  readonly trusted?: boolean;
}
