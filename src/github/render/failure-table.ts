import type { Remediation } from '../../outcome.js';
import { escapeCell, messages } from '../messages.js';

export interface SeenWindow {
  occurrences: number;
  firstSeen: string;
  lastSeen: string;
}

export function renderFailureTable(remediation: Remediation, seen: SeenWindow): string {
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
  ].map((cell) => escapeCell(cell));
  const columns = messages.failureColumns;
  return [
    messages.failureHeading,
    '',
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    `| ${cells.join(' | ')} |`,
  ].join('\n');
}
