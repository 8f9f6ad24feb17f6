/**
 * The three-tier cascade of the microservices-demo shop — redis-cart OOMKilled; cartservice's
 * liveness failing while StackExchange.Redis cannot connect; frontend crash-looping on gRPC's dial
 * error to cartservice's ClusterIP — through the real report job, the correlator on the real Redis
 * and the stand-in GitHub. Every arrival order, with and without an App restart between reports,
 * must end in the same GitHub state. Jobs a verdict holds back are retried as the queue would,
 * on an injected clock.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { remediate } from '../../src/remediate.js';
import { ReportProcessor } from '../../src/app/process-report.js';
import { Correlator, RedisWindowStore } from '../../src/correlate/correlator.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { silentLogger } from '../../src/logger.js';
import { RetryLaterError } from '../../src/queue/types.js';
import { fingerprintOf } from '../../src/report/fingerprint.js';
import { createRecoveryHandler } from '../../src/verify/on-recovery.js';
import { MemoryMergedFixStore } from '../../src/verify/merged-fixes.js';
import type { FailureReport, RecoveryReport } from '../../src/report/schema.js';
import { FakeGitHub, type FakeThread } from '../support/e2e/fake-github.js';
import { fixtureRepo, optedInConfig } from '../support/e2e/world.js';
import { testProbot } from './github-mock.js';
import { CLUSTER, GRPC_DIAL_LINE, STACKEXCHANGE_REDIS_LINE, cartservice, frontend, redisCart, adserviceOom } from '../correlate/microservices-demo.js';

const REDIS_URL = process.env.KUBECURE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const START = Date.parse('2026-11-22T00:06:10Z');
const GRACE_MS = 60_000;
/** Reports of one incident arrive seconds apart. */
const ARRIVAL_GAP_MS = 5_000;

let redis: Redis;
const prefixes: string[] = [];

beforeAll(() => {
  redis = new Redis(REDIS_URL);
});

afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
});

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** One App process: its own report job and correlator, over the shared Redis. */
function appProcess(keyPrefix: string, clock: () => number) {
  const probot = testProbot();
  const correlator = new Correlator({ store: new RedisWindowStore(redis, { keyPrefix }), now: clock, graceMs: GRACE_MS });
  const processor = new ReportProcessor({
    auth: probot.auth.bind(probot),
    clusters: new ClusterRegistry({ [CLUSTER]: { secret: 'a-secret-of-sixteen-chars', defaultRepository: 'acme/gitops' } }),
    metrics: new AppMetrics(),
    logger: silentLogger,
    remediate,
    correlator,
    // Threads record when they were written; a fixed time keeps that out of the comparison.
    now: () => new Date('2026-11-22T00:10:00Z'),
  });
  return { probot, correlator, processor };
}

interface Incident {
  github: FakeGitHub;
  prefix: string;
  clock: { now: number };
  app: ReturnType<typeof appProcess>;
  outcomes: string[];
}

/**
 * Delivers the reports in order, `ARRIVAL_GAP_MS` apart, retrying held-back jobs when their delay
 * is due, as the queue does; `restart` starts a new App process (empty memory) before each report.
 */
async function runIncident(reports: FailureReport[], options: { restart: boolean; gapMs?: number; github?: FakeGitHub; prefix?: string; clock?: { now: number } }): Promise<Incident> {
  const github = options.github ?? new FakeGitHub({ files: fixtureRepo('microservices-demo'), config: optedInConfig() }).start();
  const prefix = options.prefix ?? `kubecure-test-cascade-${randomUUID().slice(0, 8)}:`;
  prefixes.push(prefix);
  const clock = options.clock ?? { now: START };
  let app = appProcess(prefix, () => clock.now);
  const queue: Array<{ report: FailureReport; dueAt: number; delivery: string }> = [];
  const outcomes: string[] = [];

  const runDue = async () => {
    for (;;) {
      queue.sort((a, b) => a.dueAt - b.dueAt);
      const next = queue[0];
      if (!next || next.dueAt > clock.now) return;
      queue.shift();
      try {
        const outcome = await app.processor.process({ report: next.report, deliveryId: next.delivery }, { id: next.delivery, attempt: 1 });
        outcomes.push(`${next.report.workload.name}:${outcome.outcome}`);
      } catch (error) {
        if (!(error instanceof RetryLaterError)) throw error;
        outcomes.push(`${next.report.workload.name}:wait`);
        queue.push({ ...next, dueAt: clock.now + error.delayMs });
      }
    }
  };

  for (const [index, report] of reports.entries()) {
    if (options.restart && index > 0) app = appProcess(prefix, () => clock.now);
    queue.push({ report, dueAt: clock.now, delivery: `d-${index}` });
    await runDue();
    clock.now += options.gapMs ?? ARRIVAL_GAP_MS;
  }
  while (queue.length > 0) {
    clock.now = Math.max(clock.now, Math.min(...queue.map((job) => job.dueAt)));
    await runDue();
  }
  return { github, prefix, clock, app, outcomes };
}

/** What a person sees on GitHub: each thread's kind, state, title, labels, body and comments. */
function githubState(github: FakeGitHub) {
  return [...github.threads.values()]
    .sort((a, b) => a.title.localeCompare(b.title))
    .map((thread: FakeThread) => ({
      kind: thread.kind,
      state: thread.state,
      title: thread.title,
      labels: [...thread.labels].sort(),
      body: thread.body,
      comments: thread.comments.map((comment) => comment.body),
    }));
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

const TIERS = { redis: () => redisCart({ withServices: false }), cart: () => cartservice({ withServices: false }), frontend: () => frontend({ withServices: false }) };
const ORDERS = permutations(Object.keys(TIERS) as Array<keyof typeof TIERS>);

describe('a three-tier cascade in any arrival order', () => {
  const states = new Map<string, ReturnType<typeof githubState>>();

  for (const restart of [false, true]) {
    for (const order of ORDERS) {
      it(`${order.join(' → ')}${restart ? ', the App restarting between reports' : ''}: one pull request, on redis-cart, with the Blast radius in its body`, async () => {
        const incident = await runIncident(order.map((tier) => TIERS[tier]()), { restart });
        incident.github.stop();
        expect(incident.github.unhandled).toEqual([]);

        const state = githubState(incident.github);
        expect(state).toHaveLength(1);
        const [pull] = state;
        expect(pull).toMatchObject({ kind: 'pull_request', state: 'open', comments: [] });
        expect(pull!.title).toContain('redis-cart');
        expect(pull!.body).toContain('### Blast radius');
        expect(pull!.body).toContain('2 other workloads are failing because `Deployment shop/redis-cart` is (OOMKilled).');
        expect(pull!.body).toContain('| `Deployment shop/cartservice` | ProbeFailure (Unhealthy) | Deployment shop/cartservice → Service shop/redis-cart → Deployment shop/redis-cart |');
        expect(pull!.body).toContain('| `Deployment shop/frontend` | CrashLoopBackOff (Error) | Deployment shop/frontend → Service shop/cartservice → Deployment shop/cartservice → Service shop/redis-cart → Deployment shop/redis-cart |');
        expect(pull!.body).toContain(STACKEXCHANGE_REDIS_LINE.slice(0, 80));
        expect(pull!.body).toContain('dial tcp 10.96.12.34:7070: connect: connection refused');
        expect(incident.outcomes.filter((outcome) => outcome.startsWith('redis-cart:'))).toEqual(['redis-cart:pull_request']);
        expect(incident.outcomes.filter((outcome) => !outcome.endsWith(':wait') && !outcome.startsWith('redis-cart:')).sort()).toEqual(['cartservice:dependent', 'frontend:dependent']);

        states.set(`${order.join(',')}|${restart}`, state);
      });
    }
  }

  it('ends in the same GitHub state in all 12 runs', () => {
    expect(states.size).toBe(12);
    const [first, ...rest] = [...states.values()];
    for (const state of rest) expect(state).toEqual(first);
  });
});

describe('dependents that had threads of their own, and their recovery', () => {
  const recovery = (report: FailureReport, readySince: string): RecoveryReport => ({
    apiVersion: 'kubecure.dev/v1',
    kind: 'RecoveryReport',
    cluster: CLUSTER,
    observedAt: readySince,
    workload: report.workload,
    fingerprints: [fingerprintOf(report)],
    pods: { ready: 1, total: 1 },
    readySince,
    restartsDuringSettle: 0,
    specChanged: true,
  });

  it('links them to the root once it reports, and closes each when the root is verified and it has recovered — before or after the root', async () => {
    // The root's report comes after the grace period: cartservice acts alone (frontend waits on it).
    const early = await runIncident([cartservice({ withServices: false }), frontend({ withServices: false })], { restart: false });
    const cartThread = [...early.github.threads.values()].find((thread) => thread.title.includes('cartservice'));
    expect(cartThread?.state).toBe('open');
    // After the grace period cartservice stands as the root of what fails because of it.
    expect(cartThread!.body).toContain('1 other workload is failing because `Deployment shop/cartservice` is (ProbeFailure (Unhealthy)).');
    expect(early.outcomes.filter((outcome) => !outcome.endsWith(':wait'))).toEqual([expect.stringMatching(/^cartservice:(pull_request|issue)$/), 'frontend:dependent']);
    early.clock.now += 10 * 60_000;
    // Then redis-cart's OOM, and the dependents are reported again (they still fail) — after a restart.
    const late = await runIncident([redisCart({ withServices: false }), cartservice({ withServices: false }), frontend({ withServices: false })], {
      restart: true,
      github: early.github,
      prefix: early.prefix,
      clock: early.clock,
    });
    const root = [...late.github.threads.values()].find((thread) => thread.title.includes('redis-cart'))!;
    expect(root.kind).toBe('pull_request');
    expect(root.body).toContain('| `Deployment shop/cartservice` |');
    expect(root.body).toContain('| `Deployment shop/frontend` |');
    // cartservice's own thread now points at the root.
    const link = cartThread!.comments.find((comment) => comment.body.includes('Root cause found elsewhere'));
    expect(link?.body).toContain(`Deployment shop/cartservice fails because Deployment shop/redis-cart does (see https://github.com/acme/gitops/pull/${root.number})`);
    expect(link?.body).toContain('UnableToConnect on redis-cart:6379/Interactive');

    // The root's fix is merged and awaits verification.
    late.github.merge(root.number);
    root.labels.push('kubecure:awaiting-verification');
    const fixes = new MemoryMergedFixStore();
    await fixes.remember(fingerprintOf(redisCart()), { owner: 'acme', repo: 'gitops', number: root.number, installationId: late.github.installationId });
    // A fresh process, as after a restart: only Redis remembers.
    const verify = () => createRecoveryHandler({ auth: testProbot().auth.bind(testProbot()), store: fixes, logger: silentLogger, correlator: appProcess(late.prefix, () => late.clock.now).correlator });

    // cartservice recovers before the root; frontend after it.
    expect(await verify()(recovery(cartservice(), '2030-01-01T01:00:00Z'))).toEqual([{ fingerprint: fingerprintOf(cartservice()), pull: null, result: 'unknown-fix' }]);
    expect(cartThread!.state).toBe('open');
    expect(await verify()(recovery(redisCart(), '2030-01-01T01:01:00Z'))).toEqual([{ fingerprint: fingerprintOf(redisCart()), pull: root.number, result: 'verified' }]);
    expect(cartThread!.state).toBe('closed');
    expect(cartThread!.comments.at(-1)?.body).toContain(`The fix of the root cause (#${root.number}) was verified`);
    const verified = () => root.comments.find((comment) => comment.body.includes('### ✅ Verified'))!.body;
    expect(verified()).toContain('Recovered with it: `Deployment/cartservice`.');
    expect(verified()).toContain('Not yet reported recovered: `Deployment/frontend`.');

    expect(await verify()(recovery(frontend(), '2030-01-01T01:05:00Z'))).toEqual([{ fingerprint: fingerprintOf(frontend()), pull: root.number, result: 'dependent-recovered' }]);
    // The same comment, edited: both recovered.
    expect(root.comments.filter((comment) => comment.body.includes('### ✅ Verified'))).toHaveLength(1);
    expect(verified()).toMatch(/Recovered with it: `Deployment\/(cartservice|frontend)`, `Deployment\/(cartservice|frontend)`\./);
    expect(verified()).not.toContain('Not yet reported recovered');
    expect([...late.github.threads.values()].filter((thread) => thread.state === 'open')).toEqual([]);
    late.github.stop();
    expect(late.github.unhandled).toEqual([]);
  });

  it('never lets an unrelated failure in the window capture a dependent or suppress its thread', async () => {
    const incident = await runIncident([adserviceOom(), frontend({ withServices: false })], { restart: false });
    incident.github.stop();
    // frontend waited for cartservice (its dial error names it through its config), then acted on its own.
    expect(incident.outcomes).toEqual(['adservice:issue', 'frontend:wait', expect.stringMatching(/^frontend:(pull_request|issue)$/)]);
    const titles = [...incident.github.threads.values()].map((thread) => thread.title);
    expect(titles.some((title) => title.includes('frontend'))).toBe(true);
    const adservice = [...incident.github.threads.values()].find((thread) => thread.title.includes('adservice'));
    expect(adservice?.body).not.toContain('### Blast radius');
  });
});
