/**
 * Noise limits, decided from the repository's KubeCure threads: open pull requests, pull
 * requests per hour, and a cooldown per workload.
 */
import type { RepoConfig } from '../config/schema.js';
import type { FailureReport } from '../report/schema.js';
import type { Thread } from '../github/threads.js';
import { messages } from '../github/messages.js';

const HOUR_MS = 3_600_000;

function sameWorkload(thread: Thread, report: FailureReport): boolean {
  const other = thread.marker?.subject;
  return (
    other !== undefined &&
    other.cluster === report.cluster &&
    other.namespace === report.workload.namespace &&
    other.workload.kind === report.workload.kind &&
    other.workload.name === report.workload.name
  );
}

/** A thread for the same workload opened within the cooldown, if any. */
export function cooldownHolder(threads: Thread[], report: FailureReport, config: RepoConfig, now: Date): Thread | null {
  const since = now.getTime() - config.cooldownMinutes * 60_000;
  return threads.find((thread) => sameWorkload(thread, report) && Date.parse(thread.createdAt) > since) ?? null;
}

export type PullRequestAllowance = { allowed: true } | { allowed: false; reason: string; retryInMs?: number };

/**
 * Whether another pull request may be opened now. Over the hourly limit the job waits for the
 * window to move; over the open limit the fix is filed as an issue instead.
 */
export function pullRequestAllowance(threads: Thread[], config: RepoConfig, now: Date): PullRequestAllowance {
  const pulls = threads.filter((thread) => thread.kind === 'pull_request');
  const open = pulls.filter((thread) => thread.state === 'open').length;
  if (open >= config.maxOpenPullRequests) return { allowed: false, reason: messages.limitOpenPullRequests(open, config.maxOpenPullRequests) };
  const hourAgo = now.getTime() - HOUR_MS;
  const recent = pulls.map((thread) => Date.parse(thread.createdAt)).filter((created) => created > hourAgo).sort((a, b) => a - b);
  if (recent.length >= config.maxPullRequestsPerHour) {
    const oldest = recent[recent.length - config.maxPullRequestsPerHour] ?? now.getTime();
    return { allowed: false, reason: messages.limitPerHour(config.maxPullRequestsPerHour), retryInMs: Math.max(1000, oldest + HOUR_MS - now.getTime()) };
  }
  return { allowed: true };
}
