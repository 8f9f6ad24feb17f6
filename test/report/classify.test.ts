import { describe, expect, it } from 'vitest';
import { classifyPod, classifyWorkloadEvent, isPodHealthy } from '../../src/report/classify.js';
import type { EventLike, PodLike } from '../../src/report/kube-types.js';
import { clone, loadEvents, loadPod } from './fixtures.js';

describe('classifyPod: one fixture per category', () => {
  const cases: Array<{ pod: string; events?: string; category: string; reason: string; container: string | null; exitCode: number | null }> = [
    { pod: 'pod-crashloopbackoff.json', category: 'CrashLoopBackOff', reason: 'CrashLoopBackOff', container: 'app', exitCode: 1 },
    { pod: 'pod-oomkilled.json', events: 'events-oomkilled.json', category: 'OOMKilled', reason: 'OOMKilled', container: 'api', exitCode: 137 },
    { pod: 'pod-imagepullbackoff.json', events: 'events-imagepullbackoff.json', category: 'ImagePullBackOff', reason: 'ImagePullBackOff', container: 'frontend', exitCode: null },
    { pod: 'pod-invalidimagename.json', category: 'InvalidImageName', reason: 'InvalidImageName', container: 'worker', exitCode: null },
    { pod: 'pod-createcontainerconfigerror.json', category: 'CreateContainerConfigError', reason: 'CreateContainerConfigError', container: 'orders', exitCode: null },
    { pod: 'pod-createcontainererror.json', category: 'CreateContainerError', reason: 'CreateContainerError', container: 'nginx', exitCode: null },
    { pod: 'pod-runcontainererror.json', category: 'RunContainerError', reason: 'RunContainerError', container: 'reporter', exitCode: 128 },
    { pod: 'pod-liveness-probe.json', events: 'events-liveness-probe.json', category: 'ProbeFailure', reason: 'Unhealthy', container: 'search', exitCode: 137 },
    { pod: 'pod-readiness-probe.json', events: 'events-readiness-probe.json', category: 'ProbeFailure', reason: 'Unhealthy', container: 'catalog', exitCode: null },
    { pod: 'pod-unschedulable.json', events: 'events-unschedulable.events-k8s-io.json', category: 'Unschedulable', reason: 'Unschedulable', container: null, exitCode: null },
    { pod: 'pod-evicted.json', category: 'Evicted', reason: 'Evicted', container: null, exitCode: null },
    { pod: 'pod-failedmount.json', events: 'events-failedmount.json', category: 'FailedMount', reason: 'FailedMount', container: null, exitCode: null },
    { pod: 'pod-init-crashloop.json', category: 'CrashLoopBackOff', reason: 'CrashLoopBackOff', container: 'migrate', exitCode: 2 },
    { pod: 'pod-jobfailed.json', category: 'JobFailed', reason: 'Error', container: 'report', exitCode: 1 },
    { pod: 'pod-deadlineexceeded.json', category: 'DeadlineExceeded', reason: 'DeadlineExceeded', container: null, exitCode: null },
  ];

  it.each(cases)('classifies $pod as $category', ({ pod, events, category, reason, container, exitCode }) => {
    const failure = classifyPod(loadPod(pod), events ? loadEvents(events) : []);
    expect(failure).toMatchObject({ category, reason, container, exitCode });
  });

  it('returns null for a running pod whose containers are all ready', () => {
    expect(classifyPod(loadPod('pod-healthy.json'))).toBeNull();
  });
});

describe('classifyPod: containers', () => {
  it('reports an OOM kill hidden under CrashLoopBackOff with the restart count and the limit-relevant container', () => {
    const failure = classifyPod(loadPod('pod-oomkilled.json'));
    expect(failure).toEqual({
      category: 'OOMKilled',
      reason: 'OOMKilled',
      message: expect.stringContaining('api'),
      container: 'api',
      containerType: 'main',
      restartCount: 7,
      exitCode: 137,
    });
  });

  it('treats a bare exit 137 without probe failures as an OOM kill of a child process', () => {
    const pod = clone(loadPod('pod-crashloopbackoff.json'));
    const last = pod.status!.containerStatuses![0]!.lastState!.terminated!;
    last.exitCode = 137;
    last.reason = 'Error';
    expect(classifyPod(pod)).toMatchObject({ category: 'OOMKilled', reason: 'Error', exitCode: 137 });
  });

  it('calls a container killed after failing its liveness probe a probe failure, not a crash loop', () => {
    const failure = classifyPod(loadPod('pod-liveness-probe.json'), loadEvents('events-liveness-probe.json'));
    expect(failure?.category).toBe('ProbeFailure');
    expect(failure?.message).toMatch(/^Liveness probe failed: .*connection refused/);
  });

  it('keeps a crash loop a crash loop when the same events exist but the app exited by itself with code 1', () => {
    const pod = clone(loadPod('pod-liveness-probe.json'));
    pod.status!.containerStatuses![0]!.lastState!.terminated!.exitCode = 1;
    const eventsWithoutKill = loadEvents('events-liveness-probe.json').filter((event) => event.reason !== 'Killing');
    expect(classifyPod(pod, eventsWithoutKill)?.category).toBe('CrashLoopBackOff');
  });

  it('uses the Failed pull event for an image pull error because the waiting message only says back-off', () => {
    const failure = classifyPod(loadPod('pod-imagepullbackoff.json'), loadEvents('events-imagepullbackoff.json'));
    expect(failure?.message).toContain('ghcr.io/acme/frontend:v2.31.0: not found');
    expect(classifyPod(loadPod('pod-imagepullbackoff.json'))?.message).toBe('Back-off pulling image "ghcr.io/acme/frontend:v2.31.0"');
  });

  it('maps ErrImagePull to the ImagePullBackOff category and keeps the raw reason', () => {
    const pod = clone(loadPod('pod-imagepullbackoff.json'));
    pod.status!.containerStatuses![0]!.state = { waiting: { reason: 'ErrImagePull', message: 'rpc error: code = NotFound' } };
    expect(classifyPod(pod)).toMatchObject({ category: 'ImagePullBackOff', reason: 'ErrImagePull' });
  });

  it('reports a start failure recorded only as the last termination (StartError) as RunContainerError', () => {
    const pod = clone(loadPod('pod-runcontainererror.json'));
    pod.status!.containerStatuses![0]!.state = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s' } };
    expect(classifyPod(pod)).toMatchObject({ category: 'RunContainerError', reason: 'StartError', exitCode: 128 });
  });

  it('reports an init container failure as such, before the main container waiting on it', () => {
    const failure = classifyPod(loadPod('pod-init-crashloop.json'));
    expect(failure).toMatchObject({ container: 'migrate', containerType: 'init', restartCount: 3 });
  });

  it('reports an init container that cannot pull its image', () => {
    const pod = clone(loadPod('pod-init-crashloop.json'));
    pod.status!.initContainerStatuses![0]!.state = { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } };
    expect(classifyPod(pod)).toMatchObject({ category: 'ImagePullBackOff', containerType: 'init', container: 'migrate' });
  });

  it('prefers the container whose failure blocks it from starting over a sibling crash loop', () => {
    const pod = clone(loadPod('pod-crashloopbackoff.json'));
    pod.status!.containerStatuses!.push({
      name: 'sidecar',
      restartCount: 0,
      state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "sidecar-token" not found' } },
    });
    expect(classifyPod(pod)).toMatchObject({ category: 'CreateContainerConfigError', container: 'sidecar' });
  });

  it('reports a running container that was OOM-killed before its last restart', () => {
    const pod = clone(loadPod('pod-healthy.json'));
    const status = pod.status!.containerStatuses![0]!;
    status.restartCount = 2;
    status.lastState = { terminated: { reason: 'OOMKilled', exitCode: 137 } };
    expect(classifyPod(pod)).toMatchObject({ category: 'OOMKilled', restartCount: 2 });
  });

  it('reports a Job pod that ran out of memory as OOMKilled, the cause, rather than JobFailed', () => {
    const pod = clone(loadPod('pod-jobfailed.json'));
    pod.status!.containerStatuses![0]!.state = { terminated: { reason: 'OOMKilled', exitCode: 137 } };
    expect(classifyPod(pod)?.category).toBe('OOMKilled');
  });

  it('does not call a failed container JobFailed when no Job owns the pod', () => {
    const pod = clone(loadPod('pod-jobfailed.json'));
    pod.metadata!.ownerReferences = [];
    pod.metadata!.labels = {};
    expect(classifyPod(pod)).toMatchObject({ category: 'CrashLoopBackOff', reason: 'Error', exitCode: 1 });
  });

  it('ignores a Job pod that completed successfully', () => {
    const pod = clone(loadPod('pod-jobfailed.json'));
    pod.status!.phase = 'Succeeded';
    pod.status!.containerStatuses![0]!.state = { terminated: { reason: 'Completed', exitCode: 0 } };
    expect(classifyPod(pod)).toBeNull();
  });

  it('treats ContainerCreating without warning events as progress', () => {
    const pod = loadPod('pod-failedmount.json');
    expect(classifyPod(pod, [])).toBeNull();
  });
});

describe('classifyPod: events', () => {
  it('takes the Unschedulable message from the latest FailedScheduling event, ordered by series.lastObservedTime', () => {
    const failure = classifyPod(loadPod('pod-unschedulable.json'), loadEvents('events-unschedulable.events-k8s-io.json'));
    expect(failure?.message).toContain('untolerated taint');
  });

  it('falls back to the PodScheduled condition message without events', () => {
    expect(classifyPod(loadPod('pod-unschedulable.json'))?.message).toMatch(/^0\/3 nodes are available: 3 Insufficient cpu/);
  });

  it('ignores events about other pods', () => {
    const foreign: EventLike = {
      type: 'Warning',
      reason: 'FailedMount',
      message: 'MountVolume.SetUp failed for volume "x" : secret "x" not found',
      involvedObject: { kind: 'Pod', name: 'someone-else', namespace: 'edge' },
    };
    expect(classifyPod(loadPod('pod-failedmount.json'), [foreign])).toBeNull();
  });

  it('ignores warning events of a pod that is healthy now', () => {
    const pod = loadPod('pod-healthy.json');
    const stale: EventLike = {
      type: 'Warning',
      reason: 'Unhealthy',
      message: 'Readiness probe failed: connection refused',
      involvedObject: { kind: 'Pod', name: pod.metadata!.name! },
    };
    expect(classifyPod(pod, [stale])).toBeNull();
  });

  it('classifies a pod that is only known to be stuck through FailedScheduling events', () => {
    const pod: PodLike = { metadata: { name: 'api-0', namespace: 'db' }, status: { phase: 'Pending' } };
    const events: EventLike[] = [
      { type: 'Warning', reason: 'FailedScheduling', message: '0/2 nodes are available: 2 node(s) didn\'t match Pod\'s node affinity/selector.', involvedObject: { kind: 'Pod', name: 'api-0' }, eventTime: '2024-05-14T09:00:00Z' },
    ];
    expect(classifyPod(pod, events)).toMatchObject({ category: 'Unschedulable', reason: 'FailedScheduling', container: null });
  });
});

describe('isPodHealthy', () => {
  it('is true for a running pod with every container ready', () => {
    expect(isPodHealthy(loadPod('pod-healthy.json'))).toBe(true);
  });

  it('is false while any container is not ready', () => {
    expect(isPodHealthy(loadPod('pod-readiness-probe.json'))).toBe(false);
  });

  it('is false for a pending pod and true for a succeeded one', () => {
    expect(isPodHealthy(loadPod('pod-unschedulable.json'))).toBe(false);
    expect(isPodHealthy({ status: { phase: 'Succeeded' } })).toBe(true);
  });

  it('is false for a running pod that reports no containers yet', () => {
    expect(isPodHealthy({ status: { phase: 'Running', containerStatuses: [] } })).toBe(false);
  });
});

describe('classifyWorkloadEvent', () => {
  const events = loadEvents('events-failedcreate.json');
  const byObject = (name: string, reason: string) => events.find((event) => event.involvedObject?.name === name && event.reason === reason)!;

  it('reports a PodSecurity rejection on a ReplicaSet as FailedCreate naming the container', () => {
    expect(classifyWorkloadEvent(byObject('ledger-79c8d6f5b4', 'FailedCreate'))).toMatchObject({
      category: 'FailedCreate',
      reason: 'FailedCreate',
      container: 'ledger',
      message: expect.stringContaining('violates PodSecurity'),
    });
  });

  it('reports a missing ServiceAccount on a StatefulSet as FailedCreate', () => {
    expect(classifyWorkloadEvent(byObject('kafka', 'FailedCreate'))).toMatchObject({
      category: 'FailedCreate',
      container: null,
      message: expect.stringContaining('serviceaccount "kafka-sa" not found'),
    });
  });

  it('reports an exceeded quota on a ReplicaSet as FailedCreate', () => {
    const quota = loadEvents('events-oomkilled.json').find((event) => event.reason === 'FailedCreate')!;
    expect(classifyWorkloadEvent(quota)?.message).toContain('exceeded quota: compute');
  });

  it('reports a Job that reached its backoff limit as JobFailed', () => {
    expect(classifyWorkloadEvent(byObject('nightly-report-28594080', 'BackoffLimitExceeded'))).toMatchObject({ category: 'JobFailed', container: null });
  });

  it('ignores Normal events and FailedCreate on kinds that do not create pods', () => {
    expect(classifyWorkloadEvent(byObject('ledger-79c8d6f5b4', 'SuccessfulCreate'))).toBeNull();
    expect(classifyWorkloadEvent({ type: 'Warning', reason: 'FailedCreate', message: 'x', involvedObject: { kind: 'Service', name: 'web' } })).toBeNull();
  });
});
