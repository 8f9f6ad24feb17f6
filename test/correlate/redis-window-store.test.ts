import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Correlator, RedisWindowStore } from '../../src/correlate/correlator.js';
import { fixture, syntheticReport } from './reports.js';

const prefix = `kubecure-test:correlate:${randomUUID()}:`;
let redis: Redis;

beforeAll(() => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false, maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const report = (name: string) => syntheticReport({ name, category: 'OOMKilled', observedAt: '2026-11-21T14:00:00Z' });

describe('RedisWindowStore', () => {
  it('returns what was put within the window, keeping the first arrival of a repeated failure', async () => {
    const store = new RedisWindowStore(redis, { keyPrefix: `${prefix}a:` });
    await store.put('prod', { fingerprint: 'fp-redis', report: report('redis') }, 1_000, 60_000);
    await store.put('prod', { fingerprint: 'fp-redis', report: report('redis') }, 5_000, 60_000);
    await store.put('prod', { fingerprint: 'fp-api', report: report('api') }, 6_000, 60_000);

    const entries = await store.recent('prod', 0);
    expect(entries.map((e) => [e.fingerprint, e.firstArrivedAt, e.report.workload.name]).sort()).toEqual([
      ['fp-api', 6_000, 'api'],
      ['fp-redis', 1_000, 'redis'],
    ]);
    expect(await store.recent('other-cluster', 0)).toEqual([]);
  });

  it('drops entries that slid out of the window from every key, and lets the keys expire', async () => {
    const keyPrefix = `${prefix}b:`;
    const store = new RedisWindowStore(redis, { keyPrefix });
    await store.put('prod', { fingerprint: 'old', report: report('old') }, 1_000, 60_000);
    await store.put('prod', { fingerprint: 'new', report: report('new') }, 100_000, 60_000);

    expect((await store.recent('prod', 40_000)).map((e) => e.fingerprint)).toEqual(['new']);
    expect(await redis.hkeys(`${keyPrefix}{prod}:reports`)).toEqual(['new']);
    expect(await redis.hkeys(`${keyPrefix}{prod}:first`)).toEqual(['new']);
    const ttl = await redis.pttl(`${keyPrefix}{prod}:window`);
    expect(ttl).toBeGreaterThan(60_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });

  it('skips entries it cannot read instead of failing the whole window', async () => {
    const keyPrefix = `${prefix}c:`;
    const store = new RedisWindowStore(redis, { keyPrefix });
    await store.put('prod', { fingerprint: 'good', report: report('good') }, 1_000, 60_000);
    await redis.zadd(`${keyPrefix}{prod}:window`, 1_000, 'broken');
    await redis.hset(`${keyPrefix}{prod}:reports`, 'broken', '{"kind":"FailureReport"');
    expect((await store.recent('prod', 0)).map((e) => e.fingerprint)).toEqual(['good']);
  });

  it('accumulates group members across calls and expires them', async () => {
    const store = new RedisWindowStore(redis, { keyPrefix: `${prefix}d:` });
    const member = (name: string) => ({ fingerprint: `fp-${name}`, workload: report(name).workload, evidence: [`${name} cannot reach redis`] });
    await store.rememberDependents('fp-root', [member('api')], 60_000);
    await store.rememberDependents('fp-root', [member('frontend'), member('api')], 60_000);
    const members = await store.dependentsOf('fp-root');
    expect(members.map((m) => m.workload.name).sort()).toEqual(['api', 'frontend']);
    expect(await redis.pttl(`${prefix}d:group:fp-root`)).toBeGreaterThan(0);
  });

  it('lets two App replicas share one window: a dependent seen by one finds the root seen by the other', async () => {
    const keyPrefix = `${prefix}e:`;
    const replicaA = new Correlator({ store: new RedisWindowStore(redis, { keyPrefix }), fingerprint: (r) => r.workload.name });
    const replicaB = new Correlator({ store: new RedisWindowStore(redis, { keyPrefix }), fingerprint: (r) => r.workload.name });

    expect((await replicaA.observe(fixture('three-tier/redis-oomkilled.json'))).action).toBe('act');
    expect(await replicaB.observe(fixture('three-tier/api-readiness.json'))).toMatchObject({ action: 'dependent', rootFingerprint: 'redis' });
    expect(await replicaA.observe(fixture('three-tier/frontend-crashloop.json'))).toMatchObject({ action: 'dependent', rootFingerprint: 'redis' });

    // A recovery seen by one replica is known to the other: verification state is not per process.
    await replicaA.noteRecovered(['redis', 'frontend']);
    const recovery = await replicaB.recoveredWithRoot('redis');
    expect(recovery.recovered.map((m) => m.workload.name)).toEqual(['frontend']);
    expect(recovery.stillFailing.map((m) => m.workload.name)).toEqual(['api']);
  });

  it('stores slim reports: no logs, spec or events in Redis', async () => {
    const keyPrefix = `${prefix}f:`;
    const correlator = new Correlator({ store: new RedisWindowStore(redis, { keyPrefix }) });
    await correlator.observe(fixture('three-tier/frontend-crashloop.json'));
    const [stored] = Object.values(await redis.hgetall(`${keyPrefix}{prod-eu-1}:reports`));
    const parsed = JSON.parse(stored!);
    expect(parsed.logs).toEqual({ truncated: false });
    expect(parsed.pod.spec).toEqual({});
    expect(parsed.events).toEqual([]);
    expect(parsed.dependencies.outbound).toHaveLength(2);
  });
});
