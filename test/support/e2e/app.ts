/**
 * The real KubeCure App for end-to-end runs: Probot's own HTTP server (webhook middleware and
 * the routes KubeCure adds) on an ephemeral local port, the runtime `createRuntime` builds, and a
 * BullMQ queue on the local Redis under a key prefix no other run shares.
 *
 * The App is composed exactly as `src/index.ts` composes it; the one difference is that the
 * queue is passed in, so a test can shorten BullMQ's retry backoff and stalled-job timings
 * (production defaults wait seconds to a minute) without changing what the App does.
 * GitHub's Octokit runs with its retry and throttle plugins off, as in every App test: the
 * throttle plugin spaces writes a second apart, and the queue is what retries jobs here. The
 * benchmark turns the throttle on (`throttle: true`) to measure the App as it ships.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Probot, ProbotOctokit, Server } from 'probot';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../../src/app/runtime.js';
import { onPullRequestClosed } from '../../../src/app/on-pull-request-closed.js';
import { COMMAND_EVENTS, createReviewLoop, type ReviewLoop } from '../../../src/commands/review-loop.js';
import { BullMqJobQueue, type BullMqQueueOptions } from '../../../src/queue/bullmq.js';
import type { LogCapture } from './logs.js';

export const REDIS_URL = process.env.KUBECURE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const APP_ID = 4711;
export const WEBHOOK_SECRET = 'e2e-webhook-secret';

let privateKey: string | null = null;
/** Probot checks the key's shape; a fresh one per process, never committed. */
export function appPrivateKey(): string {
  privateKey ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return privateKey;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

export interface AppOptions {
  /** `KUBECURE_CLUSTERS` as the App reads it. */
  clusters: Record<string, { secret: string; defaultRepository?: string }>;
  /** Redis key prefix of this run's queue and replay store. */
  prefix: string;
  logs: LogCapture;
  /** More environment (LLM provider, limits…). */
  env?: Record<string, string>;
  queue?: Partial<BullMqQueueOptions>;
  onRecovery?: RuntimeOptions['onRecovery'];
  /** `debug` by default, so the secret canary is checked against everything the App can say. */
  logLevel?: 'debug' | 'info';
  /** False: serve the intake but take no jobs until `startWorker()` (a replica coming up later). */
  startWorker?: boolean;
  /** True: Octokit's write throttle on, as the shipped App runs (≥ 1 s between content-creating requests). */
  throttle?: boolean;
}

export interface RunningApp {
  url: string;
  runtime: Runtime;
  queue: BullMqJobQueue;
  startWorker(): Promise<void>;
  /** Delivers a webhook through Probot's HTTP middleware, signed like GitHub signs it. */
  deliverWebhook(name: string, payload: object): Promise<Response>;
  stop(): Promise<void>;
}

/** The App's queue with timings short enough for tests; everything else as in production. */
export function testQueue(options: AppOptions, logger: pino.Logger): BullMqJobQueue {
  return new BullMqJobQueue({
    redisUrl: REDIS_URL,
    prefix: options.prefix,
    retry: { attempts: 5, backoffMs: 200 },
    concurrency: 4,
    lockDuration: 2_000,
    stalledInterval: 500,
    logger,
    ...options.queue,
  });
}

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const log = pino({ level: options.logLevel ?? 'debug' }, new Writable({ write: (chunk, _encoding, done) => (options.logs.push('app', String(chunk)), done()) }));
  const env: NodeJS.ProcessEnv = {
    KUBECURE_CLUSTERS: JSON.stringify(options.clusters),
    REDIS_URL,
    KUBECURE_QUEUE_PREFIX: options.prefix,
    // The write budget stays on (shared in Redis), paced fast enough for tests.
    KUBECURE_WRITE_INTERVAL_MS: '20',
    ...options.env,
  };
  const queue = testQueue(options, log);
  let runtime: Runtime | null = null;
  const server = new Server({
    Probot: Probot.defaults({
      appId: APP_ID,
      privateKey: appPrivateKey(),
      secret: WEBHOOK_SECRET,
      log,
      Octokit: options.throttle
        ? ProbotOctokit.defaults((octokitOptions: object) => ({ ...octokitOptions, retry: { enabled: false } }))
        : ProbotOctokit.defaults((octokitOptions: object) => ({ ...octokitOptions, retry: { enabled: false }, throttle: { enabled: false } })),
    }),
    // Probot reads port 0 as "unset" and takes 3000: ask the OS for a free one instead.
    port: await freePort(),
    host: '127.0.0.1',
    log,
  });
  let reviewLoop: ReviewLoop | null = null;
  await server.load(async (app, { addHandler }) => {
    // As src/index.ts does, with this run's queue and environment.
    const loop = createReviewLoop({ app, env });
    reviewLoop = loop;
    runtime = createRuntime({ app, env, queue, onRecovery: options.onRecovery ?? loop.onRecovery });
    for (const handler of runtime.handlers) addHandler(handler);
    app.on('pull_request.closed', onPullRequestClosed);
    app.on('pull_request.closed', loop.onMerged);
    app.on(COMMAND_EVENTS, loop.onCommand);
    if (options.startWorker !== false) await runtime.start();
  });
  const http = await server.start();
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const started = runtime as Runtime | null;
  if (!started) throw new Error('the App did not build its runtime');
  let deliveries = 0;
  return {
    url,
    runtime: started,
    queue,
    startWorker: () => started.start(),
    async deliverWebhook(name, payload) {
      const body = JSON.stringify(payload);
      return fetch(`${url}/api/github/webhooks`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': name,
          'x-github-delivery': `e2e-delivery-${++deliveries}`,
          'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`,
        },
      });
    },
    async stop() {
      await server.stop();
      await started.close();
      (reviewLoop as ReviewLoop | null)?.close();
    },
  };
}
