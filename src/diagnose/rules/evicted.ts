/**
 * Evicted pods: the kubelet reclaimed memory or disk from the pod using most above its request
 * ("Container app was using 450Mi, request is 128Mi, has larger consumption of memory."). Raising
 * the request toward the usage protects the pod; node pressure itself is infrastructure.
 */
import { formatMemory, parseQuantity } from '../../kube/quantity.js';
import type { DiagnosisContext, Rule } from '../types.js';
import { describeContainer, ruleDiagnosis } from './diagnosis.js';
import { formatMemoryDown } from './oom.js';
import { asString, containerNamed, declaredPodSpec, dig } from './pod-template.js';
import { findLines, messageLines } from './report-text.js';

const CONSUMPTION = /Container (\S+) was using (\S+), request is (\S+), has larger consumption of ([\w-]+)/g;
const STORAGE = /ephemeral local storage|ephemeral-storage|local ephemeral storage limit|Usage of EmptyDir volume/i;
/** Headroom over the usage that got the pod evicted. */
const HEADROOM = 1.25;

export interface Consumption {
  container: string;
  using: string;
  request: string;
  resource: string;
}

export function parseConsumption(line: string): Consumption[] {
  return [...line.matchAll(CONSUMPTION)].map((m) => ({ container: m[1]!, using: m[2]!, request: m[3]!, resource: m[4]! }));
}

function evictionLine(context: DiagnosisContext): string | null {
  return findLines(messageLines(context.report), /low on resource|evicted|Evicted|exceeds the (?:total )?limit|exceeded its local ephemeral storage limit/, 1)[0] ?? null;
}

export const evictedRule: Rule = {
  id: 'evicted',
  categories: ['Evicted'],
  diagnose(context) {
    const line = evictionLine(context);
    if (!line) return null;
    const subject = describeContainer(context, null);
    if (STORAGE.test(line)) {
      return ruleDiagnosis(context, 'evicted', {
        summary: `${subject} was evicted for using too much local disk`,
        rootCause: 'The pod wrote more to ephemeral storage (container filesystem, logs or emptyDir) than its limit or the node allows.',
        evidence: [line],
        confidence: 35,
        question: 'Should the pod get an ephemeral-storage request/limit (or an emptyDir sizeLimit), or write less to local disk?',
      });
    }
    const memory = parseConsumption(line).find((entry) => entry.resource === 'memory');
    const spec = declaredPodSpec(context);
    const container = memory ? containerNamed(spec?.podSpec ?? null, memory.container) : null;
    const usingBytes = memory ? parseQuantity(memory.using) : null;
    if (!memory || !container || usingBytes === null) {
      return ruleDiagnosis(context, 'evicted', {
        summary: `${subject} was evicted because its node ran low on a resource`,
        rootCause: 'The kubelet evicted the pod to relieve node pressure; the message does not single out a container of this workload.',
        evidence: [line],
        confidence: 30,
        question: 'Is the node overcommitted? Requests closer to real usage make the scheduler place pods where they fit.',
      });
    }
    const declaredRequest = asString(dig(container, 'resources', 'requests', 'memory'));
    const declaredLimit = asString(dig(container, 'resources', 'limits', 'memory'));
    const requestBytes = parseQuantity(declaredRequest ?? memory.request) ?? 0;
    const limitBytes = declaredLimit === null ? Number.POSITIVE_INFINITY : (parseQuantity(declaredLimit) ?? Number.POSITIVE_INFINITY);
    const factorCap = requestBytes > 0 ? requestBytes * context.limits.maxIncreaseFactor : Number.POSITIVE_INFINITY;
    const cap = Math.min(limitBytes, parseQuantity(context.limits.maxMemory) ?? Number.POSITIVE_INFINITY, factorCap);
    const wanted = formatMemory(usingBytes * HEADROOM);
    const capped = (parseQuantity(wanted) ?? 0) > cap;
    const value = capped ? formatMemoryDown(cap) : wanted;
    const valueBytes = parseQuantity(value) ?? 0;
    const base = {
      summary: `${subject} was evicted under memory pressure: ${memory.container} used ${memory.using} against a ${memory.request} request`,
      rootCause: `When the node ran low on memory the kubelet evicted the pod whose usage exceeded its request the most: ${memory.container} was using ${memory.using} with a request of only ${memory.request}.`,
      evidence: [line],
    };
    if (valueBytes <= requestBytes) {
      return ruleDiagnosis(context, 'evicted', { ...base, confidence: 35, question: `The request cannot be raised within the limit and bounds: should ${memory.container}'s memory limit grow too?` });
    }
    // Very specific only when the repository's request is the one the kubelet saw and the new value is not cut short.
    const specific = spec?.source === 'repository' && declaredRequest !== null && parseQuantity(declaredRequest) === parseQuantity(memory.request) && !capped;
    return ruleDiagnosis(context, 'evicted', {
      ...base,
      confidence: specific ? 80 : 55,
      changes: [{ fixKind: 'resources', container: memory.container, path: ['resources', 'requests', 'memory'], value, previous: declaredRequest }],
      rationale: `A request of ${value} (${memory.using} × ${HEADROOM}${capped ? ', capped by the limit and bounds' : ''}) reserves the memory the container really uses, so the scheduler accounts for it and the kubelet evicts it last.`,
      risks: ['A larger request needs room on a node; the pod may wait to be scheduled if the cluster is full.'],
      alternatives: ['Set requests equal to limits (Guaranteed QoS): such pods are evicted last.'],
    });
  },
};
