/**
 * One comment per thread and topic, found by a hidden marker and edited in place: editing does
 * not notify every subscriber the way a new comment does.
 */
import type { GitHub, RepoRef } from './octokit.js';

export function stickyMarker(topic: string): string {
  return `<!-- kubecure:sticky ${topic} -->`;
}

export interface StickyComment {
  id: number;
  body: string;
}

export async function findStickyComment(octokit: GitHub, repository: RepoRef, issueNumber: number, topic: string): Promise<StickyComment | null> {
  const marker = stickyMarker(topic);
  const { data } = await octokit.rest.issues.listComments({ ...repository, issue_number: issueNumber, per_page: 100 });
  const found = data.find((comment) => comment.body?.includes(marker));
  return found ? { id: found.id, body: found.body ?? '' } : null;
}

/**
 * Creates or edits the topic's comment. `render` receives the current body (null when there is
 * none) so counts can carry over from one edit to the next.
 */
export async function upsertStickyComment(
  octokit: GitHub,
  repository: RepoRef,
  issueNumber: number,
  topic: string,
  render: (previous: string | null) => string,
): Promise<{ id: number; created: boolean }> {
  const existing = await findStickyComment(octokit, repository, issueNumber, topic);
  const body = `${render(existing?.body ?? null)}\n\n${stickyMarker(topic)}`;
  if (existing) {
    await octokit.rest.issues.updateComment({ ...repository, comment_id: existing.id, body });
    return { id: existing.id, created: false };
  }
  const { data } = await octokit.rest.issues.createComment({ ...repository, issue_number: issueNumber, body });
  return { id: data.id, created: true };
}
