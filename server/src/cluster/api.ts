/**
 * The read-only requests this extension makes to one context, through client-node's API clients,
 * with request timeouts and error messages that name the verb, the resource and the context.
 */
import { STATUS_CODES } from 'node:http';
import {
  ApisApi,
  CoreV1Api,
  createConfiguration,
  CustomObjectsApi,
  KubernetesObjectApi,
  ServerConfiguration,
  Watch,
  type KubernetesListObject,
  type KubernetesObject,
  type Middleware,
  type RequestContext,
  type ResponseContext,
  type V1APIGroupList,
  type V1APIResourceList,
} from '@kubernetes/client-node';
import type { ResourceType } from '../core/types';
import type { ContextKubeConfig } from './kubeconfig';

/** Why a request failed, in the terms the status shows. */
export type FailureKind = 'http' | 'unreachable' | 'tls' | 'timeout' | 'other';

/** A failed request, with a message safe to show and to log (it names no credential). */
export class RequestFailure extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

/** What a request was doing, for its failure message. */
interface Action {
  readonly verb: 'get' | 'list' | 'watch';
  readonly target: string;
}

/** One page of a list, reduced to what the cache needs. */
export interface ListPage {
  readonly items: readonly unknown[];
  readonly resourceVersion: string;
  readonly continueToken?: string;
}

export type WatchEventHandler = (type: string, object: unknown) => void;

const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const CONNECTION_LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/** The name kubectl would print for a resource type: `deployments.apps`, or `pods` for the core group. */
export function qualifiedResource(type: Pick<ResourceType, 'group' | 'resource'>): string {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

/** The collection path of a resource type across all namespaces. */
export function collectionPath(type: Pick<ResourceType, 'group' | 'version' | 'resource'>): string {
  return type.group ? `/apis/${type.group}/${type.version}/${type.resource}` : `/api/${type.version}/${type.resource}`;
}

/** Runs at most `limit` tasks at a time, so a cold start does not open dozens of lists at once. */
class ConcurrencyLimiter {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}

const CONCURRENT_LISTS_PER_CONTEXT = 4;

export class ContextApi {
  private readonly core: CoreV1Api;
  private readonly apis: ApisApi;
  private readonly custom: CustomObjectsApi;
  private readonly objects: KubernetesObjectApi;
  private readonly watcher: Watch;
  private readonly lists = new ConcurrencyLimiter(CONCURRENT_LISTS_PER_CONTEXT);

  constructor(
    readonly context: string,
    readonly server: string,
    kubeConfig: ContextKubeConfig,
    private readonly timeoutMs: number,
  ) {
    // The same configuration `KubeConfig.makeApiClient` builds, plus a middleware that aborts a
    // request (including its body) when it outlives the timeout.
    const abortAfterTimeout: Middleware = {
      pre: async (request: RequestContext) => {
        request.setSignal(AbortSignal.timeout(timeoutMs));
        return request;
      },
      post: async (response: ResponseContext) => response,
    };
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: kubeConfig },
      promiseMiddleware: [abortAfterTimeout],
    });
    this.core = new CoreV1Api(configuration);
    this.apis = new ApisApi(configuration);
    this.custom = new CustomObjectsApi(configuration);
    this.objects = new KubernetesObjectApi(configuration);
    this.watcher = new Watch(kubeConfig);
  }

  coreResources(): Promise<V1APIResourceList> {
    return this.request({ verb: 'get', target: '/api/v1 (discovery)' }, () => this.core.getAPIResources());
  }

  groups(): Promise<V1APIGroupList> {
    return this.request({ verb: 'get', target: '/apis (discovery)' }, () => this.apis.getAPIVersions());
  }

  groupVersionResources(group: string, version: string): Promise<V1APIResourceList> {
    return this.request({ verb: 'get', target: `/apis/${group}/${version} (discovery)` }, () =>
      this.custom.getAPIResources({ group, version }),
    );
  }

  /**
   * Lists one page of a resource across all namespaces. Custom and other named groups go through
   * `CustomObjectsApi`, which returns the list as sent: `KubernetesObjectApi.list` rebuilds the list
   * metadata through a typed model and, in client-node 1.4.0, drops `metadata.continue` for kinds it
   * has no model for, which would silently cut paginated lists of custom resources short. The core
   * group has no `CustomObjectsApi` path, and every core kind has a model, so it uses
   * `KubernetesObjectApi`, whose typed list metadata names the token `_continue`.
   */
  listPage(type: ResourceType, limit: number, continueToken: string | undefined): Promise<ListPage> {
    return this.lists.run(() =>
      this.request({ verb: 'list', target: qualifiedResource(type) }, async () => {
        const list: KubernetesListObject<KubernetesObject> =
          type.group === ''
            ? await this.objects.list(type.version, type.kind, undefined, undefined, undefined, undefined, undefined, undefined, limit, continueToken)
            : await this.custom.listClusterCustomObject({ group: type.group, version: type.version, plural: type.resource, limit, _continue: continueToken });
        const metadata = (list.metadata ?? {}) as { resourceVersion?: string; continue?: string; _continue?: string };
        return {
          items: list.items ?? [],
          resourceVersion: metadata.resourceVersion ?? '',
          continueToken: metadata._continue || metadata.continue || undefined,
        };
      }),
    );
  }

  /**
   * Opens a watch from `resourceVersion` with bookmarks. `onDone` is called exactly once, when the
   * stream ends or fails; the returned controller stops it early.
   */
  async watch(
    type: ResourceType,
    resourceVersion: string,
    timeoutSeconds: number,
    onEvent: WatchEventHandler,
    onDone: (err: unknown) => void,
  ): Promise<AbortController> {
    return this.watcher.watch(collectionPath(type), { resourceVersion, allowWatchBookmarks: true, timeoutSeconds }, onEvent, onDone);
  }

  /** Turns anything a request threw into a `RequestFailure` naming what was refused and where. */
  describeFailure(err: unknown, verb: Action['verb'], type: Pick<ResourceType, 'group' | 'resource'>): RequestFailure {
    return this.failure(err, { verb, target: qualifiedResource(type) });
  }

  private async request<T>(action: Action, send: () => Promise<T>): Promise<T> {
    // The middleware's signal aborts the HTTP exchange; this deadline also bounds what happens
    // before it, such as an exec credential plugin that never exits.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RequestFailure('deadline', 'timeout')), this.timeoutMs);
    });
    try {
      return await Promise.race([send(), deadline]);
    } catch (err) {
      throw this.failure(err, action);
    } finally {
      clearTimeout(timer);
    }
  }

  private failure(err: unknown, action: Action): RequestFailure {
    const where = `${action.verb} ${action.target} in context ${this.context}`;
    const error = err as { code?: unknown; statusCode?: unknown; name?: string; type?: string; message?: string };
    const status = typeof error.statusCode === 'number' ? error.statusCode : typeof error.code === 'number' ? error.code : undefined;
    if (status !== undefined) {
      return new RequestFailure(`${status} ${STATUS_CODES[status] ?? 'Error'}: ${where}`, 'http', status);
    }
    if ((err instanceof RequestFailure && err.kind === 'timeout') || error.name === 'AbortError' || error.type === 'request-timeout') {
      return new RequestFailure(`timed out after ${this.timeoutMs} ms: ${where}`, 'timeout');
    }
    const code = typeof error.code === 'string' ? error.code : undefined;
    if (code && TLS_VERIFY_CODES.has(code)) {
      return new RequestFailure(
        `TLS verification of ${this.server} failed (${code}); check the cluster's certificate-authority: ${where}`,
        'tls',
      );
    }
    if (code && CONNECTION_LOST_CODES.has(code)) {
      return new RequestFailure(`connection to ${this.server} lost (${code}): ${where}`, 'unreachable');
    }
    if (code && (code.startsWith('E') || error.type === 'system')) {
      return new RequestFailure(`cannot reach ${this.server} (${code}): ${where}`, 'unreachable');
    }
    // Other errors come from the client itself (e.g. a missing certificate file or a failing exec
    // plugin); their messages name files or commands, not credentials. Keep them short.
    const detail = (error.message ?? String(err)).split('\n')[0].slice(0, 300);
    return new RequestFailure(`${where} failed: ${detail}`, 'other');
  }
}
