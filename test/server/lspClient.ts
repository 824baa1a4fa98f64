/**
 * A small LSP client for tests: it spawns the bundled server (`node dist/server.js --stdio`), speaks
 * LSP over its stdio with `vscode-languageserver-protocol`, answers the requests a real editor
 * answers (`workspace/configuration`, capability registration, inlay-hint refresh) and records what
 * the server pushes (diagnostics per URI and version, status notifications, log messages).
 *
 * Waiting never sleeps for a fixed time: every `waitFor...` resolves as soon as the awaited message
 * arrives and fails after a deadline with the server's log, so a failing test says why.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CompletionRequest,
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentSymbolRequest,
  ExitNotification,
  FoldingRangeRequest,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  InlayHintRefreshRequest,
  InlayHintRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  ShowMessageNotification,
  StreamMessageReader,
  StreamMessageWriter,
  UnregistrationRequest,
  createProtocolConnection,
  type ClientCapabilities,
  type CodeAction,
  type Command,
  type CompletionItem,
  type CompletionList,
  type ConfigurationItem,
  type Diagnostic,
  type DocumentSymbol,
  type FileEvent,
  type FoldingRange,
  type Hover,
  type InitializeResult,
  type InlayHint,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type Registration,
  type SymbolInformation,
  type TextDocumentContentChangeEvent,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  ExplainRequest,
  ListContextsRequest,
  RefreshInventoryRequest,
  SERVER_NODE_FLAGS,
  SetTrustNotification,
  StatusNotification,
  type ExplainResult,
  type InitializationOptions,
  type ListContextsResult,
  type StatusParams,
} from '../../server/src/protocol';

/** From `out/test/server/` back to the repository. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const SERVER_BUNDLE = path.join(REPO_ROOT, 'dist', 'server.js');
const DEFAULT_TIMEOUT_MS = 15_000;

export function fileUri(file: string): string {
  return pathToFileURL(file).toString();
}

/** Answers `workspace/configuration` for the `kubestellar` section; `scopeUri` is the resource asked about. */
export type SettingsProvider = (scopeUri: string | undefined) => unknown;

export interface LspClientOptions {
  /** Absolute folder paths sent as workspace folders. */
  readonly workspaceFolders?: readonly string[];
  readonly settings?: SettingsProvider;
  readonly initializationOptions?: InitializationOptions;
  /** Extra environment for the server process (e.g. `KUBECONFIG`). */
  readonly env?: NodeJS.ProcessEnv;
}

interface Waiter {
  readonly check: () => boolean;
  readonly resolve: () => void;
}

const CLIENT_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    applyEdit: true,
    workspaceEdit: { documentChanges: true },
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    inlayHint: { refreshSupport: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { versionSupport: true, relatedInformation: true, codeDescriptionSupport: true, tagSupport: { valueSet: [1, 2] } },
    completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
      isPreferredSupport: true,
    },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    foldingRange: { lineFoldingOnly: true },
    inlayHint: {},
  },
};

export class LspClient {
  /** Every diagnostics notification, per URI, in arrival order. */
  readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  readonly statuses: StatusParams[] = [];
  /** Every `workspace/configuration` item the server asked for. */
  readonly configurationRequests: ConfigurationItem[] = [];
  readonly registrations: Registration[] = [];
  inlayHintRefreshes = 0;
  private readonly log: string[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly texts = new Map<string, TextDocument>();
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private settings: SettingsProvider;
  initializeResult!: InitializeResult;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
    options: LspClientOptions,
  ) {
    this.settings = options.settings ?? (() => ({}));
  }

  /** Spawns the server, runs `initialize`/`initialized` and returns a ready client. */
  static async start(options: LspClientOptions = {}): Promise<LspClient> {
    // Started as the VS Code client starts it, node flags included.
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, SERVER_BUNDLE, '--stdio'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspClient(child, connection, options);
    client.listen();
    connection.listen();
    const folders = options.workspaceFolders ?? [];
    client.initializeResult = await client.within('initialize', connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: folders.length > 0 ? fileUri(folders[0]) : null,
      workspaceFolders: folders.map((folder) => ({ uri: fileUri(folder), name: path.basename(folder) })),
      capabilities: CLIENT_CAPABILITIES,
      initializationOptions: options.initializationOptions,
    }));
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  private listen(): void {
    const { connection, child } = this;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => this.record(`[stderr] ${chunk.trimEnd()}`));
    child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      this.record(`[exit] code ${code} signal ${signal}`);
      this.settle();
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const list = this.diagnostics.get(params.uri) ?? [];
      list.push(params);
      this.diagnostics.set(params.uri, list);
      this.settle();
    });
    connection.onNotification(StatusNotification, (params) => {
      this.statuses.push(params);
      this.settle();
    });
    connection.onNotification(LogMessageNotification.type, (params) => this.record(`[log ${params.type}] ${params.message}`));
    connection.onNotification(ShowMessageNotification.type, (params) => this.record(`[show ${params.type}] ${params.message}`));
    connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests.push(...params.items);
      this.settle();
      return params.items.map((item) => (item.section === 'kubestellar' ? this.settings(item.scopeUri) : null));
    });
    connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations);
      this.settle();
    });
    connection.onRequest(UnregistrationRequest.type, () => undefined);
    connection.onRequest(InlayHintRefreshRequest.type, () => {
      this.inlayHintRefreshes++;
      this.settle();
    });
  }

  private record(line: string): void {
    this.log.push(line);
  }

  /** The server's log so far, for assertion messages. */
  output(): string {
    return this.log.join('\n');
  }

  get exited(): boolean {
    return this.exit !== undefined;
  }

  private settle(): void {
    for (const waiter of this.waiters) {
      if (waiter.check() || this.exit) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Resolves when `check()` holds (checked now and after every server message), or fails after `timeoutMs`. */
  async waitFor(description: string, check: () => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    if (!check()) {
      let timer: NodeJS.Timeout | undefined;
      let waiter: Waiter | undefined;
      const arrived = new Promise<void>((resolve) => {
        waiter = { check, resolve };
        this.waiters.add(waiter);
      });
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([arrived, timedOut]);
      clearTimeout(timer);
      this.waiters.delete(waiter!);
      if (outcome === 'timeout') throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}\n--- server log ---\n${this.output()}`);
    }
    if (!check()) throw new Error(`server exited while waiting for ${description}\n--- server log ---\n${this.output()}`);
  }

  /** Adds the server's log to a request's failure. */
  private async within<T>(what: string, request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${what} failed: ${message}\n--- server log ---\n${this.output()}`);
    }
  }

  // --- documents ------------------------------------------------------------------------------

  async open(uri: string, text: string, version = 1, languageId = 'yaml'): Promise<void> {
    this.texts.set(uri, TextDocument.create(uri, languageId, version, text));
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }

  /** Sends a whole-text change, or incremental changes, as `version`. */
  async change(uri: string, version: number, change: string | TextDocumentContentChangeEvent[]): Promise<void> {
    const changes = typeof change === 'string' ? [{ text: change }] : change;
    const current = this.texts.get(uri);
    if (current) this.texts.set(uri, TextDocument.update(current, changes, version));
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
  }

  async close(uri: string): Promise<void> {
    this.texts.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** The client's copy of an open document's text. */
  text(uri: string): string {
    const document = this.texts.get(uri);
    if (!document) throw new Error(`${uri} is not open`);
    return document.getText();
  }

  /** Applies a server's workspace edit to the client's copy and sends it as the next version. */
  async applyWorkspaceEdit(edit: WorkspaceEdit): Promise<void> {
    const perUri = new Map<string, { range: Range; newText: string }[]>();
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) perUri.set(uri, [...edits]);
    for (const change of edit.documentChanges ?? []) {
      if (!('textDocument' in change)) throw new Error(`unexpected resource operation ${JSON.stringify(change)}`);
      perUri.set(change.textDocument.uri, [...(perUri.get(change.textDocument.uri) ?? []), ...change.edits]);
    }
    for (const [uri, edits] of perUri) {
      const document = this.texts.get(uri);
      if (!document) throw new Error(`edit for ${uri}, which is not open`);
      await this.change(uri, document.version + 1, TextDocument.applyEdits(document, edits));
    }
  }

  /** How many diagnostics notifications arrived for `uri` so far (for `waitForDiagnostics`' `after`). */
  publishedCount(uri: string): number {
    return this.diagnostics.get(uri)?.length ?? 0;
  }

  /**
   * Resolves with the first diagnostics published for `uri` at `version`, among the notifications
   * after the first `after` ones (to wait for a re-publication of a version already seen).
   */
  async waitForDiagnostics(uri: string, version: number, after = 0, timeoutMs?: number): Promise<Diagnostic[]> {
    const find = (): PublishDiagnosticsParams | undefined =>
      this.diagnostics.get(uri)?.slice(after).find((params) => params.version === version);
    await this.waitFor(`diagnostics for ${uri} version ${version} (after ${after} earlier ones)`, () => find() !== undefined, timeoutMs);
    return find()!.diagnostics;
  }

  /** Resolves with the first status after the `seen` first ones that satisfies `predicate`. */
  async waitForStatus(predicate: (status: StatusParams) => boolean, seen = 0, timeoutMs?: number): Promise<StatusParams> {
    const find = (): StatusParams | undefined => this.statuses.slice(seen).find(predicate);
    await this.waitFor('a matching kubestellar/status', () => find() !== undefined, timeoutMs);
    return find()!;
  }

  // --- notifications the client sends -------------------------------------------------------

  /** Replaces the settings the client answers with and tells the server they changed. */
  async changeSettings(settings: SettingsProvider): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  async changeWatchedFiles(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  async setTrust(trusted: boolean): Promise<void> {
    await this.connection.sendNotification(SetTrustNotification, { trusted });
  }

  // --- requests -------------------------------------------------------------------------------

  completion(uri: string, position: Position): Promise<CompletionList | CompletionItem[] | null> {
    return this.within('completion', this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }));
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.within('hover', this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }));
  }

  inlayHints(uri: string, range: Range): Promise<InlayHint[] | null> {
    return this.within('inlayHint', this.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range }));
  }

  documentSymbols(uri: string): Promise<DocumentSymbol[] | SymbolInformation[] | null> {
    return this.within('documentSymbol', this.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }));
  }

  foldingRanges(uri: string): Promise<FoldingRange[] | null> {
    return this.within('foldingRange', this.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } }));
  }

  codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<(Command | CodeAction)[] | null> {
    return this.within('codeAction', this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, only } }));
  }

  explain(uri: string, position?: Position): Promise<ExplainResult | null> {
    return this.within('explain', this.connection.sendRequest(ExplainRequest, { uri, position }));
  }

  refreshInventory(): Promise<StatusParams | null> {
    return this.within('refreshInventory', this.connection.sendRequest(RefreshInventoryRequest));
  }

  listContexts(kubeconfig?: string): Promise<ListContextsResult> {
    return this.within('listContexts', this.connection.sendRequest(ListContextsRequest, { kubeconfig }));
  }

  /** Shuts the server down politely, then makes sure the process is gone. */
  async dispose(): Promise<void> {
    if (!this.exited) {
      try {
        await Promise.race([this.connection.sendRequest(ShutdownRequest.type), new Promise((resolve) => setTimeout(resolve, 2000))]);
        await this.connection.sendNotification(ExitNotification.type);
      } catch {
        // The server is already going away; the kill below makes sure of it.
      }
      await this.waitFor('server exit', () => this.exited, 3000).catch(() => this.child.kill('SIGKILL'));
    }
    this.connection.dispose();
  }
}
