import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeMarker } from '../../src/github/marker.js';
import { readIgnore } from '../../src/verify/ignore-list.js';
import { CHECKOUT_MANIFEST, GitHubMock, OWNER, REPO, configFixture } from '../app/github-mock.js';
import { MemoryLedger } from '../../src/commands/ledger.js';
import { APP_LOGIN, BRANCH, ENCODED_BRANCH, MANIFEST, commentPayload, eventFixture, loadCommands, recorder, threadBody, token } from './helpers.js';

const FILES = { [MANIFEST]: CHECKOUT_MANIFEST, 'README.md': '# gitops\n' };
const COMMENT = 3100000001;
const REPO_PATH = `/repos/${OWNER}/${REPO}`;

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function reactions(github: GitHubMock, ...contents: string[]): string[] {
  const seen: string[] = [];
  for (const content of contents) {
    github.scope
      .post(`${REPO_PATH}/issues/comments/${COMMENT}/reactions`, (body) => (seen.push(body.content), body.content === content))
      .reply(201, { id: 1, content });
  }
  return seen;
}

function replies(github: GitHubMock, number: number, count = 1): string[] {
  const bodies: string[] = [];
  github.scope
    .post(`${REPO_PATH}/issues/${number}/comments`, (body) => (bodies.push(body.body), true))
    .times(count)
    .reply(201, { id: 900 });
  return bodies;
}

function permission(github: GitHubMock, level: 'admin' | 'write' | 'read', login = 'alice'): void {
  const permissions = { admin: level === 'admin', maintain: level === 'admin', push: level !== 'read', triage: true, pull: true };
  github.scope.get(`${REPO_PATH}/collaborators/${login}/permission`).reply(200, { permission: level, role_name: level, user: { login, permissions } });
}

function openPull(github: GitHubMock, fork = false): void {
  github.scope.get(`${REPO_PATH}/pulls/7`).reply(200, {
    number: 7,
    head: { ref: BRANCH, repo: { full_name: fork ? 'mallory/gitops' : `${OWNER}/${REPO}` } },
    base: { ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
  });
}

describe('/kubecure help and unknown commands', () => {
  it('answers help with the command list, 👀 first and 🚀 after', async () => {
    const github = new GitHubMock();
    token(github);
    const seen = reactions(github, 'eyes', 'rocket');
    const bodies = replies(github, 7);

    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure help' }) });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(seen).toEqual(['eyes', 'rocket']);
    expect(bodies[0]).toContain('| `/kubecure retry [hint]` |');
    expect(bodies[0]).toContain('| `/kubecure unignore` |');
    expect(bodies[0]!.split('\n').some((line) => line.trim().toLowerCase().startsWith('/kubecure'))).toBe(false);
  });

  it('answers an unknown subcommand with the help text and 😕', async () => {
    const github = new GitHubMock();
    token(github);
    const seen = reactions(github, 'eyes', 'confused');
    const bodies = replies(github, 7);

    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure rebase please' }) });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(seen).toEqual(['eyes', 'confused']);
    expect(bodies[0]).toMatch(/^KubeCure does not know the command `rebase`\./);
    expect(bodies[0]).toContain('| `/kubecure explain` |');
  });

  it('runs several commands of one comment in order and ignores those in code blocks and quotes', async () => {
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'confused');
    const bodies = replies(github, 7, 2);
    const body = ['> /kubecure ignore', '/kubecure help', '```', '/kubecure retry', '```', 'thanks! and', '/kubecure frobnicate'].join('\n');

    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body }) });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toMatch(/^KubeCure understands these commands/);
    expect(bodies[1]).toMatch(/^KubeCure does not know the command `frobnicate`/);
  });
});

describe('who and where KubeCure listens to', () => {
  it('never acts on a comment from a bot', async () => {
    const github = new GitHubMock();
    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure retry', author: { login: 'renovate[bot]', type: 'Bot' } }) });
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('never acts on its own comments', async () => {
    const github = new GitHubMock();
    const payload = commentPayload({ body: '/kubecure help', author: { login: APP_LOGIN, type: 'User' } });
    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload });
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('ignores commands on threads KubeCure did not open, even when they copy its marker', async () => {
    const github = new GitHubMock();
    const payload = commentPayload({ body: '/kubecure retry', threadAuthor: { login: 'mallory', type: 'User' } });
    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload });
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('handles a comment once when GitHub delivers the webhook twice', async () => {
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'rocket');
    const bodies = replies(github, 7);
    const probot = loadCommands();
    const payload = commentPayload({ body: '/kubecure help' });

    await probot.receive({ id: 'delivery-1', name: 'issue_comment', payload });
    await probot.receive({ id: 'delivery-1', name: 'issue_comment', payload });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(bodies).toHaveLength(1);
  });

  it('completes a command once when its first delivery fails on the reply: the redelivery posts the recorded reply', async () => {
    const github = new GitHubMock();
    token(github);
    const ledger = new MemoryLedger();
    const probot = loadCommands({ ledger });
    const payload = commentPayload({ body: '/kubecure retry' });
    openPull(github);
    permission(github, 'write');
    github.config(configFixture('opted-in.yml')).repository(FILES, [MANIFEST]);
    github.scope
      .post(`${REPO_PATH}/issues/comments/${COMMENT}/reactions`, { content: 'eyes' })
      .reply(201, { id: 1, content: 'eyes' })
      .get(`${REPO_PATH}/pulls/7/commits`)
      .query({ per_page: '100' })
      .reply(200, [{ sha: 'c1', author: { login: APP_LOGIN, type: 'Bot' }, commit: { message: 'Raise…' } }])
      .get(`${REPO_PATH}/branches/${ENCODED_BRANCH}`)
      .reply(200, { name: BRANCH, commit: { sha: 'branchhead', commit: { tree: { sha: 'branchtree' } } } })
      .post(`${REPO_PATH}/git/trees`)
      .reply(201, { sha: 'newtree' })
      .post(`${REPO_PATH}/git/commits`)
      .reply(201, { sha: 'abcdef1234567890' })
      .patch(`${REPO_PATH}/git/refs/heads%2F${ENCODED_BRANCH}`)
      .reply(200, {})
      .patch(`${REPO_PATH}/pulls/7`)
      .reply(200, {})
      .post(`${REPO_PATH}/issues/7/comments`)
      .reply(500, { message: 'Server Error' });

    await expect(probot.receive({ id: 'delivery-1', name: 'issue_comment', payload })).rejects.toThrow();
    expect(github.scope.pendingMocks()).toEqual([]);

    // GitHub's redelivery: same delivery, same comment. The commit is not pushed again.
    const seen = reactions(github, 'eyes', 'rocket');
    const said = replies(github, 7);
    await probot.receive({ id: 'delivery-1', name: 'issue_comment', payload });
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(seen).toEqual(['eyes', 'rocket']);
    expect(said).toEqual([expect.stringMatching(/^Diagnosed again and pushed abcdef1 to this branch/)]);

    // A third delivery finds the comment done.
    await probot.receive({ id: 'delivery-1', name: 'issue_comment', payload });
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('leaves a command claimable when GitHub fails the commit, so the redelivery pushes it exactly once', async () => {
    const github = new GitHubMock();
    token(github);
    const probot = loadCommands();
    const payload = commentPayload({ body: '/kubecure retry' });
    function diagnosis(commit: { status: number; body: object }, treeCached = false): void {
      openPull(github);
      permission(github, 'write');
      github.config(configFixture('opted-in.yml'));
      // The process keeps trees and blobs it has read by SHA: the redelivery fetches only the branch.
      if (treeCached) {
        github.scope
          .get(`${REPO_PATH}`)
          .reply(200, { default_branch: 'main' })
          .get(`${REPO_PATH}/branches/main`)
          .reply(200, { name: 'main', commit: { sha: github.commitSha, commit: { tree: { sha: github.treeSha } } } });
      } else github.repository(FILES, [MANIFEST]);
      github.scope
        .get(`${REPO_PATH}/pulls/7/commits`)
        .query({ per_page: '100' })
        .reply(200, [{ sha: 'c1', author: { login: APP_LOGIN, type: 'Bot' }, commit: { message: 'Raise…' } }])
        .get(`${REPO_PATH}/branches/${ENCODED_BRANCH}`)
        .reply(200, { name: BRANCH, commit: { sha: 'branchhead', commit: { tree: { sha: 'branchtree' } } } })
        .post(`${REPO_PATH}/git/trees`)
        .reply(201, { sha: 'newtree' })
        .post(`${REPO_PATH}/git/commits`, (body) => body.tree === 'newtree')
        .reply(commit.status, commit.body);
    }
    diagnosis({ status: 502, body: { message: 'Bad Gateway' } });
    github.scope.post(`${REPO_PATH}/issues/comments/${COMMENT}/reactions`, { content: 'eyes' }).reply(201, { id: 1, content: 'eyes' });

    await expect(probot.receive({ id: 'delivery-1', name: 'issue_comment', payload })).rejects.toThrow();
    // Nothing was said: the failure is GitHub's, and the redelivery will answer.
    expect(github.scope.pendingMocks()).toEqual([]);

    const seen = reactions(github, 'eyes', 'rocket');
    diagnosis({ status: 201, body: { sha: 'abcdef1234567890' } }, true);
    const refs: unknown[] = [];
    github.scope
      .patch(`${REPO_PATH}/git/refs/heads%2F${ENCODED_BRANCH}`, (body) => (refs.push(body), true))
      .reply(200, {})
      .patch(`${REPO_PATH}/pulls/7`)
      .reply(200, {});
    const said = replies(github, 7);
    await probot.receive({ id: 'delivery-1', name: 'issue_comment', payload });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(seen).toEqual(['eyes', 'rocket']);
    expect(refs).toEqual([{ sha: 'abcdef1234567890', force: false }]);
    expect(said).toEqual([expect.stringMatching(/^Diagnosed again and pushed abcdef1 to this branch/)]);
  });

  it('refuses commands in a locked conversation with a reason', async () => {
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'confused');
    const bodies = replies(github, 7);
    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure explain', locked: true }) });
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(bodies).toEqual(['This conversation is locked, so KubeCure does not act on commands here.']);
  });

  it('refuses commands on a closed thread with a reason', async () => {
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'confused');
    const bodies = replies(github, 9);
    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure retry', kind: 'issue', state: 'closed' }) });
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(bodies[0]).toMatch(/^This thread is closed/);
  });

  it('refuses commands on a pull request from a fork with a reason', async () => {
    const github = new GitHubMock();
    token(github);
    const payload = eventFixture('pull_request_review_comment.created');
    payload.comment.body = '/kubecure explain';
    payload.pull_request.body = threadBody('pull_request');
    payload.pull_request.head.repo = { ...payload.pull_request.head.repo, full_name: 'mallory/gitops' };
    const seen: string[] = [];
    github.scope
      .post(`${REPO_PATH}/pulls/comments/3200000001/reactions`, (body) => (seen.push(body.content), true))
      .times(2)
      .reply(201, {});
    const bodies = replies(github, 7);

    await loadCommands().receive({ id: 'd1', name: 'pull_request_review_comment', payload });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(seen).toEqual(['eyes', 'confused']);
    expect(bodies).toEqual(['This pull request comes from a fork: KubeCure does not act on commands there.']);
  });

  it('reads commands from a review body and replies without a reaction (reviews cannot carry one)', async () => {
    const github = new GitHubMock();
    token(github);
    const payload = eventFixture('pull_request_review.submitted');
    payload.pull_request.body = threadBody('pull_request');
    const bodies = replies(github, 7);
    await loadCommands().receive({ id: 'd1', name: 'pull_request_review', payload });
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(bodies[0]).toMatch(/^KubeCure understands these commands/);
  });
});

describe('/kubecure retry on a pull request', () => {
  function diagnoseAgain(github: GitHubMock, level: 'admin' | 'write' = 'write'): void {
    openPull(github);
    permission(github, level);
    github.config(configFixture('opted-in.yml')).repository(FILES, [MANIFEST]);
  }

  it('pushes a new commit on top of the branch head and updates the title and body', async () => {
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'rocket');
    diagnoseAgain(github);
    const { bodies, take } = recorder();
    github.scope
      .get(`${REPO_PATH}/pulls/7/commits`)
      .query({ per_page: '100' })
      .reply(200, [{ sha: 'c1', author: { login: APP_LOGIN, type: 'Bot' }, commit: { message: 'Raise…', author: { name: APP_LOGIN } } }])
      .get(`${REPO_PATH}/branches/${ENCODED_BRANCH}`)
      .reply(200, { name: BRANCH, commit: { sha: 'branchhead', commit: { tree: { sha: 'branchtree' } } } })
      .post(`${REPO_PATH}/git/trees`, take('tree'))
      .reply(201, { sha: 'newtree' })
      .post(`${REPO_PATH}/git/commits`, take('commit'))
      .reply(201, { sha: 'abcdef1234567890' })
      .patch(`${REPO_PATH}/git/refs/heads%2F${ENCODED_BRANCH}`, take('ref'))
      .reply(200, {})
      .patch(`${REPO_PATH}/pulls/7`, take('pull'))
      .reply(200, {});
    const said = replies(github, 7);

    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure retry' }) });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(bodies.tree).toEqual({
      base_tree: 'branchtree',
      tree: [{ path: MANIFEST, mode: '100644', type: 'blob', content: CHECKOUT_MANIFEST.replace('memory: 256Mi', 'memory: 512Mi') }],
    });
    expect(bodies.commit).toMatchObject({ tree: 'newtree', parents: ['branchhead'] });
    expect(bodies.ref).toEqual({ sha: 'abcdef1234567890', force: false });
    expect(bodies.pull.title).toBe('Raise memory limit of checkout to 512Mi after OOMKilled');
    expect(decodeMarker(bodies.pull.body)).toMatchObject({ thread: 'pull_request', targetFile: MANIFEST, createdAt: '2026-11-22T00:10:00Z' });
    expect(said[0]).toBe(
      'Diagnosed again and pushed abcdef1 to this branch: **Raise memory limit of checkout to 512Mi after OOMKilled**.\nConfidence 88/100, diagnosed by `rules`. The title and description are updated.',
    );
  });

  it('pushes nothing when the new change is the one already on the branch', async () => {
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'rocket');
    diagnoseAgain(github);
    github.scope
      .get(`${REPO_PATH}/pulls/7/commits`)
      .query({ per_page: '100' })
      .reply(200, [{ sha: 'c1', author: { login: APP_LOGIN, type: 'Bot' }, commit: { message: 'Raise…' } }])
      .get(`${REPO_PATH}/branches/${ENCODED_BRANCH}`)
      .reply(200, { name: BRANCH, commit: { sha: 'branchhead', commit: { tree: { sha: 'branchtree' } } } })
      .post(`${REPO_PATH}/git/trees`)
      .reply(201, { sha: 'branchtree' });
    const said = replies(github, 7);

    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure retry' }) });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(said).toEqual(['Diagnosed again: the change is the same as the one already on this branch (confidence 88/100, `rules`). Nothing was pushed.']);
  });

  it('comments instead of pushing when the branch has commits someone else wrote', async () => {
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'confused');
    diagnoseAgain(github);
    github.scope
      .get(`${REPO_PATH}/pulls/7/commits`)
      .query({ per_page: '100' })
      .reply(200, [
        { sha: 'c1', author: { login: APP_LOGIN, type: 'Bot' }, commit: { message: 'Raise…', author: { name: APP_LOGIN } } },
        { sha: 'c2', author: { login: 'bob', type: 'User' }, commit: { message: 'tweak requests', author: { name: 'Bob' } } },
      ]);
    const said = replies(github, 7);

    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure retry' }) });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(said[0]).toMatch(/^This branch has commits KubeCure did not write \(by @bob\), so it will not push over them\./);
    expect(said[0]).toContain('```diff');
    expect(said[0]).toContain('+              memory: 512Mi');
  });

  it('politely refuses a user without write permission and fetches nothing else', async () => {
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'confused');
    openPull(github);
    permission(github, 'read', 'carol');
    const said = replies(github, 7);
    const payload = commentPayload({ body: '/kubecure retry use 1Gi', author: { login: 'carol', type: 'User' } });

    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(said).toEqual(['Sorry @carol, `/kubecure retry` needs write, maintain or admin permission on this repository. Someone who has it can run it for you.']);
  });
});

describe('/kubecure retry on an issue', () => {
  it('opens the pull request when the new outcome is confident and valid, and links both threads', async () => {
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'rocket');
    permission(github, 'admin');
    github.config(configFixture('opted-in.yml')).repository(FILES, [MANIFEST]);
    const { bodies, take } = recorder();
    github.scope
      .post(`${REPO_PATH}/git/trees`, take('tree'))
      .reply(201, { sha: 'newtree' })
      .post(`${REPO_PATH}/git/commits`, take('commit'))
      .reply(201, { sha: 'newcommit' })
      .post(`${REPO_PATH}/git/refs`, take('ref'))
      .reply(201, {})
      .post(`${REPO_PATH}/pulls`, take('pull'))
      .reply(201, { number: 12, html_url: `https://github.com/${OWNER}/${REPO}/pull/12` })
      .post(`${REPO_PATH}/issues/12/labels`, take('labels'))
      .reply(200, [])
      .post(`${REPO_PATH}/pulls/12/requested_reviewers`, take('reviewers'))
      .reply(201, {});
    const said = replies(github, 9);

    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure retry', kind: 'issue' }) });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(bodies.tree.base_tree).toBe(github.treeSha);
    expect(bodies.commit.parents).toEqual([github.commitSha]);
    // A branch of its own, named for the change (the issue had none).
    expect(bodies.ref).toEqual({ ref: expect.stringMatching(/^refs\/heads\/kubecure\/shop\/checkout-oomkilled-[0-9a-f]{8}$/), sha: 'newcommit' });
    expect(bodies.pull).toMatchObject({ head: bodies.ref.ref.slice('refs/heads/'.length), base: 'main', title: 'Raise memory limit of checkout to 512Mi after OOMKilled' });
    expect(bodies.pull.body).toMatch(/^Opened from #9 after a reviewer asked KubeCure to diagnose again\. Resolves #9\./);
    expect(decodeMarker(bodies.pull.body)).toMatchObject({ thread: 'pull_request' });
    expect(bodies.labels).toEqual({ labels: ['kubecure', 'kubecure:OOMKilled', 'ops'] });
    expect(said).toEqual([
      `Diagnosed again: the result is confident and valid, so KubeCure opened #12 with the change (https://github.com/${OWNER}/${REPO}/pull/12).`,
    ]);
  });
});

describe('/kubecure explain', () => {
  it('replies with what failed, the evidence, why the change fixes it, alternatives and risks, saying it is rules only', async () => {
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'rocket');
    openPull(github);
    github.config(configFixture('opted-in.yml')).repository(FILES, [MANIFEST]);
    const said = replies(github, 7);
    const payload = commentPayload({ body: '/kubecure explain', author: { login: 'dave', type: 'User' } });

    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload });

    expect(github.scope.pendingMocks()).toEqual([]);
    const reply = said[0]!;
    for (const part of ['### Why KubeCure proposes this', '**What failed.**', '**Evidence.**', '**Why this change fixes it.**', '**What else was considered.**', '**Risks.**']) {
      expect(reply).toContain(part);
    }
    expect(reply).toContain('`checkout: resources.limits.memory` 256Mi → 512Mi');
    expect(reply).toContain('Diagnosed by `rules`');
    expect(reply).toContain('No model is configured (rules only)');
  });

  it('answers at most one explanation per thread every 10 minutes, without diagnosing again', async () => {
    const probot = loadCommands();
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'rocket');
    openPull(github);
    github.config(configFixture('opted-in.yml')).repository(FILES, [MANIFEST]);
    const first = replies(github, 7);
    await probot.receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure explain', author: { login: 'dave', type: 'User' } }) });
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(first[0]).toContain('### Why KubeCure proposes this');

    const again = new GitHubMock();
    const seen: string[] = [];
    for (const content of ['eyes', 'confused']) {
      again.scope
        .post(`${REPO_PATH}/issues/comments/4242/reactions`, (body) => (seen.push(body.content), body.content === content))
        .reply(201, { id: 2, content });
    }
    openPull(again);
    const second = replies(again, 7);
    const payload = commentPayload({ body: '/kubecure explain', commentId: 4242, author: { login: 'erin', type: 'User' } });
    await probot.receive({ id: 'd2', name: 'issue_comment', payload });

    // No config, tree or blob request: the diagnosis did not run again.
    expect(again.scope.pendingMocks()).toEqual([]);
    expect(seen).toEqual(['eyes', 'confused']);
    expect(second[0]).toMatch(/^An explanation of this thread was posted in the last 10 minutes/);
  });

  it('counts the 10 minutes from the last explanation, not from the top of a clock interval', async () => {
    let clock = Date.parse('2026-11-22T09:59:00Z');
    const probot = loadCommands({ ledger: new MemoryLedger(10_000, () => clock) });
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'rocket');
    openPull(github);
    github.config(configFixture('opted-in.yml')).repository(FILES, [MANIFEST]);
    const first = replies(github, 7);
    await probot.receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure explain', author: { login: 'dave', type: 'User' } }) });
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(first[0]).toContain('### Why KubeCure proposes this');

    // 4 min 50 s later, in the next 10-minute clock interval.
    clock += 4 * 60_000 + 50_000;
    const again = new GitHubMock();
    for (const content of ['eyes', 'confused']) {
      again.scope.post(`${REPO_PATH}/issues/comments/4243/reactions`, { content }).reply(201, { id: 2, content });
    }
    openPull(again);
    const second = replies(again, 7);
    await probot.receive({ id: 'd2', name: 'issue_comment', payload: commentPayload({ body: '/kubecure explain', commentId: 4243, author: { login: 'erin', type: 'User' } }) });
    expect(again.scope.pendingMocks()).toEqual([]);
    expect(second[0]).toMatch(/^An explanation of this thread was posted in the last 10 minutes/);
  });
});

describe('/kubecure ignore and unignore', () => {
  it('closes the thread, labels it and records the manifest blob it was ignored at', async () => {
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'rocket');
    permission(github, 'write');
    const { bodies, take } = recorder();
    github.scope
      .get(`${REPO_PATH}/contents/${encodeURIComponent(MANIFEST)}`)
      .reply(200, { type: 'file', path: MANIFEST, sha: 'a1b2c3d4e5f6', content: '', encoding: 'base64' })
      .patch(`${REPO_PATH}/issues/9`, take('update'))
      .reply(200, {})
      .post(`${REPO_PATH}/issues/9/labels`, take('labels'))
      .reply(200, []);
    const said = replies(github, 9);

    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure ignore', kind: 'issue' }) });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(bodies.update.state).toBe('closed');
    expect(readIgnore(bodies.update.body)).toEqual({ manifestSha: 'a1b2c3d4e5f6', by: 'alice' });
    expect(decodeMarker(bodies.update.body)).not.toBeNull();
    expect(bodies.labels).toEqual({ labels: ['kubecure:ignored'] });
    expect(said[0]).toMatch(/^Ignored: KubeCure will not report this failure again until the workload's manifest changes \(recorded at blob a1b2c3d\)/);
  });

  it('lifts the ignore and reopens the closed thread on unignore', async () => {
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'rocket');
    permission(github, 'write');
    const { bodies, take } = recorder();
    github.scope
      .patch(`${REPO_PATH}/issues/9`, take('update'))
      .reply(200, {})
      .delete(`${REPO_PATH}/issues/9/labels/${encodeURIComponent('kubecure:ignored')}`)
      .reply(200, []);
    const said = replies(github, 9);
    const ignoredBody = `${threadBody('issue')}\n<!-- kubecure:ignored sha=a1b2c3d4e5f6 by=alice -->\n`;

    await loadCommands().receive({
      id: 'd1',
      name: 'issue_comment',
      payload: commentPayload({ body: '/kubecure unignore', kind: 'issue', state: 'closed', threadBody: ignoredBody }),
    });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(bodies.update.state).toBe('open');
    expect(readIgnore(bodies.update.body)).toBeNull();
    expect(decodeMarker(bodies.update.body)).not.toBeNull();
    expect(said).toEqual(['No longer ignored: KubeCure will report this failure again and reopened this thread.']);
  });

  it('refuses ignore to a user without write permission', async () => {
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'confused');
    permission(github, 'read', 'carol');
    const said = replies(github, 9);
    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure ignore', kind: 'issue', author: { login: 'carol', type: 'User' } }) });
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(said[0]).toMatch(/^Sorry @carol, `\/kubecure ignore` needs write/);
  });
});
