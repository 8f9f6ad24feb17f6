import type { Remediation } from '../../outcome.js';
import { messages } from '../messages.js';
import { Markdown, codeCell, joinMarkdown } from './untrusted.js';

export interface SeenWindow {
  occurrences: number;
  firstSeen: string;
  lastSeen: string;
}

/** Every cell comes from the report: each is a code span, so no name can render as markdown. */
export function renderFailureTable(remediation: Remediation, seen: SeenWindow): Markdown {
  const { report } = remediation;
  const cells = [
    report.cluster,
    report.workload.namespace,
    `${report.workload.kind}/${report.workload.name}`,
    report.failure.container ?? '(pod)',
    `${report.failure.reason}${report.failure.exitCode !== null ? ` (exit ${report.failure.exitCode})` : ''}`,
    String(report.failure.restartCount),
    String(seen.occurrences),
    seen.firstSeen,
    seen.lastSeen,
  ].map((value) => codeCell(value).text);
  const columns = messages.failureColumns;
  return joinMarkdown(
    [messages.failureHeading, '', `| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`, `| ${cells.join(' | ')} |`].map(Markdown.trusted),
  );
}
