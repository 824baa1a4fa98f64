/**
 * The KubeStellar language server: wires LSP messages to the pure language service in `core/`.
 *
 * Started by the VS Code client over IPC (`--node-ipc`), or by any other LSP client with `--stdio`.
 * This file holds no KubeStellar logic of its own: it keeps documents in sync, pulls settings per
 * document, picks the inventory source, converts offsets to positions at the edge, and runs every
 * handler under one guard, so a failing request is logged and answered neutrally instead of
 * taking the server down.
 */
import { promises as fs } from 'node:fs';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocumentEdit,
  TextDocuments,
  TextDocumentSyncKind,
  createConnection,
  type ClientCapabilities,
  type CodeAction,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type * as ClusterCode from './cluster';
import type { ParsedFile } from './core/document';
import type { LanguageService } from './core/languageService';
import type { CoreSettings, OffsetEdit } from './core/types';
import { useEnvironmentCopy } from './environment';
import { InventorySource } from './inventorySource';
import { toCompletionList, toDiagnostic, toDocumentSymbol, toFoldingRanges, toHover, toInlayHint } from './lsp/convert';
import { HandlerGuard } from './lsp/guard';
import { toOffsetRange, toTextEdit } from './lsp/positions';
import { SETTINGS_SECTION, SettingsStore, toCoreSettings } from './lsp/settings';
import {
  ExplainRequest,
  ListContextsRequest,
  RefreshInventoryRequest,
  SetTrustNotification,
  StatusNotification,
  type InitializationOptions,
  type StatusParams,
} from './protocol';
import type * as LanguageCode from './language';
import type { WarmUpHandle } from './warmUp';

/**
 * The cluster code brings in @kubernetes/client-node, three quarters of the server's code. It is
 * loaded on first use (a cluster source configured, contexts listed), so that a server working from
 * workspace files starts and runs without it: loading it eagerly cost ~50 ms of start-up and ~12 MB.
 * The build makes it a bundle of its own, `dist/cluster.js`, so it is not even compiled until then.
 */
function clusterCode(): typeof ClusterCode {
  return require('./cluster') as typeof ClusterCode;
}

/**
 * The language service, the workspace loader and the warm-up, with `yaml`, ajv and the schemas: a
 * bundle of its own too (`dist/language.js`, see language.ts), loaded when the client says
 * `initialized`, so that `initialize` is answered without compiling two thirds of the server.
 */
let languageModule: typeof LanguageCode | undefined;
function languageCode(): typeof LanguageCode {
  return (languageModule ??= require('./language') as typeof LanguageCode);
}

const TRANSPORT_FLAGS = ['--stdio', '--node-ipc', '--socket', '--pipe'];
if (!process.argv.some((arg) => TRANSPORT_FLAGS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)))) {
  process.stderr.write('KubeStellar language server: start it with --stdio (or --node-ipc, --socket=PORT, --pipe=NAME).\n');
  process.exit(2);
}

/** The code-action kind of "fix everything that has a certain fix", for `editor.codeActionsOnSave`. */
const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.kubestellar`;

// Before anything parses YAML: `yaml` reads `process.env` for every token (see environment.ts).
useEnvironmentCopy();

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const guard = new HandlerGuard({ error: (message) => connection.console.error(message) }, () => warmUp?.noteActivity());
/** Idle-time JIT warm-up of the keystroke path (see warmUp.ts); `KUBESTELLAR_WARM_UP=0` turns it off for measurements. */
let warmUp: WarmUpHandle | undefined;

let client: ClientCapabilities = {};
let trusted = false;
/** The client's workspace folders as URIs, local or not: settings are pulled per folder, files read from the local ones. */
let folderUris: string[] = [];

const settings = new SettingsStore({
  onProblem: (message) => connection.console.warn(message),
});

const inventory = new InventorySource({
  createWorkspace: (options) => new (languageCode().WorkspaceInventory)(options),
  createCluster: (options) =>
    new (clusterCode().ClusterInventorySource)({ ...options, log: (message) => connection.console.info(message) }),
  watchedResources: () => languageCode().resourcesSelectedBy(documents.all().map(parse)),
  log: { info: (message) => connection.console.info(message), error: (message) => connection.console.error(message) },
});

let languageService: LanguageService | undefined;
function service(): LanguageService {
  return (languageService ??= languageCode().getLanguageService({ getInventory: () => inventory.inventory }));
}

function parse(document: TextDocument): ParsedFile {
  return service().parse(document.uri, document.version, document.getText());
}

async function coreSettings(uri: string): Promise<CoreSettings> {
  return toCoreSettings(await settings.forResource(uri));
}

// --- lifecycle ------------------------------------------------------------------------------

connection.onInitialize((params: InitializeParams): InitializeResult => {
  client = params.capabilities;
  const options = (params.initializationOptions ?? {}) as InitializationOptions;
  trusted = options.trusted === true;
  folderUris = params.workspaceFolders?.length ? params.workspaceFolders.map((folder) => folder.uri) : params.rootUri ? [params.rootUri] : [];
  settings.useFolders(folderUris);
  if (client.workspace?.configuration) {
    settings.usePull((scopeUri) => connection.workspace.getConfiguration({ scopeUri, section: SETTINGS_SECTION }));
  }
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      // `:` and space start a value, `-` a list item, quotes a quoted value, `/` the name part of a
      // prefixed label key.
      completionProvider: { triggerCharacters: [':', ' ', '-', '"', "'", '/'] },
      hoverProvider: true,
      inlayHintProvider: true,
      documentSymbolProvider: { label: 'KubeStellar' },
      foldingRangeProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'kubestellar-bindingpolicy' },
  };
});

connection.onInitialized(
  guard.wrap('initialized', undefined, async () => {
    // The language service's bundle is loaded first, and the warm-up started: its slices fill the
    // gaps while the client answers and the files are read, and it steps aside for the documents
    // the editor opens meanwhile.
    const language = languageCode();
    if (process.env.KUBESTELLAR_WARM_UP !== '0') warmUp = language.startWarmUp({ onError: (message) => connection.console.error(message) });
    if (client.workspace?.didChangeConfiguration?.dynamicRegistration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    }
    if (client.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml}' }] });
    }
    if (client.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) =>
        guard.run('workspace folders change', async () => {
          const removedUris = new Set(event.removed.map((folder) => folder.uri));
          folderUris = [...folderUris.filter((uri) => !removedUris.has(uri)), ...event.added.map((folder) => folder.uri)];
          settings.useFolders(folderUris);
          await configureInventory();
        }),
      );
    }
    await configureInventory();
  }),
);

connection.onShutdown(
  guard.wrap('shutdown', undefined, () => {
    warmUp?.cancel();
    inventory.dispose();
  }),
);

/** The local folders among the workspace folders; others (remote, virtual, malformed) hold no files we can read. */
function localRoots(uris: readonly string[]): string[] {
  const roots: string[] = [];
  for (const uri of uris) {
    try {
      const parsed = URI.parse(uri, true);
      if (parsed.scheme === 'file') roots.push(parsed.fsPath);
    } catch (error) {
      guard.report(`workspace folder ${JSON.stringify(uri)}`, error);
    }
  }
  return roots;
}

/** Applies the window settings, trust and roots to the inventory source. */
async function configureInventory(): Promise<void> {
  const { settings: current, problems } = await settings.forWindow();
  await inventory.configure(current, trusted, localRoots(folderUris), problems);
}

// --- settings and trust ---------------------------------------------------------------------

connection.onDidChangeConfiguration(
  guard.wrap('configuration change', undefined, async (params) => {
    settings.invalidate(params.settings);
    await configureInventory();
    // Per-document settings (inlay hints, hover limits) may have changed even if the inventory did not.
    validateAll();
    refreshInlayHints();
  }),
);

connection.onNotification(
  SetTrustNotification,
  guard.wrap('setTrust', undefined, async (params) => {
    if (params.trusted === trusted) return;
    trusted = params.trusted === true;
    connection.console.info(`workspace trust: ${trusted ? 'trusted' : 'not trusted'}`);
    await configureInventory();
  }),
);

// --- the inventory --------------------------------------------------------------------------

let lastStatus = '';
let inventoryGeneration = -1;
let inventoryChangeQueued = false;

/**
 * Reacts to a changed inventory or status: reports the status and, when the inventory really
 * changed, re-validates the open documents and asks for fresh inlay hints. Changes arriving in
 * the same turn are handled once.
 */
inventory.onDidChange(() => {
  if (inventoryChangeQueued) return;
  inventoryChangeQueued = true;
  setImmediate(() =>
    guard.run('inventory change', () => {
      inventoryChangeQueued = false;
      sendStatus(inventory.status);
      const generation = inventory.inventory.generation;
      if (generation === inventoryGeneration) return;
      inventoryGeneration = generation;
      validateAll();
      refreshInlayHints();
    }),
  );
});

function sendStatus(status: StatusParams): void {
  const serialized = JSON.stringify(status);
  if (serialized === lastStatus) return;
  lastStatus = serialized;
  void connection.sendNotification(StatusNotification, status);
}

function refreshInlayHints(): void {
  if (client.workspace?.inlayHint?.refreshSupport) {
    connection.languages.inlayHint.refresh().catch((error: unknown) => guard.report('inlay hint refresh', error));
  }
}

connection.onDidChangeWatchedFiles(
  guard.wrap('watched files change', undefined, async (params) => {
    for (const change of params.changes) {
      const uri = URI.parse(change.uri);
      if (uri.scheme !== 'file') continue;
      inventory.updateFromDisk(change.uri, change.type === FileChangeType.Deleted ? undefined : await readFileOrUndefined(uri.fsPath));
    }
  }),
);

async function readFileOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    // Gone again (or unreadable) by the time we look: for the inventory it does not exist.
    return undefined;
  }
}

connection.onRequest(
  RefreshInventoryRequest,
  guard.wrap('refreshInventory', null, async () => {
    await inventory.refresh();
    const status = inventory.status;
    sendStatus(status);
    return status;
  }),
);

connection.onRequest(
  ListContextsRequest,
  guard.wrap('listContexts', { contexts: [], error: 'listing contexts failed; see the KubeStellar output' }, async (params) => {
    if (!trusted) return { contexts: [], error: 'the workspace is not trusted, so kubeconfig files are not read' };
    const kubeconfig = params?.kubeconfig ?? (await settings.forWindow()).settings.kubeconfig;
    const listed = clusterCode().listContexts(kubeconfig);
    return { contexts: listed.contexts, currentContext: listed.current, ...(listed.error ? { error: listed.error } : {}) };
  }),
);

// --- documents and diagnostics --------------------------------------------------------------

/**
 * Editor texts waiting to be read into the workspace inventory. An edited manifest changes the
 * inventory before it is saved, but reading a file for the inventory costs a parse of its own: it
 * runs after the edited document's diagnostics are out, once for a burst of edits, together with
 * telling a running cluster source what the open policies can select.
 */
const pendingBuffers = new Map<string, string>();
let afterEditQueued = false;

function afterEdit(document?: TextDocument): void {
  if (document) pendingBuffers.set(document.uri, document.getText());
  if (afterEditQueued) return;
  afterEditQueued = true;
  setImmediate(() =>
    guard.run('inventory update from editors', () => {
      afterEditQueued = false;
      for (const [uri, text] of pendingBuffers) inventory.updateBuffer(uri, text);
      pendingBuffers.clear();
      inventory.updateWatchedResources();
    }),
  );
}

documents.onDidChangeContent((event) =>
  guard.run('document change', async () => {
    // The new version's parse is what any request about it needs; the diagnostics can wait for
    // the requests that arrived meanwhile (see `yieldToQueuedMessages`).
    parse(event.document);
    await yieldToQueuedMessages();
    await validate(event.document);
    afterEdit(event.document);
  }),
);

/**
 * Resolves once the messages that arrived so far have been handled and their answers written.
 * Editors send a completion or hover request right behind the keystroke that asks for it; it needs
 * the new parse, not the diagnostics, so it is answered first and the diagnostics follow. Each step
 * is one turn of the event loop (the three took up to about 0.2 ms in a timeline when nothing else
 * was queued): vscode-jsonrpc hands over one queued message per turn, and writes each answer from
 * a turn of its own. A burst of keystrokes is still validated once, for its last version (see
 * `validate`).
 */
const TURNS_TO_ANSWER_QUEUED_MESSAGES = 3;

async function yieldToQueuedMessages(): Promise<void> {
  for (let turn = 0; turn < TURNS_TO_ANSWER_QUEUED_MESSAGES; turn++) await new Promise((resolve) => setImmediate(resolve));
}

documents.onDidClose((event) =>
  guard.run('document close', async () => {
    const { uri } = event.document;
    service().close(uri);
    settings.forget(uri);
    pendingBuffers.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
    afterEdit();
    const file = URI.parse(uri);
    inventory.closeBuffer(uri, file.scheme === 'file' ? await readFileOrUndefined(file.fsPath) : undefined);
  }),
);

/**
 * Validates one document version and publishes the result tagged with that version. When a newer
 * version arrived while the settings were being read, nothing is published: the newer version's
 * own validation will be.
 */
async function validate(document: TextDocument): Promise<void> {
  const { uri, version } = document;
  const core = await coreSettings(uri);
  const current = documents.get(uri);
  if (!current || current.version !== version) return;
  const diagnostics = service().validate(parse(current), core).map((diagnostic) => toDiagnostic(current, diagnostic));
  await connection.sendDiagnostics({ uri, version, diagnostics });
}

function validateAll(): void {
  for (const document of documents.all()) guard.run(`validate ${document.uri}`, () => validate(document));
}

// --- features -------------------------------------------------------------------------------

connection.onCodeAction(
  guard.wrap('codeAction', [] as CodeAction[], async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const file = parse(document);
    const core = await coreSettings(document.uri);
    const wanted = (kind: string): boolean =>
      !params.context.only || params.context.only.some((only) => kind === only || kind.startsWith(`${only}.`));
    const actions: CodeAction[] = [];
    if (wanted(CodeActionKind.QuickFix)) {
      for (const fix of service().quickFixes(file, toOffsetRange(document, params.range), core)) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [toDiagnostic(document, fix.diagnostic)],
          isPreferred: fix.isPreferred,
          edit: workspaceEdit(document, fix.edits),
        });
      }
    }
    if (wanted(FIX_ALL_KIND)) {
      const edits = service().fixAll(file, core);
      if (edits.length > 0) actions.push({ title: 'Fix all KubeStellar problems', kind: FIX_ALL_KIND, edit: workspaceEdit(document, edits) });
    }
    return actions;
  }),
);

/** A versioned edit where the client supports it, so a stale fix is refused instead of misapplied. */
function workspaceEdit(document: TextDocument, edits: readonly OffsetEdit[]): WorkspaceEdit {
  const textEdits = edits.map((edit) => toTextEdit(document, edit));
  if (client.workspace?.workspaceEdit?.documentChanges) {
    return { documentChanges: [TextDocumentEdit.create({ uri: document.uri, version: document.version }, textEdits)] };
  }
  return { changes: { [document.uri]: textEdits } };
}

connection.onCompletion(
  guard.wrap('completion', null, async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    const list = service().complete(parse(document), document.offsetAt(params.position), await coreSettings(document.uri));
    return toCompletionList(document, list);
  }),
);

connection.onHover(
  guard.wrap('hover', null, async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    const result = service().hover(parse(document), document.offsetAt(params.position), await coreSettings(document.uri));
    return result ? toHover(document, result) : null;
  }),
);

connection.languages.inlayHint.on(
  guard.wrap('inlayHint', null, async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    const core = await coreSettings(document.uri);
    if (!core.inlayHints) return [];
    return service().inlayHints(parse(document), toOffsetRange(document, params.range), core).map((hint) => toInlayHint(document, hint));
  }),
);

connection.onDocumentSymbol(
  guard.wrap('documentSymbol', null, (params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    return service().documentSymbols(parse(document)).map((symbol) => toDocumentSymbol(document, symbol));
  }),
);

connection.onFoldingRanges(
  guard.wrap('foldingRange', null, (params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    return toFoldingRanges(document, service().foldingRanges(parse(document)));
  }),
);

connection.onRequest(
  ExplainRequest,
  guard.wrap('explain', null, (params) => {
    const document = documents.get(params.uri);
    if (!document) return null;
    const file = parse(document);
    const offset = params.position ? document.offsetAt(params.position) : undefined;
    return languageCode().buildExplainResult(document, file, service().explain(file), inventory.inventory, offset);
  }),
);

process.on('unhandledRejection', (reason) => guard.report('unhandled promise', reason));

documents.listen(connection);
connection.listen();
