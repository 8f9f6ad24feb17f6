/**
 * `/kubecure retry [hint…]`: diagnose again with the reviewer's hint.
 *
 * On a pull request the new change becomes a new commit on the same branch, on top of its head
 * (never a force-push): when someone else has pushed to the branch, KubeCure replies with the new
 * change instead of writing over their work. On an issue a confident, valid result becomes a
 * pull request, and the two threads link to each other.
 */
import type { Remediation } from '../outcome.js';
import { renderThread } from '../github/render/index.js';
import { branchFor, writeFixPullRequest } from '../github/pull-request.js';
import { updateIssue } from '../github/issue.js';
import { LABEL, categoryLabel, messages, reviewMessages } from '../github/messages.js';
import { isConfident, rediagnose, type Rediagnosis } from './rediagnose.js';
import type { CommandResult, CommandRun } from './types.js';

const REGULAR_FILE = '100644';

export async function retry(run: CommandRun, hint: string | undefined): Promise<CommandResult> {
  const result = await rediagnose(run, { hint, model: run.deps.model, requireConfig: true });
  if ('refusal' in result) return { ok: false, reply: result.refusal };
  const answer = run.event.thread.kind === 'pull_request' ? await retryOnPullRequest(run, result, hint) : await retryOnIssue(run, result);
  // The reviewer asked for something KubeCure did not do: say so, and do not call it a success.
  const unapplied = result.remediation.hintNotApplied;
  return unapplied ? { ok: false, reply: `${answer.reply}\n\n${unapplied}` } : answer;
}

function manifestSha(diagnosis: Rediagnosis): string | undefined {
  const file = diagnosis.remediation.outcome.target?.file;
  return file ? (diagnosis.view.blobSha(file) ?? undefined) : undefined;
}

function notConfident(remediation: Remediation): CommandResult {
  const reasons = remediation.reasons.length > 0 ? remediation.reasons : [remediation.outcome.summary];
  return { ok: false, reply: reviewMessages.retryNotConfident(reasons) };
}

function diffs(remediation: Remediation): string {
  return remediation.outcome.changes.map((change) => ['```diff', change.diff.trimEnd(), '```'].join('\n')).join('\n\n');
}

async function retryOnPullRequest(run: CommandRun, diagnosis: Rediagnosis, hint: string | undefined): Promise<CommandResult> {
  const { octokit, event } = run;
  const { remediation, config, marker } = diagnosis;
  if (!isConfident(remediation)) return notConfident(remediation);

  const { headRef: branch } = await run.pull();
  const repository = event.repository;
  // Commits the App wrote carry its bot account as author; anything else is someone's work.
  const { data: commits } = await octokit.rest.pulls.listCommits({ ...repository, pull_number: event.thread.number, per_page: 100 });
  const foreign = [...new Set(commits.map((commit) => commit.author?.login ?? commit.commit.author?.name ?? 'unknown').filter((login) => login !== event.thread.author.login))];
  if (foreign.length > 0) return { ok: false, reply: `${reviewMessages.retryForeignCommits(foreign)}\n\n${diffs(remediation)}` };

  const rendered = renderThread(remediation, { kind: 'pull_request', manifestSha: manifestSha(diagnosis), createdAt: marker.createdAt, dryRun: config.dryRun });
  if (config.dryRun) return { ok: true, reply: reviewMessages.retryDryRun(`push "${rendered.title}" to ${branch}`) };

  const { data: head } = await octokit.rest.repos.getBranch({ ...repository, branch });
  const headTree = head.commit.commit.tree.sha;
  const tree = await octokit.rest.git.createTree({
    ...repository,
    base_tree: headTree,
    tree: remediation.outcome.changes.map((change) => ({ path: change.file, mode: REGULAR_FILE, type: 'blob', content: change.after })),
  });
  if (tree.data.sha === headTree) return { ok: true, reply: reviewMessages.retryUnchanged(remediation.outcome.confidence, remediation.outcome.diagnosedBy) };
  const commit = await octokit.rest.git.createCommit({
    ...repository,
    message: messages.commitMessage(rendered.title, remediation.fingerprint),
    tree: tree.data.sha,
    parents: [head.commit.sha],
  });
  // Not forced: if the branch moved meanwhile, GitHub refuses and nobody's commit is lost.
  await octokit.rest.git.updateRef({ ...repository, ref: `heads/${branch}`, sha: commit.data.sha, force: false });
  await octokit.rest.pulls.update({ ...repository, pull_number: event.thread.number, title: rendered.title, body: rendered.body });
  return {
    ok: true,
    reply: reviewMessages.retryUpdated(rendered.title, commit.data.sha, remediation.outcome.confidence, remediation.outcome.diagnosedBy, hint),
  };
}

async function retryOnIssue(run: CommandRun, diagnosis: Rediagnosis): Promise<CommandResult> {
  const { octokit, event } = run;
  const { remediation, config, marker, view } = diagnosis;
  const repository = event.repository;
  const common = { manifestSha: manifestSha(diagnosis), dryRun: config.dryRun };

  if (!isConfident(remediation)) {
    const rendered = renderThread(remediation, { ...common, kind: 'issue', createdAt: marker.createdAt });
    if (config.dryRun) return { ok: true, reply: reviewMessages.retryDryRun('refresh this issue with the new diagnosis') };
    await updateIssue(octokit, repository, event.thread.number, { title: rendered.title, body: rendered.body });
    return { ok: true, reply: reviewMessages.retryIssueUpdated(remediation.outcome.confidence, remediation.outcome.diagnosedBy) };
  }

  const rendered = renderThread(remediation, { ...common, kind: 'pull_request' });
  if (config.dryRun) return { ok: true, reply: reviewMessages.retryDryRun(`open a pull request "${rendered.title}"`) };
  const pull = await writeFixPullRequest(octokit, {
    repository,
    base: view.head,
    branch: branchFor(remediation.report, remediation.outcome.changes),
    fingerprint: remediation.fingerprint,
    changes: remediation.outcome.changes,
    commitMessage: messages.commitMessage(rendered.title, remediation.fingerprint),
    title: rendered.title,
    body: `${reviewMessages.promotedFrom(event.thread.number)}\n\n${rendered.body}`,
    draft: config.draft,
    labels: [LABEL, categoryLabel(remediation.outcome.category), ...config.labels],
    reviewers: config.reviewers,
    teamReviewers: config.teamReviewers,
  });
  return { ok: true, reply: reviewMessages.retryPromoted(pull.url, pull.number) };
}
