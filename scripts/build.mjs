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
 * Two parts of the server are bundles of their own, which server.ts requires when it first needs
 * them: the cluster code (with @kubernetes/client-node, most of the server's weight), `dist/cluster.js`,
 * which a server working from workspace files never compiles; and the language service with `yaml`,
 * ajv and the schemas, `dist/language.js`, loaded once `initialize` is answered. Both keep start-up
 * time and memory down.
 */
const partsOnDemand = {
  name: 'parts-on-demand',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/(cluster|language)$/ }, (args) =>
      args.importer.endsWith('server/src/server.ts') ? { path: `${args.path}.js`, external: true } : undefined,
    );
  },
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', plugins: [partsOnDemand] }),
  build({ ...common, entryPoints: ['server/src/language.ts'], outfile: 'dist/language.js' }),
  build({ ...common, entryPoints: ['server/src/cluster/index.ts'], outfile: 'dist/cluster.js' }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
