/**
 * The server answers `initialize` before loading most of its code: the language service (with
 * `yaml`, ajv and the schemas) and the cluster code (with @kubernetes/client-node) are bundles of
 * their own, required when first needed. One runtime import of them from server.ts would put them
 * back into `dist/server.js` without any other test noticing, so the bundles are checked here
 * (esbuild marks each bundled file with a `// node_modules/...` comment when not minifying, as
 * `npm test` builds).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './lspClient';

function bundledPackages(bundle: string): Set<string> {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'dist', bundle), 'utf8');
  return new Set([...text.matchAll(/^\/\/ node_modules\/((?:@[^/\n]+\/)?[^/\n]+)\//gm)].map((match) => match[1]));
}

describe('server bundles', () => {
  it('keeps yaml, ajv and client-node out of the bundle that answers initialize', () => {
    const server = bundledPackages('server.js');
    assert.ok(server.has('vscode-languageserver'), [...server].join(', '));
    for (const heavy of ['yaml', 'ajv', '@kubernetes/client-node', 'minimatch']) assert.ok(!server.has(heavy), `${heavy} is in dist/server.js`);
  });

  it('puts the language service and the cluster code in the bundles loaded later', () => {
    const language = bundledPackages('language.js');
    assert.ok(language.has('yaml') && language.has('ajv'), [...language].join(', '));
    assert.ok(!language.has('@kubernetes/client-node'));
    assert.ok(bundledPackages('cluster.js').has('@kubernetes/client-node'));
  });
});
