// Starts and stops code-server (VS Code 1.100.3 served to a browser, with the real Node extension
// host) for `npm start` and the end-to-end tests. code-server itself is installed by
// setup-code-server.sh; see shared/e2e/REAL-VSCODE.md for why this is the route on these machines.
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CODE_SERVER_DIR = process.env.KS_CODE_SERVER_DIR ?? join(REPO_ROOT, '.code-server');
export const CODE_SERVER_BIN = join(CODE_SERVER_DIR, 'node_modules/.bin/code-server');
export const HOST = '127.0.0.1';

const HEALTH_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

/** User settings for a throwaway profile: no tours, no update or telemetry traffic, no trust prompt. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
};

/** Throws a message that says what to run when code-server has not been set up yet. */
export function assertCodeServerInstalled() {
  if (!existsSync(CODE_SERVER_BIN)) {
    throw new Error(`code-server is not installed in ${CODE_SERVER_DIR}: run \`npm run setup:code-server\` first.`);
  }
}

/**
 * Creates a fresh state folder: user data, extensions, logs and the TMPDIR/XDG folders, so that
 * neither code-server nor chromium writes into $HOME and nothing leaks from one run into the next.
 */
export async function createStateDir(prefix = 'ks-e2e-') {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const dirs = {
    root,
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    tmp: join(root, 'tmp'),
    xdgConfig: join(root, 'xdg/config'),
    xdgData: join(root, 'xdg/data'),
    xdgCache: join(root, 'xdg/cache'),
  };
  await Promise.all(Object.values(dirs).map((dir) => mkdir(dir, { recursive: true })));
  return dirs;
}

function isolatedEnv(state, extraEnv = {}) {
  return {
    ...process.env,
    TMPDIR: state.tmp,
    XDG_CONFIG_HOME: state.xdgConfig,
    XDG_DATA_HOME: state.xdgData,
    XDG_CACHE_HOME: state.xdgCache,
    ...extraEnv,
  };
}

function profileArgs(state) {
  return [
    '--user-data-dir', state.userData,
    '--extensions-dir', state.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
}

/** Installs a .vsix into the state's extensions folder (what a user's "Install from VSIX" does). */
export async function installVsix(state, vsixPath) {
  assertCodeServerInstalled();
  const { stdout, stderr } = await promisify(execFile)(
    CODE_SERVER_BIN,
    [...profileArgs(state), '--install-extension', vsixPath, '--force'],
    { env: isolatedEnv(state), timeout: 120_000 },
  );
  const output = `${stdout}${stderr}`;
  if (!/successfully installed/i.test(output)) {
    throw new Error(`code-server did not install ${vsixPath}:\n${output}`);
  }
  return output.trim();
}

/** Asks the kernel for a port nobody listens on right now. */
export async function findFreePort() {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts code-server on a free 127.0.0.1 port with the state's throwaway profile and waits until
 * /healthz answers. Returns the base URL and a stop() that ends its whole process group.
 *
 * @param {object} state from createStateDir()
 * @param {{ settings?: object, env?: object }} [options]
 */
export async function startCodeServer(state, options = {}) {
  assertCodeServerInstalled();
  const port = await findFreePort();
  const configFile = join(state.root, 'code-server.yaml');
  await writeFile(configFile, 'cert: false\n');
  const settingsDir = join(state.userData, 'User');
  await mkdir(settingsDir, { recursive: true });
  await writeFile(
    join(settingsDir, 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2),
  );

  const logFile = join(state.root, 'code-server.log');
  const log = createWriteStream(logFile);
  await once(log, 'open');
  // detached puts code-server in its own session and process group (setsid), so stop() can reach
  // the file watcher and extension host it spawns, which a plain kill of the parent would orphan.
  const child = spawn(
    CODE_SERVER_BIN,
    [
      '--config', configFile,
      '--auth', 'none',
      '--bind-addr', `${HOST}:${port}`,
      ...profileArgs(state),
    ],
    { env: isolatedEnv(state, options.env), detached: true, stdio: ['ignore', log, log] },
  );
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }));

  const url = `http://${HOST}:${port}`;
  const server = {
    url,
    port,
    pid: child.pid,
    state,
    logFile,
    /** Resolves with { code, signal } when the code-server process exits, for whatever reason. */
    exited,
    /** The workbench URL for a folder, optionally with a payload (extension development/tests). */
    workbenchUrl(folder, payload) {
      const query = new URLSearchParams({ folder });
      if (payload) query.set('payload', JSON.stringify(payload));
      return `${url}/?${query}`;
    },
    /** A URI the remote extension host resolves to a path on this machine. */
    remoteUri(path) {
      return `vscode-remote://${HOST}:${port}${path}`;
    },
    async stop() {
      signalGroup(child.pid, 'SIGTERM');
      const stopped = await Promise.race([exited, delay(STOP_GRACE_MS)]);
      // The leader may be gone while other members of its group (the watcher) still live.
      if (!stopped || groupAlive(child.pid)) signalGroup(child.pid, 'SIGKILL');
      await exited;
      log.end();
    },
  };

  try {
    await waitForHealth(url, exited, logFile);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitForHealth(url, exited, logFile) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let exit;
  exited.then((result) => (exit = result));
  while (Date.now() < deadline) {
    if (exit) {
      throw new Error(`code-server exited (${exit.code ?? exit.signal}) before it was healthy:\n${await tail(logFile)}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet: the request is refused until code-server has bound its port.
    }
    await delay(100);
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${HEALTH_TIMEOUT_MS / 1000} s:\n${await tail(logFile)}`);
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function delay(ms) {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms).unref());
}

export async function tail(file, lines = 60) {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

/** Every *.log file under the profile's logs folder (extension host, output channels, server). */
export async function findLogFiles(state) {
  const found = [];
  async function walk(dir) {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.log')) found.push(path);
    }
  }
  await walk(join(state.userData, 'logs'));
  return found.sort();
}

/** Removes a state folder, unless KS_E2E_KEEP is set (then it says where it is). */
export async function removeStateDir(state) {
  if (process.env.KS_E2E_KEEP) {
    console.log(`[e2e] kept state folder ${state.root}`);
    return;
  }
  await rm(state.root, { recursive: true, force: true });
}
