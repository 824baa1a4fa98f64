/**
 * The `kubestellar.*` settings: their defaults, how raw client values are checked, and how they are
 * pulled per resource.
 *
 * Settings may differ per workspace folder (VS Code's resource scope), so the server never keeps one
 * global copy: every request asks `SettingsStore.forResource(uri)`, which pulls the section with
 * `workspace/configuration` and caches the answer until the client reports a configuration change.
 * A resource's settings are those of the workspace folder that holds it (VS Code has no per-file
 * settings), so documents inside a folder share one pull with scopeUri = the folder, and a newly
 * opened document costs no round trip; a document outside every folder is asked about on its own.
 * Clients that cannot answer `workspace/configuration` push their settings with
 * `workspace/didChangeConfiguration`; those are used for every resource.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { SourceSetting } from '../protocol';
import { DEFAULT_CORE_SETTINGS, type CoreSettings } from '../core/types';

export const SETTINGS_SECTION = 'kubestellar';

export interface KubestellarSettings {
  readonly source: SourceSetting;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  /** Absolute kubeconfig path; undefined means the default (`$KUBECONFIG` or `~/.kube/config`). */
  readonly kubeconfig?: string;
  readonly itsContext?: string;
  readonly wdsContext?: string;
  readonly inlayHintsEnabled: boolean;
  readonly hoverMaxListedNames: number;
}

// The loader also skips dependency, build and hidden folders whatever these say.
export const DEFAULT_INCLUDE: readonly string[] = ['**/*.{yaml,yml}'];
export const DEFAULT_EXCLUDE: readonly string[] = [];

export const DEFAULT_SETTINGS: KubestellarSettings = {
  source: 'auto',
  include: DEFAULT_INCLUDE,
  exclude: DEFAULT_EXCLUDE,
  inlayHintsEnabled: DEFAULT_CORE_SETTINGS.inlayHints,
  hoverMaxListedNames: DEFAULT_CORE_SETTINGS.hoverListLimit,
};

const SOURCES: readonly SourceSetting[] = ['auto', 'workspace', 'cluster'];

export interface CheckedSettings {
  readonly settings: KubestellarSettings;
  /** One message per value that was ignored, e.g. `kubestellar.source: "clutser" is not one of ...`. */
  readonly problems: readonly string[];
}

/**
 * Reads the raw `kubestellar` section as a client sends it (nested objects, any JSON) and falls back
 * to the default for every value that is missing or of the wrong type, saying which.
 */
export function checkSettings(raw: unknown): CheckedSettings {
  const problems: string[] = [];
  const section = isRecord(raw) ? raw : {};
  const read = (dotted: string): unknown => {
    let value: unknown = section;
    for (const part of dotted.split('.')) value = isRecord(value) ? value[part] : undefined;
    // Clients that flatten settings send `{"its.context": ...}` instead of nesting.
    return value === undefined ? section[dotted] : value;
  };
  const bad = (key: string, value: unknown, expected: string): void => {
    problems.push(`${SETTINGS_SECTION}.${key}: ${JSON.stringify(value)} is not ${expected}; using the default`);
  };

  const source = read('source');
  let checkedSource = DEFAULT_SETTINGS.source;
  if (typeof source === 'string' && (SOURCES as readonly string[]).includes(source)) checkedSource = source as SourceSetting;
  else if (source !== undefined && source !== null) bad('source', source, `one of ${SOURCES.join(', ')}`);

  const globs = (key: string, fallback: readonly string[]): readonly string[] => {
    const value = read(key);
    if (value === undefined || value === null) return fallback;
    if (Array.isArray(value) && value.every((glob) => typeof glob === 'string')) return value.filter((glob) => glob.trim() !== '');
    bad(key, value, 'a list of glob strings');
    return fallback;
  };

  const optionalString = (key: string): string | undefined => {
    const value = read(key);
    if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
    if (value !== undefined && value !== null) bad(key, value, 'a string');
    return undefined;
  };

  const inlayHints = read('inlayHints.enabled');
  let inlayHintsEnabled = DEFAULT_SETTINGS.inlayHintsEnabled;
  if (typeof inlayHints === 'boolean') inlayHintsEnabled = inlayHints;
  else if (inlayHints !== undefined && inlayHints !== null) bad('inlayHints.enabled', inlayHints, 'true or false');

  const maxNames = read('hover.maxListedNames');
  let hoverMaxListedNames = DEFAULT_SETTINGS.hoverMaxListedNames;
  if (typeof maxNames === 'number' && Number.isInteger(maxNames) && maxNames >= 1) hoverMaxListedNames = maxNames;
  else if (maxNames !== undefined && maxNames !== null) bad('hover.maxListedNames', maxNames, 'a whole number of at least 1');

  const kubeconfig = optionalString('kubeconfig');
  const itsContext = optionalString('its.context');
  const wdsContext = optionalString('wds.context');
  return {
    settings: {
      source: checkedSource,
      include: globs('workspace.include', DEFAULT_INCLUDE),
      exclude: globs('workspace.exclude', DEFAULT_EXCLUDE),
      ...(kubeconfig !== undefined ? { kubeconfig: expandHome(kubeconfig) } : {}),
      ...(itsContext !== undefined ? { itsContext } : {}),
      ...(wdsContext !== undefined ? { wdsContext } : {}),
      inlayHintsEnabled,
      hoverMaxListedNames,
    },
    problems,
  };
}

/** `~/x` is how people write kubeconfig paths; Node does not expand it. */
function expandHome(file: string): string {
  if (file === '~') return os.homedir();
  if (file.startsWith('~/') || file.startsWith('~\\')) return path.join(os.homedir(), file.slice(2));
  return file;
}

export function toCoreSettings(settings: KubestellarSettings): CoreSettings {
  return { inlayHints: settings.inlayHintsEnabled, hoverListLimit: settings.hoverMaxListedNames };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Pulls the raw section for a resource (or for the window when `scopeUri` is undefined). */
export type PullSettings = (scopeUri: string | undefined) => Promise<unknown>;

export interface SettingsStoreOptions {
  /** Called once per distinct problem, so that a bad value is reported but not on every request. */
  readonly onProblem: (message: string) => void;
}

export class SettingsStore {
  private readonly cache = new Map<string, Promise<CheckedSettings>>();
  private pushed: unknown;
  private pullFromClient: PullSettings | undefined;
  private readonly reported = new Set<string>();
  /** Workspace folders: the URI to ask about, and the prefix (ending in `/`) of the URIs inside; longest first, so that nested folders win. */
  private folders: { uri: string; prefix: string }[] = [];

  constructor(private readonly options: SettingsStoreOptions) {}

  /** Set once the client said it answers `workspace/configuration`. */
  usePull(pull: PullSettings): void {
    this.pullFromClient = pull;
    this.cache.clear();
  }

  /** The client's workspace folders; documents inside one share its settings. */
  useFolders(folderUris: readonly string[]): void {
    this.folders = folderUris
      .map((uri) => ({ uri, prefix: uri.endsWith('/') ? uri : `${uri}/` }))
      .sort((a, b) => b.prefix.length - a.prefix.length);
    this.cache.clear();
  }

  /** The settings that apply to one document. */
  async forResource(uri: string): Promise<KubestellarSettings> {
    return (await this.lookup(this.scopeOf(uri))).settings;
  }

  /** The URI to ask about for a document: its workspace folder's, or its own outside every folder. */
  private scopeOf(uri: string): string {
    return this.folders.find((folder) => uri.startsWith(folder.prefix))?.uri ?? uri;
  }

  /** The window-wide settings (source, contexts, workspace globs), with what was wrong in them. */
  forWindow(): Promise<CheckedSettings> {
    return this.lookup(undefined);
  }

  /**
   * Forgets every cached answer; called on `workspace/didChangeConfiguration`. `pushed` is the
   * notification's `settings` payload, used only by clients that cannot be asked.
   */
  invalidate(pushed?: unknown): void {
    this.cache.clear();
    if (isRecord(pushed) && SETTINGS_SECTION in pushed) this.pushed = pushed[SETTINGS_SECTION];
  }

  /** Drops a closed document's entry (a folder's entry stays: other documents share it). */
  forget(uri: string): void {
    if (this.scopeOf(uri) === uri) this.cache.delete(uri);
  }

  private lookup(scopeUri: string | undefined): Promise<CheckedSettings> {
    const key = scopeUri ?? '';
    let answer = this.cache.get(key);
    if (!answer) {
      answer = this.pull(scopeUri).then((raw) => {
        const checked = checkSettings(raw);
        for (const problem of checked.problems) {
          if (this.reported.has(problem)) continue;
          this.reported.add(problem);
          this.options.onProblem(problem);
        }
        return checked;
      });
      this.cache.set(key, answer);
    }
    return answer;
  }

  private async pull(scopeUri: string | undefined): Promise<unknown> {
    if (!this.pullFromClient) return this.pushed;
    try {
      return await this.pullFromClient(scopeUri);
    } catch (error) {
      // A client that fails to answer must not break features: the defaults are a fine answer,
      // and the next request asks again.
      this.cache.delete(scopeUri ?? '');
      this.options.onProblem(`could not read settings: ${error instanceof Error ? error.message : String(error)}`);
      return this.pushed;
    }
  }
}
