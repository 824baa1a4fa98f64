/**
 * TEST DOUBLE: a small fake of the Kubernetes API server, for tests and benchmarks only.
 *
 * It speaks just enough of the real wire protocol for `@kubernetes/client-node` to talk to it
 * unchanged: HTTPS with its own CA, bearer tokens and client certificates, discovery documents
 * (/api, /api/v1, /apis, /apis/<g>, /apis/<g>/<v>), lists with `limit`/`continue`, streaming
 * watches with bookmarks and `410 Gone` for expired resource versions, 401/403 answers, and
 * configurable slow or failing responses. It records every request so tests can assert what the
 * client did (and that it never wrote). It holds plain JSON objects and knows nothing of label
 * selectors or BindingPolicies; it must not import the project's code under test.
 */
import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TestPki } from './pki';

export interface FakeResourceType {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  /** Verbs announced by discovery; list, watch and get when absent. */
  readonly verbs?: readonly string[];
  /** Subresources announced by discovery (e.g. `status`), which a client must not list. */
  readonly subresources?: readonly string[];
}

export interface FakeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly resourceVersion?: string;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** `list`, `watch`, `get`, or the writing verb a POST/PUT/PATCH/DELETE would be. */
  readonly verb: string;
  /** The authenticated user, when authentication succeeded. */
  readonly user?: string;
}

/** Which requests a fault or a refusal applies to; an absent field matches anything. */
export interface RequestMatch {
  readonly verb?: string;
  readonly group?: string;
  readonly resource?: string;
  readonly user?: string;
  /** Matches requests whose path starts with this (for discovery paths). */
  readonly pathPrefix?: string;
}

export interface Fault extends RequestMatch {
  /** Hold the response this long before answering (a slow server); a long delay simulates a hang. */
  readonly delayMs?: number;
  /** Answer with this HTTP status (a Kubernetes Status body) instead of the real response. */
  readonly status?: number;
  /** Apply to this many matching requests only; unlimited when absent. */
  readonly times?: number;
}

export interface FakeKubeOptions {
  readonly pki: TestPki;
  /** Accepted bearer tokens and the user each one authenticates. */
  readonly tokens?: Readonly<Record<string, string>>;
  /** Largest page a list returns, whatever `limit` the client asks for (real servers may return fewer). */
  readonly maxPageSize?: number;
  /** How many watch events each resource keeps for resuming watches; older resource versions get 410. */
  readonly eventHistory?: number;
}

interface WatchEvent {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: FakeObject;
}

interface Watcher {
  readonly res: ServerResponse;
  readonly namespace?: string;
  readonly bookmarks: boolean;
}

class ResourceStore {
  readonly objects = new Map<string, FakeObject>();
  readonly events: WatchEvent[] = [];
  readonly watchers = new Set<Watcher>();
  /** A watch or continue token older than this resource version gets 410 Gone. */
  oldestResumableRv = 0;
  private sortedKeys: string[] | undefined;

  constructor(readonly type: FakeResourceType) {}

  get apiVersion(): string {
    return this.type.group ? `${this.type.group}/${this.type.version}` : this.type.version;
  }

  keys(): string[] {
    this.sortedKeys ??= [...this.objects.keys()].sort();
    return this.sortedKeys;
  }

  invalidateOrder(): void {
    this.sortedKeys = undefined;
  }
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function typeKey(group: string, resource: string): string {
  return `${group}/${resource}`;
}

function matches(rule: RequestMatch, request: { verb: string; group?: string; resource?: string; user?: string; path: string }): boolean {
  return (
    (rule.verb === undefined || rule.verb === request.verb) &&
    (rule.group === undefined || rule.group === request.group) &&
    (rule.resource === undefined || rule.resource === request.resource) &&
    (rule.user === undefined || rule.user === request.user) &&
    (rule.pathPrefix === undefined || request.path.startsWith(rule.pathPrefix))
  );
}

type Route =
  | { readonly kind: 'coreVersions' }
  | { readonly kind: 'groupList' }
  | { readonly kind: 'group'; readonly group: string }
  | { readonly kind: 'resourceList'; readonly group: string; readonly version: string }
  | {
      readonly kind: 'objects';
      readonly group: string;
      readonly version: string;
      readonly resource: string;
      readonly namespace?: string;
      readonly name?: string;
    }
  | { readonly kind: 'unknown' };

function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter((part) => part.length > 0).map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { kind: 'coreVersions' };
    group = '';
    rest = parts.slice(1);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { kind: 'groupList' };
    if (parts.length === 2) return { kind: 'group', group: parts[1] };
    group = parts[1];
    rest = parts.slice(2);
  } else {
    return { kind: 'unknown' };
  }
  const [version, ...tail] = rest;
  switch (tail.length) {
    case 0:
      return { kind: 'resourceList', group, version };
    case 1:
      return { kind: 'objects', group, version, resource: tail[0] };
    case 2:
      return { kind: 'objects', group, version, resource: tail[0], name: tail[1] };
    case 3:
      return tail[0] === 'namespaces' ? { kind: 'objects', group, version, namespace: tail[1], resource: tail[2] } : { kind: 'unknown' };
    case 4:
      return tail[0] === 'namespaces'
        ? { kind: 'objects', group, version, namespace: tail[1], resource: tail[2], name: tail[3] }
        : { kind: 'unknown' };
    default:
      return { kind: 'unknown' };
  }
}

/** The index of the first key greater than `bound` (or equal to it, unless `strict`) in sorted `keys`. */
function firstIndexAfter(keys: readonly string[], bound: string, strict: boolean): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle] < bound || (strict && keys[middle] === bound)) low = middle + 1;
    else high = middle;
  }
  return low;
}

const WRITE_VERBS: Readonly<Record<string, string>> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

export class FakeKubeApiServer {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  private readonly server: https.Server;
  private readonly stores = new Map<string, ResourceStore>();
  private readonly sockets = new Set<Socket>();
  private readonly pendingTimers = new Set<NodeJS.Timeout>();
  private readonly forbidden: RequestMatch[] = [];
  private readonly faults: { rule: Fault; remaining: number }[] = [];
  private tokens: Record<string, string>;
  private currentRv = 1;
  private boundPort = 0;

  constructor(private readonly options: FakeKubeOptions) {
    this.tokens = { ...(options.tokens ?? {}) };
    this.server = https.createServer(
      {
        key: fs.readFileSync(options.pki.serverKeyFile),
        cert: fs.readFileSync(options.pki.serverCertFile),
        ca: fs.readFileSync(options.pki.caCertFile),
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => this.handle(req, res),
    );
    this.server.on('secureConnection', (socket: TLSSocket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts listening on 127.0.0.1 (on `port`, or the previous port when restarting, or any free port). */
  async listen(port = this.boundPort): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as { port: number }).port;
    return this.boundPort;
  }

  get url(): string {
    return `https://127.0.0.1:${this.boundPort}`;
  }

  /** Stops listening and cuts every connection, as a crashed or unreachable server would. */
  async close(): Promise<void> {
    for (const timer of this.pendingTimers) clearTimeout(timer);
    this.pendingTimers.clear();
    for (const store of this.stores.values()) store.watchers.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addResourceType(type: FakeResourceType): void {
    this.stores.set(typeKey(type.group, type.resource), new ResourceStore(type));
  }

  setToken(token: string, user: string): void {
    this.tokens[token] = user;
  }

  /** Refuses matching requests with 403 Forbidden. */
  forbid(rule: RequestMatch): void {
    this.forbidden.push(rule);
  }

  /** Makes matching requests slow or failing; returns a function that removes the fault. */
  addFault(rule: Fault): () => void {
    const entry = { rule, remaining: rule.times ?? Number.POSITIVE_INFINITY };
    this.faults.push(entry);
    return () => {
      const index = this.faults.indexOf(entry);
      if (index >= 0) this.faults.splice(index, 1);
    };
  }

  get resourceVersion(): string {
    return String(this.currentRv);
  }

  /** Creates or replaces an object; open watches see ADDED or MODIFIED. */
  put(group: string, resource: string, object: FakeObject): void {
    const store = this.store(group, resource);
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    const existed = store.objects.has(key);
    const rv = ++this.currentRv;
    const stored: FakeObject = {
      apiVersion: store.apiVersion,
      kind: store.type.kind,
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(rv), uid: `uid-${key}` },
    };
    store.objects.set(key, stored);
    if (!existed) store.invalidateOrder();
    this.record(store, { rv, type: existed ? 'MODIFIED' : 'ADDED', object: stored });
  }

  /**
   * Deletes an object. With `notify: false` the deletion is never announced to watches, as when
   * the events were compacted away: only a relist can notice it.
   */
  remove(group: string, resource: string, namespace: string | undefined, name: string, options: { notify?: boolean } = {}): void {
    const store = this.store(group, resource);
    const key = objectKey(namespace, name);
    const existing = store.objects.get(key);
    if (!existing) return;
    store.objects.delete(key);
    store.invalidateOrder();
    const rv = ++this.currentRv;
    if (options.notify === false) return;
    this.record(store, { rv, type: 'DELETED', object: { ...existing, metadata: { ...existing.metadata, resourceVersion: String(rv) } } });
  }

  /** Cuts every open watch connection abruptly (a dropped connection, not a clean end). */
  dropWatches(): void {
    for (const store of this.stores.values()) {
      for (const watcher of store.watchers) watcher.res.socket?.destroy();
      store.watchers.clear();
    }
  }

  /**
   * Compacts history: every open watch gets a 410 Gone ERROR event and ends, and no watch can
   * resume from a resource version older than now, so a client must list again.
   */
  expireWatches(): void {
    this.currentRv++;
    for (const store of this.stores.values()) {
      store.oldestResumableRv = this.currentRv;
      for (const watcher of store.watchers) {
        this.writeEvent(watcher.res, { type: 'ERROR', object: this.goneStatus() });
        watcher.res.end();
      }
      store.watchers.clear();
    }
  }

  /** Sends a BOOKMARK with the current resource version on every watch that asked for bookmarks. */
  sendBookmarks(): void {
    for (const store of this.stores.values()) {
      for (const watcher of store.watchers) {
        if (!watcher.bookmarks) continue;
        this.writeEvent(watcher.res, {
          type: 'BOOKMARK',
          object: { apiVersion: store.apiVersion, kind: store.type.kind, metadata: { resourceVersion: this.resourceVersion } },
        });
      }
    }
  }

  /** How many watch streams are open now. */
  get openWatchCount(): number {
    let count = 0;
    for (const store of this.stores.values()) count += store.watchers.size;
    return count;
  }

  private store(group: string, resource: string): ResourceStore {
    const store = this.stores.get(typeKey(group, resource));
    if (!store) throw new Error(`fake-kube: resource type ${resource}.${group} was not added`);
    return store;
  }

  private record(store: ResourceStore, event: WatchEvent): void {
    store.events.push(event);
    const history = this.options.eventHistory ?? 1000;
    if (store.events.length > 2 * history) {
      const dropped = store.events.splice(0, store.events.length - history);
      store.oldestResumableRv = Math.max(store.oldestResumableRv, dropped[dropped.length - 1].rv);
    }
    for (const watcher of store.watchers) {
      if (watcher.namespace === undefined || watcher.namespace === event.object.metadata.namespace) {
        this.writeEvent(watcher.res, { type: event.type, object: event.object });
      }
    }
  }

  private writeEvent(res: ServerResponse, event: { type: string; object: unknown }): void {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(event)}\n`);
  }

  private goneStatus(): object {
    return this.status(410, 'Expired', 'too old resource version');
  }

  private status(code: number, reason: string, message: string): object {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  }

  private sendJson(res: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private sendStatus(res: ServerResponse, code: number, message: string): void {
    const reason = (STATUS_CODES[code] ?? 'Error').replace(/ /g, '');
    this.sendJson(res, code, this.status(code, reason, message));
  }

  private authenticate(req: IncomingMessage): string | undefined {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      return authorization.startsWith('Bearer ') ? this.tokens[authorization.slice('Bearer '.length)] : undefined;
    }
    const socket = req.socket as TLSSocket;
    if (socket.authorized) {
      const subject = socket.getPeerCertificate().subject;
      const commonName = subject?.CN;
      return Array.isArray(commonName) ? commonName[0] : commonName;
    }
    return undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const query = Object.fromEntries(url.searchParams.entries());
    const route = parseRoute(url.pathname);
    const method = req.method ?? 'GET';
    const verb =
      method !== 'GET'
        ? WRITE_VERBS[method] ?? method.toLowerCase()
        : route.kind === 'objects' && route.name !== undefined
          ? 'get'
          : route.kind === 'objects' && (query.watch === 'true' || query.watch === '1')
            ? 'watch'
            : route.kind === 'objects'
              ? 'list'
              : 'get';
    const user = this.authenticate(req);
    this.requests.push({ method, path: url.pathname, query, verb, user });
    const group = route.kind === 'objects' || route.kind === 'resourceList' || route.kind === 'group' ? route.group : undefined;
    const resource = route.kind === 'objects' ? route.resource : undefined;
    const subject = { verb, group, resource, user, path: url.pathname };

    if (user === undefined) {
      this.sendStatus(res, 401, 'Unauthorized');
      return;
    }
    if (this.forbidden.some((rule) => matches(rule, subject))) {
      const target = resource === undefined ? url.pathname : group ? `${resource}.${group}` : resource;
      this.sendStatus(res, 403, `${target} is forbidden: User "${user}" cannot ${verb} resource "${resource ?? url.pathname}" in API group "${group ?? ''}" at the cluster scope`);
      return;
    }
    const fault = this.faults.find((entry) => entry.remaining > 0 && matches(entry.rule, subject));
    if (fault) fault.remaining--;
    const respond = (): void => {
      if (fault?.rule.status !== undefined) {
        this.sendStatus(res, fault.rule.status, `injected fault: ${fault.rule.status}`);
      } else if (method !== 'GET') {
        this.sendStatus(res, 405, `fake-kube is read-only: ${method} ${url.pathname}`);
      } else {
        this.serve(route, verb, query, res);
      }
    };
    if (fault?.rule.delayMs) {
      const timer = setTimeout(() => {
        this.pendingTimers.delete(timer);
        respond();
      }, fault.rule.delayMs);
      this.pendingTimers.add(timer);
    } else {
      respond();
    }
  }

  private serve(route: Route, verb: string, query: Record<string, string>, res: ServerResponse): void {
    switch (route.kind) {
      case 'coreVersions':
        this.sendJson(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
        return;
      case 'groupList':
        this.sendJson(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: this.groups() });
        return;
      case 'group': {
        const found = this.groups().find((group) => group.name === route.group);
        if (found) this.sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...found });
        else this.sendStatus(res, 404, `the server could not find the requested resource`);
        return;
      }
      case 'resourceList':
        this.serveResourceList(route.group, route.version, res);
        return;
      case 'objects': {
        const store = this.stores.get(typeKey(route.group, route.resource));
        if (!store || store.type.version !== route.version || (route.namespace !== undefined && !store.type.namespaced)) {
          this.sendStatus(res, 404, 'the server could not find the requested resource');
        } else if (verb === 'get') {
          const object = store.objects.get(objectKey(route.namespace, route.name ?? ''));
          if (object) this.sendJson(res, 200, object);
          else this.sendStatus(res, 404, `${route.resource} "${route.name}" not found`);
        } else if (verb === 'watch') {
          this.serveWatch(store, route.namespace, query, res);
        } else {
          this.serveList(store, route.namespace, query, res);
        }
        return;
      }
      case 'unknown':
        this.sendStatus(res, 404, 'the server could not find the requested resource');
        return;
    }
  }

  private groups(): { name: string; versions: object[]; preferredVersion: object }[] {
    const versions = new Map<string, Set<string>>();
    for (const store of this.stores.values()) {
      if (store.type.group === '') continue;
      const set = versions.get(store.type.group) ?? new Set<string>();
      set.add(store.type.version);
      versions.set(store.type.group, set);
    }
    return [...versions].map(([name, set]) => {
      const list = [...set].map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions: list, preferredVersion: list[0] };
    });
  }

  private serveResourceList(group: string, version: string, res: ServerResponse): void {
    const types = [...this.stores.values()].map((store) => store.type).filter((type) => type.group === group && type.version === version);
    if (types.length === 0) {
      this.sendStatus(res, 404, 'the server could not find the requested resource');
      return;
    }
    const resources = types
      .flatMap((type) => [
        {
          name: type.resource,
          singularName: type.kind.toLowerCase(),
          namespaced: type.namespaced,
          kind: type.kind,
          verbs: type.verbs ?? ['get', 'list', 'watch'],
          ...(type.shortNames ? { shortNames: type.shortNames } : {}),
        },
        ...(type.subresources ?? []).map((sub) => ({
          name: `${type.resource}/${sub}`,
          singularName: '',
          namespaced: type.namespaced,
          kind: type.kind,
          verbs: ['get'],
        })),
      ])
      .sort((a, b) => a.name.localeCompare(b.name));
    this.sendJson(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources });
  }

  private serveList(store: ResourceStore, namespace: string | undefined, query: Record<string, string>, res: ServerResponse): void {
    let listRv = this.currentRv;
    let after: string | undefined;
    if (query.continue) {
      try {
        const token = JSON.parse(Buffer.from(query.continue, 'base64url').toString()) as { rv: number; after: string };
        listRv = token.rv;
        after = token.after;
      } catch {
        this.sendStatus(res, 400, 'invalid continue token');
        return;
      }
      if (listRv < store.oldestResumableRv) {
        this.sendJson(res, 410, this.status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result.'));
        return;
      }
    }
    const requested = query.limit ? Number(query.limit) : Number.POSITIVE_INFINITY;
    const pageSize = Math.min(requested > 0 ? requested : Number.POSITIVE_INFINITY, this.options.maxPageSize ?? Number.POSITIVE_INFINITY);
    // Keys sort by namespace then name, so a namespace's objects are one run of the sorted keys.
    const keys = store.keys();
    const prefix = namespace === undefined ? '' : `${namespace}/`;
    const from = firstIndexAfter(keys, after !== undefined && after > prefix ? after : prefix, after !== undefined && after > prefix);
    // '0' is the character after '/', so `${namespace}0` bounds the run of keys starting `${namespace}/`.
    const end = namespace === undefined ? keys.length : firstIndexAfter(keys, `${namespace}0`, false);
    const page = keys.slice(from, Math.min(end, from + pageSize));
    const remaining = end - from - page.length;
    const metadata: Record<string, unknown> = { resourceVersion: String(listRv) };
    if (remaining > 0) {
      metadata.continue = Buffer.from(JSON.stringify({ rv: listRv, after: page[page.length - 1] })).toString('base64url');
      metadata.remainingItemCount = remaining;
    }
    this.sendJson(res, 200, {
      kind: `${store.type.kind}List`,
      apiVersion: store.apiVersion,
      metadata,
      items: page.map((key) => store.objects.get(key)),
    });
  }

  private serveWatch(store: ResourceStore, namespace: string | undefined, query: Record<string, string>, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const fromRv = query.resourceVersion;
    if (fromRv && fromRv !== '0' && Number(fromRv) < store.oldestResumableRv) {
      this.writeEvent(res, { type: 'ERROR', object: this.goneStatus() });
      res.end();
      return;
    }
    const inScope = (object: FakeObject): boolean => namespace === undefined || object.metadata.namespace === namespace;
    if (!fromRv || fromRv === '0') {
      for (const object of store.objects.values()) if (inScope(object)) this.writeEvent(res, { type: 'ADDED', object });
    } else {
      for (const event of store.events) {
        if (event.rv > Number(fromRv) && inScope(event.object)) this.writeEvent(res, { type: event.type, object: event.object });
      }
    }
    const watcher: Watcher = { res, namespace, bookmarks: query.allowWatchBookmarks === 'true' };
    store.watchers.add(watcher);
    const timeoutSeconds = Number(query.timeoutSeconds);
    const timer = timeoutSeconds > 0 ? setTimeout(() => res.end(), timeoutSeconds * 1000) : undefined;
    res.on('close', () => {
      clearTimeout(timer);
      store.watchers.delete(watcher);
    });
  }
}
