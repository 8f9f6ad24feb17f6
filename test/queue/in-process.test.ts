import { afterEach, describe, expect, it } from 'vitest';
import { InProcessJobQueue } from '../../src/queue/in-process.js';
import { createJobQueue } from '../../src/queue/index.js';
import { BullMqJobQueue } from '../../src/queue/bullmq.js';
import { PermanentJobError, RetryLaterError, type ReportJob } from '../../src/queue/types.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import { oomReport } from '../app/github-mock.js';
import { parseRecoveryReport } from '../../src/report/schema.js';
import { deleteKeys, uniquePrefix } from './redis-helpers.js';

const failureJob = (deliveryId: string, report = oomReport()): ReportJob => ({ type: 'failure', report, deliveryId, receivedAt: new Date().toISOString() });

function recoveryJob(deliveryId: string, pods: { ready: number; total: number }): ReportJob {
  const parsed = parseRecoveryReport({
    apiVersion: 'kubecure.dev/v1',
    kind: 'RecoveryReport',
    cluster: 'prod-eu',
    observedAt: '2026-11-22T02:20:00Z',
    workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout', namespace: 'shop' },
    fingerprints: ['fp-1'],
    readySince: '2026-11-22T02:09:30Z',
    pods,
    restartsDuringSettle: 0,
    specChanged: true,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return { type: 'recovery', report: parsed.value, deliveryId, receivedAt: new Date().toISOString() };
}
const queues: { close(): Promise<void> }[] = [];

function inProcess(options: ConstructorParameters<typeof InProcessJobQueue>[0] = {}) {
  const queue = new InProcessJobQueue({ retry: { attempts: 3, backoffMs: 10 }, ...options });
  queues.push(queue);
  return queue;
}

afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.close()));
});

describe('InProcessJobQueue', () => {
  it('says at start that it is single-replica and not durable', async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (message) => void warnings.push(String(message)) };
    const queue = inProcess({ logger });
    await queue.start(async () => undefined);
    expect(queue.durable).toBe(false);
    expect(warnings.join('\n')).toMatch(/in-process queue \(single replica only; queued reports are lost on restart\)/);
  });

  it('holds jobs enqueued before start and runs them once started', async () => {
    const queue = inProcess();
    const { id } = await queue.enqueue(failureJob('d1'), { dedupKey: 'a' });
    const seen: string[] = [];
    await queue.start(async (_job, info) => void seen.push(info.id));
    await queue.idle();
    expect(seen).toEqual([id]);
  });

  it('coalesces the same dedup key within the window and not after it', async () => {
    const queue = inProcess({ dedupWindowMs: 50 });
    const first = await queue.enqueue(failureJob('d1'), { dedupKey: 'a' });
    expect(await queue.enqueue(failureJob('d2'), { dedupKey: 'a' })).toEqual({ id: first.id, coalesced: true });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await queue.enqueue(failureJob('d3'), { dedupKey: 'a' })).coalesced).toBe(false);
  });

  it('joins a report to a job not yet started, keeping the occurrences of both', async () => {
    const queue = inProcess();
    const first = await queue.enqueue(failureJob('d1'), { dedupKey: 'a' });
    const joined = await queue.enqueue(failureJob('d2', oomReport({ occurrences: 2, observedAt: '2026-11-22T00:07:00Z' })), { dedupKey: 'a' });
    const seen: ReportJob[] = [];
    await queue.start(async (job) => void seen.push(job));
    await queue.idle();

    expect(joined).toEqual({ id: first.id, coalesced: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ deliveryId: 'd1', report: { occurrences: 3, observedAt: '2026-11-22T00:07:00Z', firstSeen: '2026-11-21T23:52:10Z' } });
    expect(seen[0]).not.toHaveProperty('joined');
  });

  it('never coalesces into a job that started: 4 reports of one failure, one per finished job, are 4 occurrences', async () => {
    const queue = inProcess();
    const seen: ReportJob[] = [];
    await queue.start(async (job) => void seen.push(job));
    for (const delivery of ['d1', 'd2', 'd3', 'd4']) {
      expect((await queue.enqueue(failureJob(delivery), { dedupKey: 'a' })).coalesced).toBe(false);
      await queue.idle();
    }
    expect(seen.map((job) => job.deliveryId)).toEqual(['d1', 'd2', 'd3', 'd4']);
    expect(seen.reduce((sum, job) => sum + (job.type === 'failure' ? job.report.occurrences : 0), 0)).toBe(4);
  });

  it('runs a corrected recovery report that arrives after the first one was handled', async () => {
    const queue = inProcess();
    const handled: unknown[] = [];
    await queue.start(async (job) => void handled.push(job.type === 'recovery' ? job.report.pods : null));
    await queue.enqueue(recoveryJob('r1', { ready: 1, total: 2 }), { dedupKey: 'recovery:checkout' });
    await queue.idle();
    expect((await queue.enqueue(recoveryJob('r2', { ready: 2, total: 2 }), { dedupKey: 'recovery:checkout' })).coalesced).toBe(false);
    await queue.idle();
    expect(handled).toEqual([{ ready: 1, total: 2 }, { ready: 2, total: 2 }]);
  });

  it('replaces a queued recovery report by the corrected one that joins it', async () => {
    const queue = inProcess();
    await queue.enqueue(recoveryJob('r1', { ready: 1, total: 2 }), { dedupKey: 'recovery:checkout' });
    expect((await queue.enqueue(recoveryJob('r2', { ready: 2, total: 2 }), { dedupKey: 'recovery:checkout' })).coalesced).toBe(true);
    const handled: unknown[] = [];
    await queue.start(async (job) => void handled.push(job.type === 'recovery' ? [job.deliveryId, job.report.pods] : null));
    await queue.idle();
    expect(handled).toEqual([['r2', { ready: 2, total: 2 }]]);
  });

  it('retries failures with backoff, then gives up after the last attempt', async () => {
    const queue = inProcess();
    const attempts: number[] = [];
    await queue.start(async (_job, info) => {
      attempts.push(info.attempt);
      throw new Error('boom');
    });
    await queue.enqueue(failureJob('d1'), { dedupKey: 'a' });
    await queue.idle();
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('waits out a rate limit without spending an attempt, and never retries a permanent error', async () => {
    const queue = inProcess({ retry: { attempts: 1, backoffMs: 10 } });
    const runs: string[] = [];
    await queue.start(async (job, info) => {
      runs.push(`${job.deliveryId}#${info.attempt}`);
      if (job.deliveryId === 'limited' && runs.length === 1) throw new RetryLaterError('slow down', 20);
      if (job.deliveryId === 'broken') throw new PermanentJobError('never');
    });
    await queue.enqueue(failureJob('limited'), { dedupKey: 'a' });
    await queue.idle();
    await queue.enqueue(failureJob('broken'), { dedupKey: 'b' });
    await queue.idle();
    expect(runs).toEqual(['limited#1', 'limited#1', 'broken#1']);
  });
});

describe('createJobQueue', () => {
  it('chooses Redis when REDIS_URL is set and the in-process queue otherwise', async () => {
    const memory = createJobQueue({}, silentLogger);
    const prefix = uniquePrefix('choice');
    const redis = createJobQueue({ REDIS_URL: 'redis://127.0.0.1:6379', KUBECURE_QUEUE_PREFIX: prefix }, silentLogger);
    expect(memory).toBeInstanceOf(InProcessJobQueue);
    expect(redis).toBeInstanceOf(BullMqJobQueue);
    expect(await redis.ready()).toBe(true);
    await Promise.all([memory.close(), redis.close()]);
    await deleteKeys(prefix);
  });
});
