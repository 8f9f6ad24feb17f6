/**
 * The "Blast radius" section of a root cause's pull request or issue: which other workloads fail
 * because of it, and the evidence tying each one to it. It lives in the thread's body between two
 * hidden delimiters, so it is edited in place as dependents arrive, whatever order they arrive in:
 * it is always rendered from the whole remembered group, sorted, never from one report.
 */
import type { FailureReport, WorkloadRef } from '../report/schema.js';
import { cell, code, codeCell, inlineText } from '../github/render/untrusted.js';
import { blastRadiusFlowchart } from '../github/render/mermaid.js';
import { describeWorkload } from './graph.js';
import type { Dependent } from './rank.js';
import type { GroupMember } from './window-store.js';

const MAX_EVIDENCE_CHARS = 400;
/** A body is capped at 65,536 characters by GitHub: a storm of dependents must not break the edit. */
const MAX_LISTED = 30;
const MAX_WITH_EVIDENCE = 10;
export const BLAST_RADIUS_START = '<!-- kubecure:blast-radius -->';
export const BLAST_RADIUS_END = '<!-- /kubecure:blast-radius -->';
const DELIMITED = /<!-- kubecure:blast-radius -->[\s\S]*?<!-- \/kubecure:blast-radius -->/;

/** A log line as inline code (see github/render/untrusted.ts), shortened to stay readable. */
function evidenceLine(text: string): string {
  const short = text.length <= MAX_EVIDENCE_CHARS ? text : `${text.slice(0, MAX_EVIDENCE_CHARS - 1)}…`;
  return code(short).text;
}

export function failureOf(report: Pick<FailureReport, 'failure'>): string {
  const { category, reason } = report.failure;
  return reason && reason !== category ? `${category} (${reason})` : category;
}

/** Names, failures and chains come from cluster reports: code spans, never markdown. */
function workloadCell(workload: WorkloadRef): string {
  return codeCell(describeWorkload(workload)).text;
}

export interface BlastRadiusRoot {
  workload: WorkloadRef;
  /** `OOMKilled`, `CrashLoopBackOff (Error)`. */
  failure: string;
}

/** A Dependent as the group remembers it. */
export function groupMemberOf(dependent: Dependent): GroupMember {
  return {
    fingerprint: dependent.fingerprint,
    workload: dependent.report.workload,
    evidence: dependent.evidence,
    failure: failureOf(dependent.report),
    via: dependent.via,
  };
}

/**
 * The delimited section for a root and its whole group; only the delimiters when the group is
 * empty, so a later edit has its place in the body.
 */
export function renderBlastRadiusSection(root: BlastRadiusRoot, members: GroupMember[]): string {
  if (members.length === 0) return `${BLAST_RADIUS_START}\n${BLAST_RADIUS_END}`;
  const sorted = [...members].sort((a, b) => describeWorkload(a.workload).localeCompare(describeWorkload(b.workload)));
  const count = sorted.length === 1 ? '1 other workload is' : `${sorted.length} other workloads are`;
  const rows = sorted.slice(0, MAX_LISTED).map((member) => `| ${workloadCell(member.workload)} | ${cell(inlineText(member.failure ?? '—')).text} | ${cell(inlineText((member.via ?? []).join(' → ') || '—')).text} |`);
  const evidence = sorted.slice(0, MAX_WITH_EVIDENCE).map((member) => `- ${workloadCell(member.workload)}\n${member.evidence.map((line) => `  - ${evidenceLine(line)}`).join('\n')}`);
  return [
    BLAST_RADIUS_START,
    '### Blast radius',
    '',
    `${count} failing because ${workloadCell(root.workload)} is (${inlineText(root.failure).text}). Each is tied to it by a connection failure in its own logs. They get no pull request of their own: a thread of theirs that was already open links here, and is closed once this fix is verified and they have recovered.`,
    '',
    // The picture first; the table below lists every dependent even where the picture stops.
    ...diagramLines(root, sorted),
    '| Dependent | Failure | Chain |',
    '| --- | --- | --- |',
    ...rows,
    ...(sorted.length > MAX_LISTED ? ['', `…and ${sorted.length - MAX_LISTED} more.`] : []),
    '',
    '<details><summary>Evidence tying each dependent to this failure</summary>',
    '',
    ...evidence,
    ...(sorted.length > MAX_WITH_EVIDENCE ? [`- …and ${sorted.length - MAX_WITH_EVIDENCE} more.`] : []),
    '',
    '</details>',
    BLAST_RADIUS_END,
  ].join('\n');
}

function diagramLines(root: BlastRadiusRoot, members: GroupMember[]): string[] {
  const diagram = blastRadiusFlowchart(
    `${describeWorkload(root.workload)} ${root.failure}`,
    members.map((member) => ({ label: `${describeWorkload(member.workload)} ${member.failure ?? ''}`, evidence: member.evidence[0] ?? '' })),
  );
  return diagram ? [diagram, ''] : [];
}

export function renderBlastRadius(group: { root: FailureReport; dependents: Dependent[] }): string {
  return renderBlastRadiusSection({ workload: group.root.workload, failure: failureOf(group.root) }, group.dependents.map(groupMemberOf));
}

/**
 * The body with its Blast radius section replaced; a body from before the section existed gets it
 * just above the hidden marker at its end (or at the end).
 */
export function withBlastRadius(body: string, section: string): string {
  if (DELIMITED.test(body)) return body.replace(DELIMITED, () => section);
  const marker = body.lastIndexOf('<!-- kubecure:marker');
  if (marker === -1) return `${body.trimEnd()}\n\n${section}\n`;
  return `${body.slice(0, marker)}${section}\n\n${body.slice(marker)}`;
}
