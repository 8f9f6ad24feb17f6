import type { Remediation } from '../../outcome.js';
import { messages } from '../messages.js';

export function renderSummary(remediation: Remediation, dryRun: boolean): string {
  const { outcome, report } = remediation;
  const workload = `${report.workload.kind.toLowerCase()}/${report.workload.name}`;
  const heading = outcome.summary.charAt(0).toUpperCase() + outcome.summary.slice(1);
  const lines = [`## ${heading}`, '', messages.summaryLine(outcome.category, workload, report.workload.namespace, report.cluster)];
  if (dryRun) lines.unshift(messages.dryRunBanner, '');
  return lines.join('\n');
}
