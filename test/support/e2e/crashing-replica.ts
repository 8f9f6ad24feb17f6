/**
 * An App replica that dies mid-job: the real runtime and BullMQ worker on the shared Redis, with
 * a GitHub that never answers. It prints `started` when its job first reaches GitHub, and the
 * test then kills it (SIGKILL: no cleanup, the job's lock is simply left to expire), as a node
 * failure or an OOM kill would.
 *
 * Environment: KUBECURE_CLUSTERS, KUBECURE_QUEUE_PREFIX, REDIS_URL.
 */
import { Writable } from 'node:stream';
import nock from 'nock';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { createRuntime } from '../../../src/app/runtime.js';
import { BullMqJobQueue } from '../../../src/queue/bullmq.js';
import { APP_ID, appPrivateKey } from './app.js';
import { GITHUB_API } from './fake-github.js';

nock.disableNetConnect();
nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
let announced = false;
const scope = nock(GITHUB_API).persist();
for (const method of ['get', 'post', 'patch', 'put', 'delete'] as const) {
  scope[method](/.*/).reply((uri) => {
    // The App's own login, read once at start, is not the job.
    if (uri === '/app') return [404, { message: 'Not Found' }];
    if (!announced) process.stdout.write('started\n');
    announced = true;
    // Never answered: this replica is about to die.
    return new Promise<never>(() => undefined) as never;
  });
}

const log = pino({ level: 'warn' }, new Writable({ write: (_chunk, _encoding, done) => done() }));
const probot = new Probot({
  appId: APP_ID,
  privateKey: appPrivateKey(),
  log,
  Octokit: ProbotOctokit.defaults((options: object) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } })),
});
const env = process.env;
const runtime = createRuntime({
  app: probot,
  env,
  queue: new BullMqJobQueue({ redisUrl: env.REDIS_URL!, prefix: env.KUBECURE_QUEUE_PREFIX, lockDuration: 2_000, stalledInterval: 500, concurrency: 1 }),
});
await runtime.start();
process.stdout.write('ready\n');
