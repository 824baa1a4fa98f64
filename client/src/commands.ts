/**
 * The commands the extension contributes. Their ids are a contract with `package.json` and the
 * end-to-end tests.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ListContextsRequest,
  RefreshInventoryRequest,
  type SourceLink,
  type SourceSetting,
  type StatusParams,
} from '../../server/src/protocol';
import { OPEN_SOURCE_COMMAND, type MatchesView } from './matchesView';
import { currentContexts, currentSource, updateContexts, updateSource } from './settings';

export interface CommandDeps {
  readonly client: LanguageClient;
  readonly output: vscode.OutputChannel;
  readonly matches: MatchesView;
  /** Starts the language server if no KubeStellar document has started it yet. */
  readonly ready: () => Promise<void>;
  /** Called with the status a refresh returns, so the status bar does not wait for the next push. */
  readonly onStatus: (status: StatusParams) => void;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('kubestellar.showMatches', () => showMatches(deps)),
    vscode.commands.registerCommand('kubestellar.refreshInventory', () => refreshInventory(deps)),
    vscode.commands.registerCommand('kubestellar.selectContexts', () => selectContexts(deps)),
    vscode.commands.registerCommand('kubestellar.selectSource', () => selectSource(deps)),
    vscode.commands.registerCommand('kubestellar.showOutput', () => deps.output.show(true)),
    vscode.commands.registerCommand(OPEN_SOURCE_COMMAND, openSourceLink),
  ];
}

/** Explains the policy under the cursor (or the given document) in the matches view. */
async function showMatches(deps: CommandDeps, uri?: vscode.Uri): Promise<void> {
  await deps.ready();
  const editor = vscode.window.activeTextEditor;
  const target = uri ?? editor?.document.uri;
  if (!target) {
    void vscode.window.showInformationMessage('Open a BindingPolicy YAML file to see what it matches.');
    return;
  }
  const position = editor && editor.document.uri.toString() === target.toString() ? editor.selection.active : undefined;
  const result = await deps.matches.show(target.toString(), position);
  await vscode.commands.executeCommand('kubestellar.matches.focus');
  if (result && result.policies.length === 0) {
    void vscode.window.showInformationMessage('No BindingPolicy in this document.');
  }
}

async function refreshInventory(deps: CommandDeps): Promise<void> {
  await deps.ready();
  const status = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'KubeStellar: refreshing the inventory' },
    () => deps.client.sendRequest(RefreshInventoryRequest),
  );
  if (!status) {
    void vscode.window.showErrorMessage('KubeStellar: the inventory could not be reloaded; see the KubeStellar output.', 'Show Output').then(
      (choice) => choice && deps.output.show(true),
    );
    return;
  }
  deps.onStatus(status);
  await deps.matches.update();
}

interface SourcePick extends vscode.QuickPickItem {
  readonly source: SourceSetting;
}

async function selectSource(deps: CommandDeps): Promise<void> {
  const current = currentSource();
  const items: SourcePick[] = [
    { source: 'auto', label: 'Automatic', description: 'cluster when reachable, else workspace files' },
    { source: 'workspace', label: 'Workspace files', description: 'ManagedClusters and objects found in the workspace' },
    { source: 'cluster', label: 'Live cluster', description: 'the ITS and WDS contexts of your kubeconfig' },
  ];
  for (const item of items) if (item.source === current) item.detail = '(current)';
  const picked = await vscode.window.showQuickPick(items, { title: 'KubeStellar: inventory source', placeHolder: 'Where should WECs and objects come from?' });
  if (!picked) return;
  if (picked.source !== 'workspace' && !vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('This workspace is not trusted: KubeStellar reads only the workspace files until you trust it.');
  }
  await updateSource(picked.source);
  const contexts = currentContexts();
  if (picked.source !== 'workspace' && vscode.workspace.isTrusted && (!contexts.its || !contexts.wds)) await selectContexts(deps);
}

async function selectContexts(deps: CommandDeps): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('KubeStellar reads kubeconfig contexts only in a trusted workspace.');
    return;
  }
  await deps.ready();
  const listed = await deps.client.sendRequest(ListContextsRequest, {});
  if (listed.error || listed.contexts.length === 0) {
    void vscode.window.showErrorMessage(`KubeStellar: no kubeconfig contexts found${listed.error ? `: ${listed.error}` : ''}`);
    return;
  }
  const current = currentContexts();
  const pick = async (role: string, now: string): Promise<string | undefined> => {
    const items = listed.contexts.map((name) => ({
      label: name,
      description: [name === now ? 'current choice' : '', name === listed.currentContext ? 'kubeconfig current-context' : ''].filter(Boolean).join(', '),
    }));
    return (await vscode.window.showQuickPick(items, { title: `KubeStellar: ${role} context`, placeHolder: `Context of the ${role}` }))?.label;
  };
  const its = await pick('ITS (inventory and transport space)', current.its);
  if (!its) return;
  const wds = await pick('WDS (workload description space)', current.wds);
  if (!wds) return;
  await updateContexts(its, wds);
}

async function openSourceLink(link: SourceLink): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(link.uri));
  const position = document.positionAt(link.offset);
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
}
