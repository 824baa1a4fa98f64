/**
 * What the extension knows of the WECs: completion of label keys, the hover naming the bound WECs
 * and the inlay hint counting them. The expectations come from the ManagedClusters in the test
 * workspace (see ../fixtures.ts), not from numbers written here.
 */
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { chooseSelectorLabel, emptyKeyPosition, labelKeys, readWecs, selectorPolicy, type FixtureWec, type LabelChoice } from '../fixtures';
import { completionLabels, eventually, hoverText, inlayHintText, openNewFile, positionOf, workspaceRoot } from './helpers';

suite('Inventory features', () => {
  let wecs: FixtureWec[];
  let choice: LabelChoice;
  let policy: vscode.TextDocument;

  suiteSetup(async () => {
    wecs = readWecs(workspaceRoot().fsPath);
    assert.ok(wecs.length > 0, 'the test workspace holds no ManagedCluster');
    choice = chooseSelectorLabel(wecs);
    policy = await openNewFile('e2e-scratch/selector.yaml', selectorPolicy('e2e-selector', choice));
  });

  test('completion at a clusterSelector label key offers the inventory label keys', async () => {
    const text = selectorPolicy('e2e-completion', choice, true);
    const document = await openNewFile('e2e-scratch/completion.yaml', text);
    const { line, character } = emptyKeyPosition(text);
    const expected = labelKeys(wecs);
    const list = await eventually(
      `completion to offer ${expected.join(', ')}`,
      () => vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(line, character)),
      (answer) => expected.every((key) => completionLabels(answer).includes(key)),
    );
    assert.ok(list.items.length > 0);
  });

  test('the hover on a cluster selector names the WECs it binds', async () => {
    // On the `matchLabels` key of the selector `{ <key>: <value> }`.
    const position = positionOf(policy, 'matchLabels', 0, 1);
    await eventually(
      `a hover naming ${choice.wecNames.join(', ')}`,
      () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', policy.uri, position),
      (answer) => choice.wecNames.every((name) => hoverText(answer).includes(name)),
    );
  });

  test('an inlay hint counts the WECs a selector binds', async () => {
    const count = choice.wecNames.length;
    const expected = new RegExp(`→\\s*${count}\\s+WECs?\\b`);
    const whole = new vscode.Range(0, 0, policy.lineCount, 0);
    await eventually(
      `an inlay hint "→ ${count} WECs"`,
      () => vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', policy.uri, whole),
      (hints) => (hints ?? []).some((hint) => expected.test(inlayHintText(hint))),
    );
  });
});
