/**
 * Floods: one comment, one cluster or one slow client must not turn into unbounded work or
 * writes. Each test goes through the App's boundary (the webhook handler, the report job, the
 * HTTP server) with GitHub mocked by nock: only the writes each bound allows are answered.
 */
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remediate } from '../../src/remediate.js';
import { ReportProcessor } from '../../src/app/process-report.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { silentLogger } from '../../src/logger.js';
import { MAX_COMMANDS_PER_COMMENT } from '../../src/commands/parse.js';
import { stickyMarker, upsertStickyComment } from '../../src/github/sticky.js';
import { RedisIntakeLimiter } from '../../src/server/intake-rate.js';
import type { GitHub } from '../../src/github/octokit.js';
import { CHECKOUT_MANIFEST, GitHubMock, OWNER, REPO, oomReport, testProbot } from '../app/github-mock.js';
import { commentPayload, loadCommands, token } from '../commands/helpers.js';
import { REDIS_URL, deleteKeys, uniquePrefix } from '../queue/redis-helpers.js';
import { startIntakeServer } from './intake-server.js';

const REPO_PATH = `/repos/${OWNER}/${REPO}`;
const COMMENT = 3100000001;

beforeEach(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function reactions(github: GitHubMock, ...contents: string[]): void {
  for (const content of contents) {
    github.scope.post(`${REPO_PATH}/issues/comments/${COMMENT}/reactions`, (body) => body.content === content).reply(201, { id: 1, content });
  }
}

describe('commands in one comment', () => {
  it('answers 300 /kubecure help lines with one help reply and one note, not 300 replies', async () => {
    const github = new GitHubMock();
    token(github);
    reactions(github, 'eyes', 'rocket');
    const bodies: string[] = [];
    github.scope.post(`${REPO_PATH}/issues/7/comments`, (body) => (bodies.push(body.body), true)).times(2).reply(201, { id: 900 });

    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: Array(300).fill('/kubecure help').join('\n') }) });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toMatch(/^KubeCure understands these commands/);
    expect(bodies[1]).toBe(`299 more commands were not run: a comment runs each command once, and at most ${MAX_COMMANDS_PER_COMMENT} different commands.`);
  });

  for (const [shape, body] of [
    ['a 4-space indented code block', 'Do not run this:\n\n    /kubecure ignore\n'],
    ['a tab-indented code block', '\t/kubecure ignore'],
    ['a ~~~ fence', '~~~\n/kubecure ignore\n~~~'],
    ['a ```` fence that a shorter ``` line does not close', '````\n```\n/kubecure ignore\n````'],
    ['a block quote', '> /kubecure ignore'],
  ] as const) {
    it(`does not run a /kubecure ignore inside ${shape}`, async () => {
      // No request is mocked: a reaction, a permission check or a label would fail the test.
      const scope = nock('https://api.github.com');
      await loadCommands().receive({ id: 'd2', name: 'issue_comment', payload: commentPayload({ body }) });
      expect(scope.pendingMocks()).toEqual([]);
      expect(nock.pendingMocks()).toEqual([]);
    });
  }
});

describe('issues per hour', () => {
  it('opens at most maxIssuesPerHour issues for 20 reports of workloads the repository does not declare', async () => {
    const now = new Date('2026-11-22T00:10:00Z');
    const github = new GitHubMock();
    const files = { 'apps/checkout/deployment.yaml': CHECKOUT_MANIFEST };
    const opened: { number: number; body: string }[] = [];
    github.scope.get(`${REPO_PATH}/installation`).reply(200, { id: 42 }).persist();
    github.scope.post('/app/installations/42/access_tokens').reply(201, { token: 't', expires_at: '2099-01-01T00:00:00Z', permissions: {} }).persist();
    github.scope.get(`${REPO_PATH}/contents/.github%2Fkubecure.yml`).reply(200, 'clusters: [prod-eu]\n', { 'content-type': 'text/plain; charset=utf-8' }).persist();
    // GitHub's state is the count: the listing shows every issue opened so far.
    github.scope
      .get(`${REPO_PATH}/issues`)
      .query(true)
      .reply(() => [200, opened.map((issue) => ({ number: issue.number, state: 'open', title: 't', body: issue.body, created_at: now.toISOString(), html_url: `https://github.com/${OWNER}/${REPO}/issues/${issue.number}` }))])
      .persist();
    github.scope.get(REPO_PATH).reply(200, { default_branch: 'main' }).persist();
    github.scope.get(`${REPO_PATH}/branches/main`).reply(200, { name: 'main', commit: { sha: github.commitSha, commit: { tree: { sha: github.treeSha } } } }).persist();
    github.scope
      .get(`${REPO_PATH}/git/trees/${github.treeSha}`)
      .query(true)
      .reply(200, { sha: github.treeSha, truncated: false, tree: [{ path: 'apps/checkout/deployment.yaml', mode: '100644', type: 'blob', sha: github.blobShaOf('apps/checkout/deployment.yaml', CHECKOUT_MANIFEST), size: CHECKOUT_MANIFEST.length }] })
      .persist();
    github.scope
      .get(`${REPO_PATH}/git/blobs/${github.blobShaOf('apps/checkout/deployment.yaml', CHECKOUT_MANIFEST)}`)
      .reply(200, { content: Buffer.from(files['apps/checkout/deployment.yaml']).toString('base64'), encoding: 'base64' })
      .persist();
    github.scope
      .post(`${REPO_PATH}/issues`)
      .reply((_uri, body) => {
        const number = opened.length + 100;
        opened.push({ number, body: (body as { body: string }).body });
        return [201, { number, html_url: `https://github.com/${OWNER}/${REPO}/issues/${number}` }];
      })
      .persist();
    const probot = testProbot();
    const metrics = new AppMetrics();
    const processor = new ReportProcessor({
      auth: probot.auth.bind(probot),
      clusters: new ClusterRegistry({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars', defaultRepository: `${OWNER}/${REPO}` } }),
      metrics,
      logger: silentLogger,
      remediate,
      now: () => now,
    });

    const outcomes: string[] = [];
    for (let position = 1; position <= 20; position += 1) {
      const name = `ghost-${position}`;
      const report = oomReport({
        workload: { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'shop' },
        ownerChain: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-7d9f8c6b5`, namespace: 'shop' }],
        sourceHints: {},
      });
      const result = await processor.process({ report, deliveryId: `d-${position}` }, { id: `job-${position}`, attempt: 1 });
      outcomes.push(result.outcome === 'dropped' ? `dropped:${result.reason}` : result.outcome);
    }

    expect(opened).toHaveLength(5);
    expect(outcomes.filter((outcome) => outcome === 'issue')).toHaveLength(5);
    expect(outcomes.filter((outcome) => outcome === 'dropped:issue-limit')).toHaveLength(15);
    expect(await metrics.registry.getSingleMetricAsString('kubecure_jobs_total')).toContain('outcome="dropped:issue-limit"} 15');
  });
});

describe('the intake', () => {
  it('answers 429 with Retry-After once a cluster spends its burst, and keeps serving other clusters', async () => {
    const intake = await startIntakeServer({ KUBECURE_INTAKE_BURST: '2', KUBECURE_INTAKE_PER_MINUTE: '1' });
    try {
      const body = JSON.stringify(oomReport());
      expect((await intake.signed(body)).status).toBe(202);
      expect((await intake.signed(body)).status).toBe(202);
      const limited = await intake.signed(body);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await limited.json()) as { error: string }).error).toMatch(/faster than allowed/);
      const other = await intake.signed(JSON.stringify(oomReport({ cluster: 'staging' })), { cluster: 'staging', secret: 'staging-shared-secret-0123456' });
      expect(other.status).toBe(202);
      expect(await intake.metrics.registry.getSingleMetricAsString('kubecure_reports_rejected_total')).toContain('reason="rate-limited"} 1');
    } finally {
      await intake.stop();
    }
  });

  it('shares one bucket per cluster between replicas through Redis', async () => {
    const prefix = uniquePrefix('intake-rate');
    const replicas = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
    try {
      const [first, second] = replicas.map((redis) => new RedisIntakeLimiter(redis, { burst: 3, perMinute: 6 }, `${prefix}:`));
      const answers = [await first!.take('prod-eu'), await second!.take('prod-eu'), await first!.take('prod-eu'), await second!.take('prod-eu')];
      expect(answers.slice(0, 3)).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
      // Six per minute: the next token is about ten seconds away.
      expect(answers[3]).toMatchObject({ allowed: false });
      expect((answers[3] as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(9);
      expect((answers[3] as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(10);
      expect(await second!.take('staging')).toEqual({ allowed: true });
    } finally {
      for (const redis of replicas) redis.disconnect();
      await deleteKeys(prefix);
    }
  });

  it('cuts a client that trickles its body a byte at a time, and stays up', async () => {
    const intake = await startIntakeServer({ KUBECURE_REPORT_BODY_TIMEOUT_MS: '1000' });
    try {
      const socket = connect(intake.port, '127.0.0.1');
      const started = Date.now();
      const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
      socket.on('error', () => {});
      socket.write(`POST /kubecure/v1/reports HTTP/1.1\r\nHost: x\r\nx-kubecure-cluster: prod-eu\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n`);
      const trickle = setInterval(() => socket.writable && socket.write('{'), 300);
      const elapsed = await closed;
      clearInterval(trickle);

      expect(elapsed).toBeLessThan(5_000);
      expect(await intake.metrics.registry.getSingleMetricAsString('kubecure_reports_rejected_total')).toContain('reason="too-slow"} 1');
      expect((await fetch(`${intake.base}/kubecure/healthz`)).status).toBe(200);
    } finally {
      await intake.stop();
    }
  });
});

describe('sticky comments', () => {
  it('are not captured by a human comment that quotes the sticky marker', async () => {
    const github = new GitHubMock();
    token(github);
    const marker = stickyMarker('recurrence');
    let created: string | undefined;
    github.scope
      .get(`${REPO_PATH}/issues/7/comments`)
      .query(true)
      .reply(200, [{ id: 11, body: `I copied this from the bot:\n${marker}`, user: { login: 'mallory', type: 'User' } }])
      .post(`${REPO_PATH}/issues/7/comments`, (body) => ((created = body.body), true))
      .reply(201, { id: 12 });
    const octokit = (await testProbot().auth(42)) as unknown as GitHub;

    const result = await upsertStickyComment(octokit, { owner: OWNER, repo: REPO }, 7, 'recurrence', () => 'seen 2 times');

    // A new comment of KubeCure's own; the human's (id 11) was neither edited nor read for counts.
    expect(result).toEqual({ id: 12, created: true });
    expect(created).toBe(`seen 2 times\n\n${marker}`);
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});
