/**
 * `npm run bench`: runs every benchmark, prints one table and writes it, with a description of
 * the machine, into the README between `<!-- bench:start -->` and `<!-- bench:end -->`.
 *
 * Each benchmark runs on its own; one that fails is reported as failed in its row and the rest
 * still run (the command then exits non-zero).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureAgentMemory } from './agent-memory.js';
import { measureDetectionLatency } from './agent-latency.js';
import { benchmarkCorrelate } from './correlate.js';
import { measureIntakeThroughput } from './intake.js';
import { benchLocate } from './locate.js';
import { countGitHubCallsPerPullRequest, measureReportToPullRequest, measureStormDedup } from './pipeline.js';
import { benchPromptTokens } from './prompt-tokens.js';
import { measureScaleOut } from './scale.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

interface Row {
  measure: string;
  result: string;
  setup: string;
}

const number = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 1 });
const ms = (value: number) => `${number(value)} ms`;
const mb = (value: number) => `${number(value)} MB`;

/** Each benchmark: what it measures, how to run it, and how its result reads in the table. */
const BENCHMARKS: Array<{ measure: string; run: () => Promise<Omit<Row, 'measure'>> }> = [
  {
    measure: 'Scale-out under the write budget',
    async run() {
      const result = await measureScaleOut();
      const at = (replicas: number, installations: number) => result.rows.find((row) => row.replicas === replicas && row.installations === installations)!;
      const cell = (replicas: number, installations: number) => `${replicas} replica${replicas > 1 ? 's' : ''} × ${installations} installation${installations > 1 ? 's' : ''}: ${number(at(replicas, installations).shippedSeconds)} s`;
      return {
        result: `${cell(1, 1)} · ${cell(3, 1)} · ${cell(1, 3)} · ${cell(3, 3)}; ${result.writesPerPullRequest} writes per pull request; ceiling ${number(result.pullRequestsPerHourPerInstallation)} pull requests/hour per installation`,
        setup: `${result.failures} failures drained through the write budget on Redis and the Octokit hook, GitHub stand-in local; measured at ${result.intervalMs} ms between writes (${number(at(1, 1).seconds)} s for 1 × 1) and scaled ×${1000 / result.intervalMs} to the shipped 1 s`,
      };
    },
  },
  {
    measure: 'Intake throughput',
    async run() {
      const result = await measureIntakeThroughput();
      return {
        result: `${number(result.perSecond)} reports/s`,
        setup: `${number(result.reports)} signed reports over keep-alive HTTP, ${result.concurrency} at a time, into the real App (signature, replay store and BullMQ on Redis); ${number(result.coalesced)} coalesced into queued jobs of the same failure`,
      };
    },
  },
  {
    measure: 'Report → pull request latency, as shipped (write throttle on)',
    async run() {
      const result = await measureReportToPullRequest({ throttle: true });
      return {
        result: `p50 ${ms(result.p50Ms)} · p95 ${ms(result.p95Ms)}`,
        setup: `${result.samples} OOMKilled reports one at a time, from the POST to the labelled pull request, with Octokit's write throttle as the App ships it (GitHub asks for ≥ 1 s between content-creating requests; ${result.writesPerPullRequest} writes per pull request); ${number(result.repositoryFiles)}-file repository, GitHub mocked locally; the first (cold index) ${ms(result.coldMs)}`,
      };
    },
  },
  {
    measure: 'Report → pull request latency, engine only (throttle off)',
    async run() {
      const result = await measureReportToPullRequest({ throttle: false });
      return {
        result: `p50 ${ms(result.p50Ms)} · p95 ${ms(result.p95Ms)}`,
        setup: `the same as above without the write throttle: what KubeCure itself costs; ${result.samples} reports, the first (cold index) ${ms(result.coldMs)}`,
      };
    },
  },
  {
    measure: 'Storm dedup',
    async run() {
      const result = await measureStormDedup();
      return {
        result: `${number(result.sightings)} sightings → ${result.reportsSent} reports → ${result.threads} threads (${number(result.ratio)}:1)`,
        setup: `${number(result.pods)} pods of ${result.deployments} Deployments OOM-killed at once, agent → App → GitHub; every thread written ${number(result.seconds)} s after the first failure`,
      };
    },
  },
  {
    measure: 'Agent memory, 10,000 pods',
    async run() {
      const { agent, informer } = await measureAgentMemory();
      return {
        result: `agent ${mb(agent.steadyRssMb)} steady RSS (peak ${mb(agent.peakRssMb)}) vs informer ${mb(informer.steadyRssMb)} (peak ${mb(informer.peakRssMb)})`,
        setup: `each watcher in its own process, compiled JS; baseline after loading client-node ${mb(agent.baselineRssMb)}; steady heap ${mb(agent.steadyHeapMb)} vs ${mb(informer.steadyHeapMb)}`,
      };
    },
  },
  {
    measure: 'Detection latency',
    async run() {
      const result = await measureDetectionLatency();
      return {
        result: `p50 ${ms(result.p50Ms)} · p90 ${ms(result.p90Ms)} · p99 ${ms(result.p99Ms)}`,
        setup: `pod status change on the API server → signed report received, ${number(result.background)} healthy pods watched, ${result.samples} failures with full collection (max ${ms(result.maxMs)})`,
      };
    },
  },
  {
    measure: 'Prompt tokens by log size',
    async run() {
      const rows = await benchPromptTokens();
      const bySize = new Map<number, number>();
      for (const row of rows) {
        const size = Math.round(row.logBytes / 1024);
        bySize.set(size, Math.max(bySize.get(size) ?? 0, row.tokens));
      }
      const kept = rows.filter((row) => row.decisiveLineKept).length;
      return {
        result: [...bySize].map(([size, tokens]) => `${size >= 1024 ? `${number(size / 1024)} MB` : `${number(size)} KB`} log: ${number(tokens)}`).join(' · '),
        setup: `largest prompt per log size (the failing line early, middle, late); the line that explains the failure kept in ${kept}/${rows.length}`,
      };
    },
  },
  {
    measure: 'GitHub calls per pull request',
    async run() {
      const result = await countGitHubCallsPerPullRequest();
      return {
        result: `${result.coldCalls} cold · ${result.warmCalls} warm`,
        setup: `${number(result.repositoryFiles)}-file repository, every request counted at the mock: cold is the first job on a tree, token included, reading manifests from one tarball (${ms(result.coldMs)}); warm is the next job (${ms(result.warmMs)})`,
      };
    },
  },
  {
    measure: 'Locate on a 5,000-manifest repository',
    async run() {
      const result = await benchLocate();
      return {
        result: `index ${ms(result.indexMs)} · locate ${ms(result.locateMs)} · environments ${ms(result.environmentsMs)}`,
        setup: `${number(result.manifests)} manifests (plain, kustomize overlays, Helm charts) read, parsed and indexed, then one prod overlay Deployment located, then all ${number(result.environments)} environments rendered before and after its edit (CPU ${ms(result.indexCpuMs)} / ${ms(result.locateCpuMs)} / ${ms(result.environmentsCpuMs)})`,
      };
    },
  },
  {
    measure: 'Correlating 1,000 reports',
    async run() {
      const result = await benchmarkCorrelate();
      return {
        result: `median ${ms(result.correlateMedianMs)} · p95 ${ms(result.correlateP95Ms)}`,
        setup: `${number(result.reports)} reports from ${result.workloads} workloads in cascades: ${result.rootCauses} root causes and ${result.dependents} dependents found; ${ms(result.observeMeanMs)} per report observed`,
      };
    },
  },
];

export function describeMachine(): string {
  const cpus = os.cpus();
  const memoryGb = Math.round(os.totalmem() / 1024 ** 3);
  const date = new Date().toISOString().slice(0, 10);
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${memoryGb} GB memory, Node ${process.version}, ${os.platform()} ${os.arch()}; ${date}`;
}

export function renderTable(rows: Row[], machine: string): string {
  const escape = (text: string) => text.replaceAll('|', '\\|');
  return [
    `Machine: ${machine}.`,
    '',
    '| Measure | Result | Setup |',
    '| --- | --- | --- |',
    ...rows.map((row) => `| ${escape(row.measure)} | ${escape(row.result)} | ${escape(row.setup)} |`),
  ].join('\n');
}

/** The README with the text between the markers replaced; everything else untouched. */
export function withBenchSection(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  let failed = 0;
  for (const benchmark of BENCHMARKS) {
    const started = performance.now();
    process.stderr.write(`${benchmark.measure}… `);
    try {
      rows.push({ measure: benchmark.measure, ...(await benchmark.run()) });
      process.stderr.write(`${Math.round((performance.now() - started) / 1000)} s\n`);
    } catch (error) {
      failed += 1;
      rows.push({ measure: benchmark.measure, result: 'failed', setup: (error as Error).message.split('\n')[0] ?? '' });
      process.stderr.write(`failed: ${(error as Error).stack}\n`);
    }
  }
  const table = renderTable(rows, describeMachine());
  console.log(table);
  writeFileSync(README, withBenchSection(readFileSync(README, 'utf8'), table));
  process.exit(failed > 0 ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
