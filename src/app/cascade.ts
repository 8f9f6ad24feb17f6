/**
 * What the report job does with the threads of a cascade. The root cause's thread carries the
 * Blast radius in its body, edited in place from the whole remembered group as dependents arrive;
 * a dependent gets no thread of its own, and one it already had gets a sticky comment linking the
 * root (closed later, when the root's fix is verified and it has recovered: see verify/on-recovery).
 * Whatever order the reports arrive in, the threads end the same.
 */
import type { FailureReport, WorkloadRef } from '../report/schema.js';
import type { GroupMember } from '../correlate/window-store.js';
import { failureOf, renderBlastRadiusSection, withBlastRadius } from '../correlate/render.js';
import type { Thread } from '../github/threads.js';
import { openThreadFor } from '../github/threads.js';
import { messages } from '../github/messages.js';
import type { ThreadWriter } from './writer.js';

export const ROOT_CAUSE_TOPIC = 'root-cause';

export interface DependentVerdict {
  rootFingerprint: string;
  root: WorkloadRef;
  rootFailure: string;
  evidence: string[];
  group: GroupMember[];
}

function describe(workload: WorkloadRef): string {
  return `${workload.kind} ${workload.namespace}/${workload.name}`;
}

/** The Blast radius of a root's own report, for the body of the thread opened on it. */
export function blastRadiusFor(root: FailureReport, group: GroupMember[]): string {
  return renderBlastRadiusSection({ workload: root.workload, failure: failureOf(root) }, group);
}

/** Points the open threads of a root's dependents at the root's thread. */
export async function linkDependentThreads(input: {
  root: WorkloadRef;
  rootUrl: string | null;
  group: GroupMember[];
  threads: Thread[];
  writer: ThreadWriter;
}): Promise<number[]> {
  const linked: number[] = [];
  for (const member of input.group) {
    const own = openThreadFor(input.threads, member.fingerprint);
    if (!own) continue;
    const body = messages.dependentOf(describe(input.root), input.rootUrl, member.evidence, describe(member.workload));
    await input.writer.updateSticky(own, ROOT_CAUSE_TOPIC, () => body);
    linked.push(own.number);
  }
  return linked;
}

/** A root that already has an open thread: its Blast radius is brought up to date with the group. */
export async function refreshRootThread(input: { rootThread: Thread; root: WorkloadRef; rootFailure: string; group: GroupMember[]; threads: Thread[]; writer: ThreadWriter }): Promise<void> {
  const { rootThread, root, rootFailure, group, threads, writer } = input;
  if (group.length === 0) return;
  await writer.editBody(rootThread, (body) => withBlastRadius(body, renderBlastRadiusSection({ workload: root, failure: rootFailure }, group)));
  await linkDependentThreads({ root, rootUrl: rootThread.url, group, threads, writer });
}

export async function recordDependent(input: {
  verdict: DependentVerdict;
  threads: Thread[];
  writer: ThreadWriter;
}): Promise<{ rootThread: number | null }> {
  const { verdict, threads, writer } = input;
  const rootThread = openThreadFor(threads, verdict.rootFingerprint);
  if (rootThread) {
    await refreshRootThread({ rootThread, root: verdict.root, rootFailure: verdict.rootFailure, group: verdict.group, threads, writer });
  } else {
    // The root's thread is not open yet (its report is still being handled): it will carry the
    // group when it opens. This dependent's own thread, if any, still learns where its cause is.
    await linkDependentThreads({ root: verdict.root, rootUrl: null, group: verdict.group, threads, writer });
  }
  return { rootThread: rootThread?.number ?? null };
}
