import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

  it('keeps a report the App refuses with 401, retries it signed afresh, counts and logs it, and delivers on the 202', async () => {
    harness = await startHarness();
    const { api, sink, agent } = harness;
    sink.script = [401, 401];
    api.upsertPod(failingPod('web'));

    const report = await waitFor(() => sink.failures[0], 8000, 'delivery after 401s');
    expect(report.workload.name).toBe('web');
    expect(sink.requests.map((request) => request.status)).toEqual([401, 401, 202]);
    expect(new Set(sink.requests.map((request) => JSON.stringify(request.headers))).size).toBe(3);
    expect((await agent.metrics.reportsFailed.get()).values).toEqual([{ value: 2, labels: { kind: 'FailureReport', reason: 'unauthorized' } }]);
    expect(harness.logs.filter((line) => line.includes('refused by the App as unauthorized'))).toHaveLength(2);
  });

  it("signs with the App's time when the local clock is 5 minutes off, and logs the offset", async () => {
    harness = await startHarness({ start: false });
    const { api, sink, agent } = harness;
    sink.clockOffsetMs = 5 * 60_000 + 30_000;
    agent.start();
    await waitFor(() => agent.isReady(), 5000, 'ready');
    api.upsertPod(failingPod('web'));

    await waitFor(() => sink.failures[0], 8000, 'delivery despite skew');
    // The first attempt is stale by the App's clock; the second carries the App's time.
    expect(sink.requests.map((request) => [request.status, request.signatureOk])).toEqual([
      [401, false],
      [202, true],
    ]);
    const logged = harness.logs.map((line) => JSON.parse(line) as { msg: string; clockOffsetMs?: number }).find((entry) => entry.msg.includes("signing with the App's time"));
    expect(logged?.clockOffsetMs).toBeGreaterThan(5 * 60_000 + 27_000);
    expect(logged?.clockOffsetMs).toBeLessThan(5 * 60_000 + 33_000);
  });

  it('reports the next occurrence of a failure whose report the App rejected, instead of debouncing it away', async () => {
    harness = await startHarness();
    const { api, sink } = harness;
    sink.script = [400];
    const pod = makePod({ name: 'web-abc12-x1', deployment: 'web', templateHash: 'abc12' });
    api.upsertPod(crashLooping(pod, { reason: 'Error', exitCode: 1 }, 3));
    await waitFor(() => sink.requests.length === 1, 5000, 'rejected attempt');
    await waitFor(() => harness!.agent.outbox.depth === 0, 2000, 'rejected report removed');

    // Inside the debounce window, the pod restarts again: never delivered, so it is reported.
    api.upsertPod(crashLooping(pod, { reason: 'Error', exitCode: 1 }, 4));
    const report = await waitFor(() => sink.failures[0], 5000, 'report of the next occurrence');
    expect(report.failure.restartCount).toBe(4);
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
    const outbox = new Outbox({ maxItems: 2, maxBytes: 1024 * 1024, onDrop: (gone) => dropped.push(gone.body) });
    outbox.push(item('a'));
    outbox.push(item('b'));
    outbox.push(item('c'));
    expect(outbox.depth).toBe(2);
    expect(outbox.peek()?.body).toBe('b');
    expect(dropped).toEqual(['a']);
    expect(outbox.dropped).toBe(1);
  });

  it('is bounded in bytes as well as in count, and shrinks reports once half full', () => {
    const dropped: string[] = [];
    const shrunk: string[] = [];
    const outbox = new Outbox({
      maxItems: 1000,
      maxBytes: 10_000,
      shrink: (queued) => (shrunk.push(queued.body.slice(0, 1)), { ...queued, body: queued.body.slice(0, 100) }),
      onDrop: (gone) => dropped.push(gone.body.slice(0, 1)),
    });
    outbox.push(item('a'.repeat(3000)));
    outbox.push(item('b'.repeat(3000)));
    // Half full: from here on reports are queued shrunk.
    outbox.push(item('c'.repeat(3000)));
    expect(shrunk).toEqual(['c']);
    outbox.push(item('d'.repeat(6000)));
    expect(outbox.bytes).toBeLessThanOrEqual(10_000);
    expect(dropped).toEqual([]);
    // One report larger than the whole budget cannot be kept even shrunk: the oldest go first, then it.
    const tight = new Outbox({ maxItems: 1000, maxBytes: 1000, onDrop: (gone) => dropped.push(gone.body.slice(0, 1)) });
    tight.push(item('x'.repeat(500)));
    tight.push(item('y'.repeat(2000)));
    expect(tight.depth).toBe(0);
    expect(dropped).toEqual(['x', 'y']);
  });

  it('keeps an append-only journal: each push and removal appends one line, compaction keeps the file small', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.jsonl');
    const outbox = new Outbox({ maxItems: 1000, maxBytes: 64 * 1024 * 1024, file });
    const body = JSON.stringify({ logs: 'z'.repeat(64 * 1024) });
    const sizes: number[] = [];
    for (let index = 0; index < 40; index += 1) {
      outbox.push(item(body));
      sizes.push(statSync(file).size);
    }
    // Growth per push is one line, whatever the backlog.
    const steps = sizes.slice(1).map((size, index) => size - sizes[index]!);
    expect(Math.max(...steps) - Math.min(...steps)).toBeLessThan(16);
    for (let index = 0; index < 39; index += 1) outbox.remove(outbox.peek()!);
    // Dead lines outweighed live ones: compacted, so the file is never above twice its live part
    // (or the 1 MiB below which compaction is not worth a rewrite). Without it: 40 reports' worth.
    expect(statSync(file).size).toBeLessThanOrEqual(Math.max(1024 * 1024, 2 * outbox.bytes));
    expect(statSync(file).size).toBeLessThan(sizes.at(-1)! / 2);
    outbox.close();
    expect(new Outbox({ maxItems: 1000, maxBytes: 64 * 1024 * 1024, file }).depth).toBe(1);
  });

  it('survives a restart when backed by a file, skipping a torn last line, and reads the earlier format', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.jsonl');
    const first = new Outbox({ maxItems: 10, maxBytes: 1024 * 1024, file });
    first.push(item('{"n":1}'));
    first.push(item('{"n":2}'));
    first.remove(first.peek()!);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    appendFileSync(file, '{"op":"add","id":9,"kind":"FailureReport","bo');
    first.close();

    const second = new Outbox({ maxItems: 10, maxBytes: 1024 * 1024, file });
    expect(second.depth).toBe(1);
    expect(second.peek()?.body).toBe('{"n":2}');
    second.close();

    const legacy = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.jsonl');
    writeFileSync(legacy, [item('{"old":1}'), item('{"old":2}')].map((line) => JSON.stringify(line)).join('\n'));
    const upgraded = new Outbox({ maxItems: 10, maxBytes: 1024 * 1024, file: legacy });
    expect(upgraded.depth).toBe(2);
    expect(upgraded.peek()?.body).toBe('{"old":1}');
    upgraded.close();
  });
});
