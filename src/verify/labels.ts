/** Label changes on a pull request whose fix is being verified. */
import { statusOf, type GitHub, type RepoRef } from '../github/octokit.js';

export async function swapLabel(octokit: GitHub, repository: RepoRef, issueNumber: number, remove: string | null, add: string): Promise<void> {
  await octokit.rest.issues.addLabels({ ...repository, issue_number: issueNumber, labels: [add] });
  if (!remove) return;
  try {
    await octokit.rest.issues.removeLabel({ ...repository, issue_number: issueNumber, name: remove });
  } catch (error) {
    // Already gone (a human removed it, or a redelivery): the end state is the same.
    if (statusOf(error) !== 404) throw error;
  }
}

export function labelNames(labels: ({ name?: string } | string)[]): string[] {
  return labels.map((label) => (typeof label === 'string' ? label : (label.name ?? '')));
}
