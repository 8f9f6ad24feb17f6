import { describe, expect, it } from 'vitest';
import { buildReport, DEFAULT_MAX_LOG_BYTES, ReportBuildError, tailLog } from '../../src/report/build.js';
import { REDACTED } from '../../src/report/redact.js';
import { parseFailureReport } from '../../src/report/schema.js';
import { CANARY, leakyLog } from './canaries.js';
import { clone, loadJson } from './fixtures.js';

const observedAt = new Date('2024-05-14T09:32:00Z');

function buildOom(overrides: Partial<Parameters<typeof buildReport>[0]> = {}) {
  return buildReport({
    cluster: 'prod-eu',
    pod: loadJson('pod-oomkilled.json'),
    events: loadJson('events-oomkilled.json'),
    previousLogs: leakyLog(),
    workload: loadJson('replicaset-payments-api.json'),
    observedAt,
    ...overrides,
  });
}

describe('buildReport', () => {
  it('builds a schema-valid report of an OOM kill with its workload, chain, events and logs', () => {
    const report = buildOom();
    expect(parseFailureReport(report)).toEqual({ ok: true, value: report });
    expect(report).toMatchObject({
      apiVersion: 'kubecure.dev/v1',
      kind: 'FailureReport',
      cluster: 'prod-eu',
      observedAt: '2024-05-14T09:32:00.000Z',
      occurrences: 1,
      failure: { category: 'OOMKilled', container: 'api', restartCount: 7, exitCode: 137 },
      pod: { name: 'payments-api-7b4d5f6c8-x2k9p', namespace: 'payments', uid: '8e2f1d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f', nodeName: 'worker-2' },
      workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'payments-api', namespace: 'payments' },
      logs: { truncated: false },
    });
    expect(report.ownerChain.map((ref) => ref.kind)).toEqual(['ReplicaSet', 'Deployment']);
    expect(report.logs.previous).toContain('java.lang.OutOfMemoryError: Java heap space');
  });

  it("keeps only the pod's and its owners' warning events, oldest first", () => {
    const report = buildOom();
    expect(report.events.map((event) => `${event.involvedObject.kind}/${event.reason}`)).toEqual(['ReplicaSet/FailedCreate', 'Pod/Failed', 'Pod/BackOff']);
    expect(report.events[2]).toMatchObject({ count: 7, firstSeen: '2024-05-14T09:14:02Z', lastSeen: '2024-05-14T09:31:50Z' });
  });

  it('never lets a planted secret through: env values, args, last-applied annotation, logs and events', () => {
    const json = JSON.stringify(buildOom());
    const canaries = [...Object.values(CANARY), 'CANARY-env-Pw-91f3a', 'CANARY-env-apikey-55d0', 'CANARY-lastapplied-Pw-7c1e', 'CANARY-arg-Pw-0b2c', 'CANARYevBearer0123456789abcdef'];
    for (const canary of canaries) expect(json, canary).not.toContain(canary);
    expect(json).toContain(REDACTED);
  });

  it('redacts a secret env value the app echoes into its log as a plain word', () => {
    const report = buildOom({ previousLogs: 'connecting with password CANARY-env-Pw-91f3a to payments-db' });
    expect(report.logs.previous).toBe(`connecting with password ${REDACTED} to payments-db`);
  });

  it('collects source hints with the workload first: Deployment Kustomization and origin over the pod label', () => {
    const report = buildOom({ workload: [loadJson('replicaset-payments-api.json'), loadJson('deployment-payments-api.json')] });
    expect(report.sourceHints).toEqual({
      flux: { kustomization: { name: 'payments', namespace: 'flux-system' } },
      kustomizeOrigin: { path: 'apps/payments/base/deployment.yaml', repo: 'https://github.com/acme/platform-gitops', ref: 'main' },
    });
    expect(report.workload.uid).toBe('e3f4a5b6-c7d8-4e9f-8a0b-2c3d4e5f6a7b');
  });

  it('reads repository, path and revision from the Argo CD Application the tracking id names', () => {
    const report = buildReport({ cluster: 'c', pod: loadJson('pod-crashloopbackoff.json'), workload: loadJson('argocd-application-shop-prod.json'), observedAt });
    expect(report.sourceHints.argocd).toEqual({
      trackingId: 'shop-prod:apps/Deployment:shop/checkout',
      instance: 'checkout',
      application: 'shop-prod',
      repoURL: 'https://github.com/acme/shop-gitops.git',
      path: 'overlays/prod',
      targetRevision: 'main',
    });
  });

  it('reads the path and source URL from the Flux Kustomization and GitRepository the labels name', () => {
    const owners = [loadJson('deployment-payments-api.json'), loadJson('flux-payments.json')];
    const report = buildOom({ workload: owners });
    expect(report.sourceHints.flux).toEqual({
      kustomization: { name: 'payments', namespace: 'flux-system' },
      path: './apps/payments/overlays/prod',
      sourceURL: 'https://github.com/acme/platform-gitops',
    });
  });

  it('ignores GitOps objects the hints do not name', () => {
    const report = buildOom({ workload: loadJson('argocd-application-shop-prod.json') });
    expect(report.sourceHints.argocd).toBeUndefined();
  });

  it('takes source hints from the pod alone when no owner JSON is given', () => {
    const report = buildReport({ cluster: 'c', pod: loadJson('pod-imagepullbackoff.json'), observedAt });
    expect(report.sourceHints).toEqual({ helm: { releaseName: 'frontend', releaseNamespace: 'web' } });
  });

  it('reports a failed CronJob run against the CronJob, with the Argo CD application from the CronJob', () => {
    const report = buildReport({ cluster: 'c', pod: loadJson('pod-jobfailed.json'), workload: loadJson('owners-nightly-report.json'), observedAt });
    expect(report.failure.category).toBe('JobFailed');
    expect(report.workload).toMatchObject({ kind: 'CronJob', name: 'nightly-report' });
    expect(report.sourceHints.argocd).toEqual({
      trackingId: 'argocd_analytics-prod:batch/CronJob:analytics/nightly-report',
      instance: 'analytics-prod',
      application: 'analytics-prod',
    });
  });

  it('keeps the last 64 KiB of each log by default, from a line boundary, and says it truncated', () => {
    const line = (index: number) => `2024-05-14T09:31:40Z INFO request ${index} handled in 12ms`;
    const log = Array.from({ length: 5000 }, (_, index) => line(index)).join('\n');
    const report = buildOom({ previousLogs: log, currentLogs: 'short' });
    expect(Buffer.byteLength(report.logs.previous!, 'utf8')).toBeLessThanOrEqual(DEFAULT_MAX_LOG_BYTES);
    expect(report.logs.previous!.endsWith(line(4999))).toBe(true);
    expect(report.logs.previous!.startsWith('2024-05-14T09:31:40Z INFO request ')).toBe(true);
    expect(report.logs.current).toBe('short');
    expect(report.logs.truncated).toBe(true);
  });

  it('honours a smaller maxLogBytes', () => {
    const report = buildOom({ previousLogs: 'a\nb\nc\nd\n', maxLogBytes: 4 });
    expect(report.logs).toMatchObject({ previous: 'd\n', truncated: true });
  });

  it('reads usage from a metrics.k8s.io PodMetrics object', () => {
    const usage = { kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', containers: [{ name: 'api', usage: { cpu: '212m', memory: '498Mi' } }] };
    expect(buildOom({ usage }).usage).toEqual({ containers: [{ name: 'api', cpu: '212m', memory: '498Mi' }] });
  });

  it('reports the first failing pod of a List', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [loadJson('pod-healthy.json'), loadJson('pod-crashloopbackoff.json')] };
    expect(buildReport({ cluster: 'c', pod: list, observedAt }).pod.name).toBe('checkout-6c9d8b7f5d-q8wzt');
  });

  it('accepts a pod without kind, as the agent projects it', () => {
    const pod = clone(loadJson('pod-crashloopbackoff.json')) as Record<string, unknown>;
    delete pod.kind;
    delete pod.apiVersion;
    expect(buildReport({ cluster: 'c', pod, observedAt }).failure.category).toBe('CrashLoopBackOff');
  });

  it('does not modify the objects it is given', () => {
    const pod = loadJson('pod-oomkilled.json');
    const before = JSON.stringify(pod);
    buildReport({ cluster: 'c', pod, observedAt });
    expect(JSON.stringify(pod)).toBe(before);
  });

  it.each([
    ['a Service', () => loadJson('service-web.json'), 'not a Pod (kind: Service)'],
    ['a healthy pod', () => loadJson('pod-healthy.json'), 'pod checkout-7d8e9f6a5b-abcde shows no failure'],
    ['an array', () => [], 'not a Pod (expected a JSON object, got an array)'],
    ['a pod without a name', () => ({ kind: 'Pod', metadata: {}, spec: { containers: [] } }), 'not a Pod (metadata.name is missing)'],
    ['a List of healthy pods', () => ({ kind: 'List', items: [loadJson('pod-healthy.json')] }), 'none of the 1 pods in the List shows a failure'],
    ['an empty List', () => ({ kind: 'List', items: [] }), 'not a Pod (the List holds no pods)'],
  ])('rejects %s with a clear message', (_what, pod, message) => {
    expect(() => buildReport({ cluster: 'c', pod: pod() })).toThrow(new ReportBuildError(message));
  });

  it('rejects an empty cluster name, naming the field', () => {
    expect(() => buildReport({ cluster: '', pod: loadJson('pod-crashloopbackoff.json') })).toThrow(/cluster/);
  });
});

describe('tailLog', () => {
  it('does not split a multi-byte character', () => {
    const { text, truncated } = tailLog('ééééé', 5);
    expect(truncated).toBe(true);
    expect(text).not.toContain('\uFFFD');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(5);
  });

  it('returns a short log unchanged', () => {
    expect(tailLog('ok\n', 10)).toEqual({ text: 'ok\n', truncated: false });
  });
});
