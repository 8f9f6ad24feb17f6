/**
 * A small reflector on client-node's `Watch`: list in pages, then watch from the list's
 * resourceVersion. It exists because the stock informer in client-node 1.x keeps whole objects,
 * never retries after a connection error and cannot notice a watch that went silent. Here:
 *
 *  - a 410 Gone (as an ERROR event or an HTTP status) triggers a full relist;
 *  - any other error reconnects with jittered exponential backoff; while the API server cannot be
 *    reached at all, a one-object list probes it every `probeIntervalMs` and the backoff ends (and
 *    resets) as soon as it answers, so an outage is caught up right after it ends, not up to a
 *    full backoff later. An API server that answers with an error keeps the whole backoff;
 *  - a watchdog restarts a watch that has been silent longer than `stallMs` (half-open TCP);
 *  - each watch asks the server to end it after a jittered `timeoutSeconds`, and a periodic
 *    resync relists everything, so nothing missed can stay missed.
 *
 * The reflector keeps no objects itself; its sink decides what to keep (a slim projection).
 */
import type { Watch } from '@kubernetes/client-node';
import type { Logger } from '../../src/logger.js';
import { Backoff, sleep } from './backoff.js';

export interface ListPage {
  items: unknown[];
  metadata?: { resourceVersion?: string; _continue?: string };
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ReflectorSink {
  /** A relist starts; every object that still exists will be passed to `listed`. */
  beginList(): void;
  listed(items: unknown[]): void;
  /** The relist ended; objects not listed since `beginList` are gone. */
  endList(): void;
  event(type: WatchEventType, object: unknown): void;
}

export interface ReflectorOptions {
  /** For logs and metrics (`pods`, `events`). */
  name: string;
  /** The watch path, e.g. `/api/v1/pods` or `/api/v1/namespaces/x/events`. */
  path: string;
  list(page: { limit: number; continueToken: string | undefined }): Promise<ListPage>;
  watch: Pick<Watch, 'watch'>;
  fieldSelector?: string;
  pageSize?: number;
  watchTimeoutSeconds?: number;
  stallMs?: number;
  resyncMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** How often an unreachable API server is probed during a backoff. */
  probeIntervalMs?: number;
  logger: Logger;
  onRestart?(reason: 'error' | 'gone' | 'stall' | 'resync'): void;
}

function statusCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = (error as { statusCode?: unknown; code?: unknown }).statusCode ?? (error as { code?: unknown }).code;
  return typeof candidate === 'number' ? candidate : undefined;
}

export class Reflector {
  private resourceVersion: string | undefined;
  private stopped = true;
  private synced = false;
  /** The last exchange with the API server worked (a list page, an open watch or an event). */
  private connected = false;
  private lastActivity = Date.now();
  private activeWatch: AbortController | undefined;
  /** Ends the wait for the current watch to finish (done, stall, resync or stop). */
  private wakeWatchLoop: ((reason: WatchEnd) => void) | undefined;
  private readonly stopController = new AbortController();
  private readonly backoff: Backoff;
  private loop: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly options: ReflectorOptions,
    private readonly sink: ReflectorSink,
  ) {
    this.backoff = new Backoff(options.backoffInitialMs ?? 1000, options.backoffMaxMs ?? 30_000);
  }

  get isSynced(): boolean {
    return this.synced;
  }

  /** Listed at least once and, as far as the last exchange shows, still watching. */
  get isLive(): boolean {
    return this.synced && this.connected;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
    const stallMs = this.options.stallMs ?? 300_000;
    this.timers.push(setInterval(() => this.checkStall(stallMs), Math.max(50, Math.floor(stallMs / 4))));
    const resyncMs = this.options.resyncMs;
    if (resyncMs) this.timers.push(setInterval(() => this.endWatch('resync'), resyncMs));
    for (const timer of this.timers) timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.stopController.abort();
    this.endWatch('stop');
    await this.loop;
  }

  private checkStall(stallMs: number): void {
    // A watch in progress (even one still waiting for headers) that has been silent too long.
    if (!this.wakeWatchLoop || Date.now() - this.lastActivity <= stallMs) return;
    this.options.logger.warn({ reflector: this.options.name, silentMs: Date.now() - this.lastActivity }, 'watch silent, restarting');
    this.endWatch('stall');
  }

  private endWatch(reason: WatchEnd): void {
    // Wake the loop before aborting: an abort reports itself as an error, and the reason matters.
    if (this.wakeWatchLoop) return this.wakeWatchLoop(reason);
    this.activeWatch?.abort();
    this.activeWatch = undefined;
  }

  private async run(): Promise<void> {
    let needsList = true;
    while (!this.stopped) {
      try {
        if (needsList) {
          await this.relist();
          needsList = false;
        }
        const end = await this.watchOnce();
        if (this.stopped) return;
        if (end.kind === 'gone') {
          this.restart('gone');
          needsList = true;
        } else if (end.kind === 'resync') {
          this.restart('resync');
          needsList = true;
        } else if (end.kind === 'stall') {
          this.restart('stall');
        } else if (end.kind === 'error') {
          this.restart('error');
          this.connected = false;
          this.options.logger.warn({ reflector: this.options.name, err: end.error }, 'watch failed, reconnecting');
          await this.pause(end.error);
        } else if (!end.receivedEvents) {
          // A watch the server closes at once, again and again, would otherwise spin (client-node #1933).
          await sleep(this.backoff.next(), this.stopController.signal);
        }
      } catch (error) {
        if (this.stopped) return;
        this.restart(statusCode(error) === 410 ? 'gone' : 'error');
        needsList = true;
        this.connected = false;
        this.options.logger.warn({ reflector: this.options.name, err: error }, 'list failed, retrying');
        await this.pause(error);
      }
    }
  }

  /**
   * Waits out the backoff after `error`. When the API server could not be reached at all (no HTTP
   * status), it is probed meanwhile and the wait ends as soon as it answers anything.
   */
  private async pause(error: unknown): Promise<void> {
    const delay = this.backoff.next();
    const signal = this.stopController.signal;
    if (statusCode(error) !== undefined) return sleep(delay, signal);
    const deadline = Date.now() + delay;
    const interval = this.options.probeIntervalMs ?? 500;
    while (!this.stopped && Date.now() < deadline) {
      await sleep(Math.min(interval, deadline - Date.now()), signal);
      if (this.stopped || Date.now() >= deadline) return;
      if (await this.answers()) {
        this.backoff.reset();
        this.options.logger.info({ reflector: this.options.name }, 'API server answers again, resuming');
        return;
      }
    }
  }

  private async answers(): Promise<boolean> {
    try {
      await this.options.list({ limit: 1, continueToken: undefined });
      return true;
    } catch (error) {
      return statusCode(error) !== undefined;
    }
  }

  private restart(reason: 'error' | 'gone' | 'stall' | 'resync'): void {
    this.options.onRestart?.(reason);
  }

  private async relist(): Promise<void> {
    const limit = this.options.pageSize ?? 500;
    this.sink.beginList();
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await this.options.list({ limit, continueToken });
      this.connected = true;
      this.sink.listed(page.items);
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken && !this.stopped);
    if (this.stopped) return;
    this.sink.endList();
    this.resourceVersion = resourceVersion;
    this.synced = true;
    this.lastActivity = Date.now();
    this.options.logger.debug({ reflector: this.options.name, resourceVersion }, 'listed');
  }

  private watchOnce(): Promise<WatchOutcome> {
    return new Promise<WatchOutcome>((resolve) => {
      let settled = false;
      let receivedEvents = false;
      const finish = (outcome: WatchOutcome) => {
        if (settled) return;
        settled = true;
        this.wakeWatchLoop = undefined;
        this.activeWatch?.abort();
        this.activeWatch = undefined;
        resolve(outcome);
      };
      this.wakeWatchLoop = (reason) => finish(reason === 'stop' ? { kind: 'closed', receivedEvents } : { kind: reason });
      const baseTimeout = this.options.watchTimeoutSeconds ?? 300;
      const query: Record<string, string | number | boolean | undefined> = {
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: baseTimeout + Math.floor(Math.random() * baseTimeout),
        fieldSelector: this.options.fieldSelector,
      };
      this.lastActivity = Date.now();
      const onEvent = (type: string, object: any) => {
        if (settled) return;
        this.lastActivity = Date.now();
        receivedEvents = true;
        this.connected = true;
        this.backoff.reset();
        if (type === 'ERROR') {
          finish(object?.code === 410 ? { kind: 'gone' } : { kind: 'error', error: new Error(object?.message ?? 'watch error') });
          return;
        }
        const version = object?.metadata?.resourceVersion;
        if (typeof version === 'string' && version.length > 0) this.resourceVersion = version;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.sink.event(type, object);
      };
      const onDone = (error: unknown) => {
        if (!error) return finish({ kind: 'closed', receivedEvents });
        finish(statusCode(error) === 410 ? { kind: 'gone' } : { kind: 'error', error });
      };
      this.options.watch.watch(this.options.path, query, onEvent, onDone).then(
        (controller) => {
          if (settled) return controller.abort();
          // The API server answered the watch with its headers: connected.
          this.connected = true;
          this.activeWatch = controller;
        },
        (error: unknown) => finish({ kind: 'error', error }),
      );
    });
  }
}

type WatchEnd = 'stall' | 'resync' | 'stop';
type WatchOutcome =
  | { kind: 'closed'; receivedEvents: boolean }
  | { kind: 'gone' }
  | { kind: 'stall' }
  | { kind: 'resync' }
  | { kind: 'error'; error: unknown };
