// `npm start`: the packaged extension in a real VS Code workbench (code-server), with the example
// workspace open. Prints the URL to open in a browser and runs until Ctrl-C, which stops
// code-server and everything it started. The npm script packages and sets up code-server first.
//
// Usage: node scripts/e2e/start.mjs [--workspace DIR] [--vsix FILE]
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, createStateDir, installVsix, removeStateDir, startCodeServer } from './code-server.mjs';
import { VSIX_PATH } from './package.mjs';

const { values } = parseArgs({
  options: {
    workspace: { type: 'string', default: join(REPO_ROOT, 'examples') },
    vsix: { type: 'string', default: VSIX_PATH },
  },
});

const state = await createStateDir('ks-start-');
console.log(await installVsix(state, resolve(values.vsix)));
const server = await startCodeServer(state);
const workspace = resolve(values.workspace);
console.log(`\nKubeStellar BindingPolicy in VS Code (code-server), workspace ${workspace}:\n\n  ${server.workbenchUrl(workspace)}\n`);
console.log(`code-server log: ${server.logFile}\nPress Ctrl-C to stop.`);

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping code-server`);
  await server.stop();
  await removeStateDir(state);
  process.exit(0);
}
server.exited.then(async ({ code, signal }) => {
  if (stopping) return;
  console.error(`code-server exited by itself (${signal ?? `exit ${code}`}); see ${server.logFile}`);
  await server.stop();
  process.exit(1);
});
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
