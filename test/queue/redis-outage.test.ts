/**
 * Redis stopped and restarted under load, on a Redis this test starts itself (append-only file
 * on, as the README asks): every report the queue acknowledged is processed, a report sent while
 * Redis is down is refused quickly (the intake's 503) rather than held, readiness says why while
 * Redis is away, and the worker and the write budget carry on afterwards by themselves.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullMqJobQueue } from '../../src/queue/bullmq.js';
import type { ReportJob } from '../../src/queue/types.js';
import { RedisWriteBudget } from '../../src/github/write-budget.js';
import { oomReport } from '../app/github-mock.js';
import { waitFor } from './redis-helpers.js';

const PORT = 6390 + Math.floor(Math.random() * 500);
const URL_ = `redis://127.0.0.1:${PORT}`;
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer) console.warn('redis-server is not installed: the Redis outage test is skipped');

let dir = '';
let server: ChildProcess | null = null;

async function startRedis(): Promise<void> {
  server = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], { stdio: 'ignore' });
  await waitFor(async () => {
    const probe = new Redis(URL_, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      return (await probe.connect().then(() => probe.ping(), () => null)) === 'PONG';
    } finally {
      probe.disconnect();
    }
  }, 10_000);
}

async function stopRedis(): Promise<void> {
  const stopping = server!;
  const exited = new Promise((resolve) => stopping.once('exit', resolve));
  stopping.kill('SIGTERM');
  await exited;
  server = null;
}

const job = (deliveryId: string, name: string): ReportJob => ({
  type: 'failure',
  report: oomReport({ workload: { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'shop' } }),
  deliveryId,
  receivedAt: new Date().toISOString(),
});

beforeAll(async () => {
  if (!hasRedisServer) return;
  dir = mkdtempSync(join(tmpdir(), 'kubecure-redis-'));
  await startRedis();
});

afterAll(async () => {
  if (server) await stopRedis();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasRedisServer)('Redis stopped and restarted mid-storm', () => {
  it('processes every acknowledged report, refuses the rest quickly, and recovers on its own', async () => {
    const queue = new BullMqJobQueue({ redisUrl: URL_, prefix: 'outage', retry: { attempts: 5, backoffMs: 100 }, lockDuration: 2_000, stalledInterval: 500, enqueueTimeoutMs: 500 });
    const processed = new Set<string>();
    await queue.start(async (received) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      processed.add(received.deliveryId);
    });
    const acknowledged: string[] = [];
    const refused: string[] = [];
    const send = async (deliveryId: string) => {
      try {
        await queue.enqueue(job(deliveryId, `w-${deliveryId}`), { dedupKey: deliveryId });
        acknowledged.push(deliveryId);
      } catch {
        refused.push(deliveryId);
      }
    };
    try {
      for (let index = 0; index < 20; index += 1) await send(`before-${index}`);
      expect(await queue.problem()).toBeNull();

      await stopRedis();
      const started = Date.now();
      for (let index = 0; index < 3; index += 1) await send(`during-${index}`);
      // Refused within the enqueue deadline each, never held until Redis returns.
      expect(Date.now() - started).toBeLessThan(3 * 1_500);
      expect(refused).toEqual(['during-0', 'during-1', 'during-2']);
      refused.length = 0;
      expect(await queue.problem()).toBe('redis-unreachable');
      // A metrics scrape meanwhile answers at once instead of waiting for Redis.
      const scraped = Date.now();
      await expect(queue.counts()).rejects.toThrow('Redis is not connected');
      expect(Date.now() - scraped).toBeLessThan(1_500);

      await startRedis();
      // As the agent does with a 503: send again after a pause until the report is taken.
      for (let index = 0; index < 10; index += 1) {
        const deliveryId = `after-${index}`;
        for (let attempt = 0; attempt < 20 && !acknowledged.includes(deliveryId); attempt += 1) {
          await send(deliveryId);
          if (!acknowledged.includes(deliveryId)) await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
      await waitFor(() => acknowledged.every((deliveryId) => processed.has(deliveryId)), 20_000);
      expect(acknowledged).toHaveLength(30);
      expect(await queue.problem()).toBeNull();
      // No job left held by a worker: the last completions settle, nothing stays active.
      await waitFor(async () => (await queue.counts()).active === 0, 10_000);
      expect(await queue.counts()).toMatchObject({ active: 0, waiting: 0, failed: 0, completed: 30 });

      // The write budget's state went with the old Redis process only if it was idle: it rebuilds either way.
      const redis = new Redis(URL_);
      try {
        expect((await new RedisWriteBudget(redis, 'outage').reserve('42', 'new-failure')).reserved).toBe(true);
      } finally {
        redis.disconnect();
      }
    } finally {
      await queue.close();
    }
  }, 60_000);
});
