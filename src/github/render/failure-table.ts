import type { Remediation } from '../../outcome.js';
import { messages } from '../messages.js';
import { Markdown, cell, codeCell, inlineText, joinMarkdown } from './untrusted.js';

export interface SeenWindow {
  occurrences: number;
  firstSeen: string;
  lastSeen: string;
}

/** Names and reasons come from the report: each is a code span, so no name can render as markdown. */
export function renderFailureTable(remediation: Remediation, seen: SeenWindow): Markdown {
  const { report } = remediation;
  const names = [
    report.cluster,
    report.workload.namespace,
    `${report.workload.kind}/${report.workload.name}`,
    report.failure.container ?? '(pod)',
    `${report.failure.reason}${report.failure.exitCode !== null ? ` (exit ${report.failure.exitCode})` : ''}`,
  ].map((value) => codeCell(value).text);
  const counts = [report.failure.restartCount, seen.occurrences].map(String);
  const times = [seen.firstSeen, seen.lastSeen].map((value) => cell(inlineText(value)).text);
  const cells = [...names, ...counts, ...times];
  const columns = messages.failureColumns;
  return joinMarkdown(
    [messages.failureHeading, '', `| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`, `| ${cells.join(' | ')} |`].map(Markdown.trusted),
  );
}
