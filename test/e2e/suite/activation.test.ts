/**
 * The extension as VS Code sees it: it activates on its own when a BindingPolicy is opened, and
 * registers the commands its manifest contributes.
 */
import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { COMMANDS, DIAGNOSTIC_SOURCE, EXTENSION_ID } from '../fixtures';
import { activeExtension, openNewFile, waitForDiagnostics } from './helpers';

const POLICY_WITH_BAD_OPERATOR = `apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata:
  name: e2e-activation
spec:
  clusterSelectors:
  - matchExpressions:
    - key: region
      operator: in
      values: ["eu-west"]
  downsync:
  - resources: ["deployments"]
`;

suite('Extension', () => {
  test('activates by itself when a BindingPolicy is opened and reports its diagnostics', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded in this extension host`);
    // No activate() call here: the diagnostics can only come from the manifest's activation events.
    const document = await openNewFile('e2e-scratch/activation.yaml', POLICY_WITH_BAD_OPERATOR);
    const diagnostics = await waitForDiagnostics(document.uri, `a ${DIAGNOSTIC_SOURCE} diagnostic`, (found) => found.length > 0);
    assert.ok(extension.isActive, 'diagnostics arrived but the extension reports itself inactive');
    assert.ok(diagnostics.every((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE));
  });

  test('contributes and registers its commands', async () => {
    const extension = await activeExtension();
    const contributed: string[] = (extension.packageJSON.contributes?.commands ?? []).map(
      (command: { command: string }) => command.command,
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of COMMANDS) {
      assert.ok(contributed.includes(command), `package.json does not contribute ${command}`);
    }
    const unregistered = contributed.filter((command) => !registered.has(command));
    assert.deepEqual(unregistered, [], 'contributed commands without a handler');
  });

  test('refreshes its inventory on command', async () => {
    await activeExtension();
    // Resolves once the server has reloaded the workspace inventory; it must not throw.
    await vscode.commands.executeCommand('kubestellar.refreshInventory');
  });
});
