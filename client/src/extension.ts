/**
 * Activation: starts the KubeStellar language server and wires the client-side pieces (status bar,
 * commands, matches view, trust) to it.
 *
 * The extension activates on any YAML file. The server ignores documents without a KubeStellar
 * `apiVersion` at the cost of a substring check, so plain YAML costs next to nothing; syntax and
 * generic schema checks are left to the YAML extension.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { ExplainRequest, StatusNotification, type InitializationOptions } from '../../server/src/protocol';
import { registerCommands } from './commands';
import { MatchesView } from './matchesView';
import { StatusBar } from './statusBar';
import { forwardTrust, isTrusted } from './trust';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('KubeStellar');
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const initializationOptions: InitializationOptions = { trusted: isTrusted() };
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
    ...registerCommands({ client: languageClient, output, matches, onStatus: (status) => statusBar.update(status) }),
  );

  try {
    await languageClient.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    output.appendLine(`KubeStellar language server failed to start: ${message}`);
    statusBar.failed(message);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
