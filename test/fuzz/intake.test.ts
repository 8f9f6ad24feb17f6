/**
 * Report intake under hostile input: 10,000+ generated deliveries (wrong types, missing fields,
 * huge strings and bodies, deep nesting, prototype-pollution keys, invalid UTF-8, bad and
 * foreign signatures, good signatures over bad JSON, stale and replayed deliveries) sent to the
 * real App over keep-alive HTTP. Every one is answered 4xx, the App keeps serving, and nothing
 * reaches the queue.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { Queue } from 'bullmq';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/report/signature.js';
import type { ReportJob } from '../../src/queue/types.js';
import { REDIS_URL, startApp, type RunningApp } from '../support/e2e/app.js';
import { LogCapture } from '../support/e2e/logs.js';
import { deleteKeys } from '../support/e2e/world.js';
import { hostileRequests, validReport, type HostileRequest, type Signer } from './hostile-bodies.js';

const CASES = 10_000;
const HTTP_CASES = 1_000;
const SIGNER: Signer = { cluster: 'fuzz-prod', secret: 'fuzz-secret-0123456789abcdef', otherCluster: 'fuzz-staging', otherSecret: 'fuzz-other-secret-0123456789' };
/** What each family must be answered with. */
const EXPECTED: Record<string, number[]> = {
  'wrong-type': [400],
  'missing-field': [400],
  'not-json': [400],
  'random-bytes': [400],
  'invalid-utf8': [400],
  // Too deep to be a report whatever its shape.
  'huge-body': [413],
  'huge-field': [400],
  'deep-nesting': [400],
  'deep-in-field': [400],
  'prototype-pollution': [400],
  unsigned: [401],
  'bad-signature': [401],
  'wrong-secret': [401],
  'stale-timestamp': [401],
  // One answer for every authentication failure: an unknown cluster is not told apart from a bad signature.
  'unknown-cluster': [401],
  'cluster-mismatch': [403],
  'wrong-method': [405],
  replayed: [400, 401],
};

let app: RunningApp;
const prefix = `kubecure-fuzz-${randomUUID().slice(0, 8)}`;
const logs = new LogCapture();
const agent = new Agent({ keepAlive: true, maxSockets: 32 });

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1'));
  app = await startApp({
    clusters: { [SIGNER.cluster]: { secret: SIGNER.secret }, [SIGNER.otherCluster]: { secret: SIGNER.otherSecret } },
    prefix,
    logs,
    // Nothing is processed: whatever the intake queues stays visible in Redis.
    startWorker: false,
    // The fuzz is about what a body can do, not how many: the per-cluster rate would answer 429 first.
    env: { KUBECURE_INTAKE_BURST: '100000', KUBECURE_INTAKE_PER_MINUTE: '100000' },
  });
});

afterAll(async () => {
  agent.destroy();
  await app?.stop();
  await deleteKeys(prefix);
  nock.enableNetConnect();
});

function send(hostile: Pick<HostileRequest, 'method' | 'headers' | 'body'>): Promise<{ status: number; body: string }> {
  const url = new URL('/kubecure/v1/reports', app.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: hostile.method, headers: { ...hostile.headers, 'content-length': String(hostile.body.length) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    // The server may answer (413) and close before a huge body is fully written.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? resolve({ status: 413, body: 'closed early' }) : reject(error)));
    req.end(hostile.body);
  });
}

/**
 * The App's own intake handler (the one Probot's server routes to), called in-process with the
 * raw bytes: the same code path as HTTP without the socket overhead, so 10,000 cases take seconds.
 */
async function callHandler(hostile: Pick<HostileRequest, 'method' | 'headers' | 'body'>): Promise<{ status: number; body: string }> {
  const req = Object.assign(Readable.from(hostile.body.length > 0 ? [hostile.body] : []), {
    method: hostile.method,
    url: '/kubecure/v1/reports',
    headers: Object.fromEntries(Object.entries({ ...hostile.headers, 'content-length': String(hostile.body.length) }).map(([name, value]) => [name.toLowerCase(), value])),
  });
  let status = 0;
  let text = '';
  const res = {
    setHeader() {},
    writeHead(code: number) {
      status = code;
      return res;
    },
    end(chunk?: string) {
      text = chunk ?? '';
    },
  };
  const handled = await app.runtime.handlers[0]!(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  if (!handled) throw new Error('the intake did not handle its own path');
  return { status, body: text };
}

async function runCases(count: number, seed: number, deliver: typeof send) {
  const cases = hostileRequests(count, SIGNER, seed);
  const byFamily = new Map<string, Map<number, number>>();
  const unexpected: string[] = [];
  const worker = async () => {
    for (let next = cases.next(); !next.done; next = cases.next()) {
      const hostile = next.value;
      const { status, body } = await deliver(hostile);
      const tally = byFamily.get(hostile.family) ?? new Map<number, number>();
      tally.set(status, (tally.get(status) ?? 0) + 1);
      byFamily.set(hostile.family, tally);
      if (!EXPECTED[hostile.family]?.includes(status) && unexpected.length < 20) unexpected.push(`${hostile.family} → ${status} ${body.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return { byFamily, unexpected };
}

function expectAllRejected(result: Awaited<ReturnType<typeof runCases>>, count: number): void {
  expect(result.unexpected).toEqual([]);
  expect([...result.byFamily.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  const statuses = [...result.byFamily.values()].flatMap((tally) => [...tally.keys()]);
  expect(statuses.every((status) => status >= 400 && status < 500)).toBe(true);
  expect([...result.byFamily.values()].reduce((sum, tally) => sum + [...tally.values()].reduce((a, b) => a + b, 0), 0)).toBe(count);
}

describe('the report intake under 10,000 hostile deliveries', () => {
  it('answers every one with the 4xx its family calls for, queues nothing and keeps serving', async () => {
    expectAllRejected(await runCases(CASES, 20261122, callHandler), CASES);
    // The same over keep-alive HTTP through Probot's server and middleware, on a fresh seed.
    expectAllRejected(await runCases(HTTP_CASES, 7, send), HTTP_CASES);

    // Nothing reached the queue, nothing polluted a prototype, and the App still serves.
    expect(await app.queue.counts()).toMatchObject({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect((await fetch(`${app.url}/kubecure/healthz`)).status).toBe(200);
    const body = JSON.stringify(validReport(SIGNER.cluster));
    const accepted = await send({ method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(SIGNER.cluster, SIGNER.secret, body) }, body: Buffer.from(body) });
    expect(accepted.status).toBe(202);
    expect((await app.queue.counts()).waiting).toBe(1);
  }, 60_000);

  it('accepts a valid report that carries prototype-pollution keys, with the keys stripped and no prototype touched', async () => {
    const report = validReport(SIGNER.cluster);
    report.workload = { ...report.workload, name: 'checkout-canary' };
    const text = JSON.stringify(report).replace('{', '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},');
    const delivered = await send({ method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(SIGNER.cluster, SIGNER.secret, text) }, body: Buffer.from(text) });

    expect(delivered.status).toBe(202);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const queue = new Queue<ReportJob>('kubecure-reports', { connection: { url: REDIS_URL }, prefix });
    try {
      const job = await queue.getJob(JSON.parse(delivered.body).jobId);
      const queued = job!.data.report as unknown as Record<string, unknown>;
      expect(queued.kind).toBe('FailureReport');
      expect(Object.hasOwn(queued, '__proto__')).toBe(false);
      expect(Object.hasOwn(queued, 'constructor')).toBe(false);
      expect(Object.getPrototypeOf(queued)).toBe(Object.prototype);
    } finally {
      await queue.close();
    }
  });
});
