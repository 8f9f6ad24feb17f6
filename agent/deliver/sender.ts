/**
 * Delivers the outbox to the App, oldest first: each report is signed over the exact bytes sent
 * and POSTed to `/kubecure/v1/reports`. 2xx removes it; 4xx is permanent (the App will never
 * accept it) and it is logged, counted and dropped; 5xx and network errors keep it at the head and
 * retry with jittered backoff, so an outage of minutes loses nothing.
 */
import type { Logger } from '../../src/logger.js';
import { signRequest } from '../../src/report/signature.js';
import { Backoff, sleep } from '../watch/backoff.js';
import type { Outbox, OutboxItem } from './outbox.js';

export const REPORTS_PATH = '/kubecure/v1/reports';

export interface SenderOptions {
  appUrl: string;
  cluster: string;
  secret: string;
  outbox: Outbox;
  logger: Logger;
  requestTimeoutMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  onSent?(item: OutboxItem): void;
  onFailed?(item: OutboxItem, reason: 'rejected' | 'retry'): void;
}

type Attempt = { result: 'sent' } | { result: 'rejected'; status: number; detail: string } | { result: 'retry'; detail: string };

export class Sender {
  private readonly stopController = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly backoff: Backoff;

  constructor(private readonly options: SenderOptions) {
    this.backoff = new Backoff(options.backoffInitialMs ?? 1000, options.backoffMaxMs ?? 60_000);
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
      } else {
        this.options.onFailed?.(item, 'retry');
        const delay = this.backoff.next();
        this.options.logger.warn({ kind: item.kind, detail: attempt.detail, retryInMs: delay }, 'report delivery failed, will retry');
        await sleep(delay, signal);
      }
    }
  }

  private async deliver(item: OutboxItem): Promise<Attempt> {
    const headers = {
      'content-type': 'application/json',
      ...signRequest(this.options.cluster, this.options.secret, item.body),
    };
    try {
      const response = await fetch(`${this.options.appUrl}${REPORTS_PATH}`, {
        method: 'POST',
        headers,
        body: item.body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000),
      });
      const detail = (await response.text().catch(() => '')).slice(0, 500);
      if (response.ok) return { result: 'sent' };
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        return { result: 'rejected', status: response.status, detail };
      }
      return { result: 'retry', detail: `HTTP ${response.status} ${detail}` };
    } catch (error) {
      return { result: 'retry', detail: error instanceof Error ? error.message : String(error) };
    }
  }
}
