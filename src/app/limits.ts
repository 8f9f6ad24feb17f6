/**
 * Noise limits, decided from the repository's KubeCure threads: open pull requests, pull
 * requests and issues per hour, and a cooldown per workload.
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

export type IssueAllowance = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether another issue may be opened now. Counted from the repository's own threads, so every
 * replica agrees; over the limit the report is dropped with its reason rather than queued, since
 * a flood of reports (for workloads the repository does not declare, say) would otherwise
 * reappear as a flood of issues an hour later.
 */
export function issueAllowance(threads: Thread[], config: RepoConfig, now: Date): IssueAllowance {
  const hourAgo = now.getTime() - HOUR_MS;
  const recent = threads.filter((thread) => thread.kind === 'issue' && thread.fingerprint !== null && Date.parse(thread.createdAt) > hourAgo).length;
  if (recent >= config.maxIssuesPerHour) return { allowed: false, reason: `${recent} KubeCure issues were opened in the last hour (maxIssuesPerHour: ${config.maxIssuesPerHour})` };
  return { allowed: true };
}
