/**
 * The servers under comparison: ours (the esbuild bundle), and yaml-language-server as shipped and
 * with its validation delay set to 0.
 *
 * yaml-language-server 1.25 debounces validation by a fixed 200 ms: `SettingsState` sets
 * `this.validationDelayMs = 200` in out/server/src/yamlSettings.js and no setting changes it. To
 * compare parsing and checking alone, `zeroDelayPeer` copies the package into a temporary folder
 * and changes that one line to `this.validationDelayMs = 0`. node_modules is never touched: the
 * copy reaches the same dependencies through symlinks.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../server/src/protocol';
import type { BenchClient, ServerCommand } from './client';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
const PEER_PACKAGE = path.join(REPO_ROOT, 'node_modules', 'yaml-language-server');
export const SCHEMA_FILE = path.join(REPO_ROOT, 'schemas', 'bindingpolicy.v1alpha1.schema.json');

/** The exact text replaced in the copy, and what replaces it. */
export const DELAY_LINE = 'this.validationDelayMs = 200;';
export const ZERO_DELAY_LINE = 'this.validationDelayMs = 0;';
export const DELAY_FILE = 'out/server/src/yamlSettings.js';

export interface ServerVariant {
  /** Short label used in the table. */
  readonly name: string;
  readonly command: ServerCommand;
  /** Resolves once the server has finished its start-up work (workspace load, schema setup). */
  readonly ready: (client: BenchClient) => Promise<void>;
  /** Whether its diagnostics notifications carry the document version. */
  readonly versionedDiagnostics: boolean;
}

export function peerVersion(): string {
  return (JSON.parse(readFileSync(path.join(PEER_PACKAGE, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Our bundled server, started as the VS Code client starts it (with `SERVER_NODE_FLAGS`); `nodeFlags`
 * go to node as well (e.g. `--cpu-prof`).
 */
export function ourServer(nodeFlags: readonly string[] = []): ServerVariant {
  return {
    name: 'ours',
    command: {
      command: process.execPath,
      args: [...SERVER_NODE_FLAGS, ...nodeFlags, path.join(REPO_ROOT, 'dist', 'server.js'), '--stdio'],
      cwd: REPO_ROOT,
      // The defaults: inventory from the workspace files, inlay hints on.
      configuration: (section) => (section === 'kubestellar' ? {} : null),
    },
    // The server reports its inventory in `kubestellar/status` once the workspace is loaded.
    ready: (client) => client.waitFor('the workspace inventory', () => client.notifications.some((n) => n.method === 'kubestellar/status' && (n.params as { wecCount?: number }).wecCount! > 0)),
    versionedDiagnostics: true,
  };
}

/** Settings for yaml-language-server: our schema for the benchmark files, every network store off. */
function peerConfiguration(section: string | undefined): unknown {
  if (section === 'yaml') {
    return {
      schemas: { [pathToFileURL(SCHEMA_FILE).toString()]: ['policies/*.yaml'] },
      schemaStore: { enable: false },
      kubernetesCRDStore: { enable: false },
      validate: true,
      hover: true,
      completion: true,
      format: { enable: false },
    };
  }
  return section === 'http' || section === '[yaml]' || section === 'editor' ? {} : null;
}

function peer(name: string, packageDir: string): ServerVariant {
  return {
    name,
    command: {
      command: process.execPath,
      args: [path.join(packageDir, 'bin', 'yaml-language-server'), '--stdio'],
      cwd: REPO_ROOT,
      configuration: peerConfiguration,
    },
    // It pulls its settings after `initialized`; then it has nothing more to load (all stores are off).
    ready: async (client) => {
      await client.waitFor('the settings pull', () => client.configurationAnswered > 0);
      await client.quiet(300);
    },
    versionedDiagnostics: false,
  };
}

export function shippedPeer(): ServerVariant {
  return peer('peer (shipped, 200 ms)', PEER_PACKAGE);
}

/** A copy of yaml-language-server in `scratch` whose validation delay is 0 ms (see the file comment). */
export function zeroDelayPeer(scratch: string): ServerVariant {
  const root = path.join(scratch, 'peer-zero-delay');
  const copy = path.join(root, 'yaml-language-server');
  if (!existsSync(copy)) {
    mkdirSync(copy, { recursive: true });
    for (const part of ['package.json', 'bin', 'out', 'l10n']) cpSync(path.join(PEER_PACKAGE, part), path.join(copy, part), { recursive: true });
    // Its own nested dependencies first, then the project's hoisted ones, as in the original layout.
    if (existsSync(path.join(PEER_PACKAGE, 'node_modules'))) symlinkSync(path.join(PEER_PACKAGE, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    const file = path.join(copy, DELAY_FILE);
    const source = readFileSync(file, 'utf8');
    if (source.split(DELAY_LINE).length !== 2) throw new Error(`expected exactly one "${DELAY_LINE}" in ${file}; the peer's source changed, update the benchmark`);
    writeFileSync(file, source.replace(DELAY_LINE, ZERO_DELAY_LINE));
  }
  return peer('peer (0 ms)', copy);
}

/**
 * Writes a minimal language server on vscode-languageserver into `scratch` and says how to start it:
 * it runs `preamble` once, runs `onChange` (JavaScript with `document` in scope) for every document
 * version and then publishes empty diagnostics for it, runs `onClose` when a document closes, and
 * answers hover and completion with a constant. The benchmark measures two of them in turn with the real servers, as floors.
 */
function floorServer(
  scratch: string,
  options: {
    readonly name: string;
    readonly fileName: string;
    readonly preamble?: readonly string[];
    readonly onChange?: readonly string[];
    readonly onClose?: readonly string[];
    readonly nodeFlags?: readonly string[];
  },
): ServerVariant {
  const script = path.join(scratch, options.fileName);
  const modules = (name: string): string => JSON.stringify(path.join(REPO_ROOT, 'node_modules', name));
  writeFileSync(
    script,
    [
      ...(options.preamble ?? []),
      `const { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } = require(${modules('vscode-languageserver/node')});`,
      `const { TextDocument } = require(${modules('vscode-languageserver-textdocument')});`,
      'const connection = createConnection(ProposedFeatures.all);',
      'const documents = new TextDocuments(TextDocument);',
      'connection.onInitialize(() => ({ capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, hoverProvider: true, completionProvider: {} } }));',
      'documents.onDidChangeContent(({ document }) => {',
      ...(options.onChange ?? []).map((line) => `  ${line}`),
      '  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: [] });',
      '});',
      'documents.onDidClose(({ document }) => {',
      ...(options.onClose ?? []).map((line) => `  ${line}`),
      '});',
      "connection.onHover(() => ({ contents: { kind: 'markdown', value: 'a constant answer, long enough to count as content' } }));",
      "connection.onCompletion(() => ({ isIncomplete: false, items: [{ label: 'constant' }] }));",
      'documents.listen(connection);',
      'connection.listen();',
      '',
    ].join('\n'),
  );
  return {
    name: options.name,
    command: { command: process.execPath, args: [...(options.nodeFlags ?? []), script, '--stdio'], cwd: REPO_ROOT, configuration: () => null },
    ready: (client) => client.quiet(100),
    versionedDiagnostics: true,
  };
}

/**
 * A server that does nothing: what it takes is the floor of every latency for any server built on
 * vscode-languageserver here (the transport, waking an idle process), so the report can show how
 * much of a target is left for the actual work.
 */
export function doNothingServer(scratch: string): ServerVariant {
  return floorServer(scratch, { name: 'a server that does nothing', fileName: 'do-nothing-server.js' });
}

/**
 * A server that only parses: for every version it parses each changed YAML document with our own
 * `parseFile` (as our language service does: `yaml` with `process.env` a plain copy, or, after a
 * keystroke in a plain word, the previous parse moved), so hover and completion are answered after
 * the parse of the version they follow. It runs with our server's node flags and warms its parse
 * before it listens. No server that parses each changed YAML document that way before it diagnoses
 * or answers can be faster, so where this one misses a target, such a server must too.
 */
export function parseOnlyServer(scratch: string): ServerVariant {
  const compiled = (file: string): string => JSON.stringify(path.join(REPO_ROOT, 'out', file));
  return floorServer(scratch, {
    name: 'a server that only parses',
    fileName: 'parse-only-server.js',
    nodeFlags: SERVER_NODE_FLAGS,
    preamble: [
      `require(${compiled('server/src/environment.js')}).useEnvironmentCopy();`,
      `const { parseFile } = require(${compiled('server/src/core/document.js')});`,
      'const parsed = new Map();',
      // Warm, as our server warms itself: a few hundred parses of another generated file, edited.
      `const sample = require(${compiled('bench/lsp/corpus.js')}).generatePolicyFile({ lines: 50, seed: 7 });`,
      "for (let round = 0, previous; round < 400; round++) previous = parseFile(`warm-up:///${round % 10}`, round, round % 2 ? sample.text : sample.text.replace(/name: /, 'name: x'), round % 10 ? previous : undefined);",
    ],
    onChange: ['parsed.set(document.uri, parseFile(document.uri, document.version, document.getText(), parsed.get(document.uri)));'],
    onClose: ['parsed.delete(document.uri);'],
  });
}
