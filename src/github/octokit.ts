/** The authenticated client every GitHub module takes: Probot's Octokit (REST methods, config plugin). */
import type { ProbotOctokit } from 'probot';

export type GitHub = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** The HTTP status of an Octokit error, if it is one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** How long one GitHub request may take before the job gives up on it and the queue retries. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Bounds every request of this client. Octokit sets no timeout of its own, so a connection that
 * hangs would hold its job, and the installation's write lock, until the runtime's socket timeout.
 */
export function withRequestTimeout(octokit: GitHub, timeoutMs: number = DEFAULT_REQUEST_TIMEOUT_MS): GitHub {
  // A `before` hook sees every attempt (retries included), so each one gets a fresh deadline.
  octokit.hook.before('request', (options) => {
    options.request = { ...options.request, signal: AbortSignal.timeout(timeoutMs) };
  });
  return octokit;
}
