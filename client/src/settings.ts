/**
 * Reading and writing the `kubestellar.*` settings the client itself changes (source and contexts).
 *
 * The language server pulls every setting it needs on its own; the client only writes the ones the
 * user picks through quick picks. Writes go to the workspace when one is open, so a choice made for
 * one project does not leak into another, and to the user settings otherwise.
 */
import * as vscode from 'vscode';
import type { SourceSetting } from '../../server/src/protocol';

const SECTION = 'kubestellar';

function configuration(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

function target(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

export function currentSource(): SourceSetting {
  return configuration().get<SourceSetting>('source', 'auto');
}

export function currentContexts(): { its: string; wds: string } {
  const config = configuration();
  return { its: config.get<string>('its.context', ''), wds: config.get<string>('wds.context', '') };
}

export async function updateSource(source: SourceSetting): Promise<void> {
  await configuration().update('source', source, target());
}

export async function updateContexts(its: string, wds: string): Promise<void> {
  const config = configuration();
  await config.update('its.context', its, target());
  await config.update('wds.context', wds, target());
}
