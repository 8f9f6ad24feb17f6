import { describe, expect, it } from 'vitest';
import { probeRule } from '../../../src/diagnose/rules/probe.js';
import { contextFor, loadReport, unquotedEvidence, withReport } from '../support.js';

describe('the probe rule', () => {
  it('points a probe at the container\'s only declared port', async () => {
    const report = loadReport('probe-wrong-port');
    const diagnosis = await probeRule.diagnose(contextFor(report));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'probes', container: 'api', path: ['livenessProbe', 'httpGet', 'port'], value: 8080, previous: 8081 },
    ]);
    expect(diagnosis?.confidence).toBeGreaterThanOrEqual(80);
    expect(diagnosis?.evidence).toEqual(['Liveness probe failed: Get "http://10.244.1.17:8081/healthz": dial tcp 10.244.1.17:8081: connect: connection refused']);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('keeps a named probe port named when resolving it against the declared port', async () => {
    const report = withReport(loadReport('probe-wrong-port'), (copy) => {
      const container = (copy.pod.spec.containers as Record<string, any>[])[0]!;
      container.livenessProbe.httpGet.port = 'metrics';
    });
    const diagnosis = await probeRule.diagnose(contextFor(report));
    expect(diagnosis?.changes[0]).toMatchObject({ value: 'http', previous: 'metrics' });
  });

  it('accepts a probe whose named port resolves, and does not change it', async () => {
    const report = withReport(loadReport('probe-wrong-port'), (copy) => {
      const container = (copy.pod.spec.containers as Record<string, any>[])[0]!;
      container.livenessProbe.httpGet.port = 'http';
      container.livenessProbe.initialDelaySeconds = 60;
    });
    const diagnosis = await probeRule.diagnose(contextFor(report));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.confidence).toBeLessThan(80);
  });

  it('does not pick among several declared ports; only the app\'s log suggests one, without confidence', async () => {
    const severalPorts = withReport(loadReport('probe-wrong-port'), (copy) => {
      const container = (copy.pod.spec.containers as Record<string, any>[])[0]!;
      container.ports.push({ containerPort: 9090, name: 'metrics' });
    });
    const fromLog = await probeRule.diagnose(contextFor(severalPorts));
    expect(fromLog?.changes).toEqual([
      { fixKind: 'probes', container: 'api', path: ['livenessProbe', 'httpGet', 'port'], value: 8080, previous: 8081 },
    ]);
    expect(fromLog?.confidence).toBeLessThan(80);
    expect(fromLog?.evidence).toContain('2026/11/22 00:04:01 api listening on :8080');

    const silent = withReport(severalPorts, (copy) => {
      copy.logs.previous = 'starting\n';
    });
    const guess = await probeRule.diagnose(contextFor(silent));
    expect(guess?.changes.some((change) => change.path.includes('port'))).toBe(false);
  });

  it('proposes, without confidence, the path another healthy probe uses when one returns 404', async () => {
    const report = loadReport('probe-path-404');
    const diagnosis = await probeRule.diagnose(contextFor(report));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'probes', container: 'catalog', path: ['readinessProbe', 'httpGet', 'path'], value: '/health/live', previous: '/ready' },
    ]);
    expect(diagnosis?.confidence).toBeLessThan(80);
    expect(diagnosis?.question).toBeTruthy();
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('asks for the health path when a 404 has no obvious alternative', async () => {
    const report = withReport(loadReport('probe-path-404'), (copy) => {
      delete (copy.pod.spec.containers as Record<string, any>[])[0]!.livenessProbe;
    });
    const diagnosis = await probeRule.diagnose(contextFor(report));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.question).toMatch(/\/ready/);
  });

  it('proposes a longer initial delay for a timeout at startup, below the PR threshold', async () => {
    const report = loadReport('probe-slow-start');
    const diagnosis = await probeRule.diagnose(contextFor(report));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'probes', container: 'reports', path: ['livenessProbe', 'initialDelaySeconds'], value: 30, previous: 5 },
    ]);
    expect(diagnosis?.confidence).toBeLessThan(80);
    expect(diagnosis?.alternatives?.join(' ')).toMatch(/startupProbe/);
  });

  it('proposes the port the app logs that it listens on when the probe is refused elsewhere', async () => {
    const report = withReport(loadReport('probe-slow-start'), (copy) => {
      copy.events[0]!.message = 'Liveness probe failed: Get "http://10.244.2.9:8080/actuator/health": dial tcp 10.244.2.9:8080: connect: connection refused';
      copy.logs.previous = '2026-11-22T00:04:01.120Z  INFO 1 --- [main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port(s): 9000 (http) with context path \'\'\n';
    });
    const diagnosis = await probeRule.diagnose(contextFor(report));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'probes', container: 'reports', path: ['livenessProbe', 'httpGet', 'port'], value: 9000, previous: 8080 },
    ]);
    expect(diagnosis?.confidence).toBeLessThan(80);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
    expect(diagnosis?.evidence).toHaveLength(2);
  });

  it('leaves a crash loop to other rules when only the readiness probe failed', async () => {
    const report = withReport(loadReport('probe-path-404'), (copy) => {
      copy.failure.category = 'CrashLoopBackOff';
    });
    expect(await probeRule.diagnose(contextFor(report))).toBeNull();
  });

  it('reads the probe failure from the report\'s message when no event was captured', async () => {
    const report = withReport(loadReport('probe-wrong-port'), (copy) => {
      copy.events = [];
    });
    const diagnosis = await probeRule.diagnose(contextFor(report));
    expect(diagnosis?.changes[0]).toMatchObject({ path: ['livenessProbe', 'httpGet', 'port'], value: 8080 });
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('does not answer without Unhealthy events', async () => {
    expect(await probeRule.diagnose(contextFor(loadReport('crashloop-go-panic')))).toBeNull();
  });
});
