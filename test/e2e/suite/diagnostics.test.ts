/**
 * Diagnostics as VS Code shows them: codes, severities and precise ranges, for a policy written
 * here (exact expectations) and for every example under policies/ (each broken one must show its
 * rule on the lines its `# mistake` comments mark; the others must be free of errors).
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { BROKEN_EXAMPLE_CODES, CODE_PATTERN, DIAGNOSTIC_SOURCE, mistakeLines } from '../fixtures';
import {
  describeDiagnostics,
  diagnosticCode,
  openFile,
  openNewFile,
  waitForDiagnostics,
  workspaceFile,
  workspaceRoot,
} from './helpers';

const POLICY_WITH_SELECTOR_MISTAKES = `apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata:
  name: e2e-diagnostics
spec:
  clusterSelectors:
  - matchExpressions:
    - key: region
      operator: in
      values: ["eu-west"]
    - key: env
      operator: Exists
      values: ["prod"]
  downsync:
  - resources: ["deployments"]
`;

const isProblem = (diagnostic: vscode.Diagnostic) =>
  diagnostic.severity === vscode.DiagnosticSeverity.Error || diagnostic.severity === vscode.DiagnosticSeverity.Warning;

/** The example policy files of a workspace folder, by name. */
function examplePolicies(folder: string): string[] {
  const path = join(workspaceRoot().fsPath, folder);
  if (!existsSync(path)) return [];
  return readdirSync(path).filter((name) => /\.ya?ml$/.test(name)).sort();
}

function assertWellFormed(document: vscode.TextDocument, diagnostics: readonly vscode.Diagnostic[]): void {
  const end = document.positionAt(document.getText().length);
  for (const diagnostic of diagnostics) {
    const label = describeDiagnostics([diagnostic]);
    assert.equal(diagnostic.source, DIAGNOSTIC_SOURCE, label);
    assert.match(diagnosticCode(diagnostic) ?? '', CODE_PATTERN, `code of ${label}`);
    assert.ok(diagnostic.range.end.isBeforeOrEqual(end), `range beyond the end of the document: ${label}`);
    assert.ok(!diagnostic.range.isEmpty, `empty range, nothing to underline: ${label}`);
  }
}

suite('Diagnostics', () => {
  test('a bad operator and values on Exists are reported on the offending text', async () => {
    const document = await openNewFile('e2e-scratch/diagnostics.yaml', POLICY_WITH_SELECTOR_MISTAKES);
    const diagnostics = await waitForDiagnostics(document.uri, 'BP1201 and BP1203', (found) => {
      const codes = found.map(diagnosticCode);
      return codes.includes('BP1201') && codes.includes('BP1203');
    });
    assertWellFormed(document, diagnostics);
    const problems = diagnostics.filter(isProblem);
    assert.deepEqual(problems.map(diagnosticCode).sort(), ['BP1201', 'BP1203'], describeDiagnostics(problems));

    const operator = problems.find((diagnostic) => diagnosticCode(diagnostic) === 'BP1201')!;
    assert.equal(operator.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(document.getText(operator.range), 'in');
    assert.equal(operator.range.start.line, 8);

    const values = problems.find((diagnostic) => diagnosticCode(diagnostic) === 'BP1203')!;
    assert.equal(values.severity, vscode.DiagnosticSeverity.Error);
    // Lines 10-12 hold the `- key: env` expression whose values are forbidden.
    assert.ok(
      values.range.start.line >= 10 && values.range.end.line <= 12,
      `BP1203 should point into the Exists expression: ${describeDiagnostics([values])}`,
    );
  });

  test('each broken example is reported, with its rule, on the lines its comments mark', async () => {
    const broken = examplePolicies('policies/broken');
    assert.ok(broken.length > 0, 'policies/broken/ holds no .yaml file');
    const renamed = Object.keys(BROKEN_EXAMPLE_CODES).filter((name) => !broken.includes(name));
    assert.deepEqual(renamed, [], 'examples named in BROKEN_EXAMPLE_CODES (test/e2e/fixtures.ts) are gone');

    // All files are opened first and awaited together, so a missing feature costs one wait, not one per file.
    const documents = [];
    for (const name of broken) documents.push(await openFile(workspaceFile(`policies/broken/${name}`)));
    const failures = (
      await Promise.all(
        documents.map(async (document, index) => {
          const name = broken[index];
          const expectedCode = BROKEN_EXAMPLE_CODES[name];
          const marked = mistakeLines(document.getText());
          // A diagnostic counts for a marked line when it touches it or the next one: a YAML syntax
          // error is found where the parser gives up, which can be the line after the mistake.
          const covers = (diagnostic: vscode.Diagnostic, line: number) =>
            diagnostic.range.start.line <= line + 1 &&
            diagnostic.range.end.line >= line &&
            (expectedCode === undefined || diagnosticCode(diagnostic) === expectedCode);
          const what = `${expectedCode ?? 'a diagnostic'} on line(s) ${marked.map((line) => line + 1).join(', ')}`;
          try {
            assert.ok(marked.length > 0, `${name} marks no line with "# mistake"`);
            const diagnostics = await waitForDiagnostics(document.uri, what, (found) =>
              marked.every((line) => found.some((diagnostic) => covers(diagnostic, line))),
            );
            assertWellFormed(document, diagnostics);
            return [];
          } catch (error) {
            return [`${name}: ${(error as Error).message}`];
          }
        }),
      )
    ).flat();
    assert.ok(failures.length === 0, `${failures.length} of ${broken.length} broken examples:\n${failures.join('\n')}`);
  });

  test('the example policies outside broken/ have no errors', async () => {
    const good = examplePolicies('policies');
    assert.ok(good.length > 0, 'policies/ holds no .yaml file');
    const documents = [];
    for (const name of good) documents.push(await openFile(workspaceFile(`policies/${name}`)));
    // A clean file gets no diagnostics event. The server analyses documents in the order they were
    // opened, so once a broken file opened after them has its diagnostics, these have been analysed.
    const sentinel = await openNewFile('e2e-scratch/sentinel.yaml', POLICY_WITH_SELECTOR_MISTAKES.replace('e2e-diagnostics', 'e2e-sentinel'));
    await waitForDiagnostics(sentinel.uri, 'the sentinel diagnostics', (found) => found.length > 0);
    for (const document of documents) {
      const errors = vscode.languages
        .getDiagnostics(document.uri)
        .filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE && diagnostic.severity === vscode.DiagnosticSeverity.Error);
      assert.deepEqual(errors, [], `${vscode.workspace.asRelativePath(document.uri)}: ${describeDiagnostics(errors)}`);
    }
  });
});
