/**
 * Issue items 4 and 5: an API server outage (readiness follows it, the agent catches up within a
 * second of its return) and an App outage with real log sizes (outbox within the Deployment's
 * memory and emptyDir limits, health answering fast, draining at ≥ 20 reports/s afterwards).
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { refreshGauges } from '../../agent/agent.js';
import { startHealthServer } from '../../agent/serve/health-server.js';
import { crashLooping, makePod } from '../support/fake-kube/objects.js';
import { startHarness, waitFor, type Harness } from './harness.js';

/** A full collection before each reading, so heap figures show what is retained, not garbage not yet collected. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
function retainedHeap(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

const failing = (deployment: string) =>
  crashLooping(makePod({ name: `${deployment}-aa11-x1`, deployment, templateHash: 'aa11' }), { reason: 'Error', exitCode: 1 });

describe('an API server outage', () => {
  let harness: Harness | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    await harness?.stop();
    harness = undefined;
  });

  it('turns /readyz 503 while the API server is unreachable and catches up within a second of its return', async () => {
    // Backoff as deployed relative to the outage: it has grown to seconds by the time the API is back.
    harness = await startHarness({ deps: { backoffInitialMs: 200, probeIntervalMs: 100 } });
    const { api, sink, agent } = harness;
    const server = await startHealthServer({ port: 0, host: '127.0.0.1', isReady: () => agent.isReady(), registry: agent.metrics.registry, beforeScrape: () => refreshGauges(agent) });
    close = server.close;
    const readyz = async () => (await fetch(`http://127.0.0.1:${server.port}/readyz`)).status;
    // Ready once the first list and the watches are live (a busy machine may take a moment).
    await waitFor(async () => (await readyz()) === 200, 5000, 'readyz 200 once the watch is live');

    api.setUnreachable(true);
    await waitFor(async () => (await readyz()) === 503, 3000, 'readyz 503 during the outage');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await readyz()).toBe(503);

    // A pod fails during the outage; the agent learns of it only once the API answers again.
    api.upsertPod(failing('during'));
    const back = Date.now();
    api.setUnreachable(false);
    await waitFor(() => sink.failures[0], 5000, 'report after the outage');
    expect(Date.now() - back).toBeLessThan(1000);
    await waitFor(async () => (await readyz()) === 200, 2000, 'readyz 200 once the watch is live again');
    expect(harness.logs.some((line) => line.includes('API server answers again'))).toBe(true);
  }, 20_000);
});

describe('an App outage with real log sizes', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('keeps 600 reports with 64 KB logs within the emptyDir and memory limits, answers health fast, and drains at ≥ 20 reports/s', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.jsonl');
    const EMPTY_DIR_LIMIT = 64 * 1024 * 1024;
    const line = 'ERROR connection to db.internal:5432 refused, retrying in 5s while processing order batch\n';
    const log = line.repeat(Math.ceil((64 * 1024) / line.length));
    harness = await startHarness({
      // The Deployment's defaults for everything that bounds the outbox.
      config: { outboxFile: file, outboxMax: 1000, outboxMaxBytes: 20 * 1024 * 1024, queuedLogBytes: 4096, logBytes: 64 * 1024, logTailLines: 100_000, collectConcurrency: 8 },
      deps: { backoffInitialMs: 100, senderBackoffMaxMs: 2000 },
    });
    const { api, sink, agent } = harness;
    const server = await startHealthServer({ port: 0, host: '127.0.0.1', isReady: () => agent.isReady(), registry: agent.metrics.registry });
    try {
      sink.script = Array.from({ length: 100_000 }, () => 503);
      const heapBefore = retainedHeap();
      const queueStarted = performance.now();
      let maxFile = 0;
      let maxHealthMs = 0;
      for (let index = 0; index < 600; index += 1) {
        const pod = failing(`svc${index}`);
        api.setLogs('default', pod.metadata.name, 'app', { previous: log, current: log });
        api.upsertPod(pod);
        if (index % 50 === 49) {
          await waitFor(() => agent.outbox.depth + agent.outbox.dropped >= index - 8, 20_000, `${index} queued`);
          const started = performance.now();
          expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
          maxHealthMs = Math.max(maxHealthMs, performance.now() - started);
          maxFile = Math.max(maxFile, statSync(file).size);
        }
      }
      await agent.idle();
      await waitFor(() => agent.outbox.depth === 600, 20_000, 'all 600 queued');
      maxFile = Math.max(maxFile, statSync(file).size);
      const heapGrowth = retainedHeap() - heapBefore;

      expect(agent.outbox.dropped).toBe(0);
      expect(agent.outbox.bytes).toBeLessThanOrEqual(20 * 1024 * 1024);
      expect(maxFile).toBeLessThan(EMPTY_DIR_LIMIT);
      // Memory: what the queue retains is bounded by its byte budget; the retained heap growth of this
      // whole process (fake API server and sink included) stays far under the 384 MiB limit.
      expect(heapGrowth).toBeLessThan(192 * 1024 * 1024);
      // The liveness probe's timeout is 3 s; a backlog must not come near it (typically tens of ms here).
      expect(maxHealthMs).toBeLessThan(500);

      // The App returns.
      const queuedAfterMs = performance.now() - queueStarted;
      // The App returns; the rate is counted from its first acceptance (the sender may be in a backoff).
      sink.script = [];
      await waitFor(() => sink.failures.length > 0, 70_000, 'first delivery after the outage', 20);
      const returned = performance.now();
      await waitFor(() => agent.outbox.depth === 0, 60_000, 'outbox drained', 50);
      const seconds = (performance.now() - returned) / 1000;
      const rate = 600 / seconds;
      expect(sink.failures).toHaveLength(600);
      expect(rate).toBeGreaterThanOrEqual(20);
      console.log(
        `outage: 600 reports, outbox ${(agent.outbox.bytes / 1048576).toFixed(1)} MiB after drain, peak file ${(maxFile / 1048576).toFixed(1)} MiB, ` +
          `heap growth ${(heapGrowth / 1048576).toFixed(1)} MiB, healthz max ${maxHealthMs.toFixed(1)} ms, queued in ${(queuedAfterMs / 1000).toFixed(1)} s, drain ${rate.toFixed(0)} reports/s`,
      );
    } finally {
      await server.close();
    }
  }, 120_000);
});
