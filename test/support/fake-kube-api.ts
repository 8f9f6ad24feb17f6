/**
 * A fake Kubernetes API server speaking real HTTP, for driving `@kubernetes/client-node` (and the
 * agent built on it) without a cluster. It serves what the agent and the stock informer use:
 *
 *  - pods and events: paged lists (`limit`/`continue`, list resourceVersion), newline-delimited
 *    watch streams (ADDED/MODIFIED/DELETED, BOOKMARK on demand, ERROR 410 after `compact()`),
 *    field selectors (`involvedObject.name=…`, `type=Warning`, `status.phase!=Succeeded`);
 *  - pod GET and logs, including the kubelet's 400 "previous terminated container … not found";
 *  - GETs of any other object by `/apis/<group>/<version>/namespaces/<ns>/<plural>/<name>`
 *    (workloads, Argo CD Applications, Flux objects, pod metrics) and Service lists;
 *  - failure switches: reset open watches, stall them silently, fail the next requests.
 *
 * Headers are flushed at once on watches: client-node waits for them before it streams.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Clock, Collection, send, type KubeObject, type Watcher } from './fake-kube/collection.js';
import { fieldSelectorMatcher, labelSelectorMatcher } from './fake-kube/selectors.js';

export type { KubeObject } from './fake-kube/collection.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

interface FailureRule {
  matches: (request: RecordedRequest) => boolean;
  status: number;
  remaining: number;
}

interface PodLogs {
  current?: string;
  previous?: string;
}

const LIST_KINDS: Record<string, string> = { pods: 'PodList', events: 'EventList', services: 'ServiceList' };

export class FakeKubeApi {
  readonly clock = new Clock();
  readonly pods = new Collection('Pod', this.clock);
  readonly events = new Collection('Event', this.clock);
  readonly services = new Collection('Service', this.clock);
  /** Other objects by `<group>/<version>/<plural>/<namespace>/<name>` (group `core` for v1). */
  private readonly objects = new Map<string, KubeObject>();
  private readonly logs = new Map<string, PodLogs>();
  private readonly failures: FailureRule[] = [];
  private readonly sockets = new Set<Socket>();
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  private unreachable = false;
  url = '';

  constructor(readonly token = 'test-token') {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => this.handle(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ---- state -------------------------------------------------------------------------------

  upsertPod(pod: KubeObject, options?: { silent?: boolean }): KubeObject {
    return this.pods.upsert(pod, options);
  }

  deletePod(namespace: string, name: string, options?: { silent?: boolean }): void {
    this.pods.delete(namespace, name, options);
  }

  addEvent(event: KubeObject): KubeObject {
    return this.events.upsert(event);
  }

  addService(service: KubeObject): KubeObject {
    return this.services.upsert(service);
  }

  /** Any object served by GET, e.g. `setObject('apps/v1', 'replicasets', rs)`. */
  setObject(groupVersion: string, plural: string, object: KubeObject): void {
    const key = `${groupVersion === 'v1' ? 'core/v1' : groupVersion}/${plural}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    this.objects.set(key, structuredClone(object));
  }

  setLogs(namespace: string, pod: string, container: string, logs: PodLogs): void {
    this.logs.set(`${namespace}/${pod}/${container}`, logs);
  }

  compact(): void {
    this.pods.compact();
    this.events.compact();
  }

  // ---- failure switches ---------------------------------------------------------------------

  /** Destroys the sockets of every open watch (a connection reset). */
  resetWatches(): void {
    for (const watcher of this.allWatchers()) watcher.response.socket?.destroy();
  }

  /** Open watches stay connected but receive nothing more (a half-open connection). */
  stallWatches(): void {
    for (const watcher of this.allWatchers()) watcher.stalled = true;
  }

  /**
   * While unreachable, every connection is reset as soon as a request arrives (a node or network
   * outage), and open watches are cut at once.
   */
  setUnreachable(unreachable: boolean): void {
    this.unreachable = unreachable;
    if (unreachable) this.resetWatches();
  }

  /** Ends every open watch cleanly, as the server does at `timeoutSeconds`. */
  closeWatches(): void {
    for (const watcher of this.allWatchers()) watcher.response.end();
  }

  sendBookmarks(): void {
    for (const collection of [this.pods, this.events]) {
      for (const watcher of collection.watchers) {
        if (!watcher.bookmarks || watcher.stalled) continue;
        const object = { kind: collection.kind, apiVersion: 'v1', metadata: { resourceVersion: String(this.clock.rv) } };
        watcher.response.write(JSON.stringify({ type: 'BOOKMARK', object }) + '\n');
      }
    }
  }

  /** The next `times` requests matching `path` (a prefix or a predicate) answer `status`. */
  failNext(matches: string | ((request: RecordedRequest) => boolean), status: number, times = 1): void {
    const predicate = typeof matches === 'string' ? (request: RecordedRequest) => request.path.startsWith(matches) : matches;
    this.failures.push({ matches: predicate, status, remaining: times });
  }

  openWatchCount(): number {
    return [...this.allWatchers()].filter((watcher) => !watcher.response.destroyed && !watcher.response.writableEnded).length;
  }

  watchRequests(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path && request.query.watch === 'true');
  }

  private *allWatchers(): Iterable<Watcher> {
    yield* this.pods.watchers;
    yield* this.events.watchers;
  }

  // ---- HTTP --------------------------------------------------------------------------------

  private handle(request: IncomingMessage, response: ServerResponse): void {
    if (this.unreachable) {
      request.socket.destroy();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    };
    this.requests.push(recorded);
    if (request.headers.authorization !== `Bearer ${this.token}`) return status(response, 401, 'Unauthorized', 'Unauthorized');
    const failure = this.failures.find((rule) => rule.remaining > 0 && rule.matches(recorded));
    if (failure) {
      failure.remaining -= 1;
      return status(response, failure.status, 'InternalError', `injected failure ${failure.status}`);
    }
    this.route(url, response);
  }

  private route(url: URL, response: ServerResponse): void {
    const parts = url.pathname.split('/').filter(Boolean);
    const query = url.searchParams;
    // /api/v1/{pods|events}  or  /api/v1/namespaces/{ns}/{pods|events|services}[/{name}[/log]]
    if (parts[0] === 'api' && parts[1] === 'v1') {
      const rest = parts.slice(2);
      const namespace = rest[0] === 'namespaces' ? rest[1] : undefined;
      const [resource, name, sub] = namespace !== undefined ? rest.slice(2) : rest;
      const collection = resource === 'pods' ? this.pods : resource === 'events' ? this.events : resource === 'services' ? this.services : undefined;
      if (collection && name === undefined) {
        return query.get('watch') === 'true' ? this.watch(collection, namespace, query, response) : this.list(collection, resource!, namespace, query, response);
      }
      if (resource === 'pods' && namespace !== undefined && name !== undefined) {
        if (sub === 'log') return this.podLog(namespace, name, query, response);
        const pod = this.pods.objects.get(`${namespace}/${name}`);
        return pod ? json(response, 200, pod) : status(response, 404, 'NotFound', `pods "${name}" not found`);
      }
    }
    // /apis/{group}/{version}/namespaces/{ns}/{plural}/{name}
    if (parts[0] === 'apis' && parts[3] === 'namespaces' && parts.length === 7) {
      const [, group, version, , namespace, plural, name] = parts;
      const object = this.objects.get(`${group}/${version}/${plural}/${namespace}/${name}`);
      return object ? json(response, 200, object) : status(response, 404, 'NotFound', `${plural} "${name}" not found`);
    }
    status(response, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
  }

  private list(collection: Collection, resource: string, namespace: string | undefined, query: URLSearchParams, response: ServerResponse): void {
    const matches = both(fieldSelectorMatcher(query.get('fieldSelector')), labelSelectorMatcher(query.get('labelSelector')));
    const all = collection.list(namespace, matches);
    const limit = Number(query.get('limit') ?? 0);
    const start = Number(query.get('continue') ? Buffer.from(query.get('continue')!, 'base64').toString() : 0);
    const end = limit > 0 ? start + limit : all.length;
    const items = all.slice(start, end);
    const metadata: Record<string, string> = { resourceVersion: String(this.clock.rv) };
    if (end < all.length) metadata.continue = Buffer.from(String(end)).toString('base64');
    json(response, 200, { kind: LIST_KINDS[resource], apiVersion: 'v1', metadata, items });
  }

  private watch(collection: Collection, namespace: string | undefined, query: URLSearchParams, response: ServerResponse): void {
    response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    response.flushHeaders();
    const from = Number(query.get('resourceVersion') ?? 0);
    if (from < collection.compactedBelow) {
      const gone = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${from} (${this.clock.rv})`, reason: 'Expired', code: 410 };
      response.end(JSON.stringify({ type: 'ERROR', object: gone }) + '\n');
      return;
    }
    const watcher: Watcher = {
      response,
      namespace,
      matches: both(fieldSelectorMatcher(query.get('fieldSelector')), labelSelectorMatcher(query.get('labelSelector'))),
      stalled: false,
      bookmarks: query.get('allowWatchBookmarks') === 'true',
    };
    for (const entry of collection.history) if (entry.rv > from) send(watcher, entry);
    collection.watchers.add(watcher);
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);
    const timer = timeoutSeconds > 0 ? setTimeout(() => response.end(), timeoutSeconds * 1000) : undefined;
    response.on('close', () => {
      clearTimeout(timer);
      collection.watchers.delete(watcher);
    });
  }

  private podLog(namespace: string, name: string, query: URLSearchParams, response: ServerResponse): void {
    const pod = this.pods.objects.get(`${namespace}/${name}`);
    if (!pod) return status(response, 404, 'NotFound', `pods "${name}" not found`);
    const containers: string[] = (pod.spec?.containers ?? []).map((container: { name: string }) => container.name);
    const container = query.get('container') ?? (containers.length === 1 ? containers[0] : undefined);
    if (!container) {
      return status(response, 400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
    }
    const logs = this.logs.get(`${namespace}/${name}/${container}`) ?? {};
    const previous = query.get('previous') === 'true';
    const text = previous ? logs.previous : logs.current;
    if (text === undefined) {
      const message = previous
        ? `previous terminated container "${container}" in pod "${name}" not found`
        : `container "${container}" in pod "${name}" is waiting to start: ContainerCreating`;
      return status(response, 400, 'BadRequest', message);
    }
    const limitBytes = Number(query.get('limitBytes') ?? 0);
    const tailLines = Number(query.get('tailLines') ?? 0);
    let body = tailLines > 0 ? text.split('\n').slice(-tailLines).join('\n') : text;
    if (limitBytes > 0) body = Buffer.from(body).subarray(0, limitBytes).toString();
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end(body);
  }
}

function both<T>(a: (value: T) => boolean, b: (value: T) => boolean): (value: T) => boolean {
  return (value) => a(value) && b(value);
}

function json(response: ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}

function status(response: ServerResponse, code: number, reason: string, message: string): void {
  json(response, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}
