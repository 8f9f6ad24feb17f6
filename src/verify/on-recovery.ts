/**
 * A recovery report closes the loop: for each fingerprint it names whose fix was merged and is
 * still awaiting verification, turn the ⏳ comment into "verified" with the evidence and label it. A recovery
 * without a new rollout proves nothing about the fix and is only logged.
 *
 * Cascades: every recovery is remembered with the correlation state (in Redis when configured,
 * so replicas and restarts agree). A verified root's comment names the dependents that recovered
 * and those not yet back, and is edited as each later one recovers; a recovered dependent's open
 * thread is closed with a link to the root's fix, whether it recovered before or after the root.
 */
import type { Probot } from 'probot';
import type { Logger } from '../logger.js';
import { parseRecoveryReport, type RecoveryReport } from '../report/schema.js';
import type { GitHub, RepoRef } from '../github/octokit.js';
import { reviewMessages, VERIFY_LABELS } from '../github/messages.js';
import { upsertStickyComment } from '../github/sticky.js';
import { listThreads, openThreadFor } from '../github/threads.js';
import type { MergedFixStore } from './merged-fixes.js';
import { labelNames, swapLabel } from './labels.js';
import { VERIFICATION_TOPIC } from './on-merged.js';
import type { Correlator, GroupMember } from '../correlate/correlator.js';

export interface RecoveryDeps {
  auth: Probot['auth'];
  store: MergedFixStore;
  logger: Logger;
  /** When cascades are correlated: the verified root's comment says which dependents came back with it. */
  correlator?: Correlator | null;
}

/**
 * The verified comment is the merged pull request's ⏳ comment, edited: one comment says where
 * verification stands, and a root's can be edited again as its dependents recover.
 */
const VERIFIED_TOPIC = VERIFICATION_TOPIC;

export type VerificationResult = {
  fingerprint: string;
  pull: number | null;
  result: 'verified' | 'unknown-fix' | 'not-awaiting' | 'no-rollout' | 'before-merge' | 'dependent-recovered';
};

export function createRecoveryHandler(deps: RecoveryDeps): (report: RecoveryReport) => Promise<VerificationResult[]> {
  return async (report) => {
    await deps.correlator?.noteRecovered(report.fingerprints);
    const results: VerificationResult[] = [];
    for (const fingerprint of report.fingerprints) {
      let result = await verifyOne(deps, report, fingerprint);
      if (result.result === 'unknown-fix') result = (await followUpDependent(deps, fingerprint)) ?? result;
      deps.logger.info({ ...result, workload: report.workload, cluster: report.cluster }, `Recovery report: ${result.result}`);
      results.push(result);
    }
    return results;
  };
}

interface Cascade {
  recovered: GroupMember[];
  stillFailing: GroupMember[];
}

/** The root's dependents that recovered and that did not, or null when it had none. */
async function cascadeOf(deps: RecoveryDeps, rootFingerprint: string): Promise<Cascade | null> {
  const cascade = await deps.correlator?.recoveredWithRoot(rootFingerprint);
  return cascade && cascade.recovered.length + cascade.stillFailing.length > 0 ? cascade : null;
}

function names(cascade: Cascade) {
  const name = (member: GroupMember) => `${member.workload.kind}/${member.workload.name}`;
  return { recovered: cascade.recovered.map(name), stillFailing: cascade.stillFailing.map(name) };
}

/** Closes the open threads of recovered dependents, pointing at the verified root's pull request. */
async function closeRecoveredDependents(octokit: GitHub, repository: RepoRef, rootPull: number, recovered: GroupMember[]): Promise<number[]> {
  if (recovered.length === 0) return [];
  const threads = await listThreads(octokit, repository);
  const closed: number[] = [];
  for (const member of recovered) {
    const thread = openThreadFor(threads, member.fingerprint);
    if (!thread) continue;
    await octokit.rest.issues.createComment({ ...repository, issue_number: thread.number, body: reviewMessages.dependentRecovered(rootPull) });
    await octokit.rest.issues.update({ ...repository, issue_number: thread.number, state: 'closed', state_reason: 'completed' });
    closed.push(thread.number);
  }
  return closed;
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

  const cascade = await cascadeOf(deps, fingerprint);
  // ✅ takes the place of the ⏳ comment: one comment says where verification stands.
  await upsertStickyComment(octokit, repository, fix.number, VERIFIED_TOPIC, () => reviewMessages.verified(report, cascade ? names(cascade) : undefined));
  if (cascade) {
    await deps.correlator!.rememberVerifiedRoot(fingerprint, { installationId: fix.installationId, owner: fix.owner, repo: fix.repo, number: fix.number, recovery: report });
    await closeRecoveredDependents(octokit, repository, fix.number, cascade.recovered);
  }
  await swapLabel(octokit, repository, fix.number, VERIFY_LABELS.awaiting, VERIFY_LABELS.verified);
  await deps.store.forget(fingerprint);
  return done('verified');
}

/**
 * A dependent that recovers after its root was verified: the root's verified comment now names it
 * among the recovered, and its own open thread is closed.
 */
async function followUpDependent(deps: RecoveryDeps, fingerprint: string): Promise<VerificationResult | null> {
  const correlator = deps.correlator;
  if (!correlator) return null;
  const rootFingerprint = await correlator.rootOf(fingerprint);
  const root = rootFingerprint ? await correlator.verifiedRoot(rootFingerprint) : null;
  const recovery = root ? parseRecoveryReport(root.recovery) : null;
  if (!rootFingerprint || !root || !recovery?.ok) return null;
  const cascade = await cascadeOf(deps, rootFingerprint);
  if (!cascade) return null;
  const octokit = (await deps.auth(root.installationId)) as GitHub;
  const repository = { owner: root.owner, repo: root.repo };
  await upsertStickyComment(octokit, repository, root.number, VERIFIED_TOPIC, () => reviewMessages.verified(recovery.value, names(cascade)));
  await closeRecoveredDependents(octokit, repository, root.number, cascade.recovered.filter((member) => member.fingerprint === fingerprint));
  return { fingerprint, pull: root.number, result: 'dependent-recovered' };
}
