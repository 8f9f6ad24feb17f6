/**
 * What the report job does with a correlation verdict for a dependent: it gets no thread of its
 * own. The root cause's open thread keeps one sticky "Blast radius" comment listing every
 * dependent seen so far, and a dependent that already had a thread gets one comment pointing at
 * the root cause.
 */
import type { FailureReport, WorkloadRef } from '../report/schema.js';
import type { GroupMember } from '../correlate/window-store.js';
import type { Thread } from '../github/threads.js';
import { openThreadFor } from '../github/threads.js';
import { messages } from '../github/messages.js';
import { codeCell } from '../github/render/untrusted.js';
import type { ThreadWriter } from './writer.js';

export const BLAST_RADIUS_TOPIC = 'blast-radius';
export const ROOT_CAUSE_TOPIC = 'root-cause';

export interface DependentVerdict {
  rootFingerprint: string;
  root: WorkloadRef;
  evidence: string[];
}

function describe(workload: WorkloadRef): string {
  return `${workload.kind} ${workload.namespace}/${workload.name}`;
}

export function renderBlastRadiusComment(root: WorkloadRef, members: GroupMember[]): string {
  const rows = members.map((member) => `| ${codeCell(describe(member.workload))} | ${member.evidence.slice(0, 2).map((line) => codeCell(line.slice(0, 200))).join('<br>')} |`);
  return [messages.blastRadiusHeading, '', messages.blastRadiusIntro(describe(root), members.length), '', '| Dependent | Evidence |', '| --- | --- |', ...rows].join('\n');
}

export async function recordDependent(input: {
  report: FailureReport;
  fingerprint: string;
  verdict: DependentVerdict;
  dependents: GroupMember[];
  threads: Thread[];
  writer: ThreadWriter;
}): Promise<{ rootThread: number | null }> {
  const { report, fingerprint, verdict, dependents, threads, writer } = input;
  const rootThread = openThreadFor(threads, verdict.rootFingerprint);
  if (rootThread && dependents.length > 0) {
    await writer.updateSticky(rootThread, BLAST_RADIUS_TOPIC, () => renderBlastRadiusComment(verdict.root, dependents));
  }
  const ownThread = openThreadFor(threads, fingerprint);
  if (ownThread) {
    const body = messages.dependentOf(describe(verdict.root), rootThread?.url ?? null, verdict.evidence, describe(report.workload));
    await writer.updateSticky(ownThread, ROOT_CAUSE_TOPIC, () => body);
  }
  return { rootThread: rootThread?.number ?? null };
}
