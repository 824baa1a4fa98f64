/**
 * Loading kubeconfig files the way kubectl does, on top of client-node's `KubeConfig`.
 *
 * Messages built here never quote a kubeconfig's content: it holds tokens and keys.
 */
import * as fs from 'node:fs';
import type * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';

/** A kubeconfig problem, worded for the user and free of the file's content. */
export class KubeconfigError extends Error {}

/** The merge of one or more kubeconfig files. */
export interface MergedKubeconfig {
  readonly clusters: readonly Cluster[];
  readonly users: readonly User[];
  readonly contexts: readonly Context[];
  readonly currentContext?: string;
  /** The files that were actually read, in order. */
  readonly files: readonly string[];
}

function expandHome(file: string): string {
  return file === '~' || file.startsWith(`~${path.sep}`) || file.startsWith('~/') ? path.join(os.homedir(), file.slice(1)) : file;
}

/**
 * Explains why a file could not be loaded. js-yaml's own message quotes the lines around the
 * mistake, which may be a token, so only its reason and position are kept.
 */
function describeLoadFailure(file: string, err: unknown): string {
  const yamlError = err as { name?: string; reason?: string; mark?: { line: number; column: number } };
  if (yamlError.name === 'YAMLException') {
    const where = yamlError.mark ? ` at line ${yamlError.mark.line + 1}, column ${yamlError.mark.column + 1}` : '';
    return `cannot parse kubeconfig ${file}: ${yamlError.reason ?? 'invalid YAML'}${where}`;
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `kubeconfig ${file} does not exist`;
  if (code === 'EACCES') return `kubeconfig ${file} is not readable`;
  return `cannot load kubeconfig ${file}: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Reads the kubeconfig: the explicit file when one is given (like `kubectl --kubeconfig`), else
 * every file of `KUBECONFIG` (entries that do not exist are skipped, as kubectl does), else
 * `~/.kube/config`. Files merge as in kubectl: the first file to define a cluster, user or context
 * name wins, and so does the first `current-context`. (client-node's own `loadFromDefault` lets
 * the last current-context win and throws on duplicate names, so it is not used for this.)
 */
export function loadKubeconfig(explicitPath?: string): MergedKubeconfig {
  const env = process.env.KUBECONFIG;
  const candidates = explicitPath
    ? [expandHome(explicitPath)]
    : env
      ? env.split(path.delimiter).filter((file) => file.length > 0)
      : [path.join(os.homedir(), '.kube', 'config')];
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext: string | undefined;
  const files: string[] = [];
  for (const file of candidates) {
    if (!explicitPath && !fs.existsSync(file)) continue;
    const single = new KubeConfig();
    try {
      single.loadFromFile(file);
    } catch (err) {
      throw new KubeconfigError(describeLoadFailure(file, err));
    }
    for (const cluster of single.getClusters()) if (!clusters.has(cluster.name)) clusters.set(cluster.name, cluster);
    for (const user of single.getUsers()) if (!users.has(user.name)) users.set(user.name, user);
    for (const context of single.getContexts()) if (!contexts.has(context.name)) contexts.set(context.name, context);
    currentContext ||= single.getCurrentContext() || undefined;
    files.push(file);
  }
  if (files.length === 0) {
    throw new KubeconfigError(
      env ? `none of the KUBECONFIG files exists (${candidates.join(path.delimiter)})` : `no kubeconfig found at ${candidates[0]}`,
    );
  }
  return { clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext, files };
}

/** The contexts of the kubeconfig, for pickers and the CLI. Never throws. */
export function listContexts(kubeconfigPath?: string): { contexts: string[]; current?: string; error?: string } {
  try {
    const merged = loadKubeconfig(kubeconfigPath);
    return { contexts: merged.contexts.map((context) => context.name), current: merged.currentContext };
  } catch (err) {
    return { contexts: [], error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Says how a user's credentials would run a local command, if they would: an exec plugin, or an
 * auth provider's `cmd-path` (the legacy gcp and azure providers run it to refresh tokens).
 */
function commandRunByUser(user: User): string | undefined {
  const provider = user.authProvider as { name?: string; config?: Record<string, unknown> } | undefined;
  if (user.exec || provider?.name === 'exec' || provider?.config?.exec) return 'an exec credential plugin';
  if (provider?.config?.['cmd-path']) return `the "${provider.name ?? 'unnamed'}" auth provider's cmd-path command`;
  return undefined;
}

/**
 * A `KubeConfig` bound to one context. It also gives watches a timeout for getting the response
 * headers: client-node's `Watch` asks `applyToFetchOptions({})` for its request options and has no
 * timeout of its own, so a server that accepts the connection and never answers would hang it.
 * (node-fetch's `timeout` covers the wait for headers only, so an open watch stream is unaffected.)
 */
export class ContextKubeConfig extends KubeConfig {
  constructor(private readonly headersTimeoutMs: number) {
    super();
  }

  override applyToFetchOptions(opts: https.RequestOptions): ReturnType<KubeConfig['applyToFetchOptions']> {
    return super.applyToFetchOptions({ timeout: this.headersTimeoutMs, ...opts });
  }
}

export interface ContextSetup {
  readonly kubeConfig: ContextKubeConfig;
  readonly server: string;
}

/**
 * Prepares a `KubeConfig` for `contextName`, refusing (before anything runs) a user whose
 * credentials would run a command when `allowExecAuth` is false.
 */
export function setUpContext(
  merged: MergedKubeconfig,
  contextName: string,
  options: { readonly allowExecAuth: boolean; readonly requestTimeoutMs: number },
): ContextSetup {
  const context = merged.contexts.find((candidate) => candidate.name === contextName);
  if (!context) {
    const known = merged.contexts.map((candidate) => candidate.name).join(', ') || 'none';
    throw new KubeconfigError(`context "${contextName}" is not in the kubeconfig (contexts: ${known})`);
  }
  const cluster = merged.clusters.find((candidate) => candidate.name === context.cluster);
  if (!cluster) throw new KubeconfigError(`context "${contextName}" names cluster "${context.cluster}", which the kubeconfig does not define`);
  const user = merged.users.find((candidate) => candidate.name === context.user);
  if (!user && context.user) throw new KubeconfigError(`context "${contextName}" names user "${context.user}", which the kubeconfig does not define`);
  const command = user && commandRunByUser(user);
  if (command && !options.allowExecAuth) {
    throw new KubeconfigError(
      `context "${contextName}" authenticates user "${user.name}" with ${command}; ` +
        'it was not run because running credential commands is disabled here (allowExecAuth is false, e.g. in an untrusted workspace)',
    );
  }
  // A trailing slash would double up when client-node appends request paths to the server URL.
  const server = cluster.server.replace(/\/+$/, '');
  const kubeConfig = new ContextKubeConfig(options.requestTimeoutMs);
  kubeConfig.loadFromOptions({
    clusters: [{ ...cluster, server }],
    users: user ? [user] : [],
    contexts: [context],
    currentContext: context.name,
  });
  return { kubeConfig, server };
}
