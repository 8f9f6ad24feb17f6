import { describe, expect, it } from 'vitest';
import { inferWorkload } from '../../src/report/workload.js';
import { clone, loadJson, loadPod } from './fixtures.js';

describe('inferWorkload without owner JSON', () => {
  it('names the Deployment from the ReplicaSet name and the pod-template-hash label', () => {
    const { workload, ownerChain } = inferWorkload(loadPod('pod-oomkilled.json'));
    expect(workload).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'payments-api', namespace: 'payments' });
    expect(ownerChain).toEqual([
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'payments-api-7b4d5f6c8', namespace: 'payments', uid: 'a3f9e1c4-2b6d-4e8a-9c71-3d5f7b9e1a20' },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'payments-api', namespace: 'payments' },
    ]);
  });

  it('stops at a ReplicaSet whose name does not end with the template hash (a bare ReplicaSet)', () => {
    const pod = clone(loadPod('pod-oomkilled.json'));
    delete pod.metadata!.labels!['pod-template-hash'];
    expect(inferWorkload(pod).workload).toMatchObject({ kind: 'ReplicaSet', name: 'payments-api-7b4d5f6c8' });
  });

  it('names an Argo Rollout from the rollouts-pod-template-hash label', () => {
    const pod = clone(loadPod('pod-oomkilled.json'));
    delete pod.metadata!.labels!['pod-template-hash'];
    pod.metadata!.labels!['rollouts-pod-template-hash'] = '7b4d5f6c8';
    expect(inferWorkload(pod).workload).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'payments-api', namespace: 'payments' });
  });

  it('names the CronJob from a Job name ending in its scheduled minute', () => {
    const { workload, ownerChain } = inferWorkload(loadPod('pod-jobfailed.json'));
    expect(workload).toEqual({ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly-report', namespace: 'analytics' });
    expect(ownerChain.map((ref) => ref.kind)).toEqual(['Job', 'CronJob']);
  });

  it('keeps a Job whose numeric suffix is not a plausible schedule time as the workload', () => {
    const pod = clone(loadPod('pod-jobfailed.json'));
    pod.metadata!.ownerReferences![0]!.name = 'migrate-20240514';
    expect(inferWorkload(pod).workload).toMatchObject({ kind: 'Job', name: 'migrate-20240514' });
  });

  it('takes a StatefulSet owner as the workload itself', () => {
    const pod = clone(loadPod('pod-crashloopbackoff.json'));
    pod.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'postgres', controller: true, uid: 'u1' }];
    expect(inferWorkload(pod)).toEqual({
      workload: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'postgres', namespace: 'shop', uid: 'u1' },
      ownerChain: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'postgres', namespace: 'shop', uid: 'u1' }],
    });
  });

  it('makes a bare pod its own workload', () => {
    const pod = clone(loadPod('pod-crashloopbackoff.json'));
    delete pod.metadata!.ownerReferences;
    expect(inferWorkload(pod)).toEqual({
      workload: { apiVersion: 'v1', kind: 'Pod', name: 'checkout-6c9d8b7f5d-q8wzt', namespace: 'shop', uid: '5d1c8a2e-8f7b-4c39-9b57-1f0e6d3a7c11' },
      ownerChain: [],
    });
  });

  it('makes a static pod mirrored by its Node its own workload', () => {
    const pod = clone(loadPod('pod-crashloopbackoff.json'));
    pod.metadata!.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: 'worker-2', controller: true }];
    expect(inferWorkload(pod).workload.kind).toBe('Pod');
  });

  it('follows the controller reference when a pod has several owners', () => {
    const pod = clone(loadPod('pod-crashloopbackoff.json'));
    pod.metadata!.ownerReferences = [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'not-the-controller' },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'node-exporter', controller: true },
    ];
    expect(inferWorkload(pod).workload).toMatchObject({ kind: 'DaemonSet', name: 'node-exporter' });
  });
});

describe('inferWorkload with owner JSON', () => {
  it('follows a supplied ReplicaSet to its Deployment by its ownerReferences, with uids', () => {
    const { workload, ownerChain } = inferWorkload(loadPod('pod-oomkilled.json'), loadJson('replicaset-payments-api.json'));
    expect(workload).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'payments-api',
      namespace: 'payments',
      uid: 'e3f4a5b6-c7d8-4e9f-8a0b-2c3d4e5f6a7b',
    });
    expect(ownerChain).toHaveLength(2);
  });

  it('adopts the uid of a supplied Deployment reached through the name heuristic', () => {
    const { workload } = inferWorkload(loadPod('pod-oomkilled.json'), loadJson('deployment-payments-api.json'));
    expect(workload.uid).toBe('e3f4a5b6-c7d8-4e9f-8a0b-2c3d4e5f6a7b');
  });

  it('follows Job → CronJob through a List of owners', () => {
    const { workload, ownerChain } = inferWorkload(loadPod('pod-jobfailed.json'), loadJson('owners-nightly-report.json'));
    expect(workload).toEqual({ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly-report', namespace: 'analytics', uid: 'd2e3f4a5-b6c7-4d8e-9f0a-1b2c3d4e5f6a' });
    expect(ownerChain.map((ref) => `${ref.kind}/${ref.name}`)).toEqual(['Job/nightly-report-28594080', 'CronJob/nightly-report']);
  });

  it('trusts a supplied Job that says it has no owner over the name pattern', () => {
    const job = clone(loadJson('job-nightly-report.json')) as { metadata: { ownerReferences?: unknown[] } };
    job.metadata.ownerReferences = [];
    expect(inferWorkload(loadPod('pod-jobfailed.json'), job).workload).toMatchObject({ kind: 'Job', name: 'nightly-report-28594080' });
  });

  it('ignores owner JSON that is not in the chain and survives a cycle in hand-made input', () => {
    const unrelated = inferWorkload(loadPod('pod-oomkilled.json'), loadJson('service-web.json'));
    expect(unrelated.workload).toMatchObject({ kind: 'Deployment', name: 'payments-api' });
    const rs = clone(loadJson('replicaset-payments-api.json')) as { metadata: { ownerReferences: Array<{ kind: string; name: string }> } };
    rs.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'payments-api-7b4d5f6c8' }];
    const cyclic = inferWorkload(loadPod('pod-oomkilled.json'), rs);
    expect(cyclic.ownerChain).toHaveLength(1);
  });
});
