/**
 * The failure report behind each thread, kept by the App rather than in the thread: a body is
 * readable by everyone who can see the repository, so its hidden marker carries identifiers only
 * (marker.ts), while `/kubecure retry` and `/kubecure explain` need the whole (redacted) report to
 * diagnose again. Keyed by repository and fingerprint, so a thread only ever gets a report that
 * was routed to its own repository. In Redis when `REDIS_URL` is set, shared by every replica and
 * the review loop; in memory otherwise (single replica, forgotten on restart, like the queue).
 */
import type { Redis } from 'ioredis';
import { parseFailureReport, type FailureReport } from '../report/schema.js';
import type { RepoRef } from './octokit.js';

export interface ThreadReportStore {
  /** Keeps the latest report of a failure routed to this repository (already redacted at intake). */
  save(repository: RepoRef, fingerprint: string, report: FailureReport): Promise<void>;
  load(repository: RepoRef, fingerprint: string): Promise<FailureReport | null>;
}

/** Threads older than this answer `retry` with "the report is no longer stored". */
export const THREAD_REPORT_TTL_SECONDS = 90 * 24 * 3600;
/** What diagnosis quotes anyway; keeps each stored report small. */
const MAX_LOG_CHARS = 8_000;
const MAX_EVENTS = 20;

function tail(text: string | undefined): string | undefined {
  return text === undefined || text.length <= MAX_LOG_CHARS ? text : text.slice(text.length - MAX_LOG_CHARS);
}

function trimmed(report: FailureReport): FailureReport {
  return {
    ...report,
    logs: { ...report.logs, previous: tail(report.logs.previous), current: tail(report.logs.current) },
    events: report.events.slice(-MAX_EVENTS),
  };
}

function keyOf(repository: RepoRef, fingerprint: string): string {
  return `${repository.owner.toLowerCase()}/${repository.repo.toLowerCase()}:${fingerprint}`;
}

export class MemoryThreadReportStore implements ThreadReportStore {
  readonly #reports = new Map<string, FailureReport>();

  constructor(private readonly maxEntries = 2_000) {}

  async save(repository: RepoRef, fingerprint: string, report: FailureReport): Promise<void> {
    const key = keyOf(repository, fingerprint);
    this.#reports.delete(key);
    this.#reports.set(key, trimmed(report));
    if (this.#reports.size > this.maxEntries) this.#reports.delete(this.#reports.keys().next().value!);
  }

  async load(repository: RepoRef, fingerprint: string): Promise<FailureReport | null> {
    return this.#reports.get(keyOf(repository, fingerprint)) ?? null;
  }
}

export class RedisThreadReportStore implements ThreadReportStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'kubecure:report:',
  ) {}

  async save(repository: RepoRef, fingerprint: string, report: FailureReport): Promise<void> {
    await this.redis.set(`${this.prefix}${keyOf(repository, fingerprint)}`, JSON.stringify(trimmed(report)), 'EX', THREAD_REPORT_TTL_SECONDS);
  }

  /** A stored value that no longer parses (an older schema) counts as absent. */
  async load(repository: RepoRef, fingerprint: string): Promise<FailureReport | null> {
    const stored = await this.redis.get(`${this.prefix}${keyOf(repository, fingerprint)}`);
    if (stored === null) return null;
    try {
      const parsed = parseFailureReport(JSON.parse(stored));
      return parsed.ok ? parsed.value : null;
    } catch {
      return null;
    }
  }
}

export function threadReportStore(redis: Redis | null, prefix: string): ThreadReportStore {
  return redis ? new RedisThreadReportStore(redis, `${prefix}:report:`) : new MemoryThreadReportStore();
}
