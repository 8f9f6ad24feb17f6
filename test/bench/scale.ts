/**
 * How KubeCure scales out under GitHub's write pacing: the time to drain 33 pull requests' worth
 * of writes with 1 or 3 App replicas and 1 or 3 installations, through the real write budget
 * (Lua on Redis, one connection per replica) and the real Octokit hook, against a local GitHub
 * stand-in that answers every write at once, so the budget is all that is measured.
 *
 * Each job makes the writes one pull request costs, counted by running one real report job
 * against the stateful fake GitHub. Replicas take jobs from one shared list, two at a time, and,
 * as the report processor does, one job at a time per installation.
 *
 * To stay within a couple of minutes the budget runs at 100 ms between writes; the drain time is
 * the sum of the waits, so at the shipped 1 s it is ten times longer (the table says so).
 */
import { Redis } from 'ioredis';
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { remediate } from '../../src/remediate.js';
import { ReportProcessor } from '../../src/app/process-report.js';
import { KeyedLock } from '../../src/app/keyed-lock.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { silentLogger } from '../../src/logger.js';
import { rateLimitDelay } from '../../src/github/rate-limit.js';
import { applyWriteBudget, RedisWriteBudget, DEFAULT_WRITE_INTERVAL_MS } from '../../src/github/write-budget.js';
import type { GitHub } from '../../src/github/octokit.js';
import { FakeGitHub } from '../support/e2e/fake-github.js';
import { CHECKOUT_MANIFEST, configFixture, oomReport, testProbot } from '../app/github-mock.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../queue/redis-helpers.js';

const FAILURES = 33;
const BENCH_INTERVAL_MS = 100;
const CONCURRENCY = 2;

export interface ScaleOutRow {
  replicas: number;
  installations: number;
  seconds: number;
  /** The same drain at the shipped 1 s between writes. */
  shippedSeconds: number;
}

export interface ScaleOut {
  writesPerPullRequest: number;
  failures: number;
  intervalMs: number;
  rows: ScaleOutRow[];
  /** Pull requests an hour one installation can get at the shipped pacing. */
  pullRequestsPerHourPerInstallation: number;
}

/** The writes one real report job makes to open its pull request (labels and reviewers included). */
async function writesOfOnePullRequest(): Promise<number> {
  nock.disableNetConnect();
  const github = new FakeGitHub({ files: { 'apps/checkout/deployment.yaml': CHECKOUT_MANIFEST }, config: configFixture('opted-in.yml') }).start();
  try {
    const probot = testProbot();
    const processor = new ReportProcessor({
      auth: probot.auth.bind(probot),
      clusters: new ClusterRegistry({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars', defaultRepository: github.fullName } }),
      metrics: new AppMetrics(),
      logger: silentLogger,
      remediate,
    });
    const outcome = await processor.process({ report: oomReport({ sourceHints: { argocd: { repoURL: `https://github.com/${github.fullName}.git`, path: 'apps/checkout' } } }), deliveryId: 'bench' }, { id: 'bench', attempt: 1 });
    if (outcome.outcome !== 'pull_request') throw new Error(`expected a pull request, got ${outcome.outcome}`);
    return github.writes().length;
  } finally {
    github.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  }
}

/** An installation's client whose requests never leave the process: GitHub answers at once. */
function standInClient(): GitHub {
  const fetch = async () => new Response('{}', { status: 201, headers: { 'content-type': 'application/json' } });
  return new ProbotOctokit({ auth: { token: 'bench' }, request: { fetch }, retry: { enabled: false }, throttle: { enabled: false } }) as GitHub;
}

async function drain(replicas: number, installations: number, writesPerJob: number): Promise<number> {
  const prefix = uniquePrefix('bench-scale');
  const connections = Array.from({ length: replicas }, () => new Redis(REDIS_URL));
  const jobs = Array.from({ length: FAILURES }, (_, index) => String(index % installations));
  try {
    const started = Date.now();
    await Promise.all(
      connections.map(async (redis) => {
        const budget = new RedisWriteBudget(redis, prefix, { intervalMs: BENCH_INTERVAL_MS });
        const locks = new KeyedLock();
        const worker = async () => {
          for (let installation = jobs.shift(); installation !== undefined; installation = jobs.shift()) {
            const octokit = standInClient();
            applyWriteBudget(octokit, { budget, installation, rateLimitDelay });
            await locks.run(installation, async () => {
              for (let write = 0; write < writesPerJob; write += 1) await octokit.request('POST /repos/{owner}/{repo}/git/trees', { owner: 'acme', repo: 'gitops', tree: [] });
            });
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      }),
    );
    return (Date.now() - started) / 1000;
  } finally {
    for (const redis of connections) redis.disconnect();
    await deleteKeys(prefix);
  }
}

export async function measureScaleOut(): Promise<ScaleOut> {
  const writesPerPullRequest = await writesOfOnePullRequest();
  const rows: ScaleOutRow[] = [];
  for (const [replicas, installations] of [[1, 1], [3, 1], [1, 3], [3, 3]] as const) {
    const seconds = await drain(replicas, installations, writesPerPullRequest);
    rows.push({ replicas, installations, seconds, shippedSeconds: (seconds * DEFAULT_WRITE_INTERVAL_MS) / BENCH_INTERVAL_MS });
  }
  return {
    writesPerPullRequest,
    failures: FAILURES,
    intervalMs: BENCH_INTERVAL_MS,
    rows,
    pullRequestsPerHourPerInstallation: Math.floor(3_600_000 / (DEFAULT_WRITE_INTERVAL_MS * writesPerPullRequest)),
  };
}
