/**
 * The durable queue: BullMQ on Redis. Several App replicas share it; a job whose worker dies is
 * picked up by another once its lock expires (stalled-job recovery), failed jobs retry with
 * exponential backoff, and reports of one failure share one job while it waits to start.
 *
 * Redis faults: an add that Redis cannot take within `enqueueTimeoutMs` fails (the intake answers
 * 503, so the agent keeps the report and retries) instead of waiting in ioredis's offline queue;
 * a job that runs past `jobTimeoutMs` fails and is retried, so a worker stuck on a request that
 * never returns does not hold its job (renewing the lock) forever; readiness means Redis answers
 * and, once started, the worker is running.
 */
import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../logger.js';
import { joinReports, withoutBookkeeping, type CoalescedJob } from './coalesce.js';
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
  /** How long an add may wait for Redis before the report is refused (default 5 s). */
  enqueueTimeoutMs?: number;
  /** How long one run of a job may take before it fails and is retried (default 10 min). */
  jobTimeoutMs?: number;
  logger?: Logger;
}

const DEFAULT_ENQUEUE_TIMEOUT_MS = 5_000;
const DEFAULT_JOB_TIMEOUT_MS = 10 * 60_000;

/** The promise's result, or a rejection once `ms` have passed (the work itself is not cancelled). */
async function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A job's data in Redis: the report job, and the dedup key later reports of its failure join it by. */
type StoredJob = CoalescedJob & { dedupKey?: string };

/**
 * Joins a report to the job holding its dedup key, atomically with respect to the job starting
 * (which deletes the key): either the report is in the job's joined list before the job reads it,
 * or the key is gone and the caller queues a job of its own.
 * KEYS[1] dedup key; ARGV[1] joined-list key prefix, ARGV[2] the report job (JSON), ARGV[3] list TTL (s).
 */
const JOIN_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if not holder then return false end
redis.call('RPUSH', ARGV[1] .. holder, ARGV[2])
redis.call('EXPIRE', ARGV[1] .. holder, tonumber(ARGV[3]))
return holder`;

/**
 * A job starting: its dedup key stops taking reports (if it is still this job's), and the
 * reports that joined it are read. KEYS[1] dedup key, KEYS[2] joined list; ARGV[1] job id.
 */
const START_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return redis.call('LRANGE', KEYS[2], 0, -1)`;

/** Joined reports wait for their job at most this long (a job retries for well under a week). */
const JOINED_TTL_SECONDS = 7 * 24 * 3600;

export class BullMqJobQueue implements JobQueue {
  readonly durable = true;
  readonly #options: BullMqQueueOptions;
  readonly #retry: RetryPolicy;
  readonly #logger: Logger;
  readonly #connection: Redis;
  readonly #producer: Redis;
  #connected: Promise<void> | null = null;
  /** Made on first use, once the producer is connected: BullMQ's own start-up commands must not meet a closed offline queue. */
  #queue: Queue<StoredJob> | null = null;
  #worker: Worker<StoredJob> | null = null;
  #startRequested = false;

  constructor(options: BullMqQueueOptions) {
    this.#options = options;
    this.#retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.#logger = options.logger ?? silentLogger;
    // BullMQ workers block on Redis; they need a connection that never gives up on a command.
    this.#connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.#reportOutages(this.#connection);
    // The producer fails fast while Redis is down (no offline queue): a report the intake refused
    // with 503 must not be queued later behind the agent's back, when the agent sends it again.
    this.#producer = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.#producer.on('error', () => undefined); // reported once by the main connection
  }

  /** One warning when Redis goes away and one line when it is back, not one per reconnect attempt. */
  #reportOutages(connection: Redis): void {
    let down = false;
    connection.on('error', (error: Error) => {
      if (!down) this.#logger.warn({ err: error }, 'Redis unreachable: reports are refused with 503 until it answers again');
      down = true;
    });
    connection.on('ready', () => {
      if (down) this.#logger.info('Redis answers again: the queue resumes');
      down = false;
    });
  }

  get #name(): string {
    return this.#options.queueName ?? 'kubecure-reports';
  }

  get #prefix(): string {
    return this.#options.prefix ?? 'kubecure';
  }

  /** Where KubeCure's own coalescing keys live, beside BullMQ's keys for the queue. */
  #key(part: string): string {
    return `${this.#prefix}:${this.#name}:coalesce:${part}`;
  }

  async enqueue(job: ReportJob, options: { dedupKey: string }): Promise<EnqueueResult> {
    // Answered only once Redis holds the job: the intake's 202 means "durably queued". A report
    // refused at the deadline (503) must not be queued later behind the agent's back: the agent
    // sends it again, so the abandoned attempt stops before writing anything.
    const timeoutMs = this.#options.enqueueTimeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS;
    const attempt = { abandoned: false };
    try {
      return await withDeadline(this.#enqueue(job, options.dedupKey, attempt), timeoutMs, 'Redis did not take the job in time');
    } catch (error) {
      attempt.abandoned = true;
      throw error;
    }
  }

  #producerQueue(): Queue<StoredJob> {
    this.#queue ??= new Queue<StoredJob>(this.#name, { connection: this.#producer, prefix: this.#prefix });
    return this.#queue;
  }

  /**
   * The producer queues no command while disconnected, so the first ones wait for its connection.
   * Callers bound the wait; every waiter shares one listener, however long Redis stays away.
   */
  #producerReady(): Promise<void> {
    if (this.#producer.status === 'ready') return Promise.resolve();
    this.#connected ??= new Promise<void>((resolve) =>
      this.#producer.once('ready', () => {
        this.#connected = null;
        resolve();
      }),
    );
    return this.#connected;
  }

  async #enqueue(job: ReportJob, key: string, attempt: { abandoned: boolean }): Promise<EnqueueResult> {
    await this.#producerReady();
    if (attempt.abandoned) throw new Error('the report was refused while Redis was unreachable');
    const dedupKey = this.#key(`key:${key}`);
    // A holder that starts between our two steps frees the key for us: take it on the next round.
    for (let round = 0; round < 3; round += 1) {
      const id = randomUUID();
      const window = this.#options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS;
      if ((await this.#producer.set(dedupKey, id, 'PX', window, 'NX')) === 'OK') {
        try {
          await this.#producerQueue().add(job.type, { ...job, dedupKey }, {
            jobId: id,
            attempts: this.#retry.attempts,
            backoff: { type: 'exponential', delay: this.#retry.backoffMs },
            removeOnComplete: { age: 24 * 3600, count: 1000 },
            removeOnFail: { age: 7 * 24 * 3600 },
          });
        } catch (error) {
          // No job holds the key: later reports must not join a job that does not exist.
          await this.#producer.del(dedupKey).catch(() => undefined);
          throw error;
        }
        return { id, coalesced: false };
      }
      const holder = (await this.#producer.eval(JOIN_SCRIPT, 1, dedupKey, this.#key('joined:'), JSON.stringify(job), JOINED_TTL_SECONDS)) as string | null;
      if (holder) return { id: holder, coalesced: true };
    }
    throw new Error(`could not queue the report: the dedup key ${key} kept changing hands`);
  }

  /**
   * The job's data with every report that joined it before it started. Recorded in the job before
   * the joined list is deleted, and idempotent, so a crash in between loses and doubles nothing.
   */
  async #claimJoined(job: Job<StoredJob>): Promise<CoalescedJob> {
    const { dedupKey, ...stored } = job.data;
    if (!dedupKey || !job.id) return stored;
    const joinedKey = this.#key(`joined:${job.id}`);
    const joined = (await this.#connection.eval(START_SCRIPT, 2, dedupKey, joinedKey, job.id)) as string[];
    if (joined.length === 0) return stored;
    const merged = joined.reduce<CoalescedJob>((into, text) => joinReports(into, JSON.parse(text) as ReportJob), stored);
    await job.updateData({ ...merged, dedupKey });
    await this.#connection.del(joinedKey);
    return merged;
  }

  async start(handler: JobHandler): Promise<void> {
    this.#startRequested = true;
    const workerConnection = this.#connection.duplicate();
    workerConnection.on('error', () => undefined); // reported once by the main connection
    this.#worker = new Worker<StoredJob>(this.#name, (job, token) => this.#process(job, token, handler), {
      connection: workerConnection,
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

  async #process(job: Job<StoredJob>, token: string | undefined, handler: JobHandler): Promise<void> {
    try {
      const timeoutMs = this.#options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
      const data = await this.#claimJoined(job);
      await withDeadline(handler(withoutBookkeeping(data), { id: job.id ?? '', attempt: job.attemptsMade + 1 }), timeoutMs, `job ran longer than ${timeoutMs} ms`);
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
    return (await this.problem()) === null;
  }

  /** Why this replica cannot take and make progress on work, or null when it can. */
  async problem(): Promise<string | null> {
    try {
      const pong = await withDeadline(this.#connection.ping(), 1_000, 'no answer');
      if (pong !== 'PONG') return 'redis-unreachable';
    } catch {
      return 'redis-unreachable';
    }
    if (this.#startRequested && !this.#worker?.isRunning()) return 'worker-not-running';
    return null;
  }

  /** Counts by state, for tests and metrics. */
  async counts(): Promise<Record<string, number>> {
    // A scrape during an outage answers at once (the gauge is left out), like readiness's ping.
    await withDeadline(this.#producerReady(), 1_000, 'Redis is not connected');
    return this.#producerQueue().getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    await this.#queue?.close();
    this.#producer.disconnect();
    this.#connection.disconnect();
  }
}
