/**
 * One queue interface for report jobs. The queue knows how to keep, retry and de-duplicate jobs;
 * it knows nothing of what they do.
 */
import type { FailureReport, RecoveryReport } from '../report/schema.js';

export type ReportJob =
  | { type: 'failure'; report: FailureReport; deliveryId: string; receivedAt: string }
  | { type: 'recovery'; report: RecoveryReport; deliveryId: string; receivedAt: string };

export interface JobInfo {
  id: string;
  /** 1 on the first run, 2 on the first retry… */
  attempt: number;
}

export type JobHandler = (job: ReportJob, info: JobInfo) => Promise<void>;

export interface EnqueueResult {
  id: string;
  /** True when a job with the same dedup key was queued and not yet started, and this report joined it. */
  coalesced: boolean;
}

export interface JobQueue {
  /** Whether jobs survive a restart of the App (false for the in-process queue). */
  readonly durable: boolean;
  enqueue(job: ReportJob, options: { dedupKey: string }): Promise<EnqueueResult>;
  /** Starts processing; resolves once the worker is running. */
  start(handler: JobHandler): Promise<void>;
  /** Whether the queue can accept jobs (Redis reachable). */
  ready(): Promise<boolean>;
  /** Why this replica cannot take and make progress on work (`redis-unreachable`, `worker-not-running`), or null. */
  problem?(): Promise<string | null>;
  close(): Promise<void>;
}

/**
 * Thrown by a handler that must try again later without it counting as a failure: GitHub's
 * secondary rate limit (Retry-After), or KubeCure's own pull-requests-per-hour limit.
 */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/** Thrown by a handler when retrying can never help (the job is dropped, with its reason logged). */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export interface RetryPolicy {
  /** Total runs including the first. */
  attempts: number;
  /** Delay before the first retry; doubles at each further retry. */
  backoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 8, backoffMs: 5_000 };

/**
 * Reports of one failure join the job queued for it while that job has not started, for at most
 * this long. A started or finished job never takes a report (see coalesce.ts): the report would
 * be lost, so it becomes a job of its own.
 */
export const DEFAULT_DEDUP_WINDOW_MS = 60_000;

export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return policy.backoffMs * 2 ** Math.max(0, attempt - 1);
}
