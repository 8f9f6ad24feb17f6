import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeKubeApi } from '../support/fake-kube-api.js';
import { crashLooping, makePod } from '../support/fake-kube/objects.js';
import { ReportSink, SECRET, waitFor } from './harness.js';

const MAIN = fileURLToPath(new URL('../../agent/main.ts', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function run(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('the agent entry point', () => {
  const cleanups: Array<() => Promise<unknown> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('serves health endpoints, reports a failure, logs JSON lines and exits cleanly on SIGTERM', async () => {
    const api = new FakeKubeApi();
    const sink = new ReportSink();
    await Promise.all([api.start(), sink.start()]);
    cleanups.push(() => api.stop(), () => sink.stop());
    const port = await freePort();
    const agent = run({
      KUBECURE_CLUSTER: 'entry-test',
      KUBECURE_APP_URL: sink.url,
      KUBECURE_CLUSTER_SECRET: SECRET,
      KUBECURE_KUBE_API_URL: api.url,
      KUBECURE_KUBE_TOKEN: api.token,
      KUBECURE_PORT: String(port),
    });
    cleanups.push(() => void agent.child.kill('SIGKILL'));

    const base = `http://127.0.0.1:${port}`;
    await waitFor(() => agent.output().includes('agent started'), 45_000, 'agent start');
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200, 5000, 'readyz');
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    api.upsertPod(crashLooping(makePod({ name: 'web-ab1-x1', deployment: 'web', templateHash: 'ab1' }), { reason: 'OOMKilled', exitCode: 137 }));
    await waitFor(() => sink.failures[0], 10_000, 'report');
    expect(sink.failures[0]?.cluster).toBe('entry-test');
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('kubecure_agent_reports_sent_total{kind="FailureReport"} 1');

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    const lines = agent.output().trim().split('\n').filter((line) => line.startsWith('{'));
    expect(lines.map((line) => JSON.parse(line) as { msg?: string }).map((entry) => entry.msg)).toEqual(
      expect.arrayContaining(['agent started', 'failure reported', 'shutting down']),
    );
  }, 90_000);

  it('exits with status 2 and names the variable when the configuration is incomplete', async () => {
    const agent = run({ KUBECURE_APP_URL: 'http://127.0.0.1:1', KUBECURE_CLUSTER_SECRET: 'x' });
    expect(await agent.exited).toBe(2);
    expect(agent.output()).toContain('KUBECURE_CLUSTER is required');
  }, 60_000);

  it('exits with status 2 and a JSON line when it runs in a cluster without a service-account token', async () => {
    const agent = run({
      KUBECURE_CLUSTER: 'c',
      KUBECURE_APP_URL: 'http://127.0.0.1:1',
      KUBECURE_CLUSTER_SECRET: SECRET,
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      HOME: '/nonexistent',
    });
    expect(await agent.exited).toBe(2);
    const entry = JSON.parse(agent.output().trim().split('\n').at(-1)!) as { level: string; msg: string; err: string };
    expect(entry).toMatchObject({ level: 'error', msg: 'invalid configuration' });
    expect(entry.err).toMatch(/service account token is missing/);
    expect(agent.output()).not.toContain('localhost:8080');
  }, 60_000);

  it('exits with a JSON line, not a stack trace, when its port is taken', async () => {
    const api = new FakeKubeApi();
    await api.start();
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    cleanups.push(() => api.stop(), () => new Promise((resolve) => taken.close(resolve)));
    const agent = run({
      KUBECURE_CLUSTER: 'c',
      KUBECURE_APP_URL: 'http://127.0.0.1:1',
      KUBECURE_CLUSTER_SECRET: SECRET,
      KUBECURE_KUBE_API_URL: api.url,
      KUBECURE_KUBE_TOKEN: api.token,
      KUBECURE_BIND_ADDRESS: '127.0.0.1',
      KUBECURE_PORT: String((taken.address() as { port: number }).port),
    });
    expect(await agent.exited).toBe(2);
    const lines = agent.output().trim().split('\n');
    expect(lines.every((line) => line.startsWith('{'))).toBe(true);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ level: 'error', msg: 'cannot start the health server', code: 'EADDRINUSE' });
  }, 60_000);
});
