/** The App's HTTP server (Probot's Server with the runtime's handlers) on a free port, for attacks on the intake. */
import { createServer } from 'node:net';
import { Probot, Server, type ApplicationFunctionOptions } from 'probot';
import { createRuntime } from '../../src/app/runtime.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { MemoryReplayStore } from '../../src/server/replay.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { InProcessJobQueue } from '../../src/queue/in-process.js';
import { signRequest } from '../../src/report/signature.js';
import { testPrivateKey } from '../app/github-mock.js';

export const SECRET = 'prod-eu-shared-secret-0123456789';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface IntakeServer {
  base: string;
  port: number;
  metrics: AppMetrics;
  queue: InProcessJobQueue;
  post(body: string, headers: Record<string, string>): Promise<Response>;
  signed(body: string, options?: { cluster?: string; secret?: string }): Promise<Response>;
  stop(): Promise<void>;
}

/** The queue is real but never started: accepted reports wait in it and nothing reaches GitHub. */
export async function startIntakeServer(env: NodeJS.ProcessEnv = {}): Promise<IntakeServer> {
  const port = await freePort();
  const metrics = new AppMetrics();
  const queue = new InProcessJobQueue();
  const server = new Server({ Probot: Probot.defaults({ appId: 1, privateKey: testPrivateKey(), logLevel: 'fatal' }), port, host: '127.0.0.1' });
  await server.load((app: Probot, { addHandler }: ApplicationFunctionOptions) => {
    const runtime = createRuntime({
      app,
      env,
      queue,
      metrics,
      replay: new MemoryReplayStore(),
      clusters: new ClusterRegistry({ 'prod-eu': { secret: SECRET }, staging: { secret: 'staging-shared-secret-0123456' } }),
    });
    for (const handler of runtime.handlers) addHandler(handler);
  });
  await server.start();
  const base = `http://127.0.0.1:${port}`;
  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${base}/kubecure/v1/reports`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return {
    base,
    port,
    metrics,
    queue,
    post,
    signed: (body, options = {}) => post(body, signRequest(options.cluster ?? 'prod-eu', options.secret ?? SECRET, body)),
    async stop() {
      await server.stop();
      await queue.close();
    },
  };
}
