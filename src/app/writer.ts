/**
 * Every change KubeCure makes to a repository goes through a `ThreadWriter`. Dry-run is decided
 * here, in one place: the dry-run writer logs what it would do and touches nothing.
 */
import type { Logger } from '../logger.js';
import type { AppMetrics } from '../server/metrics.js';
import type { GitHub, RepoRef } from '../github/octokit.js';
import type { Thread } from '../github/threads.js';
import { writeFixPullRequest, type FixPullRequest } from '../github/pull-request.js';
import { openIssue, updateIssue, type IssueInput } from '../github/issue.js';
import { upsertStickyComment } from '../github/sticky.js';
import { findJoinedFingerprints, joinedComment } from '../github/marker.js';

export interface WrittenThread {
  number: number;
  url: string;
  /** The change's pull request already existed for another failure (fingerprint): join it instead. */
  sharedWith?: string;
}

export interface ThreadWriter {
  readonly dryRun: boolean;
  updateSticky(thread: Thread, topic: string, render: (previous: string | null) => string): Promise<void>;
  openPullRequest(input: FixPullRequest): Promise<WrittenThread | null>;
  openIssue(input: IssueInput): Promise<WrittenThread | null>;
  /** Opens the issue, or quietly refreshes the body of the one already open. */
  ensureIssue(existing: Thread | null, input: IssueInput): Promise<WrittenThread | null>;
  /** Rewrites part of a thread's body in place (nothing is sent when the edit changes nothing). */
  editBody(thread: Thread, edit: (body: string) => string): Promise<void>;
  /**
   * Adds a failure needing the same change to the thread: its fingerprint after the marker (so
   * its recurrences find the thread) and its cluster's own sticky comment.
   */
  joinThread(thread: Pick<Thread, 'number' | 'kind'>, fingerprint: string, topic: string, render: (previous: string | null) => string): Promise<void>;
}

export function liveWriter(octokit: GitHub, repository: RepoRef, metrics: AppMetrics): ThreadWriter {
  return {
    dryRun: false,
    async updateSticky(thread, topic, render) {
      await upsertStickyComment(octokit, repository, thread.number, topic, render);
      metrics[thread.kind === 'pull_request' ? 'pullRequests' : 'issues'].inc({ action: 'commented' });
    },
    async openPullRequest(input) {
      const pull = await writeFixPullRequest(octokit, input);
      if (pull.sharedWith) return { number: pull.number, url: pull.url, sharedWith: pull.sharedWith };
      metrics.pullRequests.inc({ action: pull.created ? 'opened' : 'updated' });
      return { number: pull.number, url: pull.url };
    },
    async openIssue(input) {
      const issue = await openIssue(octokit, input);
      metrics.issues.inc({ action: 'opened' });
      return issue;
    },
    async ensureIssue(existing, input) {
      if (!existing) return this.openIssue(input);
      if (existing.body.trim() !== input.body.trim()) await updateIssue(octokit, repository, existing.number, { body: input.body });
      return { number: existing.number, url: existing.url };
    },
    async editBody(thread, edit) {
      const body = edit(thread.body);
      if (body === thread.body) return;
      // The issues endpoint edits a pull request's body too.
      await updateIssue(octokit, repository, thread.number, { body });
      metrics[thread.kind === 'pull_request' ? 'pullRequests' : 'issues'].inc({ action: 'updated' });
    },
    async joinThread(thread, fingerprint, topic, render) {
      // Read fresh: another replica may have joined its own cluster since the listing.
      const { data } = await octokit.rest.issues.get({ ...repository, issue_number: thread.number });
      const body = data.body ?? '';
      if (!findJoinedFingerprints(body).includes(fingerprint)) await updateIssue(octokit, repository, thread.number, { body: `${body}\n${joinedComment(fingerprint)}` });
      await upsertStickyComment(octokit, repository, thread.number, topic, render);
      metrics[thread.kind === 'pull_request' ? 'pullRequests' : 'issues'].inc({ action: 'joined' });
    },
  };
}

export function dryRunWriter(logger: Logger, repository: RepoRef): ThreadWriter {
  const where = `${repository.owner}/${repository.repo}`;
  return {
    dryRun: true,
    async updateSticky(thread, topic, render) {
      logger.info({ repository: where, thread: thread.number, topic, body: render(null) }, 'Dry run: would update the sticky comment');
    },
    async openPullRequest(input) {
      logger.info({ repository: where, branch: input.branch, title: input.title, files: input.changes.map((change) => change.file), body: input.body }, 'Dry run: would open a pull request');
      return null;
    },
    async openIssue(input) {
      logger.info({ repository: where, title: input.title, body: input.body }, 'Dry run: would open an issue');
      return null;
    },
    async ensureIssue(existing, input) {
      logger.info({ repository: where, existing: existing?.number ?? null, title: input.title }, 'Dry run: would open or refresh an issue');
      return null;
    },
    async editBody(thread, edit) {
      const body = edit(thread.body);
      if (body !== thread.body) logger.info({ repository: where, thread: thread.number, body }, 'Dry run: would edit the body');
    },
    async joinThread(thread, fingerprint, topic, render) {
      logger.info({ repository: where, thread: thread.number, fingerprint, topic, body: render(null) }, 'Dry run: would add this cluster to the thread of the same change');
    },
  };
}
