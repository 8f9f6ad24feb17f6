/**
 * Recognising GitHub's rate limits in an Octokit error. Probot does not retry secondary rate
 * limits, so the job is handed back to the queue with the delay GitHub asked for.
 */
import { statusOf } from './octokit.js';

const DEFAULT_WAIT_MS = 60_000;

/** Milliseconds to wait before retrying, or null when the error is not a rate limit. */
export function rateLimitDelay(error: unknown, now: number = Date.now()): number | null {
  const status = statusOf(error);
  if (status !== 403 && status !== 429) return null;
  const response = (error as { response?: { headers?: Record<string, string | undefined> } }).response;
  const headers = response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0 && headers['retry-after'] !== undefined) return retryAfter * 1000;
  if (headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    return Number.isFinite(reset) ? Math.max(1000, reset * 1000 - now) : DEFAULT_WAIT_MS;
  }
  const message = error instanceof Error ? error.message : '';
  if (status === 429 || /secondary rate limit|abuse/i.test(message)) return DEFAULT_WAIT_MS;
  return null;
}
