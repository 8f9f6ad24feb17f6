import { afterEach, describe, expect, it } from 'vitest';
import { crashLooping, makePod, waiting } from '../support/fake-kube/objects.js';
import { startHarness, waitFor, type Harness } from './harness.js';

const failing = (name: string) => crashLooping(makePod({ name, deployment: name.split('-')[0]!, templateHash: 'aaaa1' }), { reason: 'Error', exitCode: 1 });

async function restarts(harness: Harness, reason: string): Promise<number> {
  const metric = await harness.agent.metrics.watchRestarts.get();
  return metric.values.filter((value) => value.labels.resource === 'pods' && value.labels.reason === reason).reduce((sum, value) => sum + value.value, 0);
}

describe('watching through an unreliable API server', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('lists pods in pages and watches from the list resourceVersion with bookmarks', async () => {
    harness = await startHarness({
      seed: (api) => {
        for (let index = 0; index < 1200; index += 1) api.upsertPod(makePod({ name: `bulk-${index}`, deployment: 'bulk', templateHash: 'bbbb2' }));
      },
    });
    const { api, agent } = harness;
    const lists = api.requests.filter((request) => request.path === '/api/v1/pods' && request.query.watch !== 'true');
    expect(lists.map((request) => request.query.limit)).toEqual(['500', '500', '500']);
    expect(lists[1]?.query.continue).toBeTruthy();
    expect(agent.pods.size).toBe(1200);
    const watchRequest = await waitFor(() => api.watchRequests('/api/v1/pods')[0], 2000, 'watch');
    expect(watchRequest.query).toMatchObject({ resourceVersion: String(api.clock.rv), allowWatchBookmarks: 'true', fieldSelector: 'status.phase!=Succeeded' });
  });

  it('relists after 410 Gone and catches changes lost to compaction, including deletions', async () => {
    harness = await startHarness({ seed: (api) => api.upsertPod(makePod({ name: 'doomed-1', deployment: 'doomed', templateHash: 'cccc3' })) });
    const { api, agent, sink } = harness;
    await waitFor(() => api.openWatchCount() >= 2, 2000, 'watches open');
    // Changes that no watch sees: history is compacted before the watch resumes.
    api.deletePod('default', 'doomed-1', { silent: true });
    api.upsertPod(failing('lost-1'), { silent: true });
    api.compact();
    api.closeWatches();

    const report = await waitFor(() => sink.failures[0], 5000, 'report after relist');
    expect(report.pod.name).toBe('lost-1');
    expect(agent.pods.get('default', 'doomed-1')).toBeUndefined();
    expect(await restarts(harness, 'gone')).toBeGreaterThanOrEqual(1);
    expect(api.requests.filter((request) => request.path === '/api/v1/pods' && request.query.watch !== 'true').length).toBeGreaterThanOrEqual(2);
  });

  it('reconnects with backoff after a connection reset and resumes from the last resourceVersion', async () => {
    harness = await startHarness();
    const { api, sink } = harness;
    await waitFor(() => api.openWatchCount() >= 2, 2000, 'watches open');
    const watchesBefore = api.watchRequests('/api/v1/pods').length;
    api.resetWatches();
    api.failNext((request) => request.path === '/api/v1/pods' && request.query.watch === 'true', 500, 2);
    api.upsertPod(failing('after-reset'));

    const report = await waitFor(() => sink.failures[0], 5000, 'report after reset');
    expect(report.pod.name).toBe('after-reset');
    expect(await restarts(harness, 'error')).toBeGreaterThanOrEqual(3);
    const resumed = api.watchRequests('/api/v1/pods').slice(watchesBefore);
    expect(resumed.length).toBeGreaterThanOrEqual(3);
    // No relist was needed: the watch resumed from where it was. (One-object lists are the backoff's
    // probes of whether the API server answers, not relists; how many depends on timing.)
    const lists = api.requests.filter((request) => request.path === '/api/v1/pods' && request.query.watch !== 'true' && request.query.limit !== '1');
    expect(lists).toHaveLength(1);
    expect(new Set(resumed.map((request) => request.query.resourceVersion))).toEqual(new Set([api.watchRequests('/api/v1/pods')[0]?.query.resourceVersion]));
  });

  it('restarts a watch that went silent (half-open connection) and picks up what it missed', async () => {
    harness = await startHarness({ config: { watchStallMs: 300 } });
    const { api, sink } = harness;
    await waitFor(() => api.openWatchCount() >= 2, 2000, 'watches open');
    api.stallWatches();
    api.upsertPod(failing('while-stalled'));

    const report = await waitFor(() => sink.failures[0], 5000, 'report after stall');
    expect(report.pod.name).toBe('while-stalled');
    expect(await restarts(harness, 'stall')).toBeGreaterThanOrEqual(1);
  });

  it('keeps a quiet watch alive through bookmarks instead of restarting it', async () => {
    harness = await startHarness({ config: { watchStallMs: 400 } });
    const { api } = harness;
    await waitFor(() => api.openWatchCount() >= 2, 2000, 'watches open');
    for (let tick = 0; tick < 8; tick += 1) {
      api.sendBookmarks();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await restarts(harness, 'stall')).toBe(0);
  });

  it('becomes ready only once the first list succeeded, retrying a failing list', async () => {
    harness = await startHarness({ start: false });
    const { api, agent } = harness;
    api.failNext('/api/v1/pods', 403, 2);
    agent.start();
    expect(agent.isReady()).toBe(false);
    await waitFor(() => agent.isReady(), 5000, 'ready after retries');
    expect(await restarts(harness, 'error')).toBe(2);
  });

  it('scopes pod and event watches to the configured namespaces', async () => {
    harness = await startHarness({ config: { namespaces: ['team-a'] } });
    const { api, sink } = harness;
    api.upsertPod(waiting(makePod({ name: 'web-1', namespace: 'team-b', deployment: 'web', templateHash: 'dd4' }), 'ImagePullBackOff', 'Back-off pulling image'));
    api.upsertPod(waiting(makePod({ name: 'web-1', namespace: 'team-a', deployment: 'web', templateHash: 'dd4' }), 'ImagePullBackOff', 'Back-off pulling image'));

    const report = await waitFor(() => sink.failures[0], 5000, 'report');
    expect(report.pod.namespace).toBe('team-a');
    expect(api.requests.some((request) => request.path === '/api/v1/pods')).toBe(false);
    expect(api.requests.some((request) => request.path === '/api/v1/namespaces/team-a/events')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sink.failures).toHaveLength(1);
  });
});
