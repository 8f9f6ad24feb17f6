import { afterEach, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/report/fingerprint.js';
import { crashLooping, makePod } from '../support/fake-kube/objects.js';
import { startHarness, waitFor, type Harness } from './harness.js';

describe('debounce and recovery', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('turns a storm of 1,000 failing pods from 10 Deployments into 10 reports', async () => {
    harness = await startHarness();
    const { api, sink, agent } = harness;
    for (let index = 0; index < 1000; index += 1) {
      const deployment = `svc${index % 10}`;
      api.upsertPod(crashLooping(makePod({ name: `${deployment}-ff00${index % 10}-p${index}`, deployment, templateHash: `ff00${index % 10}` }), { reason: 'Error', exitCode: 1 }));
    }
    await waitFor(() => agent.pods.size === 1000, 10_000, 'all pods cached');
    await agent.idle();
    await waitFor(() => agent.outbox.depth === 0 && sink.failures.length >= 10, 10_000, 'reports delivered');

    expect(sink.failures).toHaveLength(10);
    expect(new Set(sink.failures.map((report) => report.workload.name))).toEqual(new Set(Array.from({ length: 10 }, (_, index) => `svc${index}`)));
    expect((await agent.metrics.failuresDebounced.get()).values[0]?.value).toBe(990);
    // The collector fetched 10 pods, not 1,000.
    expect(api.requests.filter((request) => /^\/api\/v1\/namespaces\/default\/pods\/[^/]+$/.test(request.path))).toHaveLength(10);
  });

  it('counts the occurrences seen during the window in the next report for the same failure', async () => {
    harness = await startHarness({ config: { debounceWindowMs: 300 } });
    const { api, sink } = harness;
    const pod = makePod({ name: 'web-ab12-x1', deployment: 'web', templateHash: 'ab12' });
    api.upsertPod(crashLooping(pod, { reason: 'Error', exitCode: 1 }, 3));
    await waitFor(() => sink.failures[0], 5000, 'first report');
    api.upsertPod(crashLooping(pod, { reason: 'Error', exitCode: 1 }, 4));
    api.upsertPod(crashLooping(pod, { reason: 'Error', exitCode: 1 }, 5));
    await new Promise((resolve) => setTimeout(resolve, 350));
    api.upsertPod(crashLooping(pod, { reason: 'Error', exitCode: 1 }, 6));

    const second = await waitFor(() => sink.failures[1], 5000, 'second report');
    expect(sink.failures[0]?.occurrences).toBe(1);
    expect(second.occurrences).toBe(3);
    expect(fingerprintOf(second)).toBe(fingerprintOf(sink.failures[0]!));
  });

  it('sends one recovery report when a reported workload has been all Ready for the settle period after a rollout', async () => {
    harness = await startHarness({ config: { settleMs: 300 } });
    const { api, sink } = harness;
    const broken = makePod({ name: 'web-aaa1-x1', deployment: 'web', templateHash: 'aaa1' });
    api.upsertPod(crashLooping(broken, { reason: 'OOMKilled', exitCode: 137 }));
    const failure = await waitFor(() => sink.failures[0], 5000, 'failure report');

    // The fix rolls out: a new template hash, the old pod goes away, the new one is Ready.
    api.upsertPod(makePod({ name: 'web-bbb2-y2', deployment: 'web', templateHash: 'bbb2' }));
    api.deletePod('default', 'web-aaa1-x1');
    const started = Date.now();
    const recovery = await waitFor(() => sink.recoveries[0], 5000, 'recovery report');

    // It waited for the settle period (a few ms of slack for timer and clock rounding).
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(recovery).toMatchObject({
      kind: 'RecoveryReport',
      workload: { kind: 'Deployment', name: 'web', namespace: 'default' },
      fingerprints: [fingerprintOf(failure)],
      pods: { ready: 1, total: 1 },
      specChanged: true,
      restartsDuringSettle: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.recoveries).toHaveLength(1);
  });

  it('does not report recovery while a pod keeps failing, says the spec did not change when it did not, and reports a relapse at once', async () => {
    harness = await startHarness({ config: { settleMs: 200 } });
    const { api, sink } = harness;
    const pod = makePod({ name: 'api-ccc3-z1', deployment: 'api', templateHash: 'ccc3' });
    api.upsertPod(crashLooping(pod, { reason: 'Error', exitCode: 1 }));
    await waitFor(() => sink.failures[0], 5000, 'failure report');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sink.recoveries).toHaveLength(0);

    // The same pod recovers on its own (a flaky dependency came back): same template.
    api.upsertPod(pod);
    const recovery = await waitFor(() => sink.recoveries[0], 5000, 'recovery report');
    expect(recovery.specChanged).toBe(false);

    // A relapse after recovery is a new incident: reported at once, inside the debounce window.
    api.upsertPod(crashLooping(pod, { reason: 'Error', exitCode: 1 }, 9));
    const relapse = await waitFor(() => sink.failures[1], 5000, 'relapse report');
    expect(fingerprintOf(relapse)).toBe(fingerprintOf(sink.failures[0]!));
  });
});
