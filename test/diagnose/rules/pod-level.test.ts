import { describe, expect, it } from 'vitest';
import { evictedRule, parseConsumption } from '../../../src/diagnose/rules/evicted.js';
import { failedCreateRule } from '../../../src/diagnose/rules/failed-create.js';
import { jobRule } from '../../../src/diagnose/rules/job.js';
import { runContainerRule } from '../../../src/diagnose/rules/run-container.js';
import { parseSchedulingFailure, unschedulableRule } from '../../../src/diagnose/rules/unschedulable.js';
import { contextFor, loadReport, unquotedEvidence, withReport } from '../support.js';

describe('run and create container errors', () => {
  it('explains a mount of a file onto a directory without changing anything', async () => {
    const report = loadReport('run-container-mount');
    const diagnosis = await runContainerRule.diagnose(contextFor(report));
    expect(diagnosis?.summary).toMatch(/volume mount/);
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.evidence.length).toBeGreaterThan(0);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('names the missing entrypoint', async () => {
    const report = withReport(loadReport('run-container-mount'), (copy) => {
      copy.failure.message = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/serve": stat /app/serve: no such file or directory: unknown';
      copy.events = [];
      copy.pod.status = {};
    });
    const diagnosis = await runContainerRule.diagnose(contextFor(report));
    expect(diagnosis?.summary).toContain('"/app/serve"');
  });
});

describe('unschedulable pods', () => {
  it('parses the counts of a FailedScheduling message and ignores the preemption tail', () => {
    const parsed = parseSchedulingFailure(
      "0/5 nodes are available: 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.",
    );
    expect(parsed.totalNodes).toBe(5);
    expect(parsed.insufficient).toEqual([]);
    expect(parsed.nodeReasons).toEqual([
      { reason: 'had untolerated taint {node-role.kubernetes.io/control-plane: }', nodes: 2 },
      { reason: "didn't match Pod's node affinity/selector", nodes: 3 },
    ]);
    expect(parseSchedulingFailure('0/3 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.').insufficient).toEqual([
      { resource: 'cpu', nodes: 1 },
      { resource: 'memory', nodes: 2 },
    ]);
  });

  it('reports a request no node can fit, with the requested value, as an issue', async () => {
    const report = loadReport('unschedulable-insufficient-memory');
    const diagnosis = await unschedulableRule.diagnose(contextFor(report));
    expect(diagnosis?.summary).toContain('48Gi of memory');
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.confidence).toBeLessThan(80);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('proposes, with modest confidence, the smaller request the same app uses elsewhere', async () => {
    const report = loadReport('unschedulable-insufficient-memory');
    const driver = (ns: string, memory: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: spark-driver, namespace: ${ns}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: spark-driver\n          image: ghcr.io/acme/spark-driver:3.5.1\n          resources:\n            requests: {cpu: "2", memory: ${memory}}\n`;
    const files = { 'envs/prod/driver.yaml': driver('analytics', '48Gi'), 'envs/staging/driver.yaml': driver('analytics-staging', '12Gi') };
    const diagnosis = await unschedulableRule.diagnose(contextFor(report, { files, at: ['envs/prod/driver.yaml', 'Deployment', 'spark-driver'] }));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'scheduling', container: 'spark-driver', path: ['resources', 'requests', 'memory'], value: '12Gi', previous: '48Gi' },
    ]);
    expect(diagnosis?.confidence).toBeLessThan(80);
  });

  it('explains a selector mismatch and taints as an issue, naming the selector', async () => {
    const report = withReport(loadReport('unschedulable-affinity-taint'), (copy) => {
      copy.pod.spec.nodeSelector = { 'cloud.google.com/gke-accelerator': 'nvidia-tesla-a100' };
    });
    const diagnosis = await unschedulableRule.diagnose(contextFor(report));
    expect(diagnosis?.rootCause).toMatch(/nodeSelector\/affinity \(cloud.google.com\/gke-accelerator=nvidia-tesla-a100\)/);
    expect(diagnosis?.rootCause).toMatch(/taints/);
    expect(diagnosis?.changes).toEqual([]);
  });

  it('recognises an unbound PersistentVolumeClaim', async () => {
    const report = withReport(loadReport('unschedulable-affinity-taint'), (copy) => {
      copy.events[0]!.message = '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    });
    const diagnosis = await unschedulableRule.diagnose(contextFor(report));
    expect(diagnosis?.summary).toMatch(/PersistentVolumeClaim/);
  });
});

describe('evicted pods', () => {
  it('parses "was using X, request is Y"', () => {
    expect(parseConsumption('Container worker was using 612Mi, request is 256Mi, has larger consumption of memory. ')).toEqual([
      { container: 'worker', using: '612Mi', request: '256Mi', resource: 'memory' },
    ]);
  });

  it('raises the memory request toward usage, bounded by the increase factor', async () => {
    const report = loadReport('evicted-memory');
    const diagnosis = await evictedRule.diagnose(contextFor(report));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'resources', container: 'worker', path: ['resources', 'requests', 'memory'], value: '512Mi', previous: '256Mi' },
    ]);
    expect(diagnosis?.confidence).toBeLessThan(80);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('is confident when the repository\'s request is the one evicted and the new value fits', async () => {
    const report = loadReport('evicted-memory');
    const files = {
      'apps/worker.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: queue-worker, namespace: jobs}\nspec:\n  template:\n    spec:\n      containers:\n        - name: worker\n          image: ghcr.io/acme/queue-worker:2.0.0\n          resources:\n            requests: {memory: 256Mi}\n            limits: {memory: 1Gi}\n',
    };
    const diagnosis = await evictedRule.diagnose(contextFor(report, { files, at: ['apps/worker.yaml', 'Deployment', 'queue-worker'], limits: { maxIncreaseFactor: 4 } }));
    expect(diagnosis?.changes[0]?.value).toBe('768Mi');
    expect(diagnosis?.confidence).toBeGreaterThanOrEqual(80);
  });

  it('opens an issue for ephemeral storage evictions', async () => {
    const report = loadReport('evicted-ephemeral');
    const diagnosis = await evictedRule.diagnose(contextFor(report));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.summary).toMatch(/local disk/);
  });
});

describe('failed jobs', () => {
  it('quotes the decisive log lines of a job that reached its backoff limit', async () => {
    const report = loadReport('job-backoff-limit');
    const diagnosis = await jobRule.diagnose(contextFor(report));
    expect(diagnosis?.evidence).toContain('Job has reached the specified backoff limit');
    expect(diagnosis?.evidence).toContain('ERROR upload failed: AccessDenied: Access Denied');
    expect(diagnosis?.changes).toEqual([]);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('names the deadline of a CronJob that ran too long', async () => {
    const report = loadReport('job-deadline');
    const files = {
      'cron/export.yaml':
        'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly-export, namespace: batch}\nspec:\n  schedule: "0 2 * * *"\n  jobTemplate:\n    spec:\n      activeDeadlineSeconds: 3600\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n            - name: export\n              image: ghcr.io/acme/exporter:1.1.0\n',
    };
    const diagnosis = await jobRule.diagnose(contextFor(report, { files, at: ['cron/export.yaml', 'CronJob', 'nightly-export'] }));
    expect(diagnosis?.summary).toContain('3600s');
    expect(diagnosis?.evidence).toContain('Job was active longer than specified deadline');
  });
});

describe('pods that could not be created', () => {
  it.each([
    ['failed-create-quota', /ResourceQuota compute is exhausted/],
    ['failed-create-pod-security', /violates PodSecurity "restricted:latest"/],
    ['failed-create-service-account', /ServiceAccount "reporting-sa" does not exist/],
  ])('opens an issue for %s', async (fixture, summary) => {
    const report = loadReport(fixture);
    const diagnosis = await failedCreateRule.diagnose(contextFor(report));
    expect(diagnosis?.summary).toMatch(summary);
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.question).toBeTruthy();
    expect(diagnosis?.evidence).toHaveLength(1);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });
});
