/**
 * A recovery report closes the loop: for each fingerprint it names whose fix was merged and is
 * still awaiting verification, comment "verified" with the evidence and label it. A recovery
 * without a new rollout proves nothing about the fix and is only logged.
 */
import type { Probot } from 'probot';
import type { Logger } from '../logger.js';
import type { RecoveryReport } from '../report/schema.js';
import type { GitHub } from '../github/octokit.js';
import { reviewMessages, VERIFY_LABELS } from '../github/messages.js';
import type { MergedFixStore } from './merged-fixes.js';
import { labelNames, swapLabel } from './labels.js';

export interface RecoveryDeps {
  auth: Probot['auth'];
  store: MergedFixStore;
  logger: Logger;
}

export type VerificationResult = { fingerprint: string; pull: number | null; result: 'verified' | 'unknown-fix' | 'not-awaiting' | 'no-rollout' | 'before-merge' };

export function createRecoveryHandler(deps: RecoveryDeps): (report: RecoveryReport) => Promise<VerificationResult[]> {
  return async (report) => {
    const results: VerificationResult[] = [];
    for (const fingerprint of report.fingerprints) {
      const result = await verifyOne(deps, report, fingerprint);
      deps.logger.info({ ...result, workload: report.workload, cluster: report.cluster }, `Recovery report: ${result.result}`);
      results.push(result);
    }
    return results;
  };
}

async function verifyOne(deps: RecoveryDeps, report: RecoveryReport, fingerprint: string): Promise<VerificationResult> {
  const fix = await deps.store.find(fingerprint);
  if (!fix) return { fingerprint, pull: null, result: 'unknown-fix' };
  const done = (result: VerificationResult['result']): VerificationResult => ({ fingerprint, pull: fix.number, result });
  if (!report.specChanged) return done('no-rollout');

  const octokit = (await deps.auth(fix.installationId)) as GitHub;
  const repository = { owner: fix.owner, repo: fix.repo };
  const { data: pull } = await octokit.rest.pulls.get({ ...repository, pull_number: fix.number });
  if (!labelNames(pull.labels).includes(VERIFY_LABELS.awaiting)) return done('not-awaiting');
  if (pull.merged_at && Date.parse(report.readySince) < Date.parse(pull.merged_at)) return done('before-merge');

  await octokit.rest.issues.createComment({ ...repository, issue_number: fix.number, body: reviewMessages.verified(report) });
  await swapLabel(octokit, repository, fix.number, VERIFY_LABELS.awaiting, VERIFY_LABELS.verified);
  await deps.store.forget(fingerprint);
  return done('verified');
}
