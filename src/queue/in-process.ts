/**
 * The queue used when no Redis is configured: jobs live in this process only. Good for a single
 * replica and for trying KubeCure out; a restart loses what was queued, and the log says so.
 */
import { randomUUID } from 'node:crypto';
import { silentLogger, type Logger } from '../logger.js';
import { joinReports, withoutBookkeeping, type CoalescedJob } from './coalesce.js';
import {
  backoffDelay,
  DEFAULT_DEDUP_WINDOW_MS,
  DEFAULT_RETRY_POLICY,
  PermanentJobError,
  RetryLaterError,
  type EnqueueResult,
  type JobHandler,
  type JobQueue,
  type ReportJob,
  type RetryPolicy,
} from './types.js';

export interface InProcessQueueOptions {
  retry?: RetryPolicy;
  dedupWindowMs?: number;
  concurrency?: number;
  logger?: Logger;
}

interface QueuedJob {
  id: string;
  job: CoalescedJob;
  attempt: number;
  dedupKey: string;
}

export class InProcessJobQueue implements JobQueue {
  readonly durable = false;
  readonly #retry: RetryPolicy;
  readonly #dedupWindowMs: number;
  readonly #concurrency: number;
  readonly #logger: Logger;
  readonly #waiting: QueuedJob[] = [];
  /** dedup key → the job not yet started that later reports join, until the window closes. */
  readonly #recent = new Map<string, { queued: QueuedJob; until: number }>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #idleWaiters: (() => void)[] = [];
  #handler: JobHandler | null = null;
  #running = 0;
  #pendingRetries = 0;
  #closed = false;

  constructor(options: InProcessQueueOptions = {}) {
    this.#retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.#dedupWindowMs = options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS;
    this.#concurrency = options.concurrency ?? 2;
    this.#logger = options.logger ?? silentLogger;
  }

  async enqueue(job: ReportJob, options: { dedupKey: string }): Promise<EnqueueResult> {
    const now = Date.now();
    const recent = this.#recent.get(options.dedupKey);
    if (recent && recent.until > now) {
      recent.queued.job = joinReports(recent.queued.job, job);
      return { id: recent.queued.id, coalesced: true };
    }
    const queued: QueuedJob = { id: randomUUID(), job, attempt: 1, dedupKey: options.dedupKey };
    this.#recent.set(options.dedupKey, { queued, until: now + this.#dedupWindowMs });
    this.#forgetExpired(now);
    this.#waiting.push(queued);
    this.#drain();
    return { id: queued.id, coalesced: false };
  }

  async start(handler: JobHandler): Promise<void> {
    this.#logger.warn('No REDIS_URL: using the in-process queue (single replica only; queued reports are lost on restart)');
    this.#handler = handler;
    this.#drain();
  }

  async ready(): Promise<boolean> {
    return !this.#closed;
  }

  /** Resolves when nothing is queued, running or waiting for a retry (for tests and shutdown). */
  async idle(): Promise<void> {
    if (this.#isIdle()) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #isIdle(): boolean {
    return this.#waiting.length === 0 && this.#running === 0 && this.#pendingRetries === 0;
  }

  #drain(): void {
    while (this.#handler && !this.#closed && this.#running < this.#concurrency && this.#waiting.length > 0) {
      const next = this.#waiting.shift()!;
      this.#running += 1;
      void this.#run(next).finally(() => {
        this.#running -= 1;
        this.#drain();
        if (this.#isIdle()) this.#idleWaiters.splice(0).forEach((resolve) => resolve());
      });
    }
  }

  async #run(queued: QueuedJob): Promise<void> {
    // Started: the job has read its report, so the next report of this failure is a job of its own.
    if (this.#recent.get(queued.dedupKey)?.queued === queued) this.#recent.delete(queued.dedupKey);
    try {
      await this.#handler!(withoutBookkeeping(queued.job), { id: queued.id, attempt: queued.attempt });
    } catch (error) {
      if (error instanceof RetryLaterError) {
        this.#logger.info({ jobId: queued.id, delayMs: error.delayMs }, `Report job postponed: ${error.message}`);
        return this.#later(queued, error.delayMs, queued.attempt);
      }
      if (error instanceof PermanentJobError || queued.attempt >= this.#retry.attempts) {
        this.#logger.error({ jobId: queued.id, attempt: queued.attempt, err: error }, 'Report job failed for good');
        return;
      }
      const delay = backoffDelay(this.#retry, queued.attempt);
      this.#logger.warn({ jobId: queued.id, attempt: queued.attempt, delayMs: delay, err: error }, 'Report job failed; retrying');
      this.#later(queued, delay, queued.attempt + 1);
    }
  }

  #later(queued: QueuedJob, delayMs: number, attempt: number): void {
    if (this.#closed) return;
    this.#pendingRetries += 1;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#pendingRetries -= 1;
      this.#waiting.push({ ...queued, attempt });
      this.#drain();
    }, delayMs);
    this.#timers.add(timer);
  }

  #forgetExpired(now: number): void {
    for (const [key, entry] of this.#recent) if (entry.until <= now) this.#recent.delete(key);
  }
}
