/**
 * A storm: 500 pods of 5 Deployments crash-looping at once, then again, and again. The agent
 * reports each failure once per window and counts the rest; the App opens one thread per
 * failure and keeps one sticky comment per thread with the running count.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMarker, findFingerprint } from '../../src/github/marker.js';
import { addWorkload, CANARY, oomKill, type Workload, type WorkloadShape } from '../support/e2e/cluster.js';
import { startWorld, waitUntil, type World } from '../support/e2e/world.js';

const PODS_PER_DEPLOYMENT = 100;
const WINDOW_MS = 1_500;

const DEPLOYMENTS: WorkloadShape[] = [
  { namespace: 'shop', name: 'checkout', container: 'checkout', image: 'ghcr.io/acme-shop/checkout:1.8.2', memoryLimit: '256Mi' },
  { namespace: 'shop', name: 'cart', container: 'cart', image: 'ghcr.io/acme-shop/cart:2.0.1', memoryLimit: '128Mi' },
  { namespace: 'shop', name: 'inventory', container: 'inventory', image: 'ghcr.io/acme-shop/inventory:3.1.0', memoryLimit: '192Mi' },
  { namespace: 'shop', name: 'frontend', container: 'frontend', image: 'ghcr.io/acme-shop/frontend:4.2.0', memoryLimit: '512Mi' },
  { namespace: 'payments', name: 'payments', container: 'payments', image: 'ghcr.io/acme-shop/payments:4.9.7', memoryLimit: '384Mi' },
];

let world: World | null = null;

afterEach(async () => {
  const current = world;
  world = null;
  if (!current) return;
  try {
    expect(current.outputs().filter((text) => text.includes(CANARY))).toEqual([]);
    expect(current.github.unhandled).toEqual([]);
  } finally {
    await current.stop();
  }
});

const stickyCount = (body: string) => Number(/\*\*(\d+)\*\* times/.exec(body)?.[1]);

describe('a storm of 500 crash-looping pods from 5 Deployments', () => {
  it('opens exactly one thread per Deployment and counts every later occurrence in one sticky comment each', async () => {
    let workloads: Workload[] = [];
    world = await startWorld({
      repo: 'plain-multi-service',
      seed: (kube) => (workloads = DEPLOYMENTS.map((shape) => addWorkload(kube, shape, PODS_PER_DEPLOYMENT))),
      agent: { debounceWindowMs: WINDOW_MS },
      // The App coalesces a failure's reports for a while too; shorter than the agent's window here.
      app: { queue: { dedupWindowMs: 500 } },
    });
    const { kube, github } = world;
    expect(kube.pods.objects.size).toBe(500);

    // Wave 1: every pod OOM-killed at once.
    for (const workload of workloads) oomKill(kube, workload, { restartCount: 4 });
    await waitUntil(() => github.threads.size >= 5, 'five threads', 20_000);
    await world.settled();

    const threads = [...github.threads.values()];
    expect(threads).toHaveLength(5);
    // One thread per Deployment: a pull request where the fix is clear, an issue where it is not.
    const workloadOf = (body: string) => decodeMarker(body)?.report.workload;
    expect(threads.map((thread) => `${workloadOf(thread.body)?.namespace}/${workloadOf(thread.body)?.name}`).sort()).toEqual([
      'payments/payments',
      'shop/cart',
      'shop/checkout',
      'shop/frontend',
      'shop/inventory',
    ]);
    expect(new Set(threads.map((thread) => findFingerprint(thread.body))).size).toBe(5);
    // frontend's manifest sets no memory limit to raise: that one is for a human.
    const pulls = github.pullRequests();
    // Each branch ends with its change's identity.
    expect(pulls.map((pull) => pull.head!.replace(/-[0-9a-f]{8}$/, '')).sort()).toEqual([
      'kubecure/payments/payments-oomkilled',
      'kubecure/shop/cart-oomkilled',
      'kubecure/shop/checkout-oomkilled',
      'kubecure/shop/inventory-oomkilled',
    ]);
    expect(github.issues().map((issue) => workloadOf(issue.body)?.name)).toEqual(['frontend']);
    expect(github.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/pulls'))).toHaveLength(pulls.length);
    expect(github.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/issues'))).toHaveLength(5 - pulls.length);
    // The agent sent five reports and counted the other 495 sightings.
    expect((await world.agent.metrics.failuresDebounced.get()).values[0]?.value).toBe(500 - 5);
    expect(threads.every((thread) => thread.comments.length === 0)).toBe(true);

    // Waves 2 and 3, each once the agent's window has passed since the last report: every pod
    // restarts once more.
    for (const [wave, restartCount] of [[2, 5], [3, 6]] as const) {
      await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 200));
      for (const workload of workloads) oomKill(kube, workload, { restartCount });
      await waitUntil(() => threads.every((thread) => thread.comments.length === 1 && stickyCount(thread.comments[0]!.body) === 1 + (wave - 1) * PODS_PER_DEPLOYMENT), `wave ${wave} to be counted`, 20_000);
      await world.settled();
    }

    // Still five threads, each with one comment edited in place: 1 + 100 + 100 sightings.
    expect(github.threads.size).toBe(5);
    for (const thread of github.threads.values()) {
      expect(thread.comments).toHaveLength(1);
      expect(stickyCount(thread.comments[0]!.body)).toBe(1 + 2 * PODS_PER_DEPLOYMENT);
      expect(thread.comments[0]!.body).toContain('<!-- kubecure:sticky recurrence -->');
    }
    expect(github.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/comments'))).toHaveLength(5);
    expect(github.calls.filter((call) => call.method === 'PATCH' && call.path.includes('/issues/comments/'))).toHaveLength(5);
    expect(github.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/pulls'))).toHaveLength(pulls.length);
    expect(github.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/issues'))).toHaveLength(5 - pulls.length);
  }, 45_000);
});
