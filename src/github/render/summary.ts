import type { Remediation } from '../../outcome.js';
import { messages } from '../messages.js';
import { Markdown, inlineText, joinMarkdown, md } from './untrusted.js';

export function renderSummary(remediation: Remediation, dryRun: boolean): Markdown {
  const { outcome, report } = remediation;
  const workload = `${report.workload.kind.toLowerCase()}/${report.workload.name}`;
  const heading = outcome.summary.charAt(0).toUpperCase() + outcome.summary.slice(1);
  const lines = [md`## ${inlineText(heading)}`, md``, Markdown.trusted(messages.summaryLine(outcome.category, workload, report.workload.namespace, report.cluster))];
  if (dryRun) lines.unshift(Markdown.trusted(messages.dryRunBanner), md``);
  return joinMarkdown(lines);
}
