/** Evidence folded in `<details>`: the quoted lines, warning events, the end of the logs. */
import type { Remediation } from '../../outcome.js';
import { messages } from '../messages.js';
import { Markdown, codeCell, fence, joinMarkdown, md } from './untrusted.js';

const LOG_LINES = 30;
const EVENTS = 10;

function lastLines(text: string | undefined, count: number): string | null {
  if (!text || text.trim() === '') return null;
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

export function renderEvidence(remediation: Remediation): Markdown {
  const { outcome, report } = remediation;
  const ours = Markdown.trusted;
  const parts: Markdown[] = [];
  if (outcome.evidence.length > 0) parts.push(ours(messages.evidenceQuoted), md``, fence(outcome.evidence.join('\n')), md``);
  const events = report.events.slice(-EVENTS);
  if (events.length > 0) {
    parts.push(ours(messages.evidenceEvents), md``, md`| Reason | Object | Message | Count |`, md`| --- | --- | --- | --- |`);
    for (const event of events) {
      parts.push(md`| ${codeCell(event.reason)} | ${codeCell(`${event.involvedObject.kind}/${event.involvedObject.name}`)} | ${codeCell(event.message)} | ${event.count ?? 1} |`);
    }
    parts.push(md``);
  }
  for (const which of ['previous', 'current'] as const) {
    const tail = lastLines(report.logs[which], LOG_LINES);
    if (tail) parts.push(ours(messages.evidenceLogs(which)), md``, fence(tail), md``);
  }
  if (parts.length === 0) parts.push(ours(messages.evidenceNone), md``);
  return joinMarkdown([md`<details>`, ours(`<summary>${messages.evidenceSummary}</summary>`), md``, ...parts, md`</details>`]);
}
