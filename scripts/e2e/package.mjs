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
import { parseArgs } from 'node:util';
import { createVSIX, listFiles, PackageManager } from '@vscode/vsce';
import { REPO_ROOT } from './code-server.mjs';

export const VSIX_PATH = join(REPO_ROOT, 'kubestellar-bindingpolicy.vsix');

/** Relative paths ("./x") anywhere in the manifest's `main`, `browser`, `icon` and `contributes`. */
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
    throw new Error(`package.json refers to files the .vsix would not contain:\n  ${reasons.join('\n  ')}`);
  }
  await createVSIX({ cwd: REPO_ROOT, packagePath: out, dependencies: false });
  return { path: out, files: [...shipped].sort() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: VSIX_PATH } } });
  try {
    const { path, files } = await packageExtension(resolve(values.out));
    const kib = (statSync(path).size / 1024).toFixed(1);
    console.log(`${relative(process.cwd(), path) || path}: ${kib} KiB, ${files.length} files (${files.join(', ')})`);
  } catch (error) {
    console.error(`package: ${error.message}`);
    process.exit(1);
  }
}
