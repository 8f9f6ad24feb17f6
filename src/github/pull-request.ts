/**
 * Writing a fix as a pull request: one commit on a fixed branch per failure
 * (`kubecure/<namespace>/<workload>-<category>`) through the Git Data API, then the pull request,
 * its labels and reviewers. Safe to run twice: an existing branch is moved to the new commit and
 * an existing pull request for it is updated instead of duplicated.
 */
import type { FailureReport } from '../report/schema.js';
import type { FileChange } from '../remedy/types.js';
import type { BranchHead } from './repo-view.js';
import { statusOf, type GitHub, type RepoRef } from './octokit.js';

const REGULAR_FILE = '100644';

/** A branch name git accepts, from names Kubernetes already keeps short and lowercase. */
export function branchFor(report: Pick<FailureReport, 'workload' | 'failure'>): string {
  const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').replace(/\.{2,}/g, '.');
  return `kubecure/${slug(report.workload.namespace)}/${slug(report.workload.name)}-${slug(report.failure.category)}`;
}

export interface BranchCommit {
  repository: RepoRef;
  /** The commit and tree the change was computed against. */
  base: BranchHead;
  branch: string;
  changes: FileChange[];
  message: string;
}

/** Creates one commit holding every changed file on top of `base` and points `branch` at it. */
export async function commitToBranch(octokit: GitHub, input: BranchCommit): Promise<{ commitSha: string }> {
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
    // The branch is KubeCure's and outlived its thread (closed, or a retry after a partial write).
    await octokit.rest.git.updateRef({ ...repository, ref: `heads/${branch}`, sha: commit.data.sha, force: true });
  }
  return { commitSha: commit.data.sha };
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
}

export interface PullRequestResult {
  number: number;
  url: string;
  created: boolean;
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
  });
  const pull = await openOrUpdatePullRequest(octokit, { ...input, baseBranch: input.base.branch });
  return { ...pull, commitSha };
}
