/**
 * Running the engine again for a thread: the thread's hidden marker names the failure, the App's
 * thread report store holds its (redacted) report, the repository's current default branch is the
 * source, `.github/kubecure.yml` the bounds. Shared by `retry` (with the reviewer's hint) and `explain`.
 */
import type { Remediation } from '../outcome.js';
import type { DiagnosisModel } from '../diagnose/llm/model.js';
import { decodeMarker, type MarkerPayload } from '../github/marker.js';
import { GitHubRepoView } from '../github/repo-view.js';
import { loadRepoConfig } from '../config/load.js';
import { DEFAULT_REPO_CONFIG, remediationSettings, type RepoConfig } from '../config/schema.js';
import { reviewMessages } from '../github/messages.js';
import type { CommandRun } from './types.js';

export interface Rediagnosis {
  remediation: Remediation;
  marker: MarkerPayload;
  config: RepoConfig;
  view: GitHubRepoView;
}

export async function rediagnose(
  run: CommandRun,
  options: { hint?: string; model: DiagnosisModel | null; requireConfig: boolean },
): Promise<Rediagnosis | { refusal: string }> {
  const { octokit, event, deps } = run;
  const marker = decodeMarker(event.thread.body);
  if (!marker) return { refusal: reviewMessages.refusedNoMarker };
  // Threads opened before markers carried identifiers only still hold their report in the marker.
  const report = (await deps.reports.load(event.repository, marker.fingerprint)) ?? marker.legacyReport;
  if (!report) return { refusal: reviewMessages.refusedNoReport };
  const loaded = await loadRepoConfig(octokit, event.repository.owner, event.repository.repo);
  if (loaded.status !== 'ok' && options.requireConfig) return { refusal: reviewMessages.refusedNoConfig };
  const config = loaded.status === 'ok' ? loaded.config : DEFAULT_REPO_CONFIG;
  const view = await GitHubRepoView.open(octokit, event.repository);
  const remediation = await deps.remediate(report, view, {
    ...remediationSettings(config),
    model: options.model,
    hint: options.hint,
    logger: deps.logger,
  });
  return { remediation, marker, config, view };
}

/** A remediation the App would write as a pull request. */
export function isConfident(remediation: Remediation): boolean {
  return remediation.outcome.decision === 'pull_request' && remediation.outcome.changes.length > 0;
}
