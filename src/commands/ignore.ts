/**
 * `/kubecure ignore` and `/kubecure unignore`. Ignoring closes the thread and records the
 * manifest's current blob SHA on it (see `verify/ignore-list.ts`); unignoring removes the record
 * and reopens the thread so the next report lands there again.
 */
import { decodeMarker } from '../github/marker.js';
import { statusOf, type GitHub, type RepoRef } from '../github/octokit.js';
import { readIgnore, withIgnore, withoutIgnore } from '../verify/ignore-list.js';
import { reviewMessages, VERIFY_LABELS } from '../github/messages.js';
import type { CommandResult, CommandRun } from './types.js';

async function currentBlobSha(octokit: GitHub, repository: RepoRef, path: string): Promise<string | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({ ...repository, path });
    return !Array.isArray(data) && data.type === 'file' ? data.sha : null;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

export async function ignore(run: CommandRun): Promise<CommandResult> {
  const { octokit, event } = run;
  const file = decodeMarker(event.thread.body)?.targetFile;
  const manifestSha = file ? await currentBlobSha(octokit, event.repository, file) : null;
  const body = withIgnore(event.thread.body, { manifestSha, by: event.author.login });
  await octokit.rest.issues.update({ ...event.repository, issue_number: event.thread.number, state: 'closed', body });
  await octokit.rest.issues.addLabels({ ...event.repository, issue_number: event.thread.number, labels: [VERIFY_LABELS.ignored] });
  // Later commands in the same comment see the thread as it now is.
  event.thread.body = body;
  event.thread.state = 'closed';
  return { ok: true, reply: reviewMessages.ignored(manifestSha) };
}

export async function unignore(run: CommandRun): Promise<CommandResult> {
  const { octokit, event } = run;
  if (!readIgnore(event.thread.body)) return { ok: true, reply: reviewMessages.notIgnored };
  const body = withoutIgnore(event.thread.body);
  await octokit.rest.issues.update({ ...event.repository, issue_number: event.thread.number, state: 'open', body });
  try {
    await octokit.rest.issues.removeLabel({ ...event.repository, issue_number: event.thread.number, name: VERIFY_LABELS.ignored });
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  event.thread.body = body;
  event.thread.state = 'open';
  return { ok: true, reply: reviewMessages.unignored };
}
