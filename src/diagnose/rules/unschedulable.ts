/**
 * Unschedulable pods: the scheduler's FailedScheduling message, parsed into what blocked each
 * node (`0/5 nodes are available: 3 Insufficient cpu, 2 node(s) had untolerated taint …`).
 */
import { formatCpu, formatMemory, parseQuantity } from '../../kube/quantity.js';
import type { Diagnosis, DiagnosisContext, FieldChange, Rule } from '../types.js';
import { describeContainer, ruleDiagnosis } from './diagnosis.js';
import { asRecord, asString, containersOf, declaredPodSpec, dig } from './pod-template.js';
import { sameContainerElsewhere } from './repo-facts.js';
import { eventsWithReason, findLines, messageLines } from './report-text.js';

export interface SchedulingFailure {
  line: string;
  totalNodes: number | null;
  insufficient: { resource: string; nodes: number }[];
  nodeReasons: { reason: string; nodes: number }[];
}

/** Parses a FailedScheduling message, ignoring the preemption tail (it repeats the counts). */
export function parseSchedulingFailure(line: string): SchedulingFailure {
  const main = line.split(/\bpreemption:/)[0] ?? line;
  const total = /(\d+)\/(\d+) nodes are available/.exec(main);
  return {
    line,
    totalNodes: total ? Number(total[2]) : null,
    insufficient: [...main.matchAll(/(\d+) Insufficient ([\w./-]*\w)/g)].map((m) => ({ resource: m[2]!, nodes: Number(m[1]) })),
    // A reason runs to the next ", N …" clause or the sentence's end; taints hold dots and colons.
    nodeReasons: [...main.matchAll(/(\d+) node\(s\) (.+?)(?=, \d+ |\.\s|\.?$)/g)].map((m) => ({ reason: m[2]!.trim(), nodes: Number(m[1]) })),
  };
}

function schedulingLine(context: DiagnosisContext): string | null {
  const fromEvents = eventsWithReason(context.report, 'FailedScheduling', 'NotTriggerScaleUp').map((event) => event.message);
  const lines = [...fromEvents, ...messageLines(context.report)];
  return findLines(lines, /nodes are available|unbound immediate PersistentVolumeClaims|persistentvolumeclaim "[^"]+" not found|Insufficient /, 1)[0] ?? null;
}

interface Request {
  container: string;
  value: string;
  bytesOrCores: number;
}

function requestsFor(context: DiagnosisContext, resource: 'cpu' | 'memory'): Request[] {
  const containers = containersOf(declaredPodSpec(context)?.podSpec ?? null);
  return containers.flatMap((container) => {
    const value = asString(dig(container, 'resources', 'requests', resource));
    const parsed = value === null ? null : parseQuantity(value);
    return value !== null && parsed !== null ? [{ container: String(container.name), value, bytesOrCores: parsed }] : [];
  });
}

/** A smaller request for the same container elsewhere in the repository: a value known to schedule. */
function smallerRequestElsewhere(context: DiagnosisContext, request: Request, resource: 'cpu' | 'memory'): { value: string; file: string } | null {
  const smaller = sameContainerElsewhere(context, request.container)
    .map(({ file, container }) => ({ file, value: asString(dig(container, 'resources', 'requests', resource)) }))
    .filter((entry): entry is { file: string; value: string } => entry.value !== null && (parseQuantity(entry.value) ?? Infinity) < request.bytesOrCores)
    .sort((a, b) => (parseQuantity(b.value) ?? 0) - (parseQuantity(a.value) ?? 0));
  return smaller[0] ?? null;
}

function insufficientEverywhere(context: DiagnosisContext, failure: SchedulingFailure): Diagnosis | null {
  const blocking = failure.insufficient.find((entry) => failure.totalNodes !== null && entry.nodes === failure.totalNodes && (entry.resource === 'cpu' || entry.resource === 'memory'));
  if (!blocking) return null;
  const resource = blocking.resource as 'cpu' | 'memory';
  const requests = requestsFor(context, resource);
  const total = requests.reduce((sum, request) => sum + request.bytesOrCores, 0);
  const totalText = resource === 'memory' ? formatMemory(total) : formatCpu(total);
  const largest = [...requests].sort((a, b) => b.bytesOrCores - a.bytesOrCores)[0];
  const smaller = largest ? smallerRequestElsewhere(context, largest, resource) : null;
  const changes: FieldChange[] = largest && smaller
    ? [{ fixKind: 'scheduling', container: largest.container, path: ['resources', 'requests', resource], value: smaller.value, previous: largest.value }]
    : [];
  return ruleDiagnosis(context, 'unschedulable', {
    summary: `${describeContainer(context, null)} cannot be scheduled: no node has ${requests.length > 0 ? `${totalText} of ${resource}` : `enough ${resource}`} free`,
    rootCause: `Every one of the ${failure.totalNodes} nodes lacks the ${resource} the pod requests${requests.length > 0 ? ` (${requests.map((r) => `${r.container}: ${r.value}`).join(', ')})` : ''}. Either the request is larger than any node can offer, or the cluster is full.`,
    evidence: [failure.line],
    confidence: changes.length > 0 ? 50 : 40,
    changes,
    ...(smaller ? { rationale: `${smaller.file} requests ${smaller.value} for the same container, a value known to schedule.` } : {}),
    risks: ['A smaller request lets the pod be scheduled but may not match its real usage; throttling or eviction can follow.'],
    alternatives: ['Add capacity (a larger node pool, or let the cluster autoscaler scale up).'],
    question: `Is a ${resource} request of ${largest?.value ?? 'this size'} intended? Lower it, or add nodes that can fit it.`,
  });
}

export const unschedulableRule: Rule = {
  id: 'unschedulable',
  categories: ['Unschedulable'],
  diagnose(context) {
    const line = schedulingLine(context);
    if (!line) return null;
    const failure = parseSchedulingFailure(line);
    const subject = describeContainer(context, null);
    const everywhere = insufficientEverywhere(context, failure);
    if (everywhere) return everywhere;

    const pvc = /unbound immediate PersistentVolumeClaims|persistentvolumeclaim "([^"]+)" not found/.exec(line);
    if (pvc) {
      return ruleDiagnosis(context, 'unschedulable', {
        summary: `${subject} cannot be scheduled: ${pvc[1] ? `PersistentVolumeClaim "${pvc[1]}" does not exist` : 'its PersistentVolumeClaim is not bound'}`,
        rootCause: 'The pod waits for storage: the claim is missing, or no volume can be provisioned for it (unknown storageClassName, no matching PersistentVolume).',
        evidence: [line],
        confidence: 40,
        question: 'Does the claim exist and does its storageClassName name a StorageClass of this cluster?',
      });
    }
    const reasons = [
      ...failure.insufficient.map((entry) => `${entry.nodes} node(s) lack ${entry.resource}`),
      ...failure.nodeReasons.map((entry) => `${entry.nodes} node(s) ${entry.reason}`),
    ];
    const selector = failure.nodeReasons.some((entry) => /node affinity|selector/.test(entry.reason));
    const nodeSelector = asRecord(declaredPodSpec(context)?.podSpec.nodeSelector);
    const wanted = nodeSelector ? Object.entries(nodeSelector).map(([key, value]) => `${key}=${String(value)}`).join(', ') : '';
    const taint = failure.nodeReasons.some((entry) => /taint/.test(entry.reason));
    return ruleDiagnosis(context, 'unschedulable', {
      summary: `${subject} cannot be scheduled on any of the ${failure.totalNodes ?? 'available'} nodes`,
      rootCause: `The scheduler found no node that fits: ${reasons.join('; ') || 'see the message'}.${selector ? ` The pod's nodeSelector/affinity${wanted ? ` (${wanted})` : ''} matches no node.` : ''}${taint ? ' Nodes carry taints the pod does not tolerate.' : ''}`,
      evidence: [line],
      confidence: 40,
      question: selector
        ? 'Does the nodeSelector/affinity name labels that exist on this cluster\'s nodes?'
        : taint
          ? 'Should the pod tolerate those taints, or run elsewhere? Tolerations for dedicated nodes are a human decision.'
          : 'Should the requests be lowered, or the cluster given more capacity?',
    });
  },
};
