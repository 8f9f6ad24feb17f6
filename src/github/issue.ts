/** Opening and refreshing KubeCure issues (low confidence, no safe change, invalid config). */
import type { GitHub, RepoRef } from './octokit.js';

export interface IssueInput {
  repository: RepoRef;
  title: string;
  body: string;
  labels: string[];
}

export async function openIssue(octokit: GitHub, input: IssueInput): Promise<{ number: number; url: string }> {
  const { data } = await octokit.rest.issues.create({ ...input.repository, title: input.title, body: input.body, labels: input.labels });
  return { number: data.number, url: data.html_url };
}

export async function updateIssue(octokit: GitHub, repository: RepoRef, issueNumber: number, update: { title?: string; body?: string }): Promise<void> {
  await octokit.rest.issues.update({ ...repository, issue_number: issueNumber, ...update });
}
