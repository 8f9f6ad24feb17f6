/**
 * `kubecure correlate`: reads a folder of FailureReports and prints how they relate — the
 * dependency graph, the root causes and their dependents — so a cascade can be examined offline.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, parseChoice, parseCommandOptions, type CliCommand } from './io.js';
import { describeFieldErrors, parseFailureReport, type FailureReport } from '../report/schema.js';
import { correlate, DEFAULT_WINDOW_MS, type CorrelationResult } from '../correlate/rank.js';
import { correlationFingerprint } from '../correlate/fingerprint.js';
import { describeWorkload } from '../correlate/graph.js';
import { serviceKey } from '../correlate/hosts.js';

const FORMATS = ['text', 'json'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: kubecure correlate --reports <dir> [--format text|json] [--window <duration>]

Reads every *.json FailureReport in <dir> and prints the dependency graph between the failing
workloads, the root cause(s) and the workloads failing because of them. Reports are correlated per
cluster within a sliding window (default 5m) ending at the cluster's latest report; reports
outside it are listed with the --window that would include them.`;

const OPTIONS = {
  reports: { type: 'string' },
  format: { type: 'string', default: 'text' },
  window: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseOptions(argv: string[]) {
  return parseCommandOptions('correlate', argv, OPTIONS);
}

function parseFormat(value: string): Format {
  return parseChoice(value, FORMATS, 'format');
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `90s`, `5m`, `1h` or a number of milliseconds. */
export function parseDuration(value: string | undefined): number {
  if (value === undefined) return DEFAULT_WINDOW_MS;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new CliError(`--window must be a duration like 90s, 5m or 1h, got "${value}"`);
  return Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!;
}

interface LoadedReports {
  reports: FailureReport[];
  warnings: string[];
}

async function loadReports(dir: string | undefined): Promise<LoadedReports> {
  if (!dir) throw new CliError('--reports <dir> is required (a folder of FailureReport JSON files)');
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new CliError(`--reports "${dir}" is not a directory`);
  const files = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  const reports: FailureReport[] = [];
  const warnings: string[] = [];
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(join(dir, file), 'utf8'));
    } catch (error) {
      warnings.push(`skipping ${file}: not valid JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = parseFailureReport(json);
    if (parsed.ok) reports.push(parsed.value);
    else warnings.push(`skipping ${file}: not a valid FailureReport: ${describeFieldErrors(parsed.errors)}`);
  }
  return { reports, warnings };
}

function failureOf(report: FailureReport): string {
  const { category, reason } = report.failure;
  return reason && reason !== category ? `${category} (${reason})` : category;
}

function summary(report: FailureReport) {
  return {
    cluster: report.cluster,
    workload: report.workload,
    category: report.failure.category,
    reason: report.failure.reason,
    observedAt: report.observedAt,
    fingerprint: correlationFingerprint(report),
  };
}

/**
 * How far each report outside the window lies before its cluster's latest report, and the
 * `--window` that would take every one of them in (whole minutes, rounded up).
 */
function outsideWindow(result: CorrelationResult, reports: FailureReport[]) {
  const latest = new Map<string, number>();
  for (const report of reports) latest.set(report.cluster, Math.max(Date.parse(report.observedAt), latest.get(report.cluster) ?? -Infinity));
  const entries = result.outsideWindow.map((report) => ({ report, beforeLatestMs: latest.get(report.cluster)! - Date.parse(report.observedAt) }));
  const widestMs = Math.max(0, ...entries.map((entry) => entry.beforeLatestMs));
  return { entries, windowFlag: entries.length > 0 ? `--window ${Math.ceil(widestMs / 60_000)}m` : null };
}

function minutes(ms: number): string {
  const total = Math.ceil(ms / 60_000);
  return total < 60 ? `${total} min` : `${Math.floor(total / 60)} h ${total % 60} min`;
}

function toJson(result: CorrelationResult, reports: FailureReport[]): string {
  const outside = outsideWindow(result, reports);
  return JSON.stringify(
    {
      edges: result.edges,
      rootCauses: result.groups.map((group) => ({
        root: summary(group.root),
        dependents: group.dependents.map((dependent) => ({ ...summary(dependent.report), via: dependent.via, evidence: dependent.evidence })),
      })),
      independent: result.independent.map(summary),
      outsideWindow: outside.entries.map((entry) => ({ ...summary(entry.report), beforeLatestMs: entry.beforeLatestMs })),
      ...(outside.windowFlag ? { includeOutsideWindowWith: outside.windowFlag } : {}),
    },
    null,
    2,
  );
}

function toText(result: CorrelationResult, reports: FailureReport[]): string {
  const lines: string[] = [];
  const clusters = new Set(reports.map((report) => report.cluster));
  lines.push(`${reports.length} report(s) from ${clusters.size} cluster(s)`, '', 'Graph');
  if (result.edges.length === 0) lines.push('  (no failing workload depends on another)');
  for (const edge of result.edges) {
    const how = edge.failing ? 'failed connections' : 'configured';
    lines.push(`  [${edge.cluster}] ${describeWorkload(edge.from)} → Service ${serviceKey(edge.service)} → ${describeWorkload(edge.to)}  (${how})`);
  }
  lines.push('', 'Root causes');
  if (result.groups.length === 0) lines.push('  (none: no failure explains another)');
  result.groups.forEach((group, index) => {
    lines.push(`  ${index + 1}. [${group.root.cluster}] ${describeWorkload(group.root.workload)}: ${failureOf(group.root)}`);
    lines.push(`     dependents (${group.dependents.length}):`);
    for (const dependent of group.dependents) {
      lines.push(`     - ${describeWorkload(dependent.report.workload)}: ${failureOf(dependent.report)}`);
      lines.push(`       chain: ${dependent.via.join(' → ')}`);
      for (const evidence of dependent.evidence) lines.push(`       evidence: ${evidence}`);
    }
  });
  lines.push('', 'Independent failures');
  if (result.independent.length === 0) lines.push('  (none)');
  for (const report of result.independent) lines.push(`  - [${report.cluster}] ${describeWorkload(report.workload)}: ${failureOf(report)}`);
  const outside = outsideWindow(result, reports);
  if (outside.windowFlag) {
    lines.push('', `Outside the window (not correlated): ${outside.entries.length} report(s)`);
    for (const { report, beforeLatestMs } of outside.entries) {
      lines.push(`  - [${report.cluster}] ${describeWorkload(report.workload)}: ${failureOf(report)}, observed ${report.observedAt} (${minutes(beforeLatestMs)} before the cluster's latest report)`);
    }
    lines.push(`  To correlate them too, widen the window: ${outside.windowFlag}`);
  }
  return lines.join('\n');
}

export const correlateCommand: CliCommand = {
  name: 'correlate',
  summary: 'find the root cause of cascading failures in a folder of reports',
  async run(argv) {
    const values = parseOptions(argv);
    if (values.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    const format = parseFormat(values.format);
    const windowMs = parseDuration(values.window);
    const { reports, warnings } = await loadReports(values.reports);
    for (const warning of warnings) process.stderr.write(`kubecure: warning: ${warning}\n`);
    const result = correlate(reports, { windowMs });
    process.stdout.write((format === 'json' ? toJson(result, reports) : toText(result, reports)) + '\n');
    return 0;
  },
};
