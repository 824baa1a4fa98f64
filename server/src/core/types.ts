/**
 * Plain data shared by every layer: the core, the server, the CLI and the cluster code.
 *
 * The core works in character offsets into the document text (what the `yaml` package gives us) and
 * converts to LSP line/character positions only at the edge, so nothing in here mentions lines.
 */

/** A label set, as Kubernetes stores it on an object. */
export type Labels = Readonly<Record<string, string>>;

/** A WEC as the inventory knows it: its ManagedCluster's name and labels. */
export interface Wec {
  readonly name: string;
  readonly labels: Labels;
  /** Where the ManagedCluster was read from, when it came from a file. */
  readonly source?: SourceLocation;
}

/** A workload object of the WDS, reduced to what matching and completion need. */
export interface WorkloadObject {
  /** API group, `""` for the core group. */
  readonly group: string;
  readonly version: string;
  /** Lowercase plural resource name, e.g. `deployments`. */
  readonly resource: string;
  readonly kind: string;
  /** `""` for a cluster-scoped object. */
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly source?: SourceLocation;
}

/** Where an object was read from: a file URI and the offset of its document. */
export interface SourceLocation {
  readonly uri: string;
  readonly offset: number;
}

/** One resource type the estate knows of (built-in table, CRDs in the workspace, or API discovery). */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
}

/** What the controller wrote back for a policy: the Binding of the same name. Used for drift. */
export interface BindingSnapshot {
  readonly name: string;
  readonly destinations: readonly string[];
  readonly objects: readonly ObjectRef[];
}

/**
 * A resource type the open policies may select. `group: '*'` stands for a clause without
 * `apiGroup`, `resource: '*'` for one with `resources: ["*"]` or no `resources`.
 */
export interface ResourceRef {
  readonly group: string;
  readonly resource: string;
}

/** An object's identity without its labels. */
export interface ObjectRef {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
}

/**
 * Everything the core may know of the estate. It is injected: the workspace loader, the cluster
 * cache and tests all produce one, and the core never asks where it came from.
 */
export interface Inventory {
  readonly wecs: readonly Wec[];
  /** Workload objects, Namespace objects included (group `""`, resource `namespaces`). */
  readonly objects: readonly WorkloadObject[];
  /** Resource types known beyond the built-in table (CRDs in the workspace, discovery). */
  readonly resourceTypes: readonly ResourceType[];
  /** Bindings by policy name, when a WDS is connected. */
  readonly bindings?: ReadonlyMap<string, BindingSnapshot>;
  /** API groups the controller is restricted to, when it is configured so. */
  readonly allowedGroups?: readonly string[];
  /** A short human description of where this came from, e.g. `workspace (3 files)`. */
  readonly origin: string;
  /**
   * Identifies the content: bumped whenever WECs, objects, types or bindings change, and kept when
   * only source locations move. The language service caches diagnostics by it, so every inventory
   * one service sees must follow this rule (the server's inventory source numbers them itself).
   */
  readonly generation: number;
}

export const EMPTY_INVENTORY: Inventory = {
  wecs: [],
  objects: [],
  resourceTypes: [],
  origin: 'empty',
  generation: 0,
};

/** A half-open range of character offsets into a document's text. */
export interface OffsetRange {
  readonly start: number;
  readonly end: number;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A text edit in offsets; the server converts it to an LSP TextEdit. */
export interface OffsetEdit {
  readonly range: OffsetRange;
  readonly newText: string;
}

/** A problem found in a document. */
export interface CoreDiagnostic {
  /** Stable code from the rule table (`rules.ts`), e.g. `BP1001`. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly range: OffsetRange;
  /** Marks the range as unnecessary (rendered faded) or deprecated, where that helps. */
  readonly tags?: readonly ('unnecessary' | 'deprecated')[];
}

/** A certain fix for one diagnostic, as minimal edits that keep comments and layout. */
export interface QuickFix {
  readonly title: string;
  readonly diagnostic: CoreDiagnostic;
  readonly edits: readonly OffsetEdit[];
  /** True when the fix is the one obvious repair (shown first, applied by "fix all"). */
  readonly isPreferred: boolean;
}

/** Settings the core reads. The server pulls them for each document's workspace folder and passes them in. */
export interface CoreSettings {
  readonly inlayHints: boolean;
  /** Cap on the names listed in a hover before "and N more". */
  readonly hoverListLimit: number;
}

export const DEFAULT_CORE_SETTINGS: CoreSettings = {
  inlayHints: true,
  hoverListLimit: 10,
};
