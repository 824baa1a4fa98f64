/**
 * The language server as an editor sees it: the bundled `dist/server.js` spawned with `--stdio`,
 * spoken to over LSP, with `examples/` as the workspace folder (eight WECs in `inventory/`,
 * workloads, good policies and `policies/broken/`).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  FileChangeType,
  type CodeAction,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type Position,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileUri, LspClient, REPO_ROOT } from './lspClient';

const EXAMPLES = path.join(REPO_ROOT, 'examples');

function example(relative: string): { uri: string; text: string } {
  const file = path.join(EXAMPLES, relative);
  return { uri: fileUri(file), text: fs.readFileSync(file, 'utf8') };
}

/** The position of the `occurrence`-th `needle` in `text`, moved `shift` characters into it. */
function positionOf(text: string, needle: string, shift = 0, occurrence = 1): Position {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `"${needle}" (occurrence ${occurrence}) is in the text`);
  }
  return TextDocument.create('file:///x', 'yaml', 0, text).positionAt(index + shift);
}

function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(diagnostic.code));
}

function labels(result: CompletionList | CompletionItem[] | null): string[] {
  const items = Array.isArray(result) ? result : result?.items ?? [];
  return items.map((item) => item.label);
}

function hoverText(hover: Hover | null): string {
  assert.ok(hover, 'a hover');
  const { contents } = hover;
  assert.ok(typeof contents === 'object' && 'kind' in contents, 'markup content');
  assert.equal(contents.kind, 'markdown');
  return contents.value;
}

/** Unique untitled URIs, so that tests never share a document. */
let untitledCounter = 0;
function untitled(): string {
  return `untitled:policy-${++untitledCounter}.yaml`;
}

const POLICY_HEAD = 'apiVersion: control.kubestellar.io/v1alpha1\nkind: BindingPolicy\nmetadata:\n  name: test-policy\nspec:\n';

describe('language server over stdio, with examples/ as the workspace', () => {
  let client: LspClient;
  /** Per-URI answers to `workspace/configuration`; absent URIs get the defaults. */
  const perUri = new Map<string, unknown>();

  before(async () => {
    client = await LspClient.start({
      workspaceFolders: [EXAMPLES],
      settings: (scopeUri) => (scopeUri ? perUri.get(scopeUri) ?? {} : {}),
    });
    await client.waitForStatus((status) => status.wecCount === 8);
  });

  after(async () => {
    await client?.dispose();
  });

  it('announces its capabilities', () => {
    const { capabilities } = client.initializeResult;
    assert.equal(capabilities.hoverProvider, true);
    assert.equal(capabilities.inlayHintProvider, true);
    assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.kubestellar'] });
    assert.ok(capabilities.completionProvider?.triggerCharacters?.includes(':'));
  });

  it('reports the workspace inventory and registers a watcher for YAML files', async () => {
    const status = await client.waitForStatus((candidate) => candidate.wecCount === 8);
    assert.equal(status.source, 'workspace');
    assert.equal(status.trusted, false);
    assert.equal(status.reason, 'kubestellar.its.context and kubestellar.wds.context are not set');
    assert.ok(status.objectCount > 10);
    await client.waitFor('the file watcher registration', () =>
      client.registrations.some((registration) => registration.method === 'workspace/didChangeWatchedFiles'),
    );
    const watcher = client.registrations.find((registration) => registration.method === 'workspace/didChangeWatchedFiles');
    assert.deepEqual(watcher?.registerOptions, { watchers: [{ globPattern: '**/*.{yaml,yml}' }] });
  });

  it('publishes diagnostics tagged with each document version', async () => {
    const { uri, text } = example('policies/broken/operator-lowercase.yaml');
    await client.open(uri, text, 1);
    const first = await client.waitForDiagnostics(uri, 1);
    const operator = first.find((diagnostic) => diagnostic.code === 'BP1201');
    assert.ok(operator, `BP1201 among ${codes(first)}`);
    assert.equal(operator.source, 'kubestellar');
    assert.equal(operator.severity, 1);
    assert.deepEqual(operator.range.start, positionOf(text, 'operator: in', 'operator: '.length));

    await client.change(uri, 2, text.replace('operator: in ', 'operator: In '));
    assert.ok(!codes(await client.waitForDiagnostics(uri, 2)).includes('BP1201'));

    // An incremental change: the server must apply the range edit to its copy.
    const fixed = client.text(uri);
    const at = positionOf(fixed, 'operator: In', 'operator: '.length);
    await client.change(uri, 3, [{ range: { start: at, end: { line: at.line, character: at.character + 2 } }, text: 'Inn' }]);
    assert.ok(codes(await client.waitForDiagnostics(uri, 3)).includes('BP1201'));

    // Reopened with the same version number but another text: the old result must not be reused.
    await client.close(uri);
    const published = client.publishedCount(uri);
    await client.open(uri, text.replace('operator: in ', 'operator: In '), 3);
    assert.ok(!codes(await client.waitForDiagnostics(uri, 3, published)).includes('BP1201'));
    await client.close(uri);
  });

  it('clears the diagnostics of a closed document', async () => {
    const { uri, text } = example('policies/broken/operator-lowercase.yaml');
    await client.open(uri, text, 1);
    await client.waitForDiagnostics(uri, 1, client.publishedCount(uri));
    const published = client.publishedCount(uri);
    await client.close(uri);
    await client.waitFor('empty diagnostics after close', () => client.publishedCount(uri) > published);
    assert.deepEqual(client.diagnostics.get(uri)!.at(-1)!.diagnostics, []);
  });

  it('offers the quick fix for a diagnostic, and the diagnostic is gone once it is applied', async () => {
    const { uri, text } = example('policies/broken/operator-lowercase.yaml');
    await client.open(uri, text, 1);
    const diagnostics = await client.waitForDiagnostics(uri, 1, client.publishedCount(uri));
    const operator = diagnostics.find((diagnostic) => diagnostic.code === 'BP1201')!;
    const actions = (await client.codeActions(uri, operator.range, [operator])) as CodeAction[];
    const fix = actions.find((action) => action.kind === 'quickfix' && action.diagnostics?.some((diagnostic) => diagnostic.code === 'BP1201'));
    assert.ok(fix, `a quick fix among ${actions.map((action) => action.title)}`);
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(fix.diagnostics![0].range, operator.range);
    const edit = fix.edit!.documentChanges![0];
    assert.ok('textDocument' in edit);
    assert.equal(edit.textDocument.version, 1, 'the edit is tied to the version it was computed for');

    await client.applyWorkspaceEdit(fix.edit!);
    assert.match(client.text(uri), /operator: In # mistake/);
    const after = await client.waitForDiagnostics(uri, 2);
    assert.ok(!codes(after).includes('BP1201'), `left: ${codes(after)}`);
    await client.close(uri);
  });

  it('offers "fix all" as a source.fixAll.kubestellar action, only when asked for source actions', async () => {
    const { uri, text } = example('policies/broken/wildcard-with-others.yaml');
    const broken = text.replace('name: wildcard-with-others', 'name: wildcard-with-others\n  namespace: default');
    await client.open(uri, broken, 1);
    const before = await client.waitForDiagnostics(uri, 1, client.publishedCount(uri));
    assert.ok(codes(before).includes('BP1301') && codes(before).includes('BP1303'), `found ${codes(before)}`);
    const whole = { start: { line: 0, character: 0 }, end: { line: broken.split('\n').length, character: 0 } };

    const quickFixesOnly = (await client.codeActions(uri, whole, before, ['quickfix'])) as CodeAction[];
    assert.ok(quickFixesOnly.length > 0 && quickFixesOnly.every((action) => action.kind === 'quickfix'));

    const fixAll = (await client.codeActions(uri, whole, [], ['source.fixAll'])) as CodeAction[];
    assert.deepEqual(fixAll.map((action) => action.kind), ['source.fixAll.kubestellar']);
    await client.applyWorkspaceEdit(fixAll[0].edit!);
    const after = await client.waitForDiagnostics(uri, 2);
    assert.ok(!codes(after).includes('BP1301') && !codes(after).includes('BP1303'), `left: ${codes(after)}`);
    await client.close(uri);
  });

  it('completes label keys and values of the inventory inside a clusterSelector', async () => {
    const uri = untitled();
    const text = `${POLICY_HEAD}  clusterSelectors:\n    - matchLabels:\n        \n`;
    await client.open(uri, text, 1);
    const keys = labels(await client.completion(uri, { line: 7, character: 8 }));
    for (const key of ['location-group', 'region', 'env']) assert.ok(keys.includes(key), `${key} among ${keys}`);

    await client.change(uri, 2, `${POLICY_HEAD}  clusterSelectors:\n    - matchLabels:\n        location-group: \n`);
    const values = labels(await client.completion(uri, { line: 7, character: 24 }));
    assert.deepEqual([...values].sort(), ['cloud', 'edge']);
    await client.close(uri);
  });

  it('names the bound WECs in the hover of a policy name', async () => {
    const { uri, text } = example('policies/web-to-edge.yaml');
    await client.open(uri, text, 1);
    const markdown = hoverText(await client.hover(uri, positionOf(text, 'name: web-to-edge', 'name: '.length + 2)));
    for (const wec of ['edge-eu-1', 'edge-eu-2', 'edge-eu-3']) assert.ok(markdown.includes(wec), `${wec} in ${markdown}`);
    assert.ok(!markdown.includes('edge-us-1'));
    await client.close(uri);
  });

  it('answers a hover sent right behind an edit from the edited text, then publishes its diagnostics', async () => {
    const { uri, text } = example('policies/web-to-edge.yaml');
    await client.open(uri, text, 1);
    await client.waitForDiagnostics(uri, 1);
    const published = client.publishedCount(uri);
    const edited = text.replace('values: [eu-west, eu-central]', 'values: [eu-west]');
    // Not awaited in between: the hover follows the keystroke as an editor sends it.
    const changed = client.change(uri, 2, edited);
    const hover = client.hover(uri, positionOf(edited, 'name: web-to-edge', 'name: '.length + 2));
    await changed;
    const markdown = hoverText(await hover);
    assert.ok(markdown.includes('edge-eu-1') && markdown.includes('edge-eu-3'), markdown);
    assert.ok(!markdown.includes('edge-eu-2'), `edge-eu-2 is in eu-central, no longer selected: ${markdown}`);
    await client.waitForDiagnostics(uri, 2, published);
    await client.close(uri);
  });

  it('shows inlay hints with the match counts after selectors and clauses', async () => {
    const { uri, text } = example('policies/web-to-edge.yaml');
    await client.open(uri, text, 1);
    const hints = (await client.inlayHints(uri, { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } })) ?? [];
    const selectorLine = positionOf(text, '- matchLabels:').line;
    const selectorHint = hints.find((hint) => hint.position.line === selectorLine);
    assert.equal(selectorHint?.label, '→ 3 WECs');
    assert.ok(hints.some((hint) => typeof hint.label === 'string' && /object/.test(hint.label)), JSON.stringify(hints));
    await client.close(uri);
  });

  it('pulls settings per document: inlay hints off for one URI only', async () => {
    const { text } = example('policies/web-to-edge.yaml');
    const quiet = untitled();
    const loud = untitled();
    perUri.set(quiet, { inlayHints: { enabled: false } });
    await client.open(quiet, text, 1);
    await client.open(loud, text, 1);
    const whole = { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } };
    assert.deepEqual(await client.inlayHints(quiet, whole), []);
    assert.ok(((await client.inlayHints(loud, whole)) ?? []).length > 0);
    const scopes = client.configurationRequests.filter((item) => item.section === 'kubestellar').map((item) => item.scopeUri);
    assert.ok(scopes.includes(quiet) && scopes.includes(loud), `asked for ${scopes}`);

    // A configuration change drops the cached answers and asks the client to refresh its hints.
    const refreshes = client.inlayHintRefreshes;
    perUri.set(quiet, { inlayHints: { enabled: true } });
    await client.changeSettings((scopeUri) => (scopeUri ? perUri.get(scopeUri) ?? {} : {}));
    await client.waitFor('an inlay hint refresh', () => client.inlayHintRefreshes > refreshes);
    assert.ok(((await client.inlayHints(quiet, whole)) ?? []).length > 0);
    perUri.delete(quiet);
    await client.close(quiet);
    await client.close(loud);
  });

  it('gives a hierarchical outline and folding ranges', async () => {
    const { uri, text } = example('policies/web-to-edge.yaml');
    await client.open(uri, text, 1);
    const symbols = (await client.documentSymbols(uri)) as DocumentSymbol[];
    assert.equal(symbols.length, 1);
    assert.equal(symbols[0].name, 'web-to-edge');
    assert.ok((symbols[0].children ?? []).length >= 2, JSON.stringify(symbols[0].children));
    const names = JSON.stringify(symbols[0].children);
    assert.match(names, /location-group=edge/);

    const folds = (await client.foldingRanges(uri)) ?? [];
    assert.ok(folds.length > 0);
    for (const fold of folds) assert.ok(fold.endLine > fold.startLine);
    const specLine = positionOf(text, 'spec:').line;
    assert.ok(folds.some((fold) => fold.startLine === specLine), `a fold starts at spec: (line ${specLine})`);
    await client.close(uri);
  });

  it('explains the policy under the cursor with WECs and objects from the inventory', async () => {
    const { uri, text } = example('policies/web-to-edge.yaml');
    await client.open(uri, text, 1);
    const result = await client.explain(uri, positionOf(text, 'downsync:'));
    assert.ok(result);
    assert.equal(result.version, 1);
    assert.equal(result.policies.length, 1);
    const [policy] = result.policies;
    assert.equal(policy.name, 'web-to-edge');
    assert.deepEqual(policy.wecs.map((wec) => wec.name).sort(), ['edge-eu-1', 'edge-eu-2', 'edge-eu-3']);
    assert.equal(policy.wecs[0].labels['location-group'], 'edge');
    assert.ok(policy.wecs[0].location?.uri.endsWith('/examples/inventory/edge-clusters.yaml'));
    const namespace = policy.clauses[0].objects.find((object) => object.resource === 'namespaces');
    assert.equal(namespace?.name, 'storefront');
    assert.equal(namespace?.kind, 'Namespace');
    assert.ok(namespace?.location?.uri.endsWith('/examples/workloads/namespaces.yaml'));
    await client.close(uri);
  });

  it('explains only the policy of the YAML document under the cursor, or all without a position', async () => {
    const uri = untitled();
    const web = example('policies/web-to-edge.yaml').text;
    const cart = example('policies/cart-to-edge-prod.yaml').text;
    const text = `${web}---\n${cart}`;
    await client.open(uri, text, 1);
    const second = await client.explain(uri, positionOf(text, 'operator: DoesNotExist'));
    assert.deepEqual(second?.policies.map((policy) => policy.name), ['cart-to-edge-prod']);
    assert.deepEqual(second?.policies[0].wecs.map((wec) => wec.name).sort(), ['edge-eu-1', 'edge-eu-2']);
    const all = await client.explain(uri);
    assert.deepEqual(all?.policies.map((policy) => policy.name), ['web-to-edge', 'cart-to-edge-prod']);
    await client.close(uri);
  });

  it('re-validates open policies when an edited manifest changes the inventory', async () => {
    const policyUri = untitled();
    const policy = `${POLICY_HEAD}  clusterSelectors:\n    - matchLabels:\n        env: qa\n  downsync:\n    - resources: [namespaces]\n`;
    await client.open(policyUri, policy, 1);
    assert.ok(codes(await client.waitForDiagnostics(policyUri, 1)).includes('BP1401'));

    const { uri, text } = example('inventory/edge-clusters.yaml');
    const published = client.publishedCount(policyUri);
    const refreshes = client.inlayHintRefreshes;
    await client.open(uri, text, 1);
    const qaCluster = '---\napiVersion: cluster.open-cluster-management.io/v1\nkind: ManagedCluster\nmetadata:\n  name: edge-qa-1\n  labels: {env: qa}\n';
    await client.change(uri, 2, `${text.trimEnd()}\n${qaCluster}`);
    const after = await client.waitForDiagnostics(policyUri, 1, published);
    assert.ok(!codes(after).includes('BP1401'), `left: ${codes(after)}`);
    await client.waitFor('an inlay hint refresh', () => client.inlayHintRefreshes > refreshes);
    await client.waitForStatus((status) => status.wecCount === 9);

    // Closing the unsaved editor brings back the file on disk.
    const republished = client.publishedCount(policyUri);
    await client.close(uri);
    assert.ok(codes(await client.waitForDiagnostics(policyUri, 1, republished)).includes('BP1401'));
    await client.close(policyUri);
  });

  it('survives handlers that fail: an unknown URI and malformed parameters get neutral answers', async () => {
    assert.equal(await client.hover('file:///nowhere.yaml', { line: 0, character: 0 }), null);
    assert.equal(await client.explain('file:///nowhere.yaml'), null);
    assert.equal(await client.connection.sendRequest('textDocument/hover', {}), null);
    assert.deepEqual(await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: 'x' } }), []);
    assert.equal(await client.connection.sendRequest('textDocument/completion', { textDocument: null, position: 'here' }), null);
    await client.waitFor('the logged failure', () => /hover failed: TypeError/.test(client.output()));
    assert.ok(!client.exited);

    const { uri, text } = example('policies/web-to-edge.yaml');
    await client.open(uri, text, 1);
    assert.match(hoverText(await client.hover(uri, positionOf(text, 'name: web-to-edge', 8))), /edge-eu-1/);
    await client.close(uri);
  });

  it('refuses to list kubeconfig contexts in an untrusted workspace', async () => {
    const result = await client.listContexts();
    assert.deepEqual(result.contexts, []);
    assert.match(result.error ?? '', /not trusted/);
  });
});

describe('language server: files changing on disk and source settings', () => {
  let workspace: string;
  let client: LspClient;

  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ks-server-test-'));
    fs.cpSync(path.join(EXAMPLES, 'inventory'), path.join(workspace, 'inventory'), { recursive: true });
    client = await LspClient.start({
      workspaceFolders: [workspace],
      settings: () => ({
        source: 'cluster',
        kubeconfig: path.join(workspace, 'no-such-kubeconfig'),
        its: { context: 'its1' },
        wds: { context: 'wds1' },
      }),
    });
  });

  after(async () => {
    await client?.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('says why it does not use the cluster it was asked for', async () => {
    const status = await client.waitForStatus((candidate) => candidate.wecCount === 8);
    assert.equal(status.requested, 'cluster');
    assert.equal(status.source, 'workspace');
    assert.match(status.errors.join('\n'), /"cluster" but the workspace is not trusted/);
  });

  it('follows watched-file events for files no editor holds', async () => {
    await client.waitForStatus((candidate) => candidate.wecCount === 8);
    const file = path.join(workspace, 'inventory', 'new-cluster.yaml');
    fs.writeFileSync(file, 'apiVersion: cluster.open-cluster-management.io/v1\nkind: ManagedCluster\nmetadata:\n  name: fresh\n');
    const seen = client.statuses.length;
    await client.changeWatchedFiles([{ uri: fileUri(file), type: FileChangeType.Created }]);
    await client.waitForStatus((status) => status.wecCount === 9, seen);
    fs.rmSync(file);
    await client.changeWatchedFiles([{ uri: fileUri(file), type: FileChangeType.Deleted }]);
    await client.waitForStatus((status) => status.wecCount === 8, seen);
  });

  it('reloads on kubestellar/refreshInventory', async () => {
    fs.writeFileSync(path.join(workspace, 'inventory', 'unwatched.yaml'), 'apiVersion: cluster.open-cluster-management.io/v1\nkind: ManagedCluster\nmetadata:\n  name: quiet\n');
    const status = await client.refreshInventory();
    assert.equal(status?.wecCount, 9);
  });

  it('contacts the cluster only once the client reports trust, and reports why it failed', async () => {
    const seen = client.statuses.length;
    await client.setTrust(true);
    const status = await client.waitForStatus((candidate) => candidate.trusted && candidate.contexts?.its.state === 'error', seen);
    assert.equal(status.source, 'cluster', 'an explicit "cluster" source stays on the cluster');
    assert.match(status.contexts!.its.message ?? '', /no-such-kubeconfig does not exist/);
    assert.match(status.errors.join('\n'), /ITS its1: .*does not exist/);
    const listed = await client.listContexts();
    assert.deepEqual(listed.contexts, []);
    assert.match(listed.error ?? '', /does not exist/);
  });
});
