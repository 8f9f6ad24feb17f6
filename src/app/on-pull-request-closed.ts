/**
 * When a reviewer closes a KubeCure pull request without merging, say once what that means:
 * the same fix will not be proposed again until the manifest changes.
 */
import type { Context } from 'probot';
import { isKubeCurePullRequest } from '../github/threads.js';
import { upsertStickyComment } from '../github/sticky.js';

export const CLOSED_TOPIC = 'closed-unmerged';
export const CLOSED_MESSAGE =
  'Closed without merging: KubeCure will not propose this fix again for this failure until the workload\'s manifest changes. Reopen this pull request if it was closed by mistake.';

export async function onPullRequestClosed(context: Context<'pull_request.closed'>): Promise<void> {
  const pull = context.payload.pull_request;
  if (context.isBot || pull.merged || !isKubeCurePullRequest(pull)) return;
  const { owner, repo } = context.repo();
  await upsertStickyComment(context.octokit, { owner, repo }, pull.number, CLOSED_TOPIC, () => CLOSED_MESSAGE);
}
