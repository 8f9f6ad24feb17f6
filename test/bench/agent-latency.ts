/**
 * Detection latency: from a pod's status changing on the fake API server to the signed report
 * arriving at a local sink, with 10,000 healthy pods already watched. Each failure is a different
 * Deployment so the debounce never hides one; they are spaced out so each is measured alone.
 * Run with `npx tsx test/bench/agent-latency.ts`.
 */
import { fileURLToPath } from 'node:url';
import { createAgent } from '../../agent/agent.js';
import { silentLogger } from '../../src/logger.js';
import { ReportSink, testConfig, waitFor } from '../agent/harness.js';
import { FakeKubeApi } from '../support/fake-kube-api.js';
import { crashLooping, makePod } from '../support/fake-kube/objects.js';

export interface LatencyResult {
  background: number;
  samples: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function measureDetectionLatency(options: { background?: number; samples?: number } = {}): Promise<LatencyResult> {
  const background = options.background ?? 10_000;
  const samples = options.samples ?? 200;
  const api = new FakeKubeApi();
  const sink = new ReportSink();
  await Promise.all([api.start(), sink.start()]);
  for (let index = 0; index < background; index += 1) {
    const deployment = `steady-${index % 400}`;
    api.upsertPod(makePod({ name: `${deployment}-5d6c7b8a9-${index}`, namespace: `team-${index % 40}`, deployment, templateHash: '5d6c7b8a9' }));
  }
  const agent = createAgent(testConfig(api, sink, { logLevel: 'error' }), { logger: silentLogger });
  agent.start();
  await waitFor(() => agent.isReady() && agent.pods.size >= background, 120_000, 'initial sync');

  const latencies: number[] = [];
  try {
    for (let index = 0; index < samples; index += 1) {
      const deployment = `probe-${index}`;
      const pod = makePod({ name: `${deployment}-9a8b7c6d5-x1`, deployment, templateHash: '9a8b7c6d5' });
      api.upsertPod(pod);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const before = sink.failures.length;
      const changedAt = performance.now();
      api.upsertPod(crashLooping(pod, { reason: 'OOMKilled', exitCode: 137 }));
      await waitFor(() => sink.failures.length > before, 10_000, `report ${index}`);
      latencies.push(sink.failureArrivals[before]! - changedAt);
    }
  } finally {
    await agent.stop();
    await Promise.all([api.stop(), sink.stop()]);
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    background,
    samples,
    p50Ms: round(percentile(sorted, 50)),
    p90Ms: round(percentile(sorted, 90)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await measureDetectionLatency();
  console.table([{ 'pods watched': result.background, failures: result.samples, 'p50 ms': result.p50Ms, 'p90 ms': result.p90Ms, 'p99 ms': result.p99Ms, 'max ms': result.maxMs }]);
}
