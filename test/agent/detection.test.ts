import { afterEach, describe, expect, it } from 'vitest';
import type { FailureCategory } from '../../src/report/categories.js';
import type { KubeObject } from '../support/fake-kube-api.js';
import { FakeKubeApi } from '../support/fake-kube-api.js';
import {
  crashLooping,
  deployment,
  makePod,
  pending,
  replicaSet,
  waiting,
  warningEvent,
  withContainerStatus,
} from '../support/fake-kube/objects.js';
import { CLUSTER, startHarness, waitFor, type Harness } from './harness.js';

const HASH = '7d9f8c6b5';

function seedWorkloads(api: FakeKubeApi): void {
  api.setObject('apps/v1', 'replicasets', replicaSet('web', HASH));
  api.setObject('apps/v1', 'deployments', deployment('web'));
  api.setObject('batch/v1', 'jobs', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'nightly-29000000', namespace: 'default', uid: 'job-nightly-29000000', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'cj-nightly', controller: true }] },
    spec: {},
  });
  api.setObject('batch/v1', 'cronjobs', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'default', uid: 'cj-nightly' }, spec: {} });
}

const webPod = () => makePod({ name: 'web-7d9f8c6b5-x2k9p', deployment: 'web', templateHash: HASH });
const jobPod = () => makePod({ name: 'nightly-29000000-abcde', job: 'nightly-29000000' });

interface Case {
  category: FailureCategory;
  /** Puts the failure into the fake cluster. */
  inject(api: FakeKubeApi): void;
  workload: { kind: string; name: string };
}

function failPod(api: FakeKubeApi, pod: KubeObject, events: KubeObject[] = []): void {
  for (const event of events) api.addEvent(event);
  api.upsertPod(pod);
}

const cases: Case[] = [
  {
    category: 'CrashLoopBackOff',
    inject: (api) => failPod(api, crashLooping(webPod(), { reason: 'Error', exitCode: 1 })),
    workload: { kind: 'Deployment', name: 'web' },
  },
  {
    category: 'OOMKilled',
    inject: (api) => failPod(api, crashLooping(webPod(), { reason: 'OOMKilled', exitCode: 137 })),
    workload: { kind: 'Deployment', name: 'web' },
  },
  {
    category: 'ImagePullBackOff',
    inject: (api) => failPod(api, waiting(webPod(), 'ImagePullBackOff', 'Back-off pulling image "registry.example.com/team/web:9.9.9"')),
    workload: { kind: 'Deployment', name: 'web' },
  },
  {
    category: 'InvalidImageName',
    inject: (api) => failPod(api, waiting(webPod(), 'InvalidImageName', 'Failed to apply default image tag "Nginx:1.2": couldn\'t parse image name "Nginx:1.2": invalid reference format: repository name must be lowercase')),
    workload: { kind: 'Deployment', name: 'web' },
  },
  {
    category: 'CreateContainerConfigError',
    inject: (api) => failPod(api, waiting(webPod(), 'CreateContainerConfigError', 'configmap "app-config" not found')),
    workload: { kind: 'Deployment', name: 'web' },
  },
  {
    category: 'CreateContainerError',
    inject: (api) => failPod(api, waiting(webPod(), 'CreateContainerError', 'failed to prepare subPath for volumeMount "config" of container "app"')),
    workload: { kind: 'Deployment', name: 'web' },
  },
  {
    category: 'RunContainerError',
    inject: (api) => failPod(api, waiting(webPod(), 'RunContainerError', 'failed to create containerd task: exec: "app": executable file not found in $PATH: unknown')),
    workload: { kind: 'Deployment', name: 'web' },
  },
  {
    category: 'ProbeFailure',
    inject: (api) =>
      failPod(api, withContainerStatus(webPod(), { ready: false }), [
        warningEvent({ reason: 'Unhealthy', name: 'web-7d9f8c6b5-x2k9p', fieldPath: 'spec.containers{app}', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 12 }),
      ]),
    workload: { kind: 'Deployment', name: 'web' },
  },
  {
    category: 'Unschedulable',
    inject: (api) => failPod(api, pending(webPod(), false, '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.')),
    workload: { kind: 'Deployment', name: 'web' },
  },
  {
    category: 'Evicted',
    inject: (api) => {
      const pod = webPod();
      pod.status = { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory. Container app was using 450Mi, request is 128Mi.' };
      failPod(api, pod);
    },
    workload: { kind: 'Deployment', name: 'web' },
  },
  {
    category: 'FailedMount',
    inject: (api) =>
      failPod(api, pending(webPod(), true), [
        warningEvent({ reason: 'FailedMount', name: 'web-7d9f8c6b5-x2k9p', message: 'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found' }),
      ]),
    workload: { kind: 'Deployment', name: 'web' },
  },
  {
    category: 'FailedCreate',
    inject: (api) =>
      api.addEvent(
        warningEvent({
          reason: 'FailedCreate',
          kind: 'ReplicaSet',
          name: `web-${HASH}`,
          uid: `rs-web-${HASH}`,
          message: `Error creating: pods "web-${HASH}-" is forbidden: exceeded quota: compute, requested: limits.memory=1Gi, used: limits.memory=3Gi, limited: limits.memory=3Gi`,
        }),
      ),
    workload: { kind: 'Deployment', name: 'web' },
  },
  {
    category: 'JobFailed',
    inject: (api) => {
      const pod = withContainerStatus(jobPod(), { state: { terminated: { reason: 'Error', exitCode: 2, startedAt: '2026-11-20T10:00:00Z', finishedAt: '2026-11-20T10:01:00Z' } } });
      pod.status.phase = 'Failed';
      failPod(api, pod);
    },
    workload: { kind: 'CronJob', name: 'nightly' },
  },
  {
    category: 'DeadlineExceeded',
    inject: (api) => {
      const pod = jobPod();
      pod.status = { phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' };
      failPod(api, pod);
    },
    workload: { kind: 'CronJob', name: 'nightly' },
  },
];

describe('the agent detects each failure category end to end', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it.each(cases)('reports $category with a signed, schema-valid report naming the top workload', async ({ category, inject, workload }) => {
    harness = await startHarness({ seed: seedWorkloads });
    const { api, sink } = harness;
    api.upsertPod(webPod());
    api.upsertPod(jobPod());
    inject(api);

    const report = await waitFor(() => sink.failures[0], 5000, `${category} report`);
    expect(sink.invalid).toEqual([]);
    expect(sink.requests.every((request) => request.signatureOk && request.cluster === CLUSTER)).toBe(true);
    expect(report.failure.category).toBe(category);
    expect(report.cluster).toBe(CLUSTER);
    expect(report.workload).toMatchObject({ ...workload, namespace: 'default' });
    expect(report.ownerChain.at(-1)).toMatchObject(workload);
    // Nothing else was failing, so nothing else was reported.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sink.failures.map((received) => received.failure.category)).toEqual([category]);
  });
});
