/**
 * Quick fixes as VS Code applies them: asked for through the code-action provider API and applied
 * with workspace.applyEdit, after which the diagnostic they fix must be gone.
 */
import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import {
  describeDiagnostics,
  diagnosticCode,
  kubestellarDiagnostics,
  openFile,
  openNewFile,
  waitForDiagnostics,
  workspaceFile,
} from './helpers';

/**
 * The quick fixes with an edit offered at the diagnostic's range. The API hands code actions back
 * without the diagnostics they fix, so which diagnostic a fix removes is checked by its effect.
 */
async function quickFixesFor(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    document.uri,
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return (actions ?? []).filter((action): action is vscode.CodeAction => 'edit' in action && action.edit !== undefined);
}

/** Applies the fix and waits until that code is reported once less (the fix may not touch the others). */
async function applyAndAwaitRemoval(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, fix: vscode.CodeAction): Promise<void> {
  const code = diagnosticCode(diagnostic);
  const before = kubestellarDiagnostics(document.uri).filter((found) => diagnosticCode(found) === code).length;
  assert.ok(await vscode.workspace.applyEdit(fix.edit!), `VS Code refused the edit of "${fix.title}"`);
  await waitForDiagnostics(
    document.uri,
    `${code} to go after "${fix.title}"`,
    (found) => found.filter((remaining) => diagnosticCode(remaining) === code).length < before,
  );
}

suite('Quick fixes', () => {
  test('the operator casing fix rewrites `in` as `In` and its diagnostic goes', async () => {
    const document = await openNewFile(
      'e2e-scratch/quickfix.yaml',
      `apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata:
  name: e2e-quickfix
spec:
  clusterSelectors:
  - matchExpressions:
    - key: region
      operator: in # keep this comment
      values: ["eu-west"]
  downsync:
  - resources: ["deployments"]
`,
    );
    const [operator] = await waitForDiagnostics(document.uri, 'BP1201', (found) => found.some((d) => diagnosticCode(d) === 'BP1201')).then(
      (found) => found.filter((d) => diagnosticCode(d) === 'BP1201'),
    );
    const fixes = await quickFixesFor(document, operator);
    assert.ok(fixes.length > 0, `no quick fix offered for ${describeDiagnostics([operator])}`);
    const fix = fixes.find((candidate) => candidate.isPreferred) ?? fixes[0];
    await applyAndAwaitRemoval(document, operator, fix);
    assert.equal(document.lineAt(8).text, '      operator: In # keep this comment');
  });

  test('each preferred quick fix offered in the broken examples removes its diagnostic', async () => {
    const folder = workspaceFile('policies/broken');
    const names = (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name).filter((name) => /\.ya?ml$/.test(name));
    // The workspace is a scratch copy made by the runner, so the examples may be edited.
    const documents = [];
    for (const name of names.sort()) documents.push(await openFile(vscode.Uri.joinPath(folder, name)));
    // Whether every example is reported is the diagnostics suite's business; here only the reported ones count.
    const reported = await Promise.allSettled(
      documents.map((document) => waitForDiagnostics(document.uri, 'a diagnostic', (found) => found.length > 0)),
    );
    let applied = 0;
    for (const [index, document] of documents.entries()) {
      const outcome = reported[index];
      for (const diagnostic of outcome.status === 'fulfilled' ? outcome.value : []) {
        const preferred = (await quickFixesFor(document, diagnostic)).find((fix) => fix.isPreferred);
        if (!preferred) continue;
        await applyAndAwaitRemoval(document, diagnostic, preferred);
        applied++;
        break; // The other diagnostics' ranges moved with the edit; one fix per file is enough.
      }
    }
    assert.ok(applied > 0, `none of the ${documents.length} broken examples offered a preferred quick fix`);
  });
});
