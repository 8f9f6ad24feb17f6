/**
 * The per-installation write budget on real Redis: shared by replicas (two processors, two
 * connections, one prefix), rebuilt after its keys expire, paused everywhere by one secondary
 * rate limit, and yielding refreshes to new failures when writes are scarce.
 */
import nock from 'nock';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remediate } from '../../src/remediate.js';
import { ReportProcessor } from '../../src/app/process-report.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { silentLogger } from '../../src/logger.js';
import { RetryLaterError } from '../../src/queue/types.js';
import { RedisWriteBudget, type WriteBudgetOptions } from '../../src/github/write-budget.js';
import { CHECKOUT_MANIFEST, GitHubMock, OWNER, REPO, configFixture, oomReport, testProbot } from '../app/github-mock.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../queue/redis-helpers.js';

const NOW = new Date('2026-11-22T00:10:00Z');
const FILES = { 'apps/checkout/deployment.yaml': CHECKOUT_MANIFEST };
const MANIFEST = 'apps/checkout/deployment.yaml';
const prefix = uniquePrefix('write-budget');
const connections: Redis[] = [];

/** One replica's view of the budget: its own Redis connection, the shared prefix. */
function replicaBudget(options: WriteBudgetOptions = {}): RedisWriteBudget {
  const redis = new Redis(REDIS_URL);
  connections.push(redis);
  return new RedisWriteBudget(redis, prefix, options);
}

function replica(budget: RedisWriteBudget, metrics = new AppMetrics()): ReportProcessor {
  const probot = testProbot();
  return new ReportProcessor({
    auth: probot.auth.bind(probot),
    clusters: new ClusterRegistry({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars', defaultRepository: `${OWNER}/${REPO}` } }),
    metrics,
    logger: silentLogger,
    remediate,
    writeBudget: budget,
    now: () => NOW,
  });
}

/** The reads of one report job up to its first write. */
function readsOfOneJob(): GitHubMock {
  return new GitHubMock().installation().config(configFixture('opted-in.yml')).threads([]).repository(FILES, [MANIFEST]);
}

function pullRequestWrites(github: GitHubMock, number: number): void {
  github.scope
    .post(`/repos/${OWNER}/${REPO}/git/trees`).reply(201, { sha: 'newtree' })
    .post(`/repos/${OWNER}/${REPO}/git/commits`).reply(201, { sha: 'newcommit' })
    .post(`/repos/${OWNER}/${REPO}/git/refs`).reply(201, {})
    .post(`/repos/${OWNER}/${REPO}/pulls`).reply(201, { number, html_url: `https://github.com/${OWNER}/${REPO}/pull/${number}` })
    .post(`/repos/${OWNER}/${REPO}/issues/${number}/labels`).reply(200, [])
    .post(`/repos/${OWNER}/${REPO}/pulls/${number}/requested_reviewers`).reply(201, {});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(() => nock.disableNetConnect());
afterEach(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await deleteKeys(prefix);
});
afterAll(() => {
  for (const redis of connections) redis.disconnect();
});

describe('the write budget in Redis', () => {
  it('spaces one installation\'s writes across replicas and keeps installations apart', async () => {
    // One clock for both replicas, so the spacing is exact whatever the machine's load.
    const now = () => 1_800_000_000_000;
    const [a, b] = [replicaBudget({ intervalMs: 1_000, now }), replicaBudget({ intervalMs: 1_000, now })];
    const first = await a.reserve('1', 'new-failure');
    const second = await b.reserve('1', 'new-failure');
    const otherInstallation = await b.reserve('2', 'new-failure');
    expect(first).toEqual({ waitMs: 0, reserved: true });
    expect(second).toEqual({ waitMs: 1_000, reserved: true });
    expect(otherInstallation).toEqual({ waitMs: 0, reserved: true });
    expect((await a.backlog('1')).writes).toBe(2);
  });

  it('rebuilds itself after its keys expire while idle: the next write goes at once', async () => {
    const budget = replicaBudget({ intervalMs: 100, idleTtlMs: 50 });
    await budget.reserve('7', 'new-failure');
    await budget.reserve('7', 'new-failure');
    await sleep(400);
    const redis = connections.at(-1)!;
    expect(await redis.exists(`${prefix}:writes:7:next`, `${prefix}:writes:7:paused`)).toBe(0);
    expect(await budget.reserve('7', 'new-failure')).toEqual({ waitMs: 0, reserved: true });
  });

  it('keeps the later pause when two rate limits arrive', async () => {
    const budget = replicaBudget();
    await budget.pause('3', 30_000);
    await budget.pause('3', 1_000);
    expect((await budget.backlog('3')).pausedSeconds).toBeGreaterThan(29);
  });

  it('lets refreshes yield to new failures when the backlog is deep', async () => {
    const now = () => 1_800_000_000_000;
    const budget = replicaBudget({ intervalMs: 1_000, now });
    for (let write = 0; write < 6; write += 1) await budget.reserve('4', 'new-failure');
    const refresh = await budget.reserve('4', 'refresh');
    expect(refresh).toEqual({ waitMs: 6_000, reserved: false });
    expect((await budget.reserve('4', 'new-failure')).reserved).toBe(true);
  });
});

describe('replicas sharing the budget', () => {
  it('a 403 with Retry-After on one replica pauses the installation\'s writes on another', async () => {
    const metrics = new AppMetrics();
    const [first, second] = [replica(replicaBudget({ intervalMs: 10 }), metrics), replica(replicaBudget({ intervalMs: 10 }))];

    const limited = readsOfOneJob();
    limited.scope
      .post(`/repos/${OWNER}/${REPO}/git/trees`)
      .reply(403, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '30' });
    const rejected = await first.process({ report: oomReport(), deliveryId: 'd-1' }, { id: 'j-1', attempt: 1 }).catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(RetryLaterError);
    expect((rejected as RetryLaterError).delayMs).toBe(30_000);
    expect(limited.scope.pendingMocks()).toEqual([]);

    // The other replica reads as usual but makes no write: nock would refuse an unexpected POST.
    const paused = readsOfOneJob();
    const deferred = await second.process({ report: oomReport({ cluster: 'prod-eu', observedAt: '2026-11-22T00:07:00Z' }), deliveryId: 'd-2' }, { id: 'j-2', attempt: 1 }).catch((error: unknown) => error);
    expect(deferred).toBeInstanceOf(RetryLaterError);
    expect((deferred as RetryLaterError).delayMs).toBeGreaterThan(28_000);
    expect(paused.scope.pendingMocks()).toEqual([]);
    expect(await metrics.registry.getSingleMetricAsString('kubecure_github_write_pauses_total')).toContain('installation="42"} 1');
  });

  it('idle past the budget keys\' lifetime, the next report still opens its pull request', async () => {
    const metrics = new AppMetrics();
    const budget = replicaBudget({ intervalMs: 20, idleTtlMs: 50 });
    const before = readsOfOneJob();
    pullRequestWrites(before, 7);
    expect(await replica(budget, metrics).process({ report: oomReport(), deliveryId: 'd-1' }, { id: 'j-1', attempt: 1 })).toMatchObject({ outcome: 'pull_request', number: 7 });
    expect(before.scope.pendingMocks()).toEqual([]);

    await sleep(300);
    expect(await connections.at(-1)!.exists(`${prefix}:writes:42:next`)).toBe(0);
    // A replica started meanwhile (no cached installation or branch) on the same budget.
    const after = readsOfOneJob();
    pullRequestWrites(after, 8);
    const report = oomReport({ workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout', namespace: 'shop' }, cluster: 'prod-eu', observedAt: '2026-11-22T00:09:00Z' });
    expect(await replica(budget, metrics).process({ report, deliveryId: 'd-2' }, { id: 'j-2', attempt: 1 })).toMatchObject({ outcome: 'pull_request', number: 8 });
    expect(after.scope.pendingMocks()).toEqual([]);
    expect(await metrics.registry.getSingleMetricAsString('kubecure_github_writes_total')).toContain('installation="42"} 12');
  });
});
