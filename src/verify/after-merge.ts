/**
 * A failure report for a fingerprint whose fix was merged. Three answers:
 *
 * - the new spec has not rolled out yet (old pods still failing): wait, open nothing;
 * - it rolled out and the failure came back: the fix failed. Comment on the merged pull request,
 *   label it `kubecure:fix-failed`, open a follow-up issue linking the history. The follow-up
 *   carries the fingerprint, so later reports are counted there, and as the newest thread for
 *   the workload it holds the cooldown: no second automatic pull request meanwhile;
 * - the fix was verified and the failure came back: the fix failed all the same (verification saw
 *   the workload healthy for a while; a recurrence after that is still this fix not holding);
 * - the fix already failed, or predates verification: the usual flow decides.
 */
import type { Logger } from '../logger.js';
import type { FailureReport } from '../report/schema.js';
import type { RepoConfig } from '../config/schema.js';
import type { GitHub, RepoRef } from '../github/octokit.js';
import type { Thread } from '../github/threads.js';
import { encodeMarker } from '../github/marker.js';
import { LABEL, categoryLabel, reviewMessages, VERIFY_LABELS } from '../github/messages.js';
import { labelNames, swapLabel } from './labels.js';

export type AfterMerge =
  | { action: 'none' }
  | { action: 'awaiting-rollout'; pull: number }
  | { action: 'fix-failed'; pull: number; followUp: number | null };

/** Labels Kubernetes gives every pod of one revision of the pod template. */
const REVISION_LABELS = ['pod-template-hash', 'controller-revision-hash'];
/** A fix outside the pod template (a ConfigMap, a Service) leaves no revision to compare: give it this long. */
const MIN_SETTLE_MS = 30 * 60_000;

export function mergedPullRequestFor(threads: Thread[], fingerprint: string): Thread | null {
  return threads.find((thread) => thread.kind === 'pull_request' && thread.merged && thread.fingerprint === fingerprint) ?? null;
}

function containerSpec(report: FailureReport): string {
  const containers = [report.pod.spec.containers, report.pod.spec.initContainers].flat().filter(Boolean) as { name?: string }[];
  const failing = containers.find((container) => container.name === report.failure.container);
  return JSON.stringify(failing ?? report.pod.spec);
}

/**
 * Whether the failing pod runs the spec that was merged: another revision of the pod template,
 * a changed container spec, or, when neither can tell, enough time since the merge.
 */
export function rolledOut(report: FailureReport, original: FailureReport | null, mergedAt: Date, settleMs: number): boolean {
  if (original) {
    for (const label of REVISION_LABELS) {
      const before = original.pod.labels[label];
      const after = report.pod.labels[label];
      if (before && after) return before !== after;
    }
    if (containerSpec(report) !== containerSpec(original)) return true;
  }
  return Date.parse(report.observedAt) - mergedAt.getTime() >= settleMs;
}

export interface AfterMergeInput {
  octokit: GitHub;
  repository: RepoRef;
  threads: Thread[];
  report: FailureReport;
  fingerprint: string;
  config: RepoConfig;
  dryRun: boolean;
  logger: Logger;
  now: Date;
}

export async function checkFailureAfterMerge(input: AfterMergeInput): Promise<AfterMerge> {
  const { octokit, repository, report, fingerprint, config } = input;
  const merged = mergedPullRequestFor(input.threads, fingerprint);
  if (!merged) return { action: 'none' };
  const { data: pull } = await octokit.rest.pulls.get({ ...repository, pull_number: merged.number });
  const labels = labelNames(pull.labels);
  // A failed fix is history (its follow-up counts later reports); so is a fix older than verification.
  const state = labels.includes(VERIFY_LABELS.verified) ? VERIFY_LABELS.verified : labels.includes(VERIFY_LABELS.awaiting) ? VERIFY_LABELS.awaiting : null;
  if (!state) return { action: 'none' };

  const mergedAt = new Date(pull.merged_at ?? merged.createdAt);
  const settleMs = Math.max(MIN_SETTLE_MS, config.cooldownMinutes * 60_000);
  // A verified fix rolled out by definition: the recovery that verified it ran the new spec.
  const awaitingRollout = Date.parse(report.observedAt) <= mergedAt.getTime() || !rolledOut(report, merged.marker?.report ?? null, mergedAt, settleMs);
  if (state === VERIFY_LABELS.awaiting && awaitingRollout) return { action: 'awaiting-rollout', pull: merged.number };
  if (input.dryRun) {
    input.logger.info({ repository: `${repository.owner}/${repository.repo}`, pull: merged.number }, 'Dry run: would mark the fix as failed and open a follow-up issue');
    return { action: 'fix-failed', pull: merged.number, followUp: null };
  }

  const marker = encodeMarker({
    fingerprint,
    thread: 'issue',
    report,
    targetFile: merged.marker?.targetFile,
    diagnosedBy: merged.marker?.diagnosedBy,
    createdAt: input.now.toISOString(),
  });
  const { data: issue } = await octokit.rest.issues.create({
    ...repository,
    title: reviewMessages.followUpTitle(report),
    body: `${reviewMessages.followUpBody(report, { number: merged.number, url: merged.url, mergedAt: pull.merged_at })}\n\n${marker}\n`,
    labels: [LABEL, categoryLabel(report.failure.category), VERIFY_LABELS.fixFailed, ...config.labels],
  });
  await octokit.rest.issues.createComment({ ...repository, issue_number: merged.number, body: reviewMessages.fixFailed(report, issue.html_url) });
  await swapLabel(octokit, repository, merged.number, state, VERIFY_LABELS.fixFailed);
  return { action: 'fix-failed', pull: merged.number, followUp: issue.number };
}
