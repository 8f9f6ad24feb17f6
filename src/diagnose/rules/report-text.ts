/**
 * The report's own words: every line a rule may quote as evidence. Evidence is only ever taken
 * from here, so a reviewer can find each quoted line in the logs, events or statuses verbatim.
 */
import type { FailureReport, ReportEvent } from '../../report/schema.js';

function splitLines(text: string | undefined): string[] {
  if (!text) return [];
  return text.split(/\r?\n/).map((line) => line.trimEnd()).filter((line) => line.trim().length > 0);
}

/** Messages of the pod's status and of its containers' current and last states. */
function statusMessages(report: FailureReport): string[] {
  const status = report.pod.status as Record<string, unknown>;
  const messages: string[] = [];
  if (typeof status.message === 'string') messages.push(status.message);
  for (const key of ['containerStatuses', 'initContainerStatuses']) {
    const statuses = status[key];
    if (!Array.isArray(statuses)) continue;
    for (const containerStatus of statuses as Record<string, unknown>[]) {
      for (const stateKey of ['state', 'lastState']) {
        const state = containerStatus?.[stateKey] as Record<string, Record<string, unknown>> | undefined;
        for (const detail of Object.values(state ?? {})) {
          if (typeof detail?.message === 'string') messages.push(detail.message);
        }
      }
    }
  }
  const conditions = status.conditions;
  if (Array.isArray(conditions)) {
    for (const condition of conditions as Record<string, unknown>[]) {
      if (typeof condition?.message === 'string') messages.push(condition.message);
    }
  }
  return messages;
}

/** Log lines, most recent instance last: the previous instance is the one that failed. */
export function logLines(report: FailureReport): string[] {
  return [...splitLines(report.logs.previous), ...splitLines(report.logs.current)];
}

/** The failure message, event messages and status messages, each split into lines. */
export function messageLines(report: FailureReport): string[] {
  const messages = [report.failure.message, ...report.events.map((event) => event.message), ...statusMessages(report)];
  return unique(messages.flatMap(splitLines));
}

/** Every line of the report a rule may quote. */
export function reportLines(report: FailureReport): string[] {
  return unique([...messageLines(report), ...logLines(report)]);
}

/** Lines matching the pattern, in report order, at most `limit`. */
export function findLines(lines: readonly string[], pattern: RegExp, limit = 5): string[] {
  return unique(lines.filter((line) => pattern.test(line))).slice(0, limit);
}

/** Warning events with one of the reasons, most frequent first. */
export function eventsWithReason(report: FailureReport, ...reasons: string[]): ReportEvent[] {
  return report.events
    .filter((event) => reasons.includes(event.reason))
    .sort((a, b) => (b.count ?? 1) - (a.count ?? 1));
}

/** True when the line appears word for word somewhere in the report's text. */
export function isVerbatim(report: FailureReport, line: string): boolean {
  if (line.length === 0) return false;
  const sources = [
    report.failure.message,
    report.failure.reason,
    report.logs.previous ?? '',
    report.logs.current ?? '',
    ...report.events.map((event) => event.message),
    ...statusMessages(report),
  ];
  return sources.some((source) => source.includes(line));
}

export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
