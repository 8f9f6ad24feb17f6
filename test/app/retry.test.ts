import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remediate } from '../../src/remediate.js';
import { ReportProcessor } from '../../src/app/process-report.js';
import { createJobHandler } from '../../src/app/jobs.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { InProcessJobQueue } from '../../src/queue/in-process.js';
import { silentLogger } from '../../src/logger.js';
import { CHECKOUT_MANIFEST, GitHubMock, OWNER, REPO, configFixture, oomReport, testProbot } from './github-mock.js';

const FILES = { 'apps/checkout/deployment.yaml': CHECKOUT_MANIFEST };
const MANIFEST = 'apps/checkout/deployment.yaml';

function pipeline() {
  const probot = testProbot();
  const metrics = new AppMetrics();
  const processor = new ReportProcessor({
    auth: probot.auth.bind(probot),
    clusters: new ClusterRegistry({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars', repositories: [`${OWNER}/${REPO}`] } }),
    metrics,
    logger: silentLogger,
    remediate,
  });
  const queue = new InProcessJobQueue({ retry: { attempts: 3, backoffMs: 10 } });
  return { queue, metrics, handler: createJobHandler(processor, silentLogger) };
}

function mockWrites(github: GitHubMock, number: number): { pull?: any } {
  const seen: { pull?: any } = {};
  github.scope
    .post(`/repos/${OWNER}/${REPO}/git/trees`).reply(201, { sha: 't' })
    .post(`/repos/${OWNER}/${REPO}/git/commits`).reply(201, { sha: 'c' })
    .post(`/repos/${OWNER}/${REPO}/git/refs`).reply(201, {})
    .post(`/repos/${OWNER}/${REPO}/pulls`, (body) => ((seen.pull = body), true)).reply(201, { number, html_url: 'u' })
    .post(`/repos/${OWNER}/${REPO}/issues/${number}/labels`).reply(200, []);
  return seen;
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('jobs are never lost to GitHub hiccups', () => {
  it('retries after a GitHub 5xx and opens the pull request on the next attempt', async () => {
    const { queue, metrics, handler } = pipeline();
    const github = new GitHubMock().installation();
    github.scope.get(`/repos/${OWNER}/${REPO}/contents/.github%2Fkubecure.yml`).reply(503, { message: 'Service Unavailable' });
    // Second attempt: the installation and its token are remembered, everything else is asked again.
    github.config('clusters: [prod-eu]\n').threads([]).repository(FILES, [MANIFEST]);
    const seen = mockWrites(github, 21);

    await queue.start(handler);
    await queue.enqueue({ type: 'failure', report: oomReport(), deliveryId: 'd1', receivedAt: '2026-11-22T00:06:00Z' }, { dedupKey: 'k' });
    await queue.idle();

    expect(seen.pull?.title).toBe('Raise memory limit of checkout to 512Mi after OOMKilled');
    expect(github.scope.pendingMocks()).toEqual([]);
    const jobs = await metrics.registry.getSingleMetricAsString('kubecure_jobs_total');
    expect(jobs).toContain('outcome="error"} 1');
    expect(jobs).toContain('outcome="pull_request"} 1');
    await queue.close();
  });

  it('hands a secondary rate limit back to the queue and succeeds once the wait is over', async () => {
    const { queue, metrics, handler } = pipeline();
    const github = new GitHubMock().installation().config(configFixture('opted-in.yml'));
    github.scope
      .get(`/repos/${OWNER}/${REPO}/issues`)
      .query(true)
      .reply(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '0' });
    github.config(configFixture('opted-in.yml')).threads([]).repository(FILES, [MANIFEST]);
    mockWrites(github, 22);
    github.scope.post(`/repos/${OWNER}/${REPO}/pulls/22/requested_reviewers`).reply(201, {});

    await queue.start(handler);
    await queue.enqueue({ type: 'failure', report: oomReport(), deliveryId: 'd1', receivedAt: '2026-11-22T00:06:00Z' }, { dedupKey: 'k' });
    await queue.idle();

    expect(github.scope.pendingMocks()).toEqual([]);
    const jobs = await metrics.registry.getSingleMetricAsString('kubecure_jobs_total');
    expect(jobs).toContain('outcome="rate_limited"} 1');
    expect(jobs).toContain('outcome="pull_request"} 1');
    await queue.close();
  });
});
