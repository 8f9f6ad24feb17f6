/**
 * Webhook payloads as GitHub sends them for the fake repository's current state: the fields
 * Probot and KubeCure read, shaped like the real events.
 */
import { BOT_LOGIN, type FakeComment, type FakeGitHub, type FakeThread } from './fake-github.js';

function repositoryOf(github: FakeGitHub) {
  return {
    id: 1296269,
    node_id: 'R_kgDOE2e2eQ',
    name: github.repo,
    full_name: github.fullName,
    private: true,
    owner: { login: github.owner, id: 9919, type: 'Organization' },
    html_url: `https://github.com/${github.fullName}`,
    default_branch: github.defaultBranch,
  };
}

const bot = { login: BOT_LOGIN, id: 4711, type: 'Bot' };
const person = (login: string) => ({ login, id: login.length * 1000 + 7, type: 'User' });

function threadOf(github: FakeGitHub, number: number): FakeThread {
  const thread = github.threads.get(number);
  if (!thread) throw new Error(`no thread #${number}`);
  return thread;
}

/** `issue_comment.created` for a comment a person wrote on a thread. */
export function issueCommentCreated(github: FakeGitHub, number: number, comment: FakeComment) {
  const thread = threadOf(github, number);
  const kind = thread.kind === 'pull_request' ? 'pull' : 'issues';
  return {
    action: 'created',
    issue: {
      number,
      title: thread.title,
      body: thread.body,
      state: thread.state,
      locked: false,
      user: bot,
      labels: thread.labels.map((name) => ({ name })),
      html_url: `https://github.com/${github.fullName}/${kind}/${number}`,
      ...(thread.kind === 'pull_request' ? { pull_request: { url: `https://api.github.com/repos/${github.fullName}/pulls/${number}`, merged_at: thread.mergedAt ?? null } } : {}),
    },
    comment: { id: comment.id, body: comment.body, user: person(comment.user.login), html_url: `https://github.com/${github.fullName}/${kind}/${number}#issuecomment-${comment.id}` },
    repository: repositoryOf(github),
    installation: { id: github.installationId },
    sender: person(comment.user.login),
  };
}

/** `pull_request.closed` for a pull request that was just merged or closed. */
export function pullRequestClosed(github: FakeGitHub, number: number) {
  const pull = threadOf(github, number);
  const repository = repositoryOf(github);
  return {
    action: 'closed',
    number,
    pull_request: {
      number,
      title: pull.title,
      body: pull.body,
      state: 'closed',
      locked: false,
      merged: pull.merged,
      merged_at: pull.mergedAt ?? null,
      user: bot,
      labels: pull.labels.map((name) => ({ name })),
      head: { ref: pull.head, sha: github.refs.get(pull.head ?? '') ?? null, repo: repository },
      base: { ref: pull.base, repo: repository },
      html_url: `https://github.com/${github.fullName}/pull/${number}`,
    },
    repository,
    installation: { id: github.installationId },
    sender: person('alice'),
  };
}
