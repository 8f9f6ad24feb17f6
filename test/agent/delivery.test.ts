import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../agent/deliver/outbox.js';
import { crashLooping, makePod } from '../support/fake-kube/objects.js';
import { startHarness, waitFor, type Harness } from './harness.js';

const failingPod = (name: string) => crashLooping(makePod({ name: `${name}-abc12-x1`, deployment: name, templateHash: 'abc12' }), { reason: 'Error', exitCode: 1 });

describe('delivering reports to the App', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('keeps a report through an App outage and delivers it once the App answers 202', async () => {
    harness = await startHarness();
    const { api, sink, agent } = harness;
    sink.script = [503, 503, 503];
    api.upsertPod(failingPod('web'));

    const report = await waitFor(() => sink.failures[0], 8000, 'delivery after outage');
    expect(report.workload.name).toBe('web');
    expect(sink.requests.map((request) => request.status)).toEqual([503, 503, 503, 202]);
    // Every attempt is freshly signed (new delivery id), all over the same bytes.
    expect(new Set(sink.requests.map((request) => request.body)).size).toBe(1);
    expect(sink.requests.every((request) => request.signatureOk)).toBe(true);
    await waitFor(() => agent.outbox.depth === 0, 2000, 'outbox drained');
    const failed = await agent.metrics.reportsFailed.get();
    expect(failed.values).toEqual([{ value: 3, labels: { kind: 'FailureReport', reason: 'retry' } }]);
    expect((await agent.metrics.reportsSent.get()).values).toEqual([{ value: 1, labels: { kind: 'FailureReport' } }]);
  });

  it('drops a report the App rejects with a 4xx instead of retrying it forever', async () => {
    harness = await startHarness();
    const { api, sink, agent } = harness;
    sink.script = [400];
    api.upsertPod(failingPod('web'));
    await waitFor(() => sink.requests.length === 1, 5000, 'first attempt');
    api.upsertPod(failingPod('api'));

    const report = await waitFor(() => sink.failures[0], 5000, 'second report');
    expect(report.workload.name).toBe('api');
    expect(sink.requests.map((request) => request.status)).toEqual([400, 202]);
    expect((await agent.metrics.reportsFailed.get()).values).toEqual([{ value: 1, labels: { kind: 'FailureReport', reason: 'rejected' } }]);
    expect(harness.logs.some((line) => line.includes('report rejected by the App'))).toBe(true);
  });
});

describe('the outbox', () => {
  const item = (body: string) => ({ kind: 'FailureReport', body, enqueuedAt: 0 });

  it('drops the oldest report when full and counts it', () => {
    const dropped: string[] = [];
    const outbox = new Outbox(2, undefined, (gone) => dropped.push(gone.body));
    outbox.push(item('a'));
    outbox.push(item('b'));
    outbox.push(item('c'));
    expect(outbox.depth).toBe(2);
    expect(outbox.peek()?.body).toBe('b');
    expect(dropped).toEqual(['a']);
    expect(outbox.dropped).toBe(1);
  });

  it('survives a restart when backed by a file, skipping a torn last line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.jsonl');
    const first = new Outbox(10, file);
    first.push(item('{"n":1}'));
    first.push(item('{"n":2}'));
    first.remove(first.peek()!);
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(1);
    appendFileSync(file, '\n{"kind":"FailureReport","bo');

    const second = new Outbox(10, file);
    expect(second.depth).toBe(1);
    expect(second.peek()?.body).toBe('{"n":2}');
  });
});
