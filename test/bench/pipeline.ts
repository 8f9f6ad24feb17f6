/**
 * The App's pipeline, measured end to end with local mocks (GitHub and the model behind nock,
 * Redis local):
 *
 *  - report → pull request latency: a signed report POSTed to the App until its pull request
 *    is open and labelled, one report at a time, p50/p95; with Octokit's write throttle on (the
 *    App as shipped: GitHub asks for a second between content-creating requests) and off (what
 *    the engine itself costs);
 *  - GitHub calls per pull request on a 5,000-file repository, cold (first job on that tree)
 *    and warm (the tree and its index already known);
 *  - storm dedup: 1,000 crash-looping pods of 10 Deployments, from the agent to the threads.
 *
 * Run alone: `npx tsx test/bench/pipeline.ts`.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { signRequest } from '../../src/report/signature.js';
import { startApp, type RunningApp } from '../support/e2e/app.js';
import { addWorkload, oomKill, type Workload } from '../support/e2e/cluster.js';
import { FakeGitHub, type RecordedCall } from '../support/e2e/fake-github.js';
import { LogCapture } from '../support/e2e/logs.js';
import { oomReportFor, syntheticRepo, syntheticService, type SyntheticService } from '../support/e2e/synthetic.js';
import { CLUSTER, deleteKeys, optedInConfig, startWorld, waitUntil } from '../support/e2e/world.js';

const SECRET = 'bench-secret-0123456789abcdef';
const CONFIG = optedInConfig({ maxOpenPullRequests: 100_000, maxPullRequestsPerHour: 100_000 });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

const round = (value: number) => Math.round(value * 10) / 10;

/** A fake GitHub for `files` and an App whose worker runs, both for one measurement. */
async function startBench(files: Record<string, string>, throttle = false): Promise<{ github: FakeGitHub; app: RunningApp; stop(): Promise<void> }> {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1'));
  // A fresh installation id: Probot caches installation tokens process-wide, and a cold job pays for one.
  const github = new FakeGitHub({ files, config: CONFIG, installationId: 10_000 + Math.floor(Math.random() * 1e6) }).start();
  const prefix = `kubecure-bench-pipeline-${randomUUID().slice(0, 8)}`;
  const app = await startApp({ clusters: { [CLUSTER]: { secret: SECRET, defaultRepository: github.fullName } }, prefix, logs: new LogCapture(), logLevel: 'info', env: { KUBECURE_LLM_PROVIDER: 'none' }, throttle });
  return {
    github,
    app,
    async stop() {
      await app.stop();
      github.stop();
      await deleteKeys(prefix);
      nock.enableNetConnect();
    },
  };
}

async function deliver(app: RunningApp, service: SyntheticService): Promise<number> {
  const body = JSON.stringify(oomReportFor(service, CLUSTER));
  const sentAt = Date.now();
  const response = await fetch(`${app.url}/kubecure/v1/reports`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signRequest(CLUSTER, SECRET, body) } });
  if (response.status !== 202) throw new Error(`intake answered ${response.status}`);
  return sentAt;
}

/** Waits for the pull request of `service` to be open and labelled; returns the label call. */
async function labelledPullRequest(github: FakeGitHub, service: SyntheticService): Promise<RecordedCall> {
  const head = `kubecure/${service.team}/${service.name}-oomkilled`;
  const pull = await waitUntil(() => github.pullRequests().find((candidate) => candidate.head === head && candidate.labels.includes('kubecure')), `the pull request for ${service.name}`, 60_000);
  return github.calls.findLast((call) => call.method === 'POST' && call.path.endsWith(`/issues/${pull.number}/labels`))!;
}

export interface PipelineLatency {
  /** Octokit's write throttle was on (the shipped configuration). */
  throttled: boolean;
  samples: number;
  /** Content-creating requests (POST, PATCH, PUT, DELETE) per pull request, the throttle's unit. */
  writesPerPullRequest: number;
  repositoryFiles: number;
  coldMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export async function measureReportToPullRequest(options: { samples?: number; files?: number; throttle?: boolean } = {}): Promise<PipelineLatency> {
  const throttled = options.throttle ?? false;
  // Throttled, each pull request takes seconds: fewer samples keep the run within two minutes.
  const samples = options.samples ?? (throttled ? 8 : 40);
  const files = options.files ?? 400;
  const bench = await startBench(syntheticRepo(files), throttled);
  try {
    const latencies: number[] = [];
    const writes: number[] = [];
    for (let index = 0; index <= samples; index += 1) {
      const service = syntheticService(index);
      const before = bench.github.calls.length;
      const sentAt = await deliver(bench.app, service);
      const labelled = await labelledPullRequest(bench.github, service);
      latencies.push(labelled.at - sentAt);
      writes.push(bench.github.calls.slice(before).filter((call) => WRITE_METHODS.has(call.method) && !call.path.includes('/access_tokens')).length);
    }
    // The first report indexes the repository; the rest find the index cached by tree SHA.
    const [cold, ...warm] = latencies;
    const sorted = warm.sort((a, b) => a - b);
    return {
      throttled,
      samples,
      writesPerPullRequest: Math.max(...writes.slice(1)),
      repositoryFiles: files,
      coldMs: round(cold!),
      p50Ms: round(percentile(sorted, 50)),
      p95Ms: round(percentile(sorted, 95)),
      maxMs: round(sorted.at(-1)!),
    };
  } finally {
    await bench.stop();
  }
}

export interface GitHubCallsPerPullRequest {
  repositoryFiles: number;
  coldCalls: number;
  warmCalls: number;
  coldMs: number;
  warmMs: number;
  /** `METHOD /path-shape` → count, for the cold job. */
  coldBreakdown: Record<string, number>;
}

const shapeOf = (call: RecordedCall) => `${call.method} ${call.path.replace(/\/repos\/[^/]+\/[^/]+/, '/repos/:repo').replace(/\/[0-9a-f]{40}/g, '/:sha').replace(/\/\d+(?=\/|$)/g, '/:n').replace(/\/heads\/.+$/, '/heads/:branch')}`;

export async function countGitHubCallsPerPullRequest(options: { files?: number } = {}): Promise<GitHubCallsPerPullRequest> {
  const files = options.files ?? 5_000;
  const bench = await startBench(syntheticRepo(files));
  try {
    const measure = async (service: SyntheticService) => {
      const before = bench.github.calls.length;
      const sentAt = await deliver(bench.app, service);
      const labelled = await labelledPullRequest(bench.github, service);
      const calls = bench.github.calls.slice(before);
      return { calls, ms: labelled.at - sentAt };
    };
    const cold = await measure(syntheticService(7));
    const warm = await measure(syntheticService(1234));
    const coldBreakdown: Record<string, number> = {};
    for (const call of cold.calls) coldBreakdown[shapeOf(call)] = (coldBreakdown[shapeOf(call)] ?? 0) + 1;
    return { repositoryFiles: files, coldCalls: cold.calls.length, warmCalls: warm.calls.length, coldMs: round(cold.ms), warmMs: round(warm.ms), coldBreakdown };
  } finally {
    await bench.stop();
  }
}

export interface StormDedup {
  pods: number;
  deployments: number;
  /** Failing pods the agent saw. */
  sightings: number;
  reportsSent: number;
  threads: number;
  /** Sightings per thread written. */
  ratio: number;
  /** From the first pod failing to the last thread written. */
  seconds: number;
}

export async function measureStormDedup(options: { deployments?: number; podsPerDeployment?: number } = {}): Promise<StormDedup> {
  const deployments = options.deployments ?? 10;
  const podsPerDeployment = options.podsPerDeployment ?? 100;
  const services = Array.from({ length: deployments }, (_, index) => syntheticService(index));
  let workloads: Workload[] = [];
  const world = await startWorld({
    repo: syntheticRepo(deployments * 2),
    config: CONFIG,
    seed: (kube) => (workloads = services.map((service) => addWorkload(kube, { namespace: service.team, name: service.name, container: service.container, image: service.image, memoryLimit: service.memoryLimit }, podsPerDeployment))),
    agent: { logLevel: 'info' },
    app: { logLevel: 'info', env: { KUBECURE_LLM_PROVIDER: 'none' } },
  });
  try {
    const started = Date.now();
    for (const workload of workloads) oomKill(world.kube, workload);
    await waitUntil(() => world.github.threads.size >= deployments, 'one thread per Deployment', 60_000);
    const seconds = (Math.max(...world.github.writes().map((call) => call.at)) - started) / 1000;
    await world.settled(30_000);
    const sent = (await world.agent.metrics.reportsSent.get()).values.reduce((sum, value) => sum + value.value, 0);
    const debounced = (await world.agent.metrics.failuresDebounced.get()).values.reduce((sum, value) => sum + value.value, 0);
    const threads = world.github.threads.size;
    const sightings = sent + debounced;
    return { pods: deployments * podsPerDeployment, deployments, sightings, reportsSent: sent, threads, ratio: round(sightings / threads), seconds: round(seconds) };
  } finally {
    await world.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.table([await measureReportToPullRequest({ throttle: true }), await measureReportToPullRequest({ throttle: false })]);
  const calls = await countGitHubCallsPerPullRequest();
  console.table([{ ...calls, coldBreakdown: undefined }]);
  console.table(calls.coldBreakdown);
  console.table([await measureStormDedup()]);
  process.exit(0);
}
