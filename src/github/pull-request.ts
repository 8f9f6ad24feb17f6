/**
 * Writing a fix as a pull request: one commit on a branch per change
 * (`kubecure/<namespace>/<workload>-<category>-<change>`, the last part a short hash of the change
 * identity) through the Git Data API, then the pull request, its labels and reviewers.
 *
 * Safe to run twice and safe against another failure needing the same change: a branch already
 * holding the same tree is kept as it is (a resumed job rewrites nothing), a branch of this
 * failure is moved to the new commit, and a branch or pull request of another failure is never
 * overwritten: the caller joins that thread instead.
 */
import type { FailureReport } from '../report/schema.js';
import type { FileChange } from '../remedy/types.js';
import type { BranchHead } from './repo-view.js';
import { statusOf, type GitHub, type RepoRef } from './octokit.js';
import { findFingerprint } from './marker.js';
import { changeIdentityOf } from './change-identity.js';

const REGULAR_FILE = '100644';

/** A branch name git accepts, from names Kubernetes already keeps short and lowercase, and the change's identity. */
export function branchFor(report: Pick<FailureReport, 'workload' | 'failure'>, changes: readonly FileChange[]): string {
  const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').replace(/\.{2,}/g, '.');
  return `kubecure/${slug(report.workload.namespace)}/${slug(report.workload.name)}-${slug(report.failure.category)}-${changeIdentityOf(changes).slice(0, 8)}`;
}

export interface BranchCommit {
  repository: RepoRef;
  /** The commit and tree the change was computed against. */
  base: BranchHead;
  branch: string;
  changes: FileChange[];
  message: string;
  /** The failure the commit is for: a branch whose head names another fingerprint is never moved. */
  fingerprint: string;
}

export interface BranchResult {
  commitSha: string;
  /** The branch already held another failure's commit for the same change, and was left as it was. */
  heldByAnother: boolean;
}

/** Creates one commit holding every changed file on top of `base` and points `branch` at it. */
export async function commitToBranch(octokit: GitHub, input: BranchCommit): Promise<BranchResult> {
  const { repository, base, branch, changes, message } = input;
  const tree = await octokit.rest.git.createTree({
    ...repository,
    base_tree: base.treeSha,
    // Inline content lets GitHub create the blobs with the tree: one request instead of one per file.
    tree: changes.map((change) => ({ path: change.file, mode: REGULAR_FILE, type: 'blob', content: change.after })),
  });
  const commit = await octokit.rest.git.createCommit({ ...repository, message, tree: tree.data.sha, parents: [base.commitSha] });
  try {
    await octokit.rest.git.createRef({ ...repository, ref: `refs/heads/${branch}`, sha: commit.data.sha });
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    const { data: ref } = await octokit.rest.git.getRef({ ...repository, ref: `heads/${branch}` });
    const { data: head } = await octokit.rest.git.getCommit({ ...repository, commit_sha: ref.object.sha });
    // Already written (a retry after a partial write, or a replica that got there first): keep it.
    if (head.tree.sha === tree.data.sha) return { commitSha: head.sha, heldByAnother: false };
    // Another failure's commit for the same change: its thread is joined, its branch left alone.
    if (!head.message.includes(input.fingerprint)) return { commitSha: head.sha, heldByAnother: true };
    // This failure's branch outlived its thread (closed) or the base moved: move it to the new commit.
    await octokit.rest.git.updateRef({ ...repository, ref: `heads/${branch}`, sha: commit.data.sha, force: true });
  }
  return { commitSha: commit.data.sha, heldByAnother: false };
}

export interface PullRequestInput {
  repository: RepoRef;
  branch: string;
  baseBranch: string;
  title: string;
  body: string;
  draft: boolean;
  labels: string[];
  reviewers: string[];
  teamReviewers: string[];
  /** The failure this pull request is for; an open pull request of another failure is never rewritten. */
  fingerprint: string;
}

export interface PullRequestResult {
  number: number;
  url: string;
  created: boolean;
  /** The branch's pull request belongs to another failure needing the same change: join its thread. */
  sharedWith?: string;
  /** True when GitHub refused the configured reviewers (not collaborators, or the author). */
  reviewersRejected?: boolean;
}

export async function openOrUpdatePullRequest(octokit: GitHub, input: PullRequestInput): Promise<PullRequestResult> {
  const { repository } = input;
  let result: PullRequestResult;
  try {
    const { data } = await octokit.rest.pulls.create({
      ...repository,
      head: input.branch,
      base: input.baseBranch,
      title: input.title,
      body: input.body,
      draft: input.draft,
      maintainer_can_modify: true,
    });
    result = { number: data.number, url: data.html_url, created: true };
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    const existing = await octokit.rest.pulls.list({ ...repository, head: `${repository.owner}:${input.branch}`, state: 'open' });
    const pull = existing.data[0];
    if (!pull) throw error;
    const owner = findFingerprint(pull.body);
    if (owner !== null && owner !== input.fingerprint) return { number: pull.number, url: pull.html_url, created: false, sharedWith: owner };
    await octokit.rest.pulls.update({ ...repository, pull_number: pull.number, title: input.title, body: input.body });
    result = { number: pull.number, url: pull.html_url, created: false };
  }
  await octokit.rest.issues.addLabels({ ...repository, issue_number: result.number, labels: input.labels });
  if (result.created && (input.reviewers.length > 0 || input.teamReviewers.length > 0)) {
    try {
      await octokit.rest.pulls.requestReviewers({
        ...repository,
        pull_number: result.number,
        reviewers: input.reviewers,
        team_reviewers: input.teamReviewers,
      });
    } catch (error) {
      // A reviewer who is not a collaborator (or is the author) must not cost the pull request.
      if (statusOf(error) !== 422) throw error;
      result.reviewersRejected = true;
    }
  }
  return result;
}

export interface FixPullRequest extends Omit<PullRequestInput, 'baseBranch'> {
  base: BranchHead;
  changes: FileChange[];
  commitMessage: string;
}

/** The outcome written to its branch and pull request: the seam `/kubecure retry` reuses. */
export async function writeFixPullRequest(octokit: GitHub, input: FixPullRequest): Promise<PullRequestResult & { commitSha: string }> {
  const { commitSha } = await commitToBranch(octokit, {
    repository: input.repository,
    base: input.base,
    branch: input.branch,
    changes: input.changes,
    message: input.commitMessage,
    fingerprint: input.fingerprint,
  });
  const pull = await openOrUpdatePullRequest(octokit, { ...input, baseBranch: input.base.branch });
  return { ...pull, commitSha };
}
