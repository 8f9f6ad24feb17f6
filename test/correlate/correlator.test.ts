import { describe, expect, it } from 'vitest';
import { Correlator, MemoryWindowStore } from '../../src/correlate/correlator.js';
import { fingerprintOf } from '../../src/report/fingerprint.js';
import { renderBlastRadius } from '../../src/correlate/render.js';
import { at, fixture, syntheticReport } from './reports.js';

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-11-21T14:03:00Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const redis = () => fixture('three-tier/redis-oomkilled.json');
const api = () => fixture('three-tier/api-readiness.json');
const frontend = () => fixture('three-tier/frontend-crashloop.json');

describe('Correlator.observe', () => {
  it('acts once on the root of a three-tier chain, listing the two dependents, and names the root by the report fingerprint', async () => {
    const clock = manualClock();
    const correlator = new Correlator({ now: clock.now });

    expect(await correlator.observe(redis())).toEqual({ action: 'act', dependents: [], group: [] });
    const apiVerdict = await correlator.observe(api());
    const frontendVerdict = await correlator.observe(frontend());
    const rootVerdict = await correlator.observe(redis());

    expect(apiVerdict).toMatchObject({ action: 'dependent', rootFingerprint: fingerprintOf(redis()), root: { kind: 'StatefulSet', name: 'redis' } });
    expect(frontendVerdict).toMatchObject({ action: 'dependent', rootFingerprint: fingerprintOf(redis()) });
    if (frontendVerdict.action !== 'dependent') throw new Error('unreachable');
    expect(frontendVerdict.evidence).toHaveLength(2);
    expect(rootVerdict.action).toBe('act');
    if (rootVerdict.action !== 'act') throw new Error('unreachable');
    expect(rootVerdict.dependents.map((d) => d.report.workload.name).sort()).toEqual(['api', 'frontend']);
    const blastRadius = renderBlastRadius({ root: redis(), dependents: rootVerdict.dependents });
    expect(blastRadius).toContain('2 other workloads are failing because `StatefulSet cache/redis` is (OOMKilled).');
    expect(blastRadius).toContain('| `Deployment shop/api` | ProbeFailure (Unhealthy) |');
    expect(blastRadius).toContain('| `Deployment shop/frontend` | CrashLoopBackOff (Error) |');
  });

  it('holds dependents that arrive before the root for the grace period, then groups them under it', async () => {
    const clock = manualClock();
    const correlator = new Correlator({ now: clock.now, graceMs: 60_000 });

    const early = await correlator.observe(frontend());
    expect(early).toEqual({ action: 'wait', retryInMs: 60_000, reason: 'cannot reach Service shop/api; waiting for its own failure report' });
    clock.advance(10_000);
    const apiEarly = await correlator.observe(api());
    // The API is the frontend's root for now, but it is itself waiting for Redis: so is the frontend.
    expect(apiEarly).toMatchObject({ action: 'wait', retryInMs: 60_000 });
    clock.advance(15_000);
    // …until the API's own grace ends (it arrived 15 s ago), not its own.
    expect(await correlator.observe(frontend())).toMatchObject({ action: 'wait', retryInMs: 45_000 });

    clock.advance(5_000);
    const root = await correlator.observe(redis());
    expect(root.action).toBe('act');
    if (root.action !== 'act') throw new Error('unreachable');
    expect(root.dependents.map((d) => d.report.workload.name).sort()).toEqual(['api', 'frontend']);

    // The retries scheduled by the waits now find the root.
    expect(await correlator.observe(frontend())).toMatchObject({ action: 'dependent', root: { name: 'redis' } });
    expect(await correlator.observe(api())).toMatchObject({ action: 'dependent', root: { name: 'redis' } });
  });

  it('acts on a "cannot reach" report alone once the grace period has passed without its target reporting', async () => {
    const clock = manualClock();
    const correlator = new Correlator({ now: clock.now, graceMs: 30_000 });
    expect((await correlator.observe(api())).action).toBe('wait');
    clock.advance(30_000);
    expect(await correlator.observe(api())).toEqual({ action: 'act', dependents: [], group: [] });
  });

  it('does not wait for a report that cannot come: failures to reach hosts outside the cluster', async () => {
    const correlator = new Correlator();
    const report = syntheticReport({ name: 'checkout', category: 'CrashLoopBackOff', observedAt: '2026-11-21T14:00:00Z' });
    report.dependencies!.outbound.push({ host: 'api.stripe.com', port: 443, source: 'log', evidence: 'connect ETIMEDOUT api.stripe.com:443', failing: true });
    expect(await correlator.observe(report)).toEqual({ action: 'act', dependents: [], group: [] });
  });

  it('acts at once on a failure of its own making', async () => {
    const correlator = new Correlator();
    expect(await correlator.observe(fixture('independent/indexer-oomkilled.json'))).toEqual({ action: 'act', dependents: [], group: [] });
    expect(await correlator.observe(fixture('independent/worker-image-pull.json'))).toEqual({ action: 'act', dependents: [], group: [] });
  });

  it('lets a dependent with its own OOM keep its own diagnosis', async () => {
    const correlator = new Correlator();
    await correlator.observe(redis());
    expect(await correlator.observe(fixture('own-oom/api-oomkilled.json'))).toEqual({ action: 'act', dependents: [], group: [] });
  });

  it('forgets reports that slid out of the window', async () => {
    const clock = manualClock();
    const correlator = new Correlator({ now: clock.now, windowMs: 5 * 60_000, graceMs: 1_000 });
    await correlator.observe(redis());
    clock.advance(6 * 60_000);
    expect(await correlator.observe(api())).toMatchObject({ action: 'wait' });
  });

  it('stays bounded in a storm: one entry per failure, however many reports', async () => {
    const store = new MemoryWindowStore();
    const correlator = new Correlator({ store });
    const base = '2026-11-21T14:00:00Z';
    await correlator.observe(syntheticReport({ name: 'postgres', category: 'OOMKilled', observedAt: base }));
    for (let i = 0; i < 100; i++) {
      const report = syntheticReport({ name: `svc-${i % 19}`, category: 'CrashLoopBackOff', observedAt: at(base, i), cannotReach: ['postgres'] });
      expect((await correlator.observe(report)).action).toBe('dependent');
    }
    expect(await store.recent('prod-eu-1', 0)).toHaveLength(20);
  });

  it('uses the fingerprint function it is given', async () => {
    const correlator = new Correlator({ fingerprint: (report) => `fp-${report.workload.name}` });
    await correlator.observe(redis());
    expect(await correlator.observe(api())).toMatchObject({ action: 'dependent', rootFingerprint: 'fp-redis' });
  });
});

describe('Correlator.recoveredWithRoot', () => {
  it('tells which dependents recovered with the root and which still fail', async () => {
    const correlator = new Correlator({ fingerprint: (report) => `fp-${report.workload.name}` });
    await correlator.observe(redis());
    await correlator.observe(api());
    await correlator.observe(frontend());

    await correlator.noteRecovered(['fp-redis', 'fp-api']);
    const outcome = await correlator.recoveredWithRoot('fp-redis');
    expect(outcome.recovered.map((member) => member.workload.name)).toEqual(['api']);
    expect(outcome.stillFailing.map((member) => member.workload.name)).toEqual(['frontend']);
    expect(outcome.recovered[0]!.evidence[0]).toContain('cannot reach Service cache/redis');
  });

  it('knows no dependents of a root it never grouped', async () => {
    const correlator = new Correlator();
    await correlator.noteRecovered(['a']);
    expect(await correlator.recoveredWithRoot('unknown')).toEqual({ recovered: [], stillFailing: [] });
  });

  it('remembers the group after the reports left the window, until the group expires', async () => {
    const clock = manualClock();
    const correlator = new Correlator({ now: clock.now, fingerprint: (r) => r.workload.name, groupTtlMs: 60 * 60_000 });
    await correlator.observe(redis());
    await correlator.observe(api());
    clock.advance(30 * 60_000);
    await correlator.noteRecovered(['api']);
    expect((await correlator.recoveredWithRoot('redis')).recovered).toHaveLength(1);
    clock.advance(31 * 60_000);
    expect((await correlator.recoveredWithRoot('redis')).recovered).toEqual([]);
  });
});
