/**
 * Log tails trimmed while a report waits: under an App outage the outbox would otherwise hold every
 * report's full tails (2 × 64 KB each). The end of a log carries the crash, so a queued report keeps
 * the last `maxBytes` of each tail and says it was truncated. The text was redacted whole before it
 * was queued, so cutting it exposes nothing.
 */
import { tailLog } from '../../src/report/build.js';
import type { OutboxItem } from './outbox.js';

export function trimQueuedLogs(item: OutboxItem, maxBytes: number): OutboxItem {
  if (item.kind !== 'FailureReport') return item;
  let report: { logs?: { previous?: string; current?: string; truncated?: boolean } };
  try {
    report = JSON.parse(item.body) as typeof report;
  } catch {
    return item;
  }
  const logs = report.logs;
  if (!logs) return item;
  let trimmed = false;
  for (const which of ['previous', 'current'] as const) {
    const text = logs[which];
    if (text === undefined || Buffer.byteLength(text) <= maxBytes) continue;
    logs[which] = tailLog(text, maxBytes).text;
    trimmed = true;
  }
  if (!trimmed) return item;
  logs.truncated = true;
  return { ...item, body: JSON.stringify(report) };
}
