/**
 * One comment per thread and topic, found by a hidden marker and edited in place: editing does
 * not notify every subscriber the way a new comment does.
 *
 * Anyone can paste the marker into a comment of their own, so the marker alone does not make a
 * comment KubeCure's: it must also be written by a GitHub App's bot account (and by the App's own
 * login when the caller knows it). Otherwise KubeCure would edit, or count from, a human's text.
 */
import { isOwnBot } from './app-identity.js';
import type { GitHub, RepoRef } from './octokit.js';

export function stickyMarker(topic: string): string {
  return `<!-- kubecure:sticky ${topic} -->`;
}

export interface StickyComment {
  id: number;
  body: string;
}

/** Whether a comment was written by KubeCure's bot account (exactly `appLogin` when given). */
export function writtenByApp(user: { login: string; type?: string } | null | undefined, appLogin?: string): boolean {
  if (!user) return false;
  if (appLogin) return user.login === appLogin;
  return isOwnBot(user);
}

export async function findStickyComment(
  octokit: GitHub,
  repository: RepoRef,
  issueNumber: number,
  topic: string,
  appLogin?: string,
): Promise<StickyComment | null> {
  const marker = stickyMarker(topic);
  const { data } = await octokit.rest.issues.listComments({ ...repository, issue_number: issueNumber, per_page: 100 });
  const found = data.find((comment) => comment.body?.includes(marker) && writtenByApp(comment.user, appLogin));
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
