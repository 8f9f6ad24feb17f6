import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Probot, Server } from 'probot';
import kubecure from '../../src/index.js';
import { CLOSED_MESSAGE, onPullRequestClosed } from '../../src/app/on-pull-request-closed.js';
import { API, OWNER, REPO, testPrivateKey, testProbot } from './github-mock.js';

const closedEvent = () => JSON.parse(readFileSync(new URL('../fixtures/events/pull_request.closed.json', import.meta.url), 'utf8'));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('src/index.ts', () => {
  it('serves the intake, health and metrics routes under probot run', async () => {
    nock.enableNetConnect('127.0.0.1');
    const saved = { ...process.env };
    process.env.KUBECURE_CLUSTERS = JSON.stringify({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars' } });
    delete process.env.REDIS_URL;
    const port = await freePort();
    const server = new Server({ Probot: Probot.defaults({ appId: 1, privateKey: testPrivateKey(), logLevel: 'fatal' }), port, host: '127.0.0.1' });
    try {
      await server.load(kubecure);
      await server.start();
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/kubecure/healthz`)).status).toBe(200);
      expect(await (await fetch(`${base}/kubecure/readyz`)).json()).toEqual({ ok: true, queue: 'in-process' });
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('kubecure_reports_rejected_total');
      const unsigned = await fetch(`${base}/kubecure/v1/reports`, { method: 'POST', body: '{}', headers: { 'x-kubecure-cluster': 'prod-eu' } });
      expect(unsigned.status).toBe(401);
    } finally {
      await server.stop();
      process.env = saved;
    }
  });
});

describe('a KubeCure pull request closed without merging', () => {
  it('gets one comment saying the fix will not be proposed again until the manifest changes', async () => {
    const probot = testProbot();
    await probot.load((app) => app.on('pull_request.closed', onPullRequestClosed));
    let comment: any;
    const scope = nock(API)
      .post('/app/installations/42/access_tokens').reply(201, { token: 't', permissions: {} })
      .get(`/repos/${OWNER}/${REPO}/issues/7/comments`).query(true).reply(200, [])
      .post(`/repos/${OWNER}/${REPO}/issues/7/comments`, (body) => ((comment = body), true)).reply(201, { id: 1 });

    await probot.receive({ id: '1', name: 'pull_request', payload: closedEvent() });

    expect(comment.body).toContain(CLOSED_MESSAGE);
    expect(comment.body).toContain('<!-- kubecure:sticky closed-unmerged -->');
    expect(scope.pendingMocks()).toEqual([]);
  });

  it('stays quiet for merged pull requests, branches that are not KubeCure\'s and look-alikes from forks', async () => {
    const probot = testProbot();
    await probot.load((app) => app.on('pull_request.closed', onPullRequestClosed));
    const merged = closedEvent();
    merged.pull_request.merged = true;
    const human = closedEvent();
    human.pull_request.head.ref = 'feature/faster-checkout';
    const fork = closedEvent();
    fork.pull_request.head.repo = { ...fork.pull_request.head.repo, full_name: 'mallory/gitops' };

    // No request is mocked and the network is off: any call to GitHub would make receive reject.
    await expect(probot.receive({ id: '2', name: 'pull_request', payload: merged })).resolves.toBeUndefined();
    await expect(probot.receive({ id: '3', name: 'pull_request', payload: human })).resolves.toBeUndefined();
    await expect(probot.receive({ id: '4', name: 'pull_request', payload: fork })).resolves.toBeUndefined();
    expect(nock.pendingMocks()).toEqual([]);
  });
});
