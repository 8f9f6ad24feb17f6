import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BullMqJobQueue, type BullMqQueueOptions } from '../../src/queue/bullmq.js';
import { PermanentJobError, RetryLaterError, type JobInfo, type ReportJob } from '../../src/queue/types.js';
import { oomReport } from '../app/github-mock.js';
import { deleteKeys, REDIS_URL, uniquePrefix, waitFor } from './redis-helpers.js';

const queues: BullMqJobQueue[] = [];
const prefixes: string[] = [];
const children: ChildProcess[] = [];

function queue(name: string, options: Partial<BullMqQueueOptions> = {}): BullMqJobQueue {
  const prefix = options.prefix ?? uniquePrefix(name);
  prefixes.push(prefix);
  const created = new BullMqJobQueue({ redisUrl: REDIS_URL, prefix, retry: { attempts: 3, backoffMs: 50 }, ...options });
  queues.push(created);
  return created;
}

const failureJob = (deliveryId: string, report = oomReport()): ReportJob => ({ type: 'failure', report, deliveryId, receivedAt: new Date().toISOString() });

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await Promise.all(queues.splice(0).map((created) => created.close()));
  await Promise.all(prefixes.splice(0).map(deleteKeys));
});

describe('BullMqJobQueue', () => {
  it('delivers an enqueued job to the handler with its report', async () => {
    const jobs = queue('deliver');
    const seen: { job: ReportJob; info: JobInfo }[] = [];
    await jobs.start(async (job, info) => void seen.push({ job, info }));

    const { id, coalesced } = await jobs.enqueue(failureJob('d1'), { dedupKey: 'fp-1' });

    await waitFor(() => seen.length === 1);
    expect(coalesced).toBe(false);
    expect(seen[0]!.info).toEqual({ id, attempt: 1 });
    expect(seen[0]!.job).toMatchObject({ type: 'failure', deliveryId: 'd1', report: { workload: { name: 'checkout' } } });
    expect(await jobs.ready()).toBe(true);
  });

  it('coalesces reports with the same dedup key within the window into one job', async () => {
    const jobs = queue('dedup');
    const first = await jobs.enqueue(failureJob('d1'), { dedupKey: 'fp-1' });
    const second = await jobs.enqueue(failureJob('d2'), { dedupKey: 'fp-1' });
    const other = await jobs.enqueue(failureJob('d3'), { dedupKey: 'fp-2' });

    expect(second).toEqual({ id: first.id, coalesced: true });
    expect(other.coalesced).toBe(false);
    expect(other.id).not.toBe(first.id);
    expect((await jobs.counts()).waiting).toBe(2);
  });

  it('joins reports to a job not yet started with their occurrences, and queues a new job once it has started', async () => {
    const jobs = queue('join');
    const first = await jobs.enqueue(failureJob('d1'), { dedupKey: 'fp-1' });
    const joined = await jobs.enqueue(failureJob('d2', oomReport({ occurrences: 2 })), { dedupKey: 'fp-1' });
    expect(joined).toEqual({ id: first.id, coalesced: true });

    const seen: ReportJob[] = [];
    await jobs.start(async (job) => void seen.push(job));
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ deliveryId: 'd1', report: { occurrences: 3 } });
    expect(seen[0]).not.toHaveProperty('joined');
    expect(seen[0]).not.toHaveProperty('dedupKey');

    // The job has run: a report of the same failure is a job of its own, and counted.
    const after = await jobs.enqueue(failureJob('d3'), { dedupKey: 'fp-1' });
    expect(after.coalesced).toBe(false);
    await waitFor(() => seen.length === 2);
    expect(seen[1]).toMatchObject({ deliveryId: 'd3', report: { occurrences: 1 } });
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    const jobs = queue('retry');
    const attempts: number[] = [];
    await jobs.start(async (_job, info) => {
      attempts.push(info.attempt);
      if (info.attempt < 3) throw new Error('GitHub answered 502');
    });
    await jobs.enqueue(failureJob('d1'), { dedupKey: 'fp-1' });

    await waitFor(async () => (await jobs.counts()).completed === 1);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('waits out a rate limit without spending an attempt', async () => {
    const jobs = queue('later', { retry: { attempts: 1, backoffMs: 50 } });
    const runs: number[] = [];
    await jobs.start(async (_job, info) => {
      runs.push(info.attempt);
      if (runs.length === 1) throw new RetryLaterError('secondary rate limit', 200);
    });
    const started = Date.now();
    await jobs.enqueue(failureJob('d1'), { dedupKey: 'fp-1' });

    await waitFor(async () => (await jobs.counts()).completed === 1);
    expect(runs).toEqual([1, 1]);
    // The retry waited the delay asked for (a few ms of slack for clock rounding against Redis).
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('does not retry a job that can never succeed', async () => {
    const jobs = queue('permanent');
    let runs = 0;
    await jobs.start(async () => {
      runs += 1;
      throw new PermanentJobError('malformed job');
    });
    await jobs.enqueue(failureJob('d1'), { dedupKey: 'fp-1' });

    await waitFor(async () => (await jobs.counts()).failed === 1);
    expect(runs).toBe(1);
  });

  it('completes on another worker a job whose worker was killed mid-job', async () => {
    const prefix = uniquePrefix('stalled');
    const script = fileURLToPath(new URL('./fixtures/stalling-worker.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, REDIS_URL, QUEUE_PREFIX: prefix }, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => output.includes('ready'), 15_000);

    const producer = queue('stalled', { prefix, lockDuration: 1_000, stalledInterval: 500 });
    const { id } = await producer.enqueue(failureJob('d1'), { dedupKey: 'fp-1' });
    await waitFor(() => output.includes(`started ${id}`));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const completedBy: string[] = [];
    await producer.start(async (_job, info) => void completedBy.push(info.id));

    await waitFor(() => completedBy.length === 1, 15_000);
    expect(completedBy).toEqual([id]);
    await waitFor(async () => (await producer.counts()).completed === 1);
  }, 40_000);
});
