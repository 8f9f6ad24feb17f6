import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Probot, Server, type ApplicationFunctionOptions } from 'probot';
import { createRuntime } from '../../src/app/runtime.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { MemoryReplayStore } from '../../src/server/replay.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { InProcessJobQueue } from '../../src/queue/in-process.js';
import type { EnqueueResult, ReportJob } from '../../src/queue/types.js';
import { signRequest } from '../../src/report/signature.js';
import { AUTHENTICATION_FAILED } from '../../src/server/intake.js';
import { oomReport, testPrivateKey } from '../app/github-mock.js';

const SECRET = 'prod-eu-shared-secret-0123456789';

/** The real in-process queue, never started, remembering what it was given. */
class RecordingQueue extends InProcessJobQueue {
  readonly jobs: ReportJob[] = [];
  failNext = false;
  override async enqueue(job: ReportJob, options: { dedupKey: string }): Promise<EnqueueResult> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('queue unavailable');
    }
    this.jobs.push(job);
    return super.enqueue(job, options);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

let server: Server;
let base: string;
let queue: RecordingQueue;
const metrics = new AppMetrics();

beforeAll(async () => {
  queue = new RecordingQueue();
  const port = await freePort();
  server = new Server({
    Probot: Probot.defaults({ appId: 1, privateKey: testPrivateKey(), logLevel: 'fatal' }),
    port,
    host: '127.0.0.1',
  });
  await server.load((app: Probot, { addHandler }: ApplicationFunctionOptions) => {
    const runtime = createRuntime({
      app,
      env: {},
      queue,
      metrics,
      replay: new MemoryReplayStore(),
      clusters: new ClusterRegistry({ 'prod-eu': { secret: SECRET }, staging: { secret: 'staging-shared-secret-0123456' } }),
    });
    for (const handler of runtime.handlers) addHandler(handler);
  });
  await server.start();
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await server.stop();
  await queue.close();
});

beforeEach(() => {
  queue.jobs.length = 0;
});

function post(body: string, headers: Record<string, string>) {
  return fetch(`${base}/kubecure/v1/reports`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

function signed(body: string, options: { cluster?: string; secret?: string; at?: Date; delivery?: string } = {}) {
  return post(body, signRequest(options.cluster ?? 'prod-eu', options.secret ?? SECRET, body, options.at, options.delivery));
}

const reportBody = (overrides = {}) => JSON.stringify(oomReport(overrides));

describe('accepted reports', () => {
  it('queues a signed failure report and answers 202 with the job id', async () => {
    const response = await signed(reportBody());
    expect(response.status).toBe(202);
    const body = (await response.json()) as { jobId: string; coalesced: boolean };
    expect(body.jobId).toMatch(/[0-9a-f-]{36}/);
    expect(body.coalesced).toBe(false);
    expect(queue.jobs).toHaveLength(1);
    expect(queue.jobs[0]).toMatchObject({ type: 'failure', report: { workload: { name: 'checkout' } } });
  });

  it('redacts secrets a report still carries before it is queued', async () => {
    const password = `pw-${'x'.repeat(6)}-canary`;
    const token = ['ghp', 'Q'.repeat(36)].join('_');
    const report = oomReport();
    report.pod.spec = { containers: [{ name: 'checkout', env: [{ name: 'DB_PASSWORD', value: password }] }] };
    report.logs = { previous: `connecting with Authorization: Bearer ${token}\nOOM`, truncated: false };
    const response = await signed(JSON.stringify(report));
    expect(response.status).toBe(202);
    const queued = JSON.stringify(queue.jobs[0]);
    expect(queued).not.toContain(password);
    expect(queued).not.toContain(token);
    expect(queued).toContain('[REDACTED]');
  });

  it('coalesces a repeated report of the same failure into the job already queued', async () => {
    const first = (await (await signed(reportBody({ workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart', namespace: 'shop' } }))).json()) as { jobId: string };
    const second = await signed(reportBody({ workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart', namespace: 'shop' }, observedAt: '2026-11-22T00:07:00Z' }));
    expect(second.status).toBe(202);
    expect(await second.json()).toEqual({ jobId: first.jobId, coalesced: true });
  });

  it('queues a recovery report as its own job type', async () => {
    const recovery = {
      apiVersion: 'kubecure.dev/v1',
      kind: 'RecoveryReport',
      cluster: 'prod-eu',
      observedAt: '2026-11-22T01:00:00Z',
      workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout', namespace: 'shop' },
      fingerprints: ['0123456789abcdef'],
      readySince: '2026-11-22T00:55:00Z',
      pods: { ready: 2, total: 2 },
      specChanged: true,
    };
    const response = await signed(JSON.stringify(recovery));
    expect(response.status).toBe(202);
    expect(queue.jobs[0]).toMatchObject({ type: 'recovery', report: { kind: 'RecoveryReport', specChanged: true } });
  });
});

describe('rejected reports', () => {
  async function expectRejected(response: Response, status: number, error: RegExp) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = (await response.json()) as { error: string; fields: unknown[] };
    expect(body.error).toMatch(error);
    expect(Array.isArray(body.fields)).toBe(true);
    expect(queue.jobs).toHaveLength(0);
    return body;
  }

  /** Every authentication failure answers alike; only the metric (and log) tells the operator why. */
  async function expectUnauthenticated(send: () => Promise<Response>, reason: string) {
    const before = await rejections(reason);
    await expectRejected(await send(), 401, new RegExp(`^${AUTHENTICATION_FAILED.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(await rejections(reason)).toBe(before + 1);
  }

  async function rejections(reason: string): Promise<number> {
    const metric = await metrics.reportsRejected.get();
    return metric.values.find((value) => value.labels.reason === reason)?.value ?? 0;
  }

  it('401 without a signature', async () => {
    const body = reportBody();
    const headers = signRequest('prod-eu', SECRET, body);
    delete headers['x-kubecure-signature'];
    await expectUnauthenticated(() => post(body, headers), 'missing-signature');
  });

  it('401 when the body was altered after signing', async () => {
    const body = reportBody();
    const headers = signRequest('prod-eu', SECRET, body);
    await expectUnauthenticated(() => post(body.replace('checkout', 'checkouu'), headers), 'bad-signature');
  });

  it('401 when signed with another cluster\'s secret', async () => {
    await expectUnauthenticated(() => signed(reportBody(), { secret: 'staging-shared-secret-0123456' }), 'bad-signature');
  });

  it('401 for a delivery id that is not a plain token, even when signed', async () => {
    await expectUnauthenticated(() => signed(reportBody(), { delivery: 'a.b.c/../../x' }), 'bad-delivery');
  });

  it('401 for a stale timestamp', async () => {
    await expectUnauthenticated(() => signed(reportBody(), { at: new Date(Date.now() - 10 * 60_000) }), 'stale-timestamp');
  });

  it('401 for a replayed delivery', async () => {
    const body = reportBody({ workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'replayed', namespace: 'shop' } });
    const headers = signRequest('prod-eu', SECRET, body);
    expect((await post(body, headers)).status).toBe(202);
    queue.jobs.length = 0;
    await expectUnauthenticated(() => post(body, headers), 'replayed');
  });

  it('401 for an unknown cluster, the same answer a known cluster with a wrong secret gets', async () => {
    await expectUnauthenticated(() => signed(reportBody(), { cluster: 'nowhere' }), 'unknown-cluster');
  });

  it('403 when a cluster sends a report naming another cluster', async () => {
    await expectRejected(await signed(reportBody({ cluster: 'staging' })), 403, /names cluster "staging"/);
  });

  it('413 for a body over the size limit', async () => {
    const huge = reportBody({ logs: { previous: 'x'.repeat(1024 * 1024 + 10), truncated: false } });
    await expectRejected(await signed(huge), 413, /exceeds 1048576 bytes/);
  });

  it('400 for a body that is not JSON', async () => {
    await expectRejected(await signed('{"apiVersion": '), 400, /not valid JSON/);
  });

  it('400 naming the missing field', async () => {
    const report = JSON.parse(reportBody()) as { failure: Record<string, unknown> };
    delete report.failure.category;
    const body = await expectRejected(await signed(JSON.stringify(report)), 400, /schema/);
    expect(body.fields).toContainEqual(expect.objectContaining({ path: 'failure.category' }));
  });

  it('405 for another method on the reports path', async () => {
    const response = await fetch(`${base}/kubecure/v1/reports`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('503 when the queue cannot take the job, so the agent retries', async () => {
    queue.failNext = true;
    await expectRejected(await signed(reportBody({ observedAt: '2026-11-22T00:08:00Z', workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'queue-down', namespace: 'shop' } })), 503, /retry later/);
  });
});

describe('health and metrics', () => {
  it('answers liveness and readiness', async () => {
    expect(await (await fetch(`${base}/kubecure/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${base}/kubecure/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, queue: 'in-process' });
  });

  it('exposes received and rejected reports by reason in Prometheus format', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/kubecure_reports_received_total\{kind="failure"\} \d+/);
    expect(text).toMatch(/kubecure_reports_rejected_total\{reason="bad-signature"\} 2/);
    expect(text).toMatch(/kubecure_reports_rejected_total\{reason="replayed"\} 1/);
  });

  it('leaves other paths to Probot', async () => {
    expect((await fetch(`${base}/somewhere-else`)).status).toBe(404);
  });
});
