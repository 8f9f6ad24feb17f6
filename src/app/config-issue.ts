/** An invalid `.github/kubecure.yml` is told to the repository once, as one issue kept up to date. */
import type { ConfigProblem } from '../config/schema.js';
import type { RepoRef } from '../github/octokit.js';
import type { Thread } from '../github/threads.js';
import { LABEL, messages } from '../github/messages.js';
import type { ThreadWriter } from './writer.js';

export const CONFIG_ISSUE_MARKER = '<!-- kubecure:config-error -->';

export function findConfigIssue(threads: Thread[]): Thread | null {
  return threads.find((thread) => thread.kind === 'issue' && thread.state === 'open' && thread.body.includes(CONFIG_ISSUE_MARKER)) ?? null;
}

export async function reportInvalidConfig(writer: ThreadWriter, repository: RepoRef, threads: Thread[], problems: ConfigProblem[]): Promise<void> {
  await writer.ensureIssue(findConfigIssue(threads), {
    repository,
    title: messages.configIssueTitle,
    body: `${messages.configIssueBody(problems)}\n\n${CONFIG_ISSUE_MARKER}\n`,
    labels: [LABEL],
  });
}
