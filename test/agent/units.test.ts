import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../agent/collect/limiter.js';
import { TtlCache } from '../../agent/collect/ttl-cache.js';
import { argoApplicationOf } from '../../agent/collect/gitops-source.js';
import { Debouncer } from '../../agent/detect/debouncer.js';
import { Backoff } from '../../agent/watch/backoff.js';
import { RecentPodEvents, warningEventSink } from '../../agent/watch/warning-events.js';
import type { EventLike } from '../../src/report/kube-types.js';
import { warningEvent } from '../support/fake-kube/objects.js';

describe('Debouncer', () => {
  it('reports the first sighting at once and counts distinct later sightings into the next window', () => {
    let now = 0;
    const debouncer = new Debouncer(1000, () => now);
    expect(debouncer.observe('fp', 'pod-a/1')).toEqual({ report: true, occurrences: 1, firstSeen: 0 });
    expect(debouncer.observe('fp', 'pod-b/1')).toEqual({ report: false });
    expect(debouncer.observe('fp', 'pod-b/1')).toEqual({ report: false });
    expect(debouncer.observe('other', 'pod-c/1')).toMatchObject({ report: true });
    now = 1500;
    expect(debouncer.observe('fp', 'pod-c/2')).toEqual({ report: true, occurrences: 2, firstSeen: 0 });
  });

  it('stays quiet after the window when nothing new was seen, and reports a relapse at once after forget', () => {
    let now = 0;
    const debouncer = new Debouncer(1000, () => now);
    debouncer.observe('fp', 'pod-a/1');
    now = 5000;
    expect(debouncer.observe('fp', 'pod-a/1')).toEqual({ report: false });
    debouncer.forget('fp');
    expect(debouncer.observe('fp', 'pod-a/1')).toMatchObject({ report: true, occurrences: 1 });
  });

  it('prunes fingerprints not reported for two windows', () => {
    let now = 0;
    const debouncer = new Debouncer(1000, () => now);
    debouncer.observe('old', 'x');
    now = 2500;
    debouncer.observe('fresh', 'y');
    debouncer.prune();
    expect(debouncer.size).toBe(1);
  });
});

describe('Backoff', () => {
  it('grows exponentially with jitter up to the cap and starts over after reset', () => {
    const backoff = new Backoff(100, 1000, () => 1);
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([100, 200, 400, 800, 1000]);
    backoff.reset();
    expect(new Backoff(100, 1000, () => 0).next()).toBe(50);
    expect(backoff.next()).toBe(100);
  });
});

describe('ConcurrencyLimiter', () => {
  it('never runs more than its limit at once and runs everything in the end', async () => {
    const limiter = new ConcurrencyLimiter(2);
    let running = 0;
    let peak = 0;
    const task = async (value: number) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return value;
    };
    const results = await Promise.all([1, 2, 3, 4, 5].map((value) => limiter.run(() => task(value))));
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });
});

describe('TtlCache', () => {
  it('expires entries and caches a null result so a forbidden read is not retried at once', async () => {
    let now = 0;
    const cache = new TtlCache<string | null>(100, 10, () => now);
    let loads = 0;
    const load = async () => {
      loads += 1;
      return null;
    };
    await cache.getOrLoad('rs', load);
    await cache.getOrLoad('rs', load);
    expect(loads).toBe(1);
    now = 150;
    await cache.getOrLoad('rs', load);
    expect(loads).toBe(2);
  });
});

describe('Warning events', () => {
  it('forwards fresh Warning events by subject and skips stale ones when relisting', () => {
    const pods: string[] = [];
    const workloads: EventLike[] = [];
    const now = Date.parse('2026-11-22T00:00:00Z');
    const sink = warningEventSink({ podEvent: (key) => pods.push(key), workloadEvent: (event) => workloads.push(event) }, 60_000, () => now);
    sink.beginList();
    sink.listed([
      warningEvent({ reason: 'Unhealthy', name: 'web-1', message: 'Readiness probe failed', at: new Date(now - 10_000) }),
      warningEvent({ reason: 'Unhealthy', name: 'web-2', message: 'Readiness probe failed', at: new Date(now - 3_600_000) }),
      warningEvent({ reason: 'FailedCreate', kind: 'ReplicaSet', name: 'web-abc', message: 'exceeded quota', at: new Date(now) }),
      { ...warningEvent({ reason: 'Pulled', name: 'web-3', message: 'ok', at: new Date(now) }), type: 'Normal' },
    ]);
    sink.endList();
    expect(pods).toEqual(['default/web-1']);
    expect(workloads.map((event) => event.reason)).toEqual(['FailedCreate']);
  });

  it('keeps the latest few events per pod, replacing a repeated event instead of piling it up', () => {
    const recent = new RecentPodEvents(60_000);
    for (let count = 1; count <= 3; count += 1) recent.add('ns/p', { reason: 'Unhealthy', message: 'probe failed', count });
    for (let index = 0; index < 10; index += 1) recent.add('ns/p', { reason: 'Other', message: `m${index}` });
    const events = recent.get('ns/p');
    expect(events).toHaveLength(8);
    expect(events.filter((event) => event.reason === 'Unhealthy')).toHaveLength(0);
    expect(events.at(-1)?.message).toBe('m9');
  });
});

describe('Argo CD application lookup', () => {
  it('reads the application, and its namespace when apps-in-any-namespace prefixes it', () => {
    expect(argoApplicationOf({ argocd: { trackingId: 'shop:apps/Deployment:shop/api' } }, 'argocd')).toEqual({ name: 'shop', namespace: 'argocd' });
    expect(argoApplicationOf({ argocd: { trackingId: 'team-a_shop:apps/Deployment:shop/api' } }, 'argocd')).toEqual({ name: 'shop', namespace: 'team-a' });
    expect(argoApplicationOf({ argocd: { instance: 'billing' } }, 'gitops')).toEqual({ name: 'billing', namespace: 'gitops' });
    expect(argoApplicationOf({}, 'argocd')).toBeUndefined();
  });
});
