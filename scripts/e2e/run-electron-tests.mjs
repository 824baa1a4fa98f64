// Runs the same extension-host suite (test/e2e/suite/) in a desktop VS Code downloaded by
// @vscode/test-electron, for machines that reach update.code.visualstudio.com. The CI machines
// reach only npm and Debian, so CI uses run-extension-tests.mjs (code-server) instead; see
// shared/e2e/REAL-VSCODE.md. On a Linux machine without a display, run it under `xvfb-run -a`.
//
// Usage: npm run test:electron    (KS_VSCODE_VERSION picks the VS Code version, default 1.100.3)
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT, createStateDir, removeStateDir } from './code-server.mjs';

const state = await createStateDir('ks-e2e-electron-');
// The suite edits files (quick fixes), so it gets a scratch copy of the examples.
const workspace = join(state.root, 'workspace');
await cp(join(REPO_ROOT, 'examples'), workspace, { recursive: true });

let exitCode = 1;
try {
  exitCode = await runTests({
    version: process.env.KS_VSCODE_VERSION ?? '1.100.3',
    cachePath: join(REPO_ROOT, '.vscode-test'),
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: join(REPO_ROOT, 'out/test/e2e/suite/index.js'),
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir', state.userData,
      '--extensions-dir', state.extensions,
    ],
  });
} catch (error) {
  console.error(`[e2e] VS Code extension tests failed: ${error.message}`);
} finally {
  await removeStateDir(state);
}
console.log(`[e2e] electron extension-host tests ${exitCode === 0 ? 'PASSED' : 'FAILED'}`);
process.exit(exitCode);
