/**
 * Delivers the outbox to the App, oldest first: each report is signed afresh on every attempt
 * (a new timestamp and delivery id over the exact bytes sent) and POSTed to `/kubecure/v1/reports`.
 *
 *  - 2xx removes it.
 *  - 401 keeps it: the App could not verify it *now* (a secret being rotated, a clock off), and a
 *    failure must not be lost to a condition that can heal. It is retried with backoff, counted as
 *    `unauthorized` and logged with the App's answer.
 *  - other 4xx are permanent (the App will never accept those bytes): logged, counted, dropped.
 *  - 5xx, 408, 429 and network errors keep it and retry with jittered backoff.
 *
 * Clock skew: every App response carries the standard HTTP `Date` header. When it differs from the
 * local clock by more than the header's own precision, the agent signs with the App's time (local
 * time plus the measured offset) and logs the offset, so a node clock minutes off does not make
 * the App refuse every report as stale.
 */
import type { Logger } from '../../src/logger.js';
import { signRequest } from '../../src/report/signature.js';
import { Backoff, sleep } from '../watch/backoff.js';
import type { Outbox, OutboxItem } from './outbox.js';

export const REPORTS_PATH = '/kubecure/v1/reports';

/** `Date` has one-second resolution; offsets below this are rounding, not skew. */
const SKEW_THRESHOLD_MS = 2000;

export type DeliveryFailure = 'rejected' | 'unauthorized' | 'retry';

export interface SenderOptions {
  appUrl: string;
  cluster: string;
  secret: string;
  outbox: Outbox;
  logger: Logger;
  requestTimeoutMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** The local clock (tests inject a skewed one). */
  now?: () => number;
  onSent?(item: OutboxItem): void;
  onFailed?(item: OutboxItem, reason: DeliveryFailure): void;
  /** A report the App rejected for good: it was never delivered. */
  onRejected?(item: OutboxItem): void;
}

type Attempt =
  | { result: 'sent' }
  | { result: 'rejected'; status: number; detail: string }
  | { result: 'unauthorized'; detail: string }
  | { result: 'retry'; detail: string };

export class Sender {
  private readonly stopController = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  /** App time minus local time, as last measured from the App's `Date` header. */
  private clockOffsetMs = 0;

  constructor(private readonly options: SenderOptions) {
    this.backoff = new Backoff(options.backoffInitialMs ?? 1000, options.backoffMaxMs ?? 60_000);
    this.now = options.now ?? Date.now;
  }

  get measuredClockOffsetMs(): number {
    return this.clockOffsetMs;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const signal = this.stopController.signal;
    while (!signal.aborted) {
      await this.options.outbox.waitForItem(signal);
      const item = this.options.outbox.peek();
      if (!item || signal.aborted) continue;
      const attempt = await this.deliver(item);
      if (attempt.result === 'sent') {
        this.options.outbox.remove(item);
        this.backoff.reset();
        this.options.onSent?.(item);
      } else if (attempt.result === 'rejected') {
        this.options.outbox.remove(item);
        this.options.logger.error({ kind: item.kind, status: attempt.status, detail: attempt.detail }, 'report rejected by the App, dropped');
        this.options.onFailed?.(item, 'rejected');
        this.options.onRejected?.(item);
      } else {
        this.options.onFailed?.(item, attempt.result);
        const delay = this.backoff.next();
        if (attempt.result === 'unauthorized') {
          this.options.logger.error(
            { kind: item.kind, detail: attempt.detail, clockOffsetMs: this.clockOffsetMs, retryInMs: delay },
            'report refused by the App as unauthorized (check KUBECURE_CLUSTER_SECRET and KUBECURE_CLUSTER), kept and will retry',
          );
        } else {
          this.options.logger.warn({ kind: item.kind, detail: attempt.detail, retryInMs: delay }, 'report delivery failed, will retry');
        }
        await sleep(delay, signal);
      }
    }
  }

  private async deliver(item: OutboxItem): Promise<Attempt> {
    const sentAt = this.now();
    const headers = {
      'content-type': 'application/json',
      ...signRequest(this.options.cluster, this.options.secret, item.body, new Date(sentAt + this.clockOffsetMs)),
    };
    try {
      const response = await fetch(`${this.options.appUrl}${REPORTS_PATH}`, {
        method: 'POST',
        headers,
        body: item.body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000),
      });
      const detail = (await response.text().catch(() => '')).slice(0, 500);
      const skewChanged = this.measureClock(response.headers.get('date'), sentAt);
      if (response.ok) return { result: 'sent' };
      if (response.status === 401) {
        // Signed with the wrong clock: the very next attempt, with the corrected time, can succeed.
        if (skewChanged) this.backoff.reset();
        return { result: 'unauthorized', detail: `HTTP 401 ${detail}` };
      }
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        return { result: 'rejected', status: response.status, detail };
      }
      return { result: 'retry', detail: `HTTP ${response.status} ${detail}` };
    } catch (error) {
      return { result: 'retry', detail: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Updates the clock offset from the App's `Date` header; true when it changed. */
  private measureClock(dateHeader: string | null, sentAt: number): boolean {
    const appTime = dateHeader ? Date.parse(dateHeader) : Number.NaN;
    if (!Number.isFinite(appTime)) return false;
    // The header is truncated to the second: compare with the midpoint of the exchange, rounded alike.
    const localTime = (sentAt + this.now()) / 2;
    const measured = appTime + 500 - localTime;
    const offset = Math.abs(measured) > SKEW_THRESHOLD_MS ? Math.round(measured) : 0;
    if (Math.abs(offset - this.clockOffsetMs) <= SKEW_THRESHOLD_MS) return false;
    this.clockOffsetMs = offset;
    this.options.logger.warn({ clockOffsetMs: offset }, offset === 0 ? 'local clock agrees with the App again' : "local clock differs from the App's, signing with the App's time");
    return true;
  }
}
