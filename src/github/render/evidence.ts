/** Evidence folded in `<details>`: the quoted lines, warning events, the end of the logs. */
import type { Remediation } from '../../outcome.js';
import { escapeCell, messages } from '../messages.js';
import { fence } from './markdown.js';

const LOG_LINES = 30;
const EVENTS = 10;

function lastLines(text: string | undefined, count: number): string | null {
  if (!text || text.trim() === '') return null;
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

export function renderEvidence(remediation: Remediation): string {
  const { outcome, report } = remediation;
  const parts: string[] = [];
  if (outcome.evidence.length > 0) parts.push(messages.evidenceQuoted, '', fence(outcome.evidence.join('\n')), '');
  const events = report.events.slice(-EVENTS);
  if (events.length > 0) {
    parts.push(messages.evidenceEvents, '', '| Reason | Object | Message | Count |', '| --- | --- | --- | --- |');
    for (const event of events) {
      parts.push(`| ${escapeCell(event.reason)} | ${escapeCell(`${event.involvedObject.kind}/${event.involvedObject.name}`)} | ${escapeCell(event.message)} | ${event.count ?? 1} |`);
    }
    parts.push('');
  }
  for (const which of ['previous', 'current'] as const) {
    const tail = lastLines(report.logs[which], LOG_LINES);
    if (tail) parts.push(messages.evidenceLogs(which), '', fence(tail), '');
  }
  if (parts.length === 0) parts.push(messages.evidenceNone, '');
  return ['<details>', `<summary>${messages.evidenceSummary}</summary>`, '', ...parts, '</details>'].join('\n');
}
