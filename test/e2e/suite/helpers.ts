/**
 * Helpers for the extension-host suite. Everything that waits listens for an event or re-asks the
 * editor until a condition holds, with a deadline; nothing sleeps for a fixed time.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, EXTENSION_ID } from '../fixtures';

const WAIT_MS = 10_000;
const RETRY_INTERVAL_MS = 150;

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is not open: the runner passes it as the workbench folder');
  return folder.uri;
}

export function workspaceFile(relativePath: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...relativePath.split('/'));
}

/** The extension under test, activated. */
export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded in this extension host`);
  await extension.activate();
  return extension;
}

/** Writes a file into the (scratch) workspace and opens it in an editor. */
export async function openNewFile(relativePath: string, text: string): Promise<vscode.TextDocument> {
  const uri = workspaceFile(relativePath);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return openFile(uri);
}

export async function openFile(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

/** Files of a workspace folder whose name ends in .yaml/.yml, sorted. */
export async function yamlFilesIn(relativeFolder: string): Promise<vscode.Uri[]> {
  const folder = workspaceFile(relativeFolder);
  const entries = await vscode.workspace.fs.readDirectory(folder);
  return entries
    .filter(([name, type]) => type === vscode.FileType.File && /\.ya?ml$/.test(name))
    .map(([name]) => vscode.Uri.joinPath(folder, name))
    .sort((a, b) => a.path.localeCompare(b.path));
}

export function diagnosticCode(diagnostic: vscode.Diagnostic): string | undefined {
  const { code } = diagnostic;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

export function kubestellarDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE);
}

export function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  if (diagnostics.length === 0) return '(none)';
  return diagnostics
    .map((diagnostic) => {
      const { start, end } = diagnostic.range;
      const where = `${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1}`;
      return `${diagnosticCode(diagnostic)} ${vscode.DiagnosticSeverity[diagnostic.severity]} ${where} ${diagnostic.message}`;
    })
    .join('\n    ');
}

/**
 * Resolves with the extension's diagnostics of `uri` once `done` accepts them: checked now and on
 * every diagnostics change of that file.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  what: string,
  done: (diagnostics: vscode.Diagnostic[]) => boolean,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const diagnostics = kubestellarDiagnostics(uri);
      if (done(diagnostics)) {
        finish();
        resolve(diagnostics);
      }
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      finish();
      reject(
        new Error(
          `waited ${WAIT_MS / 1000} s for ${what} in ${vscode.workspace.asRelativePath(uri)}; its diagnostics are:\n    ` +
            describeDiagnostics(kubestellarDiagnostics(uri)),
        ),
      );
    }, WAIT_MS);
    const finish = (): void => {
      clearTimeout(timer);
      subscription.dispose();
    };
    check();
  });
}

/**
 * Re-asks `query` until `accept` holds, for answers that depend on state the editor announces no
 * event for (the server's inventory being loaded). Fails with the last answer.
 */
export async function eventually<T>(what: string, query: () => Thenable<T>, accept: (answer: T) => boolean): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  let answer = await query();
  while (!accept(answer)) {
    if (Date.now() > deadline) {
      assert.fail(`waited ${WAIT_MS / 1000} s for ${what}; the last answer was:\n${JSON.stringify(answer, null, 2)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_INTERVAL_MS));
    answer = await query();
  }
  return answer;
}

/** The position of the `occurrence`-th (0-based) `needle` in the document, offset by `delta` characters. */
export function positionOf(document: vscode.TextDocument, needle: string, occurrence = 0, delta = 0): vscode.Position {
  let offset = -1;
  for (let found = 0; found <= occurrence; found++) {
    offset = document.getText().indexOf(needle, offset + 1);
    assert.ok(offset >= 0, `"${needle}" occurs fewer than ${occurrence + 1} times in ${document.uri.path}`);
  }
  return document.positionAt(offset + delta);
}

export function completionLabels(list: vscode.CompletionList): string[] {
  return list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
}

export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

export function inlayHintText(hint: vscode.InlayHint): string {
  return typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('');
}
