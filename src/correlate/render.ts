/**
 * The "Blast radius" section of a root cause's pull request or issue: which other workloads fail
 * because of it, and the evidence tying each one to it. Dependents get no thread of their own, so
 * this section is where a reviewer sees them.
 */
import type { FailureReport } from '../report/schema.js';
import { describeWorkload } from './graph.js';
import type { Dependent } from './rank.js';
import { Markdown, cell, code, codeCell, inlineText, md } from '../github/render/untrusted.js';

const MAX_EVIDENCE_CHARS = 400;

/** A log line as inline code (see github/render/untrusted.ts), shortened to stay readable. */
function evidenceLine(text: string): string {
  const short = text.length <= MAX_EVIDENCE_CHARS ? text : `${text.slice(0, MAX_EVIDENCE_CHARS - 1)}…`;
  return code(short).text;
}

/** The category is KubeCure's own enum; the raw reason comes from the cluster. */
function failureOf(report: FailureReport): Markdown {
  const { category, reason } = report.failure;
  return reason && reason !== category ? md`${Markdown.trusted(category)} (${code(reason)})` : Markdown.trusted(category);
}

function workloadCell(report: FailureReport): string {
  return codeCell(describeWorkload(report.workload)).text;
}

function evidenceItems(dependent: Dependent): string {
  return dependent.evidence.map((line) => `  - ${evidenceLine(line)}`).join('\n');
}

export function renderBlastRadius(group: { root: FailureReport; dependents: Dependent[] }): string {
  const { root, dependents } = group;
  if (dependents.length === 0) return '';
  const count = dependents.length === 1 ? '1 other workload is' : `${dependents.length} other workloads are`;
  const rows = dependents.map(
    (dependent) => `| ${workloadCell(dependent.report)} | ${cell(failureOf(dependent.report)).text} | ${cell(inlineText(dependent.via.join(' → '))).text} |`,
  );
  const evidence = dependents.map((dependent) => `- ${workloadCell(dependent.report)}\n${evidenceItems(dependent)}`);
  return [
    '### Blast radius',
    '',
    `${count} failing because ${workloadCell(root)} is (${failureOf(root).text}). They get no pull request of their own: fixing this should bring them back.`,
    '',
    '| Dependent | Failure | Chain |',
    '| --- | --- | --- |',
    ...rows,
    '',
    '<details><summary>Evidence tying each dependent to this failure</summary>',
    '',
    ...evidence,
    '',
    '</details>',
  ].join('\n');
}
