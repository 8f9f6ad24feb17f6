/**
 * Faults on the way to GitHub: an App replica dying mid-job, GitHub answering 5xx, a secondary
 * rate limit with Retry-After, and connections timing out. Jobs are retried; nothing is lost and
 * nothing is written twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { REDIS_URL, startApp } from '../support/e2e/app.js';
import { addWorkload, CANARY, oomKill, type Workload, type WorkloadShape } from '../support/e2e/cluster.js';
import { CLUSTER, CLUSTER_SECRET, startWorld, waitUntil, type World } from '../support/e2e/world.js';

const CHECKOUT: WorkloadShape = { namespace: 'shop', name: 'checkout', container: 'checkout', image: 'ghcr.io/acme-shop/checkout:1.8.2', memoryLimit: '256Mi' };
const CART: WorkloadShape = { namespace: 'shop', name: 'cart', container: 'cart', image: 'ghcr.io/acme-shop/cart:2.0.1', memoryLimit: '128Mi' };
const INVENTORY: WorkloadShape = { namespace: 'shop', name: 'inventory', container: 'inventory', image: 'ghcr.io/acme-shop/inventory:3.1.0', memoryLimit: '192Mi' };

let world: World | null = null;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
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

describe('an App replica that dies in the middle of a job', () => {
  it('leaves the job to the replica that comes up next, which completes it once', async () => {
    let checkout!: Workload;
    world = await startWorld({
      repo: 'plain-multi-service',
      seed: (kube) => (checkout = addWorkload(kube, CHECKOUT)),
      // This replica serves the intake; it takes jobs only once the first one has died.
      app: { startWorker: false },
    });
    const { kube, github, app } = world;

    const script = fileURLToPath(new URL('../support/e2e/crashing-replica.ts', import.meta.url));
    const env = { ...process.env, REDIS_URL, KUBECURE_QUEUE_PREFIX: world.prefix, KUBECURE_CLUSTERS: JSON.stringify({ [CLUSTER]: { secret: CLUSTER_SECRET, defaultRepository: github.fullName } }) };
    const doomed = spawn(process.execPath, ['--import', 'tsx', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(doomed);
    let output = '';
    doomed.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntil(() => output.includes('ready'), 'the first replica to start', 20_000);

    oomKill(kube, checkout);
    await waitUntil(() => output.includes('started'), 'the first replica to start the job');
    expect(await app.queue.counts()).toMatchObject({ active: 1, completed: 0 });
    doomed.kill('SIGKILL');
    await new Promise((resolve) => doomed.once('exit', resolve));

    await app.startWorker();
    await waitUntil(async () => (await app.queue.counts()).completed === 1, 'the job to complete on the new replica', 20_000);
    await world.settled();

    expect(github.pullRequests()).toHaveLength(1);
    const head = github.pullRequests()[0]!.head!;
    expect(head).toMatch(/^kubecure\/shop\/checkout-oomkilled-[0-9a-f]{8}$/);
    expect(github.commitsOn(head)).toHaveLength(1);
    expect(github.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/pulls'))).toHaveLength(1);
    expect(await app.queue.counts()).toMatchObject({ completed: 1, failed: 0, active: 0, waiting: 0, delayed: 0 });
    expect(world.logs.containing('Report job finished: pull_request')).toHaveLength(1);
  }, 40_000);
});

describe('an App replica stopped in the middle of a job (a rolling restart)', () => {
  it('finishes the job before it stops, and the next replica does not run it again', async () => {
    let checkout!: Workload;
    world = await startWorld({ repo: 'plain-multi-service', seed: (kube) => (checkout = addWorkload(kube, CHECKOUT)) });
    const { kube, github, app } = world;
    github.delayNext(`POST /repos/${github.fullName}/git/trees`, 700);

    oomKill(kube, checkout);
    await waitUntil(() => github.calls.some((call) => call.method === 'POST' && call.path.endsWith('/git/trees')), 'the job to be writing its commit');
    // SIGTERM does this: stop taking jobs, let the running one finish, close.
    await app.stop();
    expect(github.pullRequests()).toHaveLength(1);

    const next = await startApp({ clusters: { [CLUSTER]: { secret: CLUSTER_SECRET, defaultRepository: github.fullName } }, prefix: world.prefix, logs: world.logs });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await next.queue.counts()).toMatchObject({ completed: 1, failed: 0, active: 0, waiting: 0, delayed: 0 });
    } finally {
      await next.stop();
    }
    expect(github.pullRequests()).toHaveLength(1);
    expect(github.commitsOn(github.pullRequests()[0]!.head!)).toHaveLength(1);
    expect(world.logs.containing('Report job finished: pull_request')).toHaveLength(1);
  }, 40_000);
});

describe('GitHub failing while jobs run', () => {
  it('retries through 5xx answers, a secondary rate limit and timeouts, losing and duplicating nothing', async () => {
    let workloads: Workload[] = [];
    world = await startWorld({ repo: 'plain-multi-service', seed: (kube) => (workloads = [CHECKOUT, CART, INVENTORY].map((shape) => addWorkload(kube, shape))) });
    const { kube, github, app } = world;
    const repo = `/repos/${github.fullName}`;
    // Reads and writes fail, before and after parts of a pull request already exist.
    github.failNext(`GET ${repo}/branches/main`, 'server-error', 2);
    github.failNext(`GET ${repo}/issues`, 'timeout', 1);
    github.failNext(`POST ${repo}/git/trees`, 'secondary-rate-limit', 1, 1);
    github.failNext(`POST ${repo}/pulls`, 'server-error', 1);
    github.failNext((call) => call.method === 'POST' && /\/issues\/\d+\/labels$/.test(call.path), 'timeout', 1);
    github.failNext(`POST ${repo}/git/commits`, 'timeout', 1);

    for (const workload of workloads) oomKill(kube, workload);
    await waitUntil(() => github.pullRequests().length === 3 && github.pendingFaults() === 0, 'three pull requests', 25_000);
    await world.settled(20_000);

    const pulls = github.pullRequests();
    expect(pulls.map((pull) => pull.head!.replace(/-[0-9a-f]{8}$/, '')).sort()).toEqual(['kubecure/shop/cart-oomkilled', 'kubecure/shop/checkout-oomkilled', 'kubecure/shop/inventory-oomkilled']);
    // Every pull request labelled (the label call that timed out was made again) and one commit each.
    for (const pull of pulls) {
      expect(pull.labels).toEqual(expect.arrayContaining(['kubecure', 'kubecure:OOMKilled']));
      expect(github.commitsOn(pull.head!)).toHaveLength(1);
    }
    expect(github.issues()).toEqual([]);
    expect(github.pendingFaults()).toBe(0);

    // The rate-limited write waited as long as GitHub asked before it was made again.
    const treeCalls = github.calls.filter((call) => call.method === 'POST' && call.path === `${repo}/git/trees`);
    const [limited, ...later] = treeCalls;
    const retried = later.find((call) => call.body.tree[0].path === limited!.body.tree[0].path);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(1_000);

    const counts = await app.queue.counts();
    expect(counts).toMatchObject({ failed: 0, active: 0, waiting: 0, delayed: 0 });
    expect(counts.completed).toBe(3);
  }, 40_000);
});
