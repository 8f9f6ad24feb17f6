/**
 * Finding KubeCure's own threads. Dedup is decided from GitHub's current state, not from memory:
 * the listing of the `kubecure`-labelled issues and pull requests (newest first) tells which
 * thread is open for a fingerprint, which pull request was closed unmerged, and how many were
 * opened recently (for limits and cooldowns).
 *
 * One page of the newest threads serves a repository with few of them. When that page is full,
 * older threads exist, and every OPEN thread is then read too, page by page however many there
 * are: an open thread must be found to avoid a duplicate, whatever its age.
 */
import { isOwnBot } from './app-identity.js';
import { decodeMarker, findFingerprint, findJoinedFingerprints, type MarkerPayload } from './marker.js';
import { LABEL } from './messages.js';
import type { GitHub, RepoRef } from './octokit.js';

export interface Thread {
  number: number;
  kind: 'pull_request' | 'issue';
  state: 'open' | 'closed';
  merged: boolean;
  title: string;
  body: string;
  url: string;
  createdAt: string;
  fingerprint: string | null;
  /** Null when the body carries no readable marker (an edited body, an older version). */
  marker: MarkerPayload | null;
  /** Failures of other clusters that need the same change and joined this thread. */
  joined: string[];
}

/** How many recent threads one listing reads; older ones matter neither for limits nor for dedup in practice. */
const PAGE_SIZE = 100;

type IssueItem = Awaited<ReturnType<GitHub['rest']['issues']['listForRepo']>>['data'][number];

export async function listThreads(octokit: GitHub, repository: RepoRef): Promise<Thread[]> {
  const query = { ...repository, labels: LABEL, sort: 'created', direction: 'desc', per_page: PAGE_SIZE } as const;
  const { data: recent } = await octokit.rest.issues.listForRepo({ ...query, state: 'all' });
  if (recent.length < PAGE_SIZE) return recent.map(toThread);
  const open = await octokit.paginate(octokit.rest.issues.listForRepo, { ...query, state: 'open' });
  const seen = new Set(recent.map((item) => item.number));
  const older = open.filter((item) => !seen.has(item.number));
  // Newest first, as one listing would have been: limits and cooldowns read the front.
  return [...recent, ...older].map(toThread);
}

function toThread(item: IssueItem): Thread {
  return {
    number: item.number,
    kind: item.pull_request ? 'pull_request' : 'issue',
    state: item.state === 'open' ? 'open' : 'closed',
    merged: Boolean(item.pull_request?.merged_at),
    title: item.title,
    body: item.body ?? '',
    url: item.html_url,
    createdAt: item.created_at,
    fingerprint: findFingerprint(item.body),
    marker: decodeMarker(item.body),
    joined: findJoinedFingerprints(item.body),
  };
}

/** The open thread of this failure: its own, or the one it joined because it needs the same change. */
export function openThreadFor(threads: Thread[], fingerprint: string): Thread | null {
  return threads.find((thread) => thread.state === 'open' && (thread.fingerprint === fingerprint || thread.joined.includes(fingerprint))) ?? null;
}

/** The open pull request making this change, if another failure already asked for it. */
export function openPullRequestForChange(threads: Thread[], changeId: string): Thread | null {
  return threads.find((thread) => thread.state === 'open' && thread.kind === 'pull_request' && thread.marker?.changeId === changeId) ?? null;
}

/** The newest pull request for this fingerprint that was closed without merging. */
export function closedUnmergedPullRequestFor(threads: Thread[], fingerprint: string): Thread | null {
  return (
    threads.find((thread) => thread.kind === 'pull_request' && thread.fingerprint === fingerprint && thread.state === 'closed' && !thread.merged) ?? null
  );
}

/** The slice of a pull request payload that tells whether KubeCure opened it. */
interface PullRequestLike {
  user?: { login?: string; type?: string } | null;
  head: { ref: string; repo?: { full_name?: string } | null };
  base: { repo: { full_name?: string } };
  body?: string | null;
}

/**
 * A pull request KubeCure opened: written by a bot, from a `kubecure/` branch of the repository
 * itself (never a fork's), carrying a fingerprint.
 */
export function isKubeCurePullRequest(pull: PullRequestLike): boolean {
  return (
    isOwnBot(pull.user) &&
    pull.head.ref.startsWith('kubecure/') &&
    pull.head.repo?.full_name === pull.base.repo.full_name &&
    findFingerprint(pull.body) !== null
  );
}
