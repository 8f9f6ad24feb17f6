import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import kubecure from '../../src/index.js';
import { API, OWNER, REPO, testProbot } from '../app/github-mock.js';
import { commentPayload, eventFixture, threadBody } from './helpers.js';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

it('src/index.ts routes comments to the commands and merged pull requests to verification', async () => {
  const saved = { ...process.env };
  process.env.KUBECURE_CLUSTERS = JSON.stringify({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars' } });
  delete process.env.REDIS_URL;
  delete process.env.GEMINI_API_KEY;
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  const probot = testProbot();
  const routes: unknown[] = [];
  const comments: string[] = [];
  const labels: unknown[] = [];
  const scope = nock(API)
    .post('/app/installations/42/access_tokens')
    .reply(201, { token: 't', expires_at: '2099-01-01T00:00:00Z', permissions: {} })
    .post(`/repos/${OWNER}/${REPO}/issues/comments/3100000001/reactions`)
    .times(2)
    .reply(201, {})
    .post(`/repos/${OWNER}/${REPO}/issues/7/comments`, (body) => (comments.push(body.body), true))
    .times(2)
    .reply(201, { id: 1 })
    .post(`/repos/${OWNER}/${REPO}/issues/7/labels`, (body) => (labels.push(body), true))
    .reply(200, [])
    .get(`/repos/${OWNER}/${REPO}/issues/7/comments`)
    .query(true)
    .reply(200, []);
  try {
    await probot.load(kubecure, { cwd: process.cwd(), addHandler: (handler) => routes.push(handler) });
    expect(routes.length).toBeGreaterThan(0);
    await probot.receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure help' }) });
    const merged = eventFixture('pull_request.closed.merged');
    merged.pull_request.body = threadBody('pull_request');
    await probot.receive({ id: 'd2', name: 'pull_request', payload: merged });

    expect(scope.pendingMocks()).toEqual([]);
    expect(comments[0]).toMatch(/^KubeCure understands these commands/);
    expect(labels).toEqual([{ labels: ['kubecure:awaiting-verification'] }]);
    expect(comments[1]).toContain('### ⏳ Waiting for verification');
  } finally {
    process.env = saved;
  }
});
