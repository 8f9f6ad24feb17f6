/**
 * A small reflector on client-node's `Watch`: list in pages, then watch from the list's
 * resourceVersion. It exists because the stock informer in client-node 1.x keeps whole objects,
 * never retries after a connection error and cannot notice a watch that went silent. Here:
 *
 *  - a 410 Gone (as an ERROR event or an HTTP status) triggers a full relist;
 *  - any other error reconnects with jittered exponential backoff;
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
          this.options.logger.warn({ reflector: this.options.name, err: end.error }, 'watch failed, reconnecting');
          await sleep(this.backoff.next(), this.stopController.signal);
        } else if (!end.receivedEvents) {
          // A watch the server closes at once, again and again, would otherwise spin (client-node #1933).
          await sleep(this.backoff.next(), this.stopController.signal);
        }
      } catch (error) {
        if (this.stopped) return;
        this.restart(statusCode(error) === 410 ? 'gone' : 'error');
        needsList = true;
        this.options.logger.warn({ reflector: this.options.name, err: error }, 'list failed, retrying');
        await sleep(this.backoff.next(), this.stopController.signal);
      }
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
          if (settled) controller.abort();
          else this.activeWatch = controller;
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
