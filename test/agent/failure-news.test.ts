/**
 * Issue items 1 and 2: one notion of failing and healthy. A Ready pod keeps its last termination
 * (`lastState`) for life; only a termination the agent saw happen is a failure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../support/fake-kube-api.js';
import { crashLooping, makePod } from '../support/fake-kube/objects.js';
import { startHarness, waitFor, type Harness } from './harness.js';

const OOM = { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-30T08:00:00Z' };

/** Running and Ready, with the kubelet's record of an earlier kill. */
function readyAfterKill(pod: KubeObject, restartCount: number, terminated: Record<string, unknown> = OOM): KubeObject {
  const next = structuredClone(pod);
  next.status.containerStatuses[0] = {
    ...next.status.containerStatuses[0],
    restartCount,
    lastState: { terminated: { startedAt: '2026-11-30T07:00:00Z', containerID: 'containerd://old', ...terminated } },
  };
  return next;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('old kills are history, new ones are failures', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('does not report a pod Ready for days with an OOMKilled lastState when the agent starts, but reports its next kill', async () => {
    const pod = makePod({ name: 'web-aa11-x1', deployment: 'web', templateHash: 'aa11' });
    harness = await startHarness({ seed: (api) => api.upsertPod(readyAfterKill(pod, 3)) });
    const { api, sink, agent } = harness;
    await settle(200);
    await agent.idle();
    expect(sink.requests).toHaveLength(0);

    // A label change or a relist shows the same old kill: still nothing.
    const relabelled = readyAfterKill(pod, 3);
    relabelled.metadata.labels = { ...relabelled.metadata.labels, touched: 'yes' };
    api.upsertPod(relabelled);
    await settle(150);
    await agent.idle();
    expect(sink.requests).toHaveLength(0);

    // Killed again and back to Ready before the agent saw it not Ready: a new termination.
    api.upsertPod(readyAfterKill(relabelled, 4, { ...OOM, finishedAt: '2026-12-04T10:00:00Z' }));
    const report = await waitFor(() => sink.failures[0], 5000, 'report of the new kill');
    expect(report.failure).toMatchObject({ category: 'OOMKilled', restartCount: 4 });
    expect(sink.failures).toHaveLength(1);
  });

  it('does not report a recovered pod again on later updates, and reports a real relapse', async () => {
    harness = await startHarness({ config: { settleMs: 150 } });
    const { api, sink, agent } = harness;
    const pod = makePod({ name: 'api-bb22-y1', deployment: 'api', templateHash: 'bb22' });
    api.upsertPod(crashLooping(pod, OOM, 5));
    await waitFor(() => sink.failures[0], 5000, 'failure report');

    // It recovers: Running, Ready, lastState still the OOM kill the kubelet keeps.
    const recovered = readyAfterKill(pod, 5);
    api.upsertPod(recovered);
    await waitFor(() => sink.recoveries[0], 5000, 'recovery report');

    // Any later update (annotations, a status heartbeat) is not a relapse, so no second recovery either.
    for (let round = 0; round < 3; round += 1) {
      const touched = structuredClone(recovered);
      touched.metadata.labels = { ...touched.metadata.labels, round: String(round) };
      api.upsertPod(touched);
      await settle(100);
    }
    await settle(300);
    await agent.idle();
    expect(sink.failures).toHaveLength(1);
    expect(sink.recoveries).toHaveLength(1);

    // A new kill after recovery is a relapse, reported at once.
    api.upsertPod(crashLooping(pod, { ...OOM, finishedAt: '2026-12-04T11:00:00Z' }, 6));
    const relapse = await waitFor(() => sink.failures[1], 5000, 'relapse');
    expect(relapse.failure.restartCount).toBe(6);
  });
});
