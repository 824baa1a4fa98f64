/**
 * The status bar item: which inventory the checks run against, how big it is, and what is wrong.
 * Clicking it opens the source picker.
 */
import * as vscode from 'vscode';
import type { ContextState, StatusParams } from '../../server/src/protocol';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('kubestellar.status', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'KubeStellar';
    this.item.command = 'kubestellar.selectSource';
    this.item.text = '$(sync~spin) KubeStellar';
    this.item.tooltip = 'KubeStellar: loading the inventory';
  }

  /** Shown once the language server starts (that is, once a KubeStellar document is open). */
  show(): void {
    this.item.show();
  }

  update(status: StatusParams): void {
    const where = status.source === 'cluster' && status.contexts
      ? `${status.contexts.its.context ?? '?'} / ${status.contexts.wds.context ?? '?'}`
      : 'workspace';
    const icon = status.errors.length > 0 ? '$(warning)' : status.source === 'cluster' ? '$(cloud)' : '$(file-directory)';
    this.item.text = `${icon} KubeStellar: ${where} · ${plural(status.wecCount, 'WEC')} · ${plural(status.objectCount, 'object')}`;
    this.item.tooltip = tooltip(status);
    this.item.backgroundColor = status.errors.length > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  /** Shown when the language server could not start, so the user knows why nothing happens. */
  failed(message: string): void {
    this.item.text = '$(error) KubeStellar';
    this.item.tooltip = `KubeStellar language server failed: ${message}`;
    this.item.command = 'kubestellar.showOutput';
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
  }

  dispose(): void {
    this.item.dispose();
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function tooltip(status: StatusParams): vscode.MarkdownString {
  const lines = [
    `**KubeStellar inventory: ${status.source}** (setting: \`${status.requested}\`)`,
    '',
    escape(status.reason),
    '',
    `${escape(status.origin)}: ${plural(status.wecCount, 'WEC')}, ${plural(status.objectCount, 'object')}`,
  ];
  if (status.contexts) {
    lines.push('', `ITS: ${contextLine(status.contexts.its)}`, '', `WDS: ${contextLine(status.contexts.wds)}`);
  }
  if (!status.trusted) lines.push('', 'Workspace not trusted: no cluster access.');
  if (status.errors.length > 0) lines.push('', '**Problems**', '', ...status.errors.map((error) => `- ${escape(error)}`));
  if (status.fileProblems.length > 0) lines.push('', '**Workspace files**', '', ...status.fileProblems.map((problem) => `- ${escape(problem)}`));
  lines.push('', 'Click to choose the source.');
  const markdown = new vscode.MarkdownString(lines.join('\n'));
  markdown.isTrusted = false;
  return markdown;
}

function contextLine(state: ContextState): string {
  const name = state.context ? `\`${state.context}\`` : '(not set)';
  return `${name} ${state.state}${state.message ? `: ${escape(state.message)}` : ''}`;
}

/** Names and messages come from files and clusters; they must not be read as markdown. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
