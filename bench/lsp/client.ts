/**
 * A minimal LSP client for benchmarking any language server over stdio.
 *
 * test/server/lspClient.ts drives our own server and knows our protocol extensions; this client
 * knows nothing about either server, so both are driven by exactly the same code. It answers the
 * requests servers send to clients (configuration, registrations) and records every diagnostics
 * notification with its arrival time.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import {
  CompletionRequest,
  ConfigurationRequest,
  createMessageConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type InitializeResult,
  type Position,
  type MessageConnection,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { cpuTicks, RssSampler } from './processTree';

export interface ServerCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Answers one `workspace/configuration` item. */
  readonly configuration: (section: string | undefined, scopeUri: string | undefined) => unknown;
}

export interface Publication {
  readonly uri: string;
  readonly version: number | undefined;
  readonly count: number;
  readonly at: number;
}

const CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: false },
    workspaceEdit: { documentChanges: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { versionSupport: true, relatedInformation: true },
    completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
};

const TIMEOUT_MS = 60_000;

export class BenchClient {
  readonly publications: Publication[] = [];
  /** Every other notification from the server (status, log messages). */
  readonly notifications: { method: string; params: unknown }[] = [];
  private readonly texts = new Map<string, TextDocument>();
  private readonly waiters = new Set<() => void>();
  private lastMessageAt = performance.now();
  private lastNotifiedAt = 0;
  private exited = false;
  private stderr = '';
  private readonly sampler: RssSampler;
  /** Milliseconds from spawn to the `initialize` response. */
  startupMs = 0;
  initializeResult!: InitializeResult;
  configurationAnswered = 0;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly connection: MessageConnection,
    private readonly server: ServerCommand,
  ) {
    this.sampler = new RssSampler(child.pid!);
  }

  /** Spawns the server, measures spawn → `initialize` response, sends `initialized`. */
  static async start(server: ServerCommand, workspaceFolder: string, workspaceUri: string): Promise<BenchClient> {
    const spawned = performance.now();
    const child = spawn(server.command, [...server.args], { cwd: server.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new BenchClient(child, connection, server);
    client.listen();
    connection.listen();
    client.sampler.start();
    client.initializeResult = await client.within(connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: workspaceUri,
      workspaceFolders: [{ uri: workspaceUri, name: workspaceFolder }],
      capabilities: CAPABILITIES,
      initializationOptions: {},
    }));
    client.startupMs = performance.now() - spawned;
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  private listen(): void {
    const { child, connection } = this;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    child.on('exit', () => {
      this.exited = true;
      this.settle();
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.publications.push({ uri: params.uri, version: params.version, count: params.diagnostics.length, at: performance.now() });
      this.settle();
    });
    connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationAnswered++;
      this.settle();
      return params.items.map((item) => this.server.configuration(item.section, item.scopeUri) ?? null);
    });
    // Registrations, progress tokens, refresh requests: acknowledged, nothing more.
    connection.onRequest(() => {
      this.settle();
      return null;
    });
    connection.onNotification((method: string, params: unknown) => {
      this.notifications.push({ method, params });
      this.settle();
    });
  }

  private settle(): void {
    this.lastMessageAt = performance.now();
    for (const waiter of this.waiters) waiter();
  }

  private async within<T>(request: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms; server stderr:\n${this.stderr}`)), TIMEOUT_MS);
    });
    try {
      return await Promise.race([request, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves when `check()` holds, re-checked after every server message. */
  waitFor(description: string, check: () => boolean, timeoutMs = TIMEOUT_MS): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out waiting for ${description}; server stderr:\n${this.stderr}`));
      }, timeoutMs);
      const waiter = (): void => {
        if (!check() && !this.exited) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        if (this.exited) reject(new Error(`server exited while waiting for ${description}; stderr:\n${this.stderr}`));
        else resolve();
      };
      this.waiters.add(waiter);
    });
  }

  /**
   * Resolves once the server has sent nothing for `quietMs`, counted from its last message or our
   * last notification, whichever came later (a server that answers a notification a little later
   * must not still be at it when the next measurement starts), and has used no CPU for 50 ms: work
   * a server may do after its last message (compiling, collecting garbage, on threads of its own)
   * must not run during the next server's measurement. At most 3 s are spent waiting for the CPU.
   */
  async quiet(quietMs: number): Promise<void> {
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    for (;;) {
      const idle = performance.now() - Math.max(this.lastMessageAt, this.lastNotifiedAt);
      if (idle >= quietMs) break;
      await sleep(quietMs - idle);
    }
    const pid = this.child.pid;
    if (pid === undefined) return;
    for (const giveUpAt = performance.now() + 3000; performance.now() < giveUpAt; ) {
      const before = cpuTicks(pid);
      await sleep(50);
      const after = cpuTicks(pid);
      if (before === undefined || after === undefined || after === before) return;
    }
  }

  publishedCount(): number {
    return this.publications.length;
  }

  /**
   * The first diagnostics for `uri` among the publications after the first `after` ones; with a
   * version, only a publication tagged with that version (servers that tag them) counts.
   */
  async nextDiagnostics(uri: string, after: number, version?: number): Promise<Publication> {
    const find = (): Publication | undefined =>
      this.publications.slice(after).find((p) => p.uri === uri && (version === undefined || p.version === undefined || p.version === version));
    await this.waitFor(`diagnostics for ${uri}${version === undefined ? '' : ` version ${version}`}`, () => find() !== undefined);
    return find()!;
  }

  get incrementalSync(): boolean {
    const sync = this.initializeResult.capabilities.textDocumentSync;
    const kind = typeof sync === 'number' ? sync : sync?.change;
    return kind === TextDocumentSyncKind.Incremental;
  }

  async open(uri: string, text: string): Promise<void> {
    this.texts.set(uri, TextDocument.create(uri, 'yaml', 1, text));
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    this.lastNotifiedAt = performance.now();
  }

  /** Replaces `[start, end)` with `newText` as the next version; returns that version. */
  async edit(uri: string, start: number, end: number, newText: string): Promise<number> {
    const document = this.texts.get(uri)!;
    const range = { start: document.positionAt(start), end: document.positionAt(end) };
    const version = document.version + 1;
    const updated = TextDocument.update(document, [{ range, text: newText }], version);
    this.texts.set(uri, updated);
    const changes: TextDocumentContentChangeEvent[] = this.incrementalSync ? [{ range, text: newText }] : [{ text: updated.getText() }];
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    this.lastNotifiedAt = performance.now();
    return version;
  }

  async close(uri: string): Promise<void> {
    this.texts.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    this.lastNotifiedAt = performance.now();
  }

  position(uri: string, offset: number): Position {
    return this.texts.get(uri)!.positionAt(offset);
  }

  hover(uri: string, position: Position): Promise<unknown> {
    return this.within(this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }));
  }

  completion(uri: string, position: Position): Promise<unknown> {
    return this.within(this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }));
  }

  /** Stops the RSS sampler, then shuts the server down; returns the peak RSS of its process tree in bytes. */
  async dispose(): Promise<number> {
    const peak = this.sampler.stop();
    if (!this.exited) {
      try {
        await Promise.race([this.connection.sendRequest(ShutdownRequest.type), new Promise((resolve) => setTimeout(resolve, 3000))]);
        await this.connection.sendNotification(ExitNotification.type);
      } catch {
        // Already going away; the kill below makes sure.
      }
      await this.waitFor('server exit', () => this.exited, 3000).catch(() => this.child.kill('SIGKILL'));
    }
    this.connection.dispose();
    return peak;
  }
}
