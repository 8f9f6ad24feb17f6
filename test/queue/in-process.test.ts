import { afterEach, describe, expect, it } from 'vitest';
import { InProcessJobQueue } from '../../src/queue/in-process.js';
import { createJobQueue } from '../../src/queue/index.js';
import { BullMqJobQueue } from '../../src/queue/bullmq.js';
import { PermanentJobError, RetryLaterError, type ReportJob } from '../../src/queue/types.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import { oomReport } from '../app/github-mock.js';
import { deleteKeys, uniquePrefix } from './redis-helpers.js';

const failureJob = (deliveryId: string): ReportJob => ({ type: 'failure', report: oomReport(), deliveryId, receivedAt: new Date().toISOString() });
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
