// Packages the extension as kubestellar-bindingpolicy.vsix with @vscode/vsce (what `vsce package
// --no-dependencies` does: esbuild already bundled the npm dependencies into dist/). Before
// packaging it checks that every file package.json points at is shipped, because vsce itself
// checks only `main` and `icon`, and a grammar or schema left out by .vscodeignore would only
// show up as a silently missing feature in the installed extension.
//
// Usage: node scripts/e2e/package.mjs [--out FILE]   (run `npm run build` first; `npm run package` does)
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createVSIX, listFiles, PackageManager } from '@vscode/vsce';
import { REPO_ROOT } from './code-server.mjs';

export const VSIX_PATH = join(REPO_ROOT, 'kubestellar-bindingpolicy.vsix');
/** Files the manifest does not name but the extension loads: the client starts the server bundle. */
const LOADED_AT_RUNTIME = ['./dist/server.js', './dist/language.js', './dist/cluster.js'];

/** Relative paths ("./x") in the manifest's `main`, `browser`, `icon` and `contributes`, and the server bundle. */
function referencedFiles(manifest) {
  const found = new Set();
  const visit = (value) => {
    if (typeof value === 'string') {
      if (value.startsWith('./')) found.add(posix.normalize(value));
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(visit);
    }
  };
  for (const entry of [manifest.main, manifest.browser, manifest.icon]) {
    if (entry) found.add(posix.normalize(entry.startsWith('./') ? entry : `./${entry}`));
  }
  visit(manifest.contributes);
  LOADED_AT_RUNTIME.forEach((file) => found.add(file));
  return [...found];
}

/** Builds the .vsix and returns its path; throws with a clear message when a referenced file is left out. */
export async function packageExtension(out = VSIX_PATH) {
  const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8'));
  const shipped = new Set(
    (await listFiles({ cwd: REPO_ROOT, packageManager: PackageManager.None })).map((file) => posix.normalize(file)),
  );
  const missing = referencedFiles(manifest).filter((file) => {
    const path = posix.normalize(file.replace(/^\.\//, ''));
    // A main entry may omit its .js suffix, as Node's require allows.
    return !shipped.has(path) && !shipped.has(`${path}.js`);
  });
  if (missing.length > 0) {
    const reasons = missing.map((file) =>
      existsSync(join(REPO_ROOT, file)) ? `${file} (excluded by .vscodeignore)` : `${file} (does not exist; run \`npm run build\`?)`,
    );
    throw new Error(`the .vsix would lack files the extension needs:\n  ${reasons.join('\n  ')}`);
  }
  // rewriteRelativeLinks: vsce would turn README links such as `examples/` into absolute links to
  // the repository host, and refuses to package when package.json names no GitHub/GitLab repository.
  await createVSIX({ cwd: REPO_ROOT, packagePath: out, dependencies: false, rewriteRelativeLinks: false });
  return { path: out, files: [...shipped] };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: VSIX_PATH } } });
  try {
    const { path, files } = await packageExtension(resolve(values.out));
    const kib = (statSync(path).size / 1024).toFixed(1);
    console.log(`${relative(process.cwd(), path) || path}: ${kib} KiB, ${files.length} files`);
  } catch (error) {
    console.error(`package: ${error.message}`);
    process.exit(1);
  }
}
