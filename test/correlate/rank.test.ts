import { describe, expect, it } from 'vitest';
import { correlate } from '../../src/correlate/rank.js';
import { correlationFingerprint } from '../../src/correlate/fingerprint.js';
import type { FailureReport } from '../../src/report/schema.js';
import { at, fixture, parseOrThrow, scenario, syntheticReport } from './reports.js';

const names = (reports: FailureReport[]) => reports.map((report) => report.workload.name).sort();

describe('correlate', () => {
  it('finds Redis as the one root cause of a three-tier chain, with the API and the frontend as dependents', () => {
    const result = correlate(scenario('three-tier'));

    expect(result.groups).toHaveLength(1);
    const [group] = result.groups;
    expect(group!.root.workload).toMatchObject({ kind: 'StatefulSet', name: 'redis', namespace: 'cache' });
    expect(group!.rootFingerprint).toBe(correlationFingerprint(group!.root));
    expect(names(group!.dependents.map((dependent) => dependent.report))).toEqual(['api', 'frontend']);
    expect(result.independent).toEqual([]);
  });

  it('records the chain and the evidence of every hop from a dependent to the root', () => {
    const [group] = correlate(scenario('three-tier')).groups;
    const frontend = group!.dependents.find((dependent) => dependent.report.workload.name === 'frontend')!;

    expect(frontend.via).toEqual([
      'Deployment shop/frontend',
      'Service shop/api',
      'Deployment shop/api',
      'Service cache/redis',
      'StatefulSet cache/redis',
    ]);
    expect(frontend.evidence).toHaveLength(2);
    expect(frontend.evidence[0]).toContain('Deployment shop/frontend cannot reach Service shop/api: Error: connect ECONNREFUSED 10.96.14.7:8080');
    expect(frontend.evidence[1]).toContain('Deployment shop/api cannot reach Service cache/redis');
    expect(frontend.evidence[1]).toContain('dial tcp 10.96.0.12:6379: connect: connection refused');
    expect(frontend.fingerprint).toBe(correlationFingerprint(frontend.report));
  });

  it('exposes the workload → Service → workload edges, failed connections marked as such', () => {
    const { edges } = correlate(scenario('three-tier'));
    const described = edges.map((edge) => `${edge.from.name} -> ${edge.service.namespace}/${edge.service.name} -> ${edge.to.name} ${edge.failing}`);
    expect(described.sort()).toEqual(['api -> cache/redis -> redis true', 'frontend -> shop/api -> api true']);
  });

  it('gives the same answer whatever order the reports come in', () => {
    const reports = scenario('three-tier');
    const forward = correlate(reports);
    const backward = correlate([...reports].reverse());
    expect(backward.groups.map((group) => group.root.workload.name)).toEqual(forward.groups.map((group) => group.root.workload.name));
    expect(names(backward.groups[0]!.dependents.map((d) => d.report))).toEqual(['api', 'frontend']);
  });

  it('keeps two unrelated failures in the same window separate', () => {
    const result = correlate(scenario('independent'));
    expect(result.groups).toEqual([]);
    expect(names(result.independent)).toEqual(['indexer', 'worker']);
  });

  it('lets a dependent that fails for its own reason (its own OOM) keep its own diagnosis', () => {
    const reports = [
      fixture('three-tier/redis-oomkilled.json'),
      fixture('own-oom/api-oomkilled.json'),
      fixture('three-tier/frontend-crashloop.json'),
    ];
    const result = correlate(reports);

    // The API is OOMKilled: it is a root of its own (the frontend's), never Redis's dependent.
    expect(result.groups).toHaveLength(1);
    expect(result.groups[0]!.root.workload.name).toBe('api');
    expect(result.groups[0]!.root.failure.category).toBe('OOMKilled');
    expect(names(result.groups[0]!.dependents.map((d) => d.report))).toEqual(['frontend']);
    expect(names(result.independent)).toEqual(['redis']);
  });

  it('terminates on a cycle of workloads that only fail to reach each other, leaving both independent', () => {
    const result = correlate(scenario('cycle'));
    expect(result.groups).toEqual([]);
    expect(names(result.independent)).toEqual(['orders', 'payments']);
    expect(result.edges).toHaveLength(2);
  });

  it('finds the root behind a cycle when one workload in it fails for its own reason', () => {
    const base = '2026-11-21T18:40:00Z';
    const reports = [
      syntheticReport({ name: 'orders', category: 'CrashLoopBackOff', observedAt: base, cannotReach: ['payments'] }),
      syntheticReport({ name: 'payments', category: 'CrashLoopBackOff', observedAt: at(base, 5), cannotReach: ['ledger'] }),
      syntheticReport({ name: 'ledger', category: 'CrashLoopBackOff', observedAt: at(base, 9), cannotReach: ['orders', 'postgres'] }),
      syntheticReport({ name: 'postgres', category: 'OOMKilled', observedAt: at(base, 12) }),
    ];
    const result = correlate(reports);
    expect(result.groups).toHaveLength(1);
    expect(result.groups[0]!.root.workload.name).toBe('postgres');
    expect(names(result.groups[0]!.dependents.map((d) => d.report))).toEqual(['ledger', 'orders', 'payments']);
    const orders = result.groups[0]!.dependents.find((d) => d.report.workload.name === 'orders')!;
    expect(orders.via.filter((hop) => hop.startsWith('Deployment'))).toEqual([
      'Deployment shop/orders',
      'Deployment shop/payments',
      'Deployment shop/ledger',
      'Deployment shop/postgres',
    ]);
  });

  it('groups a storm across 20 workloads under its single root cause', () => {
    const base = '2026-11-21T03:00:00Z';
    const reports = [syntheticReport({ name: 'postgres', category: 'OOMKilled', observedAt: base })];
    for (let tier = 0; tier < 4; tier++) {
      const upstream = tier === 0 ? ['postgres'] : [0, 1, 2, 3].map((i) => `svc-${tier - 1}-${i}`);
      const count = tier === 3 ? 7 : 4;
      for (let i = 0; i < count; i++) {
        const category = i % 2 === 0 ? 'CrashLoopBackOff' : 'ProbeFailure';
        reports.push(syntheticReport({ name: `svc-${tier}-${i}`, category, observedAt: at(base, 10 * (tier + 1) + i), cannotReach: [upstream[i % upstream.length]!] }));
      }
    }
    expect(new Set(reports.map((r) => r.workload.name)).size).toBe(20);

    const result = correlate(reports);
    expect(result.groups).toHaveLength(1);
    expect(result.groups[0]!.root.workload.name).toBe('postgres');
    expect(result.groups[0]!.dependents).toHaveLength(19);
    expect(result.independent).toEqual([]);
    const deepest = result.groups[0]!.dependents.find((d) => d.report.workload.name === 'svc-3-6')!;
    expect(deepest.via.at(-1)).toBe('Deployment shop/postgres');
    expect(deepest.evidence).toHaveLength(4);
  });

  it('makes the deepest failing workload the root when it only fails to reach something that is not reporting', () => {
    const base = '2026-11-21T03:00:00Z';
    const reports = [
      syntheticReport({ name: 'web', category: 'CrashLoopBackOff', observedAt: base, cannotReach: ['checkout'] }),
      syntheticReport({ name: 'checkout', category: 'ProbeFailure', observedAt: at(base, 3), cannotReach: ['vault'] }),
    ];
    const result = correlate(reports);
    expect(result.groups.map((group) => group.root.workload.name)).toEqual(['checkout']);
    expect(names(result.groups[0]!.dependents.map((d) => d.report))).toEqual(['web']);
  });

  it('does not link reports of different clusters', () => {
    const base = '2026-11-21T03:00:00Z';
    const reports = [
      syntheticReport({ name: 'redis', category: 'OOMKilled', observedAt: base, cluster: 'eu' }),
      syntheticReport({ name: 'api', category: 'CrashLoopBackOff', observedAt: base, cluster: 'us', cannotReach: ['redis'] }),
    ];
    const result = correlate(reports);
    expect(result.groups).toEqual([]);
    expect(names(result.independent)).toEqual(['api', 'redis']);
  });

  it('leaves reports older than the window out of the correlation', () => {
    const late = parseOrThrow({ ...structuredClone(fixture('three-tier/frontend-crashloop.json')), observedAt: '2026-11-21T14:30:00Z' });
    const reports = [fixture('three-tier/redis-oomkilled.json'), fixture('three-tier/api-readiness.json'), late];
    const result = correlate(reports, { windowMs: 5 * 60_000 });
    expect(names(result.outsideWindow)).toEqual(['api', 'redis']);
    expect(result.groups).toEqual([]);
    expect(names(result.independent)).toEqual(['frontend']);
  });

  it('collapses several reports of one workload into one node, preferring its own failure', () => {
    const base = '2026-11-21T03:00:00Z';
    const reports = [
      syntheticReport({ name: 'redis', category: 'OOMKilled', observedAt: base }),
      syntheticReport({ name: 'api', category: 'ProbeFailure', observedAt: at(base, 1), cannotReach: ['redis'] }),
      syntheticReport({ name: 'api', category: 'ProbeFailure', observedAt: at(base, 20), cannotReach: ['redis'] }),
      syntheticReport({ name: 'redis', category: 'CrashLoopBackOff', observedAt: at(base, 30), cannotReach: ['api'] }),
    ];
    const result = correlate(reports);
    expect(result.groups).toHaveLength(1);
    expect(result.groups[0]!.root.failure.category).toBe('OOMKilled');
    expect(result.groups[0]!.dependents).toHaveLength(1);
    expect(result.groups[0]!.dependents[0]!.report.observedAt).toBe(at(base, 20));
  });

  it('recovers the links of reports from agents that send no dependencies, from their logs', () => {
    const withoutDependencies = (path: string) => {
      const { dependencies: _dropped, ...rest } = structuredClone(fixture(path));
      return parseOrThrow(rest);
    };
    const reports = [
      fixture('three-tier/redis-oomkilled.json'),
      withoutDependencies('three-tier/api-readiness.json'),
      withoutDependencies('cycle/orders-crashloop.json'),
    ];
    // The API's log names an IP that only the agent could map; its env names exactly one Service on
    // that port, so the failed connection itself ties it to that Service.
    const result = correlate(reports);
    expect(result.groups.map((group) => group.root.workload.name)).toEqual(['redis']);
    expect(names(result.groups[0]!.dependents.map((d) => d.report))).toEqual(['api']);
    expect(result.groups[0]!.dependents[0]!.evidence[0]).toBe(
      'Deployment shop/api cannot reach Service cache/redis: {"level":"error","msg":"readiness check failed","error":"redis: dial tcp 10.96.0.12:6379: connect: connection refused"}',
    );
    // Orders cannot reach payments, which is not failing here: it stands alone.
    const ordersEdge = result.edges.find((edge) => edge.from.name === 'orders');
    expect(ordersEdge).toBeUndefined();
    expect(names(result.independent)).toEqual(['orders']);
  });
});
