/** File-system access of the CLI: which YAML files the given paths name, and reading them. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface CliFile {
  readonly path: string;
  /** The path as the user should read it: relative to the working directory when inside it. */
  readonly display: string;
}

const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

/** Files named directly are taken whatever their extension; folders are searched for *.yaml / *.yml. */
export async function collectYamlFiles(paths: readonly string[], cwd: string): Promise<CliFile[]> {
  const found = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let stat;
    try {
      stat = await fs.stat(absolute);
    } catch {
      throw new Error(`cannot read ${given}: no such file or folder`);
    }
    if (stat.isDirectory()) await walk(absolute, found);
    else found.add(absolute);
  }
  return [...found].sort().map((file) => {
    const relative = path.relative(cwd, file);
    return { path: file, display: relative.startsWith('..') || path.isAbsolute(relative) ? file : relative };
  });
}

async function walk(folder: string, found: Set<string>): Promise<void> {
  const entries = await fs.readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.')) await walk(full, found);
    } else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) {
      found.add(full);
    }
  }
}

export async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export async function writeText(file: string, text: string): Promise<void> {
  try {
    await fs.writeFile(file, text, 'utf8');
  } catch (error) {
    throw new Error(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
