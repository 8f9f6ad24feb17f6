/**
 * OOMKilled: the container's cgroup reached its memory limit. The fix raises that limit to a
 * bounded value; it cannot fix a node running out of memory or a container with no limit at all.
 */
import { formatMemory, parseQuantity } from '../../kube/quantity.js';
import type { DiagnosisContext, FieldChange, Rule } from '../types.js';
import { describeContainer, ruleDiagnosis } from './diagnosis.js';
import { asArray, asRecord, asString, dig, failingContainer, liveContainer, type Json } from './pod-template.js';
import { eventsWithReason, findLines, logLines, reportLines } from './report-text.js';

const MI = 2 ** 20;
const GI = 2 ** 30;

/** The largest clean quantity not above the bytes: the rounding used when a cap binds. */
export function formatMemoryDown(bytes: number): string {
  if (bytes >= 2 * GI) return `${Math.floor(bytes / GI + 1e-9)}Gi`;
  const rounded = Math.max(64, Math.floor(bytes / MI / 64 + 1e-9) * 64);
  return rounded % 1024 === 0 ? `${rounded / 1024}Gi` : `${rounded}Mi`;
}

/** Bytes as whole Mi, for explanations (not for values written to the repository). */
function mebibytes(bytes: number): string {
  return `${Math.round(bytes / MI)}Mi`;
}

export interface MemorySizing {
  limit: string;
  /** Why this value: "observed usage 400Mi × 1.5" or "2 × the current 256Mi limit". */
  basis: string;
  /** Whether a bound (maxMemory, maxIncreaseFactor) lowered the value. */
  capped: boolean;
}

/**
 * The new memory limit: observed usage × 1.5 when it exceeds the current limit, else twice the
 * limit; rounded up to a clean quantity, or down when rounding up would cross `maxMemory` or
 * `maxIncreaseFactor`.
 * Null when the bounds leave no room above the current limit.
 */
export function sizeMemoryLimit(currentBytes: number, usageBytes: number | null, limits: DiagnosisContext['limits']): MemorySizing | null {
  const fromUsage = usageBytes !== null && usageBytes * 1.5 > currentBytes;
  const wanted = fromUsage ? usageBytes * 1.5 : currentBytes * 2;
  const basis = fromUsage ? `observed usage ${mebibytes(usageBytes)} × 1.5` : `2 × the current ${mebibytes(currentBytes)} limit`;
  const cap = Math.min(parseQuantity(limits.maxMemory) ?? Number.POSITIVE_INFINITY, currentBytes * limits.maxIncreaseFactor);
  const rounded = formatMemory(wanted);
  if ((parseQuantity(rounded) ?? Number.POSITIVE_INFINITY) <= cap) return { limit: rounded, basis, capped: false };
  // Rounding up may step over a bound the wanted value respects: round down instead, which is not a cap.
  const bounded = formatMemoryDown(Math.min(wanted, cap));
  if ((parseQuantity(bounded) ?? 0) <= currentBytes) return null;
  return { limit: bounded, basis, capped: wanted > cap };
}

const HEAP_FLAG = /-Xmx\d+[kKmMgG]?|--max-old-space-size[= ]\d+|-XX:MaxRAM(?:Percentage)?=\S+/g;

/** A heap flag, and the heap it fixes in bytes; null for flags that size the heap from the limit. */
export interface HeapFlag {
  flag: string;
  /** `-XX:MaxRAMPercentage=75.0`: the heap follows the container limit, so raising the limit raises it. */
  scalesWithLimit: boolean;
  bytes: number | null;
}

const JVM_UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: MI, g: GI };

export function readHeapFlag(flag: string): HeapFlag {
  if (/^-XX:MaxRAMPercentage=/.test(flag)) return { flag, scalesWithLimit: true, bytes: null };
  const jvm = flag.match(/^-Xmx(\d+)([kKmMgG]?)$/) ?? flag.match(/^-XX:MaxRAM=(\d+)([kKmMgG]?)$/);
  if (jvm) return { flag, scalesWithLimit: false, bytes: Number(jvm[1]) * (JVM_UNITS[(jvm[2] ?? '').toLowerCase()] ?? 1) };
  const node = flag.match(/^--max-old-space-size[= ](\d+)$/);
  return { flag, scalesWithLimit: false, bytes: node ? Number(node[1]) * MI : null };
}

/**
 * A fixed heap that nearly fills the limit needs room above it for everything outside the heap
 * (metaspace, thread stacks, buffers, the runtime itself): a quarter of the heap, at least.
 */
const OFF_HEAP_SHARE = 0.25;
/** A fixed heap at or above this share of the limit is "near the limit": the limit is what is short. */
const NEAR_LIMIT = 0.8;

/** Heap limits set inside the process (JVM, Node) that a larger container limit does not move. */
function heapFlags(container: Json): string[] {
  const texts = [
    ...asArray(container.command),
    ...asArray(container.args),
    ...asArray(container.env).map((env) => asRecord(env)?.value),
  ].map(asString).filter((text): text is string => text !== null);
  return [...new Set(texts.flatMap((text) => text.match(HEAP_FLAG) ?? []))];
}

function observedUsage(context: DiagnosisContext, container: string): number | null {
  const usage = context.report.usage?.containers.find((entry) => entry.name === container)?.memory;
  return usage ? parseQuantity(usage) : null;
}

const NODE_OOM = /System OOM encountered|node was low on resource: memory/i;
const OOM_LINE = /OOMKilled|out of memory|OutOfMemory|heap out of memory|Killed process|memory limit|Cannot allocate memory/i;

/** Whether the container runtime itself said OOMKilled (not just exit code 137). */
function killedByOomKiller(context: DiagnosisContext): boolean {
  const { failure, pod } = context.report;
  if (failure.reason === 'OOMKilled') return true;
  const statuses = [...asArray(dig(pod.status, 'containerStatuses')), ...asArray(dig(pod.status, 'initContainerStatuses'))];
  return statuses.some((status) => {
    const record = asRecord(status);
    return record?.name === failure.container && (dig(status, 'lastState', 'terminated', 'reason') === 'OOMKilled' || dig(status, 'state', 'terminated', 'reason') === 'OOMKilled');
  });
}

function wasOomKilled(context: DiagnosisContext): boolean {
  const { failure, pod } = context.report;
  if (failure.category === 'OOMKilled' || failure.reason === 'OOMKilled') return true;
  const statuses = [...asArray(dig(pod.status, 'containerStatuses')), ...asArray(dig(pod.status, 'initContainerStatuses'))];
  return statuses.some((status) => asRecord(status)?.name === failure.container && dig(status, 'lastState', 'terminated', 'reason') === 'OOMKilled');
}

export const oomRule: Rule = {
  id: 'oom',
  categories: ['OOMKilled', 'CrashLoopBackOff'],
  diagnose(context) {
    const { report } = context;
    const name = report.failure.container;
    if (!name || !wasOomKilled(context)) return null;
    const subject = describeContainer(context);
    const lines = reportLines(report);
    const oomEvidence = findLines(lines, OOM_LINE, 4);
    // The kill itself often leaves no message: quote the reason, the restarts and what the app last logged.
    const lastLogLine = logLines(report).at(-1);
    const evidence = [
      ...(oomEvidence.length > 0 ? oomEvidence : [report.failure.reason]),
      ...eventsWithReason(report, 'BackOff').slice(0, 1).map((event) => event.message),
      ...(lastLogLine ? [lastLogLine] : []),
    ];

    const nodeOom = findLines(lines, NODE_OOM, 2);
    if (nodeOom.length > 0 || eventsWithReason(report, 'SystemOOM').length > 0) {
      return ruleDiagnosis(context, 'oom', {
        summary: `${subject} was killed by a node-level out-of-memory condition`,
        rootCause: 'The node itself ran out of memory and the kernel chose this container; its own limit was not the cause, so raising it would not help.',
        evidence: [...nodeOom, ...evidence],
        confidence: 35,
        question: 'Is the node overcommitted (requests far below real usage across its pods)? Raising this container\'s memory request would reserve room for it.',
      });
    }

    const view = failingContainer(context);
    const declaredLimit = asString(dig(view?.container, 'resources', 'limits', 'memory'));
    const currentBytes = declaredLimit === null ? null : parseQuantity(declaredLimit);
    if (!view || declaredLimit === null || currentBytes === null || currentBytes <= 0) {
      return ruleDiagnosis(context, 'oom', {
        summary: `${subject} was OOMKilled but declares no memory limit`,
        rootCause:
          'The container has no memory limit of its own, so the kill came from a limit set elsewhere (a LimitRange default) or from the node running out of memory. Raising a number that is not there does not fix it.',
        evidence,
        confidence: 30,
        question: 'Should this container get an explicit memory limit (and request) sized from its real usage? Check the namespace LimitRange and node memory pressure.',
        alternatives: ['Add resources.requests.memory and resources.limits.memory sized from observed usage.'],
      });
    }

    const heap = heapFlags({ ...(liveContainer(context) ?? {}), ...view.container }).map(readHeapFlag);
    const fixedHeap = Math.max(0, ...heap.flatMap((flag) => (flag.bytes === null ? [] : [flag.bytes])));
    const heapFillsLimit = fixedHeap >= currentBytes * NEAR_LIMIT;
    const heapNeeds = heapFillsLimit ? fixedHeap * (1 + OFF_HEAP_SHARE) : 0;
    let sizing = sizeMemoryLimit(currentBytes, observedUsage(context, name), context.limits);
    if (sizing && heapNeeds > (parseQuantity(sizing.limit) ?? 0)) {
      // Sized as if usage were the heap plus what lives outside it (× 1.5 gives exactly that).
      const forHeap = sizeMemoryLimit(currentBytes, heapNeeds / 1.5, context.limits);
      sizing = forHeap && { ...forHeap, basis: `the ${mebibytes(fixedHeap)} heap + ${OFF_HEAP_SHARE * 100}% for memory outside it` };
    }
    if (heapNeeds > 0 && heapNeeds > (parseQuantity(sizing?.limit ?? '0') ?? 0)) {
      const flag = heap.find((entry) => entry.bytes === fixedHeap)?.flag ?? '';
      return ruleDiagnosis(context, 'oom', {
        summary: `${subject} was OOMKilled: its fixed heap (${flag}) does not fit under a limit the bounds allow`,
        rootCause: `The process fixes its heap at ${mebibytes(fixedHeap)} (${flag}) inside a ${declaredLimit} limit; memory outside the heap needs room above it, so the limit must exceed about ${mebibytes(heapNeeds)}, more than the configured bounds (max ${context.limits.maxMemory}, at most ×${context.limits.maxIncreaseFactor}) allow.`,
        evidence,
        confidence: 40,
        question: `Lower ${flag} (or size the heap with -XX:MaxRAMPercentage so it follows the limit), or raise the bounds so the limit can exceed ${mebibytes(heapNeeds)}?`,
      });
    }
    if (!sizing) {
      return ruleDiagnosis(context, 'oom', {
        summary: `${subject} was OOMKilled at its ${declaredLimit} memory limit, already at the allowed maximum`,
        rootCause: `The container used all of its ${declaredLimit} memory limit and was killed. The configured bounds (max ${context.limits.maxMemory}, at most ×${context.limits.maxIncreaseFactor}) leave no room to raise it.`,
        evidence,
        confidence: 40,
        question: 'The limit cannot be raised within the configured bounds: is there a memory leak, or should the bounds be raised?',
      });
    }

    const changes: FieldChange[] = [
      { fixKind: 'resources', container: name, path: ['resources', 'limits', 'memory'], value: sizing.limit, previous: declaredLimit },
    ];
    const declaredRequest = asString(dig(view.container, 'resources', 'requests', 'memory'));
    const requestBytes = declaredRequest === null ? null : parseQuantity(declaredRequest);
    if (requestBytes !== null && requestBytes > (parseQuantity(sizing.limit) ?? 0)) {
      changes.push({ fixKind: 'resources', container: name, path: ['resources', 'requests', 'memory'], value: sizing.limit, previous: declaredRequest });
    }

    const risks = ['A higher limit lets the pod use more of the node; if requests stay low, the node can become overcommitted.'];
    let confidence = report.failure.exitCode === 137 || report.failure.exitCode === null ? 88 : 75;
    if (!killedByOomKiller(context) && oomEvidence.length === 0) {
      // Exit 137 alone is any SIGKILL (the kubelet after a grace period, a sidecar, a human): without
      // the runtime's OOMKilled reason or an out-of-memory line, raising memory is a guess.
      confidence = 60;
      risks.push('The runtime did not report OOMKilled: exit code 137 is any SIGKILL, so memory may not be the cause.');
    }
    if (sizing.capped) {
      confidence -= 15;
      risks.push(`The value was capped by the configured bounds; ${sizing.limit} may still be too little (wanted ${sizing.basis}).`);
    }
    const scaling = heap.filter((flag) => flag.scalesWithLimit).map((flag) => flag.flag);
    const fixed = heap.filter((flag) => !flag.scalesWithLimit).map((flag) => flag.flag);
    let heapNote = '';
    if (heapFillsLimit) {
      // The heap alone (nearly) fills the limit: the limit is what is short, and it now clears the heap.
      heapNote = ` The process fixes its heap at ${mebibytes(fixedHeap)} (${fixed.join(', ')}), ${fixedHeap >= currentBytes ? 'above' : 'near'} the old limit; ${sizing.limit} leaves room for memory outside the heap.`;
    } else if (fixed.length > 0) {
      confidence -= 20;
      risks.push(`The process sets its own heap size (${fixed.join(', ')}) well below the limit; the heap may need to change with the limit, or the leak is outside the heap.`);
    } else if (scaling.length > 0) {
      heapNote = ` The heap is sized as a share of the limit (${scaling.join(', ')}), so it grows with the new limit.`;
    }
    const leakHint = findLines(logLines(report), /heap out of memory|OutOfMemoryError|MemoryError/, 2);

    return ruleDiagnosis(context, 'oom', {
      summary: `${subject} was OOMKilled at its ${declaredLimit} memory limit`,
      rootCause: `The container reached its ${declaredLimit} memory limit and the kernel killed it (exit code ${report.failure.exitCode ?? 137}), ${report.failure.restartCount} restart(s) so far.`,
      evidence: [...evidence, ...leakHint],
      confidence,
      changes,
      rationale: `Raising the memory limit from ${declaredLimit} to ${sizing.limit} (${sizing.basis}${sizing.capped ? ', capped by the configured bounds' : ''}) gives the container headroom above the usage that got it killed.${heapNote}`,
      risks,
      alternatives: ['If memory grows without bound, look for a leak: a larger limit only delays the next kill.'],
    });
  },
};
