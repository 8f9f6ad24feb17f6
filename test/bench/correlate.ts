/**
 * Benchmark: correlating 1,000 reports across 100 workloads of one cluster — ten cascades of ten
 * workloads each (a root failing on its own, dependents up to three hops away), every workload
 * reporting ten times in the window. Half the reports come without dependencies, as older agents
 * send them, so extraction from logs and env is measured too.
 *
 * Run: npx tsx test/bench/correlate.ts
 */
import { pathToFileURL } from 'node:url';
import { correlate } from '../../src/correlate/rank.js';
import { Correlator } from '../../src/correlate/correlator.js';
import type { FailureReport } from '../../src/report/schema.js';
import { at, parseOrThrow, syntheticReport } from '../correlate/reports.js';

export interface CorrelateBenchmark {
  reports: number;
  workloads: number;
  rootCauses: number;
  dependents: number;
  /** One `correlate` call over all reports. */
  correlateMedianMs: number;
  correlateP95Ms: number;
  /** `Correlator.observe` on the in-memory window, per report, over the whole stream. */
  observeMeanMs: number;
}

const BASE = '2026-11-21T14:00:00Z';

/** Workload `w<cascade>-<member>`: member 0 is the root; member m reaches member floor((m - 1) / 3). */
function cascadeReports(workloads: number, reportsPerWorkload: number): FailureReport[] {
  const reports: FailureReport[] = [];
  for (let round = 0; round < reportsPerWorkload; round++) {
    for (let index = 0; index < workloads; index++) {
      const cascade = Math.floor(index / 10);
      const member = index % 10;
      const name = `w${cascade}-${member}`;
      const observedAt = at(BASE, round * 25 + (index % 20));
      if (member === 0) {
        reports.push(syntheticReport({ name, category: 'OOMKilled', observedAt }));
        continue;
      }
      const upstream = `w${cascade}-${Math.floor((member - 1) / 3)}`;
      const report = syntheticReport({ name, category: member % 2 ? 'CrashLoopBackOff' : 'ProbeFailure', observedAt, cannotReach: [upstream] });
      if (index % 2 === 1) {
        const { dependencies: _dropped, ...legacy } = report;
        reports.push(
          parseOrThrow({
            ...legacy,
            pod: { ...legacy.pod, spec: { containers: [{ name, env: [{ name: 'UPSTREAM_URL', value: `http://${upstream}:8080` }] }] } },
            logs: { previous: `starting ${name}\nError: getaddrinfo ENOTFOUND ${upstream}\nError: connect ECONNREFUSED ${upstream}.shop.svc.cluster.local:8080\n`, truncated: false },
          }),
        );
      } else {
        reports.push(report);
      }
    }
  }
  return reports;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

export async function benchmarkCorrelate(options: { workloads?: number; reportsPerWorkload?: number; runs?: number } = {}): Promise<CorrelateBenchmark> {
  const workloads = options.workloads ?? 100;
  const reports = cascadeReports(workloads, options.reportsPerWorkload ?? 10);
  const runs = options.runs ?? 20;

  let result = correlate(reports);
  const timings: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    result = correlate(reports);
    timings.push(performance.now() - start);
  }
  timings.sort((a, b) => a - b);

  let now = Date.parse(BASE);
  const correlator = new Correlator({ now: () => now, graceMs: 0 });
  const observeStart = performance.now();
  for (const report of reports) {
    now = Date.parse(report.observedAt);
    await correlator.observe(report);
  }
  const observeMeanMs = (performance.now() - observeStart) / reports.length;

  return {
    reports: reports.length,
    workloads,
    rootCauses: result.groups.length,
    dependents: result.groups.reduce((sum, group) => sum + group.dependents.length, 0),
    correlateMedianMs: percentile(timings, 0.5),
    correlateP95Ms: percentile(timings, 0.95),
    observeMeanMs,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const numbers = await benchmarkCorrelate();
  const round = (value: number) => (Number.isInteger(value) ? value : Number(value.toFixed(2)));
  console.table(Object.fromEntries(Object.entries(numbers).map(([name, value]) => [name, { value: round(value) }])));
}
