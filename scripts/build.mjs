// Bundles the three entry points with esbuild: the VS Code client, the language server and the CLI.
// Each bundle is self-contained CommonJS for Node 20; only `vscode` stays external (the editor provides it).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: process.argv.includes('--minify'),
  logLevel: 'warning',
};

/**
 * The cluster code (with @kubernetes/client-node, most of the server's weight) is its own bundle,
 * `dist/cluster.js`, which the server requires on first use: a server working from workspace files
 * never compiles it, which keeps its start-up time and memory down.
 */
const clusterOnDemand = {
  name: 'cluster-on-demand',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/cluster$/ }, (args) =>
      args.importer.endsWith('server/src/server.ts') ? { path: './cluster.js', external: true } : undefined,
    );
  },
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', plugins: [clusterOnDemand] }),
  build({ ...common, entryPoints: ['server/src/cluster/index.ts'], outfile: 'dist/cluster.js' }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
