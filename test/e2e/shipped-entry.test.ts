/**
 * The entry point as shipped: `src/index.ts` loaded by Probot's server with its configuration in
 * the environment, as `probot run` does. The other end-to-end files compose the App from the same
 * parts to tune the queue's timings; this one proves the shipped wiring itself carries a failure
 * from the agent to a pull request, a merge to verification, and a comment to a command.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import nock from 'nock';
import { pino } from 'pino';
import { Probot, ProbotOctokit, Server } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kubecure from '../../src/index.js';
import { createAgent, type Agent } from '../../agent/agent.js';
import { createJsonLogger } from '../../agent/log.js';
import { APP_ID, appPrivateKey, REDIS_URL, WEBHOOK_SECRET } from '../support/e2e/app.js';
import { addWorkload, CANARY, oomKill, rollOut, type Workload } from '../support/e2e/cluster.js';
import { FakeGitHub } from '../support/e2e/fake-github.js';
import { LogCapture } from '../support/e2e/logs.js';
import { issueCommentCreated, pullRequestClosed } from '../support/e2e/webhooks.js';
import { agentConfig, CLUSTER, CLUSTER_SECRET, deleteKeys, fixtureRepo, optedInConfig, waitUntil } from '../support/e2e/world.js';
import { FakeKubeApi } from '../support/fake-kube-api.js';

const prefix = `kubecure-e2e-entry-${randomUUID().slice(0, 8)}`;
const logs = new LogCapture();
const savedEnv = { ...process.env };
let github: FakeGitHub;
let kube: FakeKubeApi;
let server: Server;
let agent: Agent;
let url = '';
let checkout: Workload;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function deliverWebhook(name: string, payload: object): Promise<number> {
  const body = JSON.stringify(payload);
  const response = await fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': name,
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`,
    },
  });
  return response.status;
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1'));
  github = new FakeGitHub({ files: fixtureRepo('plain-multi-service'), config: optedInConfig(), permissions: { alice: 'write' } }).start();
  kube = new FakeKubeApi();
  await kube.start();
  checkout = addWorkload(kube, { namespace: 'shop', name: 'checkout', container: 'checkout', image: 'ghcr.io/acme-shop/checkout:1.8.2', memoryLimit: '256Mi' });

  Object.assign(process.env, {
    KUBECURE_CLUSTERS: JSON.stringify({ [CLUSTER]: { secret: CLUSTER_SECRET, defaultRepository: github.fullName } }),
    REDIS_URL,
    KUBECURE_QUEUE_PREFIX: prefix,
    KUBECURE_LLM_PROVIDER: 'none',
    KUBECURE_WRITE_INTERVAL_MS: '20',
  });
  const log = pino({ level: 'debug' }, new Writable({ write: (chunk, _encoding, done) => (logs.push('app', String(chunk)), done()) }));
  const port = await freePort();
  server = new Server({
    Probot: Probot.defaults({
      appId: APP_ID,
      privateKey: appPrivateKey(),
      secret: WEBHOOK_SECRET,
      log,
      Octokit: ProbotOctokit.defaults((options: object) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } })),
    }),
    port,
    host: '127.0.0.1',
    log,
  });
  await server.load(kubecure);
  await server.start();
  url = `http://127.0.0.1:${port}`;

  agent = createAgent(agentConfig(kube, url), { logger: createJsonLogger('debug', logs.writer('agent')), backoffInitialMs: 50, recoveryCheckMs: 50 });
  agent.start();
  await waitUntil(() => agent.isReady(), 'the agent to list the cluster');
}, 30_000);

afterAll(async () => {
  await agent?.stop();
  // The entry point closes its queue on SIGTERM (and exits); here the server stops and the
  // worker idles on a prefix that is deleted.
  await server?.stop();
  await kube?.stop();
  github?.stop();
  await deleteKeys(prefix);
  process.env = savedEnv;
  nock.enableNetConnect();
});

describe('src/index.ts under Probot, with the real agent', () => {
  it('turns an OOMKilled pod into a pull request, verifies the merged fix, and answers commands', async () => {
    oomKill(kube, checkout, { usageMemory: '251Mi' });
    const pull = await waitUntil(() => github.pullRequests().find((candidate) => candidate.labels.includes('kubecure')), 'the pull request');
    expect(pull.head).toMatch(/^kubecure\/shop\/checkout-oomkilled-[0-9a-f]{8}$/);
    expect(github.filesAt(pull.head!).get('apps/checkout/deployment.yaml')).toContain('memory: 384Mi');

    const comment = github.addUserComment(pull.number, 'alice', '/kubecure help');
    expect(await deliverWebhook('issue_comment', issueCommentCreated(github, pull.number, comment))).toBe(200);
    await waitUntil(() => github.reactions.some((reaction) => reaction.commentId === comment.id && reaction.content === 'rocket'), 'the command to be answered');
    expect(pull.comments.at(-1)!.body).toContain('/kubecure retry');

    github.merge(pull.number);
    expect(await deliverWebhook('pull_request', pullRequestClosed(github, pull.number))).toBe(200);
    await waitUntil(() => pull.labels.includes('kubecure:awaiting-verification'), 'the merged fix to await verification');
    rollOut(kube, checkout, '5c4b3a291');
    await waitUntil(() => pull.labels.includes('kubecure:verified'), 'the fix to be verified', 15_000);

    expect(github.unhandled).toEqual([]);
    expect([...logs.lines.map((entry) => entry.line), ...github.writtenTexts()].filter((text) => text.includes(CANARY))).toEqual([]);
  }, 30_000);
});
