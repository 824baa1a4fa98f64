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

/** What `kubestellar.source` may ask for. */
export type SourceSetting = 'auto' | 'workspace' | 'cluster';

/** Where the inventory in use comes from. */
export type InventorySourceKind = 'workspace' | 'cluster';

/** How one kubeconfig context (the ITS or the WDS) is doing, as the status bar shows it. */
export interface ContextState {
  /** The kubeconfig context name; absent when the setting is empty. */
  readonly context?: string;
  /** `unset`: no context configured; `connecting`; `ready`; `error`. */
  readonly state: 'unset' | 'connecting' | 'ready' | 'error';
  /** A human explanation when `state` is `error` (never credentials). */
  readonly message?: string;
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
  /** Problems worth showing: unreadable files, unreachable contexts, bad settings. */
  readonly errors: readonly string[];
}

export const StatusNotification = new NotificationType<StatusParams>('kubestellar/status');

/** Asks what a policy binds. Without a position, every policy of the document is explained. */
export interface ExplainParams {
  readonly uri: string;
  readonly position?: Position;
}

/** A WEC as the matches view shows it. */
export interface ExplainedWec {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Where its ManagedCluster was read from, when it came from a file. */
  readonly location?: SourceLink;
}

/** A workload object as the matches view shows it. */
export interface ExplainedObject {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly location?: SourceLink;
}

/** A place in a file; `offset` is a character offset the client converts with the opened document. */
export interface SourceLink {
  readonly uri: string;
  readonly offset: number;
}

export interface ExplainedClause {
  readonly index: number;
  /** A one-line summary of the clause's tests, e.g. `apps deployments in ns web`. */
  readonly summary: string;
  readonly range: Range;
  readonly objects: readonly ExplainedObject[];
}

export interface ExplainedPolicy {
  readonly name?: string;
  /** The range of the policy's document in the requested file. */
  readonly range: Range;
  /** The canonical selector strings (what `kubectl get -l` takes), one per cluster selector. */
  readonly clusterSelectors: readonly string[];
  readonly wecs: readonly ExplainedWec[];
  readonly clauses: readonly ExplainedClause[];
  /** Why the policy binds nothing or is unresolvable, when that is the case. */
  readonly problems: readonly string[];
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

/** Reloads the workspace inventory (and reconnects to the cluster when it is the source). */
export const RefreshInventoryRequest = new RequestType0<StatusParams, void>('kubestellar/refreshInventory');

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
