/**
 * Activation: starts the KubeStellar language server and wires the client-side pieces (status bar,
 * commands, matches view, trust) to it.
 *
 * VS Code activates the extension for any YAML file (activation events cannot look inside a file),
 * but the language server starts only once a YAML document holding a BindingPolicy or a Binding is
 * open, or a KubeStellar command runs: someone editing other YAML never pays for the server or for
 * reading the workspace inventory. Syntax and generic schema checks are left to the YAML extension.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { ExplainRequest, SERVER_NODE_FLAGS, StatusNotification, type InitializationOptions } from '../../server/src/protocol';
import { registerCommands } from './commands';
import { MatchesView } from './matchesView';
import { StatusBar } from './statusBar';
import { forwardTrust, isTrusted } from './trust';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('KubeStellar');
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS] } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6019'] } },
  };
  // A function, so that a server started after the user trusted the workspace is told so.
  const initializationOptions = (): InitializationOptions => ({ trusted: isTrusted() });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'yaml', scheme: 'file' },
      { language: 'yaml', scheme: 'untitled' },
    ],
    outputChannel: output,
    // `kubestellar.trace.server` is read by the client library itself (it derives it from the id).
    traceOutputChannel: output,
    initializationOptions,
  };
  const languageClient = new LanguageClient('kubestellar', 'KubeStellar', serverOptions, clientOptions);
  client = languageClient;

  const statusBar = new StatusBar();
  let started: Promise<void> | undefined;
  /** Starts the language client once; later calls wait for the same start. */
  const ready = (): Promise<void> => {
    started ??= (async () => {
      statusBar.show();
      try {
        await languageClient.start();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        output.appendLine(`KubeStellar language server failed to start: ${message}`);
        statusBar.failed(message);
      }
    })();
    return started;
  };
  const startFor = (document: vscode.TextDocument): void => {
    if (!started && holdsKubeStellarObject(document)) void ready();
  };
  const matches = new MatchesView((uri, position) =>
    languageClient.sendRequest(ExplainRequest, { uri, position: position && languageClient.code2ProtocolConverter.asPosition(position) }),
  );
  context.subscriptions.push(
    output,
    statusBar,
    matches,
    forwardTrust(languageClient),
    languageClient.onNotification(StatusNotification, (status) => {
      statusBar.update(status);
      void matches.update();
    }),
    ...registerCommands({ client: languageClient, output, matches, ready, onStatus: (status) => statusBar.update(status) }),
    vscode.workspace.onDidOpenTextDocument(startFor),
    vscode.workspace.onDidChangeTextDocument((event) => startFor(event.document)),
  );
  vscode.workspace.textDocuments.forEach(startFor);
  if (started) await started;
}

/** A YAML document whose text names a KubeStellar kind (a policy being typed counts too). */
function holdsKubeStellarObject(document: vscode.TextDocument): boolean {
  return document.languageId === 'yaml' && /^kind:[ \t]*["']?(BindingPolicy|Binding)["']?[ \t]*(#.*)?$/m.test(document.getText());
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
