/**
 * A KubeCure pull request was merged: label it as awaiting verification, say what will be
 * watched, and remember where it lives so the workload's recovery report can find it.
 */
import type { Context } from 'probot';
import type { Logger } from '../logger.js';
import type { GitHub } from '../github/octokit.js';
import { decodeMarker, findFingerprint } from '../github/marker.js';
import { isKubeCurePullRequest } from '../github/threads.js';
import { upsertStickyComment } from '../github/sticky.js';
import { reviewMessages, VERIFY_LABELS } from '../github/messages.js';
import type { MergedFixStore } from './merged-fixes.js';

export const VERIFICATION_TOPIC = 'verification';

export function createMergedHandler(deps: { store: MergedFixStore; logger: Logger }): (context: Context<'pull_request.closed'>) => Promise<void> {
  return async (context) => {
    const pull = context.payload.pull_request;
    if (!pull.merged || !isKubeCurePullRequest(pull)) return;
    const fingerprint = findFingerprint(pull.body);
    const marker = decodeMarker(pull.body);
    if (!fingerprint || !marker) return;
    const octokit = context.octokit as unknown as GitHub;
    const repository = context.repo();
    await octokit.rest.issues.addLabels({ ...repository, issue_number: pull.number, labels: [VERIFY_LABELS.awaiting] });
    await upsertStickyComment(octokit, repository, pull.number, VERIFICATION_TOPIC, () => reviewMessages.awaitingVerification(marker.subject));
    const installationId = context.payload.installation?.id;
    if (installationId !== undefined) await deps.store.remember(fingerprint, { ...repository, number: pull.number, installationId });
    deps.logger.info({ repository: `${repository.owner}/${repository.repo}`, pull: pull.number, fingerprint }, 'Fix merged; awaiting verification');
  };
}
