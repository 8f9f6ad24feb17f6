/**
 * A recovery report closes the loop: for each fingerprint it names whose fix was merged and is
 * still awaiting verification, comment "verified" with the evidence and label it. A recovery
 * without a new rollout proves nothing about the fix and is only logged.
 */
import type { Probot } from 'probot';
import type { Logger } from '../logger.js';
import type { FailureReport, RecoveryReport } from '../report/schema.js';
import { decodeMarker } from '../github/marker.js';
import type { GitHub } from '../github/octokit.js';
import { reviewMessages, VERIFY_LABELS } from '../github/messages.js';
import type { MergedFixStore } from './merged-fixes.js';
import { labelNames, swapLabel } from './labels.js';
import type { Correlator } from '../correlate/correlator.js';
import { TtlCache } from '../app/ttl-cache.js';

export interface RecoveryDeps {
  auth: Probot['auth'];
  store: MergedFixStore;
  logger: Logger;
  /** When cascades are correlated: the verified root's comment says which dependents came back with it. */
  correlator?: Correlator | null;
}

/** Dependents usually recover within minutes of their root; a day covers a slow rollout. */
const RECENT_RECOVERY_MS = 24 * 60 * 60_000;

export type VerificationResult = {
  fingerprint: string;
  pull: number | null;
  result: 'verified' | 'unknown-fix' | 'not-awaiting' | 'no-rollout' | 'before-merge' | 'other-workload';
};

/**
 * Fingerprints are printed in every thread, so any cluster can name one. Only a recovery of the
 * very workload the pull request was opened for (same cluster, namespace, kind and name, as the
 * thread's marker records) verifies it.
 */
function sameWorkload(report: RecoveryReport, opened: FailureReport | undefined): boolean {
  return (
    opened !== undefined &&
    opened.cluster === report.cluster &&
    opened.workload.namespace === report.workload.namespace &&
    opened.workload.kind === report.workload.kind &&
    opened.workload.name === report.workload.name
  );
}

export function createRecoveryHandler(deps: RecoveryDeps): (report: RecoveryReport) => Promise<VerificationResult[]> {
  const recovered = new TtlCache<true>(RECENT_RECOVERY_MS, 10_000);
  return async (report) => {
    for (const fingerprint of report.fingerprints) recovered.set(fingerprint, true);
    const results: VerificationResult[] = [];
    for (const fingerprint of report.fingerprints) {
      const result = await verifyOne(deps, report, fingerprint, (candidate) => recovered.get(candidate) === true);
      deps.logger.info({ ...result, workload: report.workload, cluster: report.cluster }, `Recovery report: ${result.result}`);
      results.push(result);
    }
    return results;
  };
}

/** Names of the root's dependents that recovered and that did not, or undefined when it had none. */
async function cascadeOf(deps: RecoveryDeps, fingerprint: string, hasRecovered: (fingerprint: string) => boolean) {
  const dependents = (await deps.correlator?.dependentsOf(fingerprint)) ?? [];
  if (dependents.length === 0) return undefined;
  const name = (member: (typeof dependents)[number]) => `${member.workload.kind}/${member.workload.name}`;
  return {
    recovered: dependents.filter((member) => hasRecovered(member.fingerprint)).map(name),
    stillFailing: dependents.filter((member) => !hasRecovered(member.fingerprint)).map(name),
  };
}

async function verifyOne(
  deps: RecoveryDeps,
  report: RecoveryReport,
  fingerprint: string,
  hasRecovered: (fingerprint: string) => boolean,
): Promise<VerificationResult> {
  const fix = await deps.store.find(fingerprint);
  if (!fix) return { fingerprint, pull: null, result: 'unknown-fix' };
  const done = (result: VerificationResult['result']): VerificationResult => ({ fingerprint, pull: fix.number, result });
  if (!report.specChanged) return done('no-rollout');

  const octokit = (await deps.auth(fix.installationId)) as GitHub;
  const repository = { owner: fix.owner, repo: fix.repo };
  const { data: pull } = await octokit.rest.pulls.get({ ...repository, pull_number: fix.number });
  if (!sameWorkload(report, decodeMarker(pull.body)?.report)) return done('other-workload');
  if (!labelNames(pull.labels).includes(VERIFY_LABELS.awaiting)) return done('not-awaiting');
  if (pull.merged_at && Date.parse(report.readySince) < Date.parse(pull.merged_at)) return done('before-merge');

  await octokit.rest.issues.createComment({ ...repository, issue_number: fix.number, body: reviewMessages.verified(report, await cascadeOf(deps, fingerprint, hasRecovered)) });
  await swapLabel(octokit, repository, fix.number, VERIFY_LABELS.awaiting, VERIFY_LABELS.verified);
  await deps.store.forget(fingerprint);
  return done('verified');
}
