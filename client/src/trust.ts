/**
 * Workspace trust, passed on to the language server: cluster access (and with it kubeconfig exec
 * plugins) starts only once VS Code says the workspace is trusted. Trust can only be granted while
 * the window is open; revoking it reloads the window, which restarts the server untrusted.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SetTrustNotification } from '../../server/src/protocol';

export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

export function forwardTrust(client: LanguageClient): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(() => {
    // A server not started yet reads trust from its initialization options when it starts.
    if (client.isRunning()) void client.sendNotification(SetTrustNotification, { trusted: true });
  });
}
