// Runs the mocha suite inside VS Code's real extension host (code-server 1.100.3), with the repo as
// the extension under development. code-server has no --extensionTestsPath flag; the web workbench
// takes extensionDevelopmentPath/extensionTestsPath from the `payload` of its URL instead, reports
// the tests' output through window.codeAutomationLog and their end through window.codeAutomationExit.
//
// Usage: node scripts/e2e/run-extension-tests.mjs [--extension DIR] [--tests FILE] [--workspace DIR]
//   --extension  the extension under development (default: the repo)
//   --tests      the compiled suite entry point (default: out/test/e2e/suite/index.js)
//   --workspace  copied to a scratch folder that is opened as the workspace (default: examples/)
// Exit code: 0 when every test passed, 1 otherwise.
import { existsSync } from 'node:fs';
import { cp, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { format, parseArgs } from 'node:util';
import { REPO_ROOT, createStateDir, removeStateDir, startCodeServer } from './code-server.mjs';
import { printFailureReport } from './report.mjs';
import { launchBrowser, screenshot } from './workbench.mjs';

/** Log lines of the workbench itself (connection set-up, the offline marketplace) that come through codeAutomationLog. */
const WORKBENCH_CHATTER = [
  /open-vsx\.org|vsda/,
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
];
const RUN_TIMEOUT_MS = Number(process.env.KS_E2E_TIMEOUT_MS ?? 180_000);

const { values: options } = parseArgs({
  options: {
    extension: { type: 'string', default: REPO_ROOT },
    tests: { type: 'string', default: join(REPO_ROOT, 'out/test/e2e/suite/index.js') },
    workspace: { type: 'string', default: join(REPO_ROOT, 'examples') },
  },
});
const extensionPath = resolve(options.extension);
const testsPath = resolve(options.tests);
const workspaceSource = resolve(options.workspace);

function requireFile(path, hint) {
  if (!existsSync(path)) {
    console.log(`[e2e] missing ${path}: ${hint}`);
    process.exit(1);
  }
}
const manifest = JSON.parse(await readFile(join(extensionPath, 'package.json'), 'utf8'));
requireFile(join(extensionPath, manifest.main ?? 'package.json'), 'build the extension first (`npm run build`)');
requireFile(testsPath, 'compile the tests first (`npm run compile-tests`)');
requireFile(workspaceSource, 'the workspace to open does not exist');

const started = Date.now();
const state = await createStateDir('ks-e2e-exthost-');
// The suite edits files (quick fixes), so it gets a scratch copy, never the checked-in examples.
const workspace = join(state.root, 'workspace');
await cp(workspaceSource, workspace, { recursive: true });

let server;
let browser;
let exitCode = 1;
try {
  server = await startCodeServer(state);
  browser = await launchBrowser(state);
  const { page } = browser;
  let testsEnded = false;
  let resolveExit;
  const finished = new Promise((resolve) => (resolveExit = resolve));
  // The workbench forwards its own log lines here too; only the suite's output is worth printing.
  await page.exposeFunction('codeAutomationLog', (_level, args) => {
    const text = format(...(Array.isArray(args) ? args : [args])).replace(/\n$/, '');
    if (!testsEnded && !WORKBENCH_CHATTER.some((chatter) => chatter.test(text))) console.log(text);
  });
  await page.exposeFunction('codeAutomationExit', (code) => {
    testsEnded = true;
    resolveExit(Number(code));
  });
  const timedOut = new Promise((resolve) => setTimeout(() => resolve('timeout'), RUN_TIMEOUT_MS).unref());
  const url = server.workbenchUrl(workspace, [
    ['extensionDevelopmentPath', server.remoteUri(extensionPath)],
    ['extensionTestsPath', server.remoteUri(testsPath)],
  ]);
  console.log(`[e2e] ${manifest.publisher}.${manifest.name} in code-server ${server.url}, workspace ${workspace}`);
  await page.goto(url);
  const result = await Promise.race([finished, timedOut]);
  if (result === 'timeout') {
    console.log(`[e2e] the extension tests did not finish within ${RUN_TIMEOUT_MS / 1000} s`);
  } else {
    exitCode = result;
  }
  if (exitCode !== 0) {
    console.log(`[e2e] screenshot: ${await screenshot(page, 'extension-tests-failure')}`);
    await printFailureReport({ state, server, consoleLines: browser.consoleLines });
  }
} finally {
  await browser?.close();
  await server?.stop();
  await removeStateDir(state);
}
console.log(
  `[e2e] extension-host tests ${exitCode === 0 ? 'PASSED' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
process.exit(exitCode);
