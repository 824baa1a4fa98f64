/**
 * Builds an `Inventory` from the YAML files of workspace folders, and keeps it up to date as files
 * change. This is the file-system edge of manifest reading; the reading itself is the pure
 * `core/manifests` module.
 *
 * Every file is kept as its parse result plus its classification. A changed file is re-parsed
 * alone; all files are re-classified only when the set of CRDs changes, because only then can the
 * meaning of a kind in another file change.
 */

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import { URI } from 'vscode-uri';
import {
  classifyManifests,
  mergeManifests,
  parseManifests,
  type ClassifiedManifests,
  type ManifestProblem,
  type ManifestSet,
  type ParsedManifests,
} from '../core/manifests';
import { ResourceCatalog } from '../core/resources';
import type { Inventory, ResourceType } from '../core/types';

export interface WorkspaceOptions {
  /** Globs of files to read, relative to each root. Default `**\/*.{yaml,yml}`. */
  readonly include?: readonly string[];
  /** Globs of files to leave out, relative to each root. */
  readonly exclude?: readonly string[];
  /** Larger files are not read (a problem says so). Default 5 MB. */
  readonly maxFileBytes?: number;
  /** At most this many files are read per load, so a huge folder cannot stall the server. */
  readonly maxFiles?: number;
  /** Types known from elsewhere (API discovery), used to map kinds after the workspace's CRDs. */
  readonly knownTypes?: readonly ResourceType[];
}

export interface WorkspaceLoad {
  readonly inventory: Inventory;
  readonly problems: readonly ManifestProblem[];
  /** URIs (`file://...`) of the files read, sorted. */
  readonly files: readonly string[];
}

export const DEFAULT_INCLUDE: readonly string[] = ['**/*.{yaml,yml}'];
export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 10_000;

/** Folders that hold dependencies or build output, never the user's manifests. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out']);
/** Parallel file reads: enough to hide latency, few enough to stay clear of descriptor limits. */
const READ_CONCURRENCY = 16;

interface FileState {
  readonly parsed: ParsedManifests;
  readonly classified: ClassifiedManifests;
  /** Identity of the CRD types the file defines; a change means every file must be re-classified. */
  readonly crdKey: string;
}

/** Loads the workspace once. */
export async function loadWorkspace(roots: readonly string[], opts: WorkspaceOptions = {}): Promise<WorkspaceLoad> {
  const workspace = new WorkspaceInventory(opts);
  await workspace.loadAll(roots);
  return { inventory: workspace.inventory, problems: workspace.problems, files: workspace.files };
}

/** The workspace's inventory, kept per file so that file-watch updates stay cheap. */
export class WorkspaceInventory {
  private readonly include: readonly string[];
  private readonly exclude: readonly string[];
  private readonly maxFileBytes: number;
  private readonly maxFiles: number;
  private readonly knownTypes: readonly ResourceType[];

  private roots: string[] = [];
  private readonly fileStates = new Map<string, FileState>();
  /** Problems of the walk itself (a missing root, too many files), not of any one file. */
  private walkProblems: ManifestProblem[] = [];
  private catalog: ResourceCatalog;
  private generation = 0;
  private snapshot: { generation: number; set: ManifestSet; inventory: Inventory } | undefined;

  constructor(opts: WorkspaceOptions = {}) {
    this.include = opts.include && opts.include.length > 0 ? opts.include : DEFAULT_INCLUDE;
    this.exclude = opts.exclude ?? [];
    this.maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.maxFiles = opts.maxFiles ?? DEFAULT_MAX_FILES;
    this.knownTypes = opts.knownTypes ?? [];
    this.catalog = new ResourceCatalog(this.knownTypes);
  }

  /** Reads every matching file under `roots` (folders, or single files), replacing what was known. */
  async loadAll(roots: readonly string[]): Promise<void> {
    this.roots = [...new Set(roots.map((root) => path.resolve(root)))];
    const walkProblems: ManifestProblem[] = [];
    const found = await this.findFiles(walkProblems);
    const states = await mapLimited(found, READ_CONCURRENCY, async (file) => {
      const uri = URI.file(file.path).toString();
      if (file.size > this.maxFileBytes) return this.tooLarge(uri, file.size);
      try {
        return this.parse(uri, await fs.readFile(file.path, 'utf8'));
      } catch (error) {
        return problemOnly(uri, `file could not be read: ${describeFsError(error)}`);
      }
    });
    this.walkProblems = walkProblems;
    this.fileStates.clear();
    for (const state of states) this.fileStates.set(state.parsed.uri, state);
    this.reclassifyAll();
    this.generation++;
  }

  /**
   * Takes a file's new text (`undefined` when it was deleted). Files outside the loaded roots or
   * not matching include/exclude are ignored; when no roots were loaded every `file:` URI is taken.
   * Returns whether the inventory changed.
   */
  updateFile(uri: string, text: string | undefined): boolean {
    if (!this.accepts(uri)) return false;
    const previous = this.fileStates.get(uri);
    if (text === undefined) {
      if (previous === undefined) return false;
      this.fileStates.delete(uri);
      if (isEmpty(previous)) return false;
      if (previous.crdKey !== '') this.reclassifyAll();
    } else {
      const bytes = Buffer.byteLength(text, 'utf8');
      const state = bytes > this.maxFileBytes ? this.tooLarge(uri, bytes) : this.parse(uri, text);
      this.fileStates.set(uri, state);
      // A file that holds no inventory, before and after (a policy file being typed in, opened or
      // created), leaves the inventory as it was: no new generation, nothing for listeners to redo.
      if ((previous === undefined || isEmpty(previous)) && isEmpty(state)) return false;
      if ((previous?.crdKey ?? '') !== state.crdKey) this.reclassifyAll();
    }
    this.generation++;
    return true;
  }

  get inventory(): Inventory {
    return this.current().inventory;
  }

  /** Every problem found: the walk's, then each file's, by file and offset. */
  get problems(): readonly ManifestProblem[] {
    return [...this.walkProblems, ...this.current().set.problems];
  }

  /** URIs of the files read, sorted. */
  get files(): readonly string[] {
    return [...this.fileStates.keys()].sort();
  }

  private current(): { set: ManifestSet; inventory: Inventory } {
    if (this.snapshot?.generation === this.generation) return this.snapshot;
    const states = this.files.map((uri) => this.fileStates.get(uri) as FileState);
    const set = mergeManifests(states);
    // Only files that hold inventory count: opening or creating a policy file must not change the
    // origin, which diagnostics quote, and so must not invalidate every cached diagnostic.
    const fileCount = states.filter(holdsInventory).length;
    const inventory: Inventory = {
      wecs: set.wecs,
      objects: set.objects,
      resourceTypes: set.resourceTypes,
      origin: `workspace: ${count(set.wecs.length, 'WEC')}, ${count(set.objects.length, 'object')} from ${count(fileCount, 'file')}`,
      generation: this.generation,
    };
    this.snapshot = { generation: this.generation, set, inventory };
    return this.snapshot;
  }

  /** Parses one file and classifies it with the current catalog (valid unless its CRDs changed). */
  private parse(uri: string, text: string): FileState {
    // Editors drop a byte-order mark, so offsets only agree with theirs without it.
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const parsed = parseManifests(body, uri, { maxChars: this.maxFileBytes });
    const crdKey = parsed.resourceTypes.length === 0 ? '' : JSON.stringify(parsed.resourceTypes);
    return { parsed, classified: classifyManifests(parsed, this.catalog), crdKey };
  }

  private tooLarge(uri: string, bytes: number): FileState {
    const mb = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MB`;
    return problemOnly(uri, `file is larger than ${mb(this.maxFileBytes)} (${mb(bytes)}); not read`);
  }

  private reclassifyAll(): void {
    const crdTypes = this.files.flatMap((uri) => (this.fileStates.get(uri) as FileState).parsed.resourceTypes);
    this.catalog = new ResourceCatalog([...crdTypes, ...this.knownTypes]);
    for (const [uri, state] of this.fileStates) {
      this.fileStates.set(uri, { ...state, classified: classifyManifests(state.parsed, this.catalog) });
    }
  }

  private accepts(uri: string): boolean {
    let fsPath: string;
    try {
      const parsed = URI.parse(uri);
      if (parsed.scheme !== 'file') return false;
      fsPath = parsed.fsPath;
    } catch {
      return false;
    }
    if (this.roots.length === 0) return true;
    return this.roots.some((root) => {
      if (fsPath === root) return true;
      const relative = path.relative(root, fsPath);
      if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
      const segments = relative.split(path.sep);
      return !segments.slice(0, -1).some(isSkippedFolder) && this.matches(segments.join('/'));
    });
  }

  private matches(relativePosixPath: string): boolean {
    return (
      this.include.some((glob) => minimatch(relativePosixPath, glob)) &&
      !this.exclude.some((glob) => minimatch(relativePosixPath, glob))
    );
  }

  /** Lists the files to read, in a stable order, each once even when roots overlap. */
  private async findFiles(problems: ManifestProblem[]): Promise<{ path: string; size: number }[]> {
    const found = new Map<string, number>();
    const tooMany = (): boolean => found.size >= this.maxFiles;
    for (const root of this.roots) {
      const rootUri = URI.file(root).toString();
      let rootStat;
      try {
        rootStat = await fs.stat(root);
      } catch (error) {
        problems.push({ uri: rootUri, offset: 0, message: `workspace folder cannot be read: ${describeFsError(error)}` });
        continue;
      }
      if (rootStat.isFile()) {
        found.set(root, rootStat.size);
        continue;
      }
      const folders = [root];
      while (folders.length > 0 && !tooMany()) {
        const folder = folders.pop() as string;
        let entries;
        try {
          entries = await fs.readdir(folder, { withFileTypes: true });
        } catch (error) {
          problems.push({ uri: URI.file(folder).toString(), offset: 0, message: `folder cannot be read: ${describeFsError(error)}` });
          continue;
        }
        entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0)); // popped in name order
        for (const entry of entries) {
          const full = path.join(folder, entry.name);
          if (entry.isDirectory()) {
            if (!isSkippedFolder(entry.name)) folders.push(full);
            continue;
          }
          // Symbolic links to files are followed; links to folders are not, since they can loop.
          if (!(entry.isFile() || entry.isSymbolicLink())) continue;
          if (!this.matches(path.relative(root, full).split(path.sep).join('/'))) continue;
          try {
            const stat = await fs.stat(full);
            if (stat.isFile() && !found.has(full)) found.set(full, stat.size);
          } catch {
            // A dangling symbolic link is not a manifest; there is nothing to report.
          }
          if (tooMany()) break;
        }
      }
      if (tooMany()) {
        problems.push({ uri: rootUri, offset: 0, message: `more than ${this.maxFiles} YAML files; only the first ${this.maxFiles} are read (narrow the include setting)` });
        break;
      }
    }
    return [...found].map(([file, size]) => ({ path: file, size }));
  }
}

function isEmpty(state: FileState): boolean {
  return !holdsInventory(state) && state.parsed.problems.length === 0 && state.classified.problems.length === 0;
}

function holdsInventory(state: FileState): boolean {
  return state.classified.wecs.length > 0 || state.classified.objects.length > 0 || state.parsed.resourceTypes.length > 0;
}

function isSkippedFolder(name: string): boolean {
  return SKIPPED_FOLDERS.has(name) || name.startsWith('.');
}

function problemOnly(uri: string, message: string): FileState {
  return {
    parsed: { uri, entries: [], resourceTypes: [], problems: [{ uri, offset: 0, message }] },
    classified: { wecs: [], objects: [], problems: [] },
    crdKey: '',
  };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function describeFsError(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    return error.code === 'ENOENT' ? 'it does not exist' : error.code === 'EACCES' ? 'permission denied' : error.code;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Maps over `items` with at most `limit` calls in flight, keeping the order of results. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
