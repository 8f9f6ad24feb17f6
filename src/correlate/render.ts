/**
 * The "Blast radius" section of a root cause's pull request or issue: which other workloads fail
 * because of it, and the evidence tying each one to it. Dependents get no thread of their own, so
 * this section is where a reviewer sees them.
 */
import type { FailureReport } from '../report/schema.js';
import { describeWorkload } from './graph.js';
import type { Dependent } from './rank.js';

const MAX_EVIDENCE_CHARS = 400;

/** Inline code that survives backticks and pipes inside log lines. */
function code(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const short = clean.length <= MAX_EVIDENCE_CHARS ? clean : `${clean.slice(0, MAX_EVIDENCE_CHARS - 1)}…`;
  // A double-backtick span (with its padding spaces) may contain single backticks.
  return short.includes('`') ? `\`\` ${short.replace(/``+/g, '`')} \`\`` : `\`${short}\``;
}

function failureOf(report: FailureReport): string {
  const { category, reason } = report.failure;
  return reason && reason !== category ? `${category} (${reason})` : category;
}

function workloadCell(report: FailureReport): string {
  return `\`${describeWorkload(report.workload)}\``;
}

function evidenceItems(dependent: Dependent): string {
  return dependent.evidence.map((line) => `  - ${code(line)}`).join('\n');
}

export function renderBlastRadius(group: { root: FailureReport; dependents: Dependent[] }): string {
  const { root, dependents } = group;
  if (dependents.length === 0) return '';
  const count = dependents.length === 1 ? '1 other workload is' : `${dependents.length} other workloads are`;
  const rows = dependents.map(
    (dependent) => `| ${workloadCell(dependent.report)} | ${failureOf(dependent.report)} | ${dependent.via.join(' → ')} |`,
  );
  const evidence = dependents.map((dependent) => `- ${workloadCell(dependent.report)}\n${evidenceItems(dependent)}`);
  return [
    '### Blast radius',
    '',
    `${count} failing because ${workloadCell(root)} is (${failureOf(root)}). They get no pull request of their own: fixing this should bring them back.`,
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
