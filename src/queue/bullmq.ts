/**
 * The durable queue: BullMQ on Redis. Several App replicas share it; a job whose worker dies is
 * picked up by another once its lock expires (stalled-job recovery), failed jobs retry with
 * exponential backoff, and reports of one failure within the dedup window share one job.
 */
import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../logger.js';
import {
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

export interface BullMqQueueOptions {
  redisUrl: string;
  /** Key prefix in Redis; lets several installations (and test files) share one server. */
  prefix?: string;
  queueName?: string;
  retry?: RetryPolicy;
  dedupWindowMs?: number;
  concurrency?: number;
  /** How long a worker holds a job before others may consider it stalled. */
  lockDuration?: number;
  /** How often workers look for stalled jobs. */
  stalledInterval?: number;
  logger?: Logger;
}

export class BullMqJobQueue implements JobQueue {
  readonly durable = true;
  readonly #options: BullMqQueueOptions;
  readonly #retry: RetryPolicy;
  readonly #logger: Logger;
  readonly #connection: Redis;
  readonly #queue: Queue<ReportJob>;
  #worker: Worker<ReportJob> | null = null;

  constructor(options: BullMqQueueOptions) {
    this.#options = options;
    this.#retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.#logger = options.logger ?? silentLogger;
    // BullMQ workers block on Redis; they need a connection that never gives up on a command.
    this.#connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.#queue = new Queue<ReportJob>(this.#name, { connection: this.#connection, prefix: this.#prefix });
  }

  get #name(): string {
    return this.#options.queueName ?? 'kubecure-reports';
  }

  get #prefix(): string {
    return this.#options.prefix ?? 'kubecure';
  }

  async enqueue(job: ReportJob, options: { dedupKey: string }): Promise<EnqueueResult> {
    const id = randomUUID();
    const added = await this.#queue.add(job.type, job, {
      jobId: id,
      attempts: this.#retry.attempts,
      backoff: { type: 'exponential', delay: this.#retry.backoffMs },
      deduplication: { id: options.dedupKey, ttl: this.#options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS },
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    // A deduplicated add answers with the job that already holds the key.
    const actualId = added.id ?? id;
    return { id: actualId, coalesced: actualId !== id };
  }

  async start(handler: JobHandler): Promise<void> {
    this.#worker = new Worker<ReportJob>(this.#name, (job, token) => this.#process(job, token, handler), {
      connection: this.#connection.duplicate(),
      prefix: this.#prefix,
      concurrency: this.#options.concurrency ?? 2,
      lockDuration: this.#options.lockDuration ?? 60_000,
      stalledInterval: this.#options.stalledInterval ?? 30_000,
      maxStalledCount: 2,
    });
    this.#worker.on('failed', (job, error) => {
      this.#logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: error }, 'Report job failed');
    });
    this.#worker.on('error', (error) => this.#logger.error({ err: error }, 'Queue worker error'));
    await this.#worker.waitUntilReady();
    this.#logger.info({ queue: this.#name, prefix: this.#prefix }, 'Processing report jobs from Redis');
  }

  async #process(job: Job<ReportJob>, token: string | undefined, handler: JobHandler): Promise<void> {
    try {
      await handler(job.data, { id: job.id ?? '', attempt: job.attemptsMade + 1 });
    } catch (error) {
      if (error instanceof RetryLaterError && token) {
        this.#logger.info({ jobId: job.id, delayMs: error.delayMs }, `Report job postponed: ${error.message}`);
        // Waiting out a rate limit is not a failed attempt: move the job, keep its attempts.
        await job.moveToDelayed(Date.now() + error.delayMs, token);
        throw new DelayedError(error.message);
      }
      if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
      throw error;
    }
  }

  async ready(): Promise<boolean> {
    try {
      return (await this.#connection.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Counts by state, for tests and metrics. */
  async counts(): Promise<Record<string, number>> {
    return this.#queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    await this.#queue.close();
    this.#connection.disconnect();
  }
}
