/**
 * The slim projection of a pod: only what classification, debounce and recovery tracking read.
 * A full pod is 4–20 KB of JSON (managedFields, spec, env, volumes); this is well under 1 KB, which
 * is what lets the agent watch tens of thousands of pods in a small memory limit. The full pod is
 * fetched on demand when a failure is reported.
 */
import type { ContainerStateLike, ContainerStatusLike, PodConditionLike, PodLike } from '../../src/report/kube-types.js';

/** Annotations kept because they point at the pod's source; everything else stays in the cluster. */
const KEPT_ANNOTATION = /^(argocd\.argoproj\.io\/|meta\.helm\.sh\/|config\.kubernetes\.io\/origin$|kubecure\.dev\/|kustomize\.toolkit\.fluxcd\.io\/|helm\.toolkit\.fluxcd\.io\/)/;

/** Status messages can be long (scheduler and runtime errors); the head carries the cause. */
const MAX_MESSAGE = 1024;

export interface SlimPod extends PodLike {
  metadata: NonNullable<PodLike['metadata']> & { name: string; namespace: string };
  spec: { nodeName?: string; restartPolicy?: string };
  status: NonNullable<PodLike['status']>;
}

type Raw = Record<string, any>;

function text(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  return value.length > MAX_MESSAGE ? value.slice(0, MAX_MESSAGE) : value;
}

/** List results carry Date objects, watch results ISO strings: store strings either way. */
function time(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : undefined;
}

/**
 * A copy without the undefined fields. Built by assignment rather than `delete`: deleting a
 * property turns a V8 object into a slow dictionary several times its size, which at 10,000
 * pods costs tens of MB.
 */
function defined<T extends object>(value: T): T {
  const out = {} as T;
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

function slimState(state: Raw | undefined): ContainerStateLike | undefined {
  if (!state) return undefined;
  if (state.waiting) return { waiting: defined({ reason: text(state.waiting.reason), message: text(state.waiting.message) }) };
  if (state.terminated) {
    const t = state.terminated;
    return {
      terminated: defined({
        reason: text(t.reason),
        message: text(t.message),
        exitCode: typeof t.exitCode === 'number' ? t.exitCode : undefined,
        signal: typeof t.signal === 'number' ? t.signal : undefined,
        finishedAt: time(t.finishedAt),
      }),
    };
  }
  if (state.running) return { running: defined({ startedAt: time(state.running.startedAt) }) };
  return undefined;
}

function slimContainerStatus(status: Raw): ContainerStatusLike {
  return defined({
    name: String(status.name),
    ready: Boolean(status.ready),
    restartCount: typeof status.restartCount === 'number' ? status.restartCount : 0,
    image: text(status.image),
    state: slimState(status.state),
    lastState: slimState(status.lastState),
  });
}

function slimCondition(condition: Raw): PodConditionLike {
  return defined({
    type: String(condition.type),
    status: String(condition.status),
    reason: text(condition.reason),
    message: text(condition.message),
    lastTransitionTime: time(condition.lastTransitionTime),
  });
}

function keptAnnotations(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) if (KEPT_ANNOTATION.test(key)) kept[key] = value;
  return Object.keys(kept).length > 0 ? kept : undefined;
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

export function slimPod(pod: Raw): SlimPod {
  const metadata: Raw = pod.metadata ?? {};
  const status: Raw = pod.status ?? {};
  const spec: Raw = pod.spec ?? {};
  return {
    metadata: defined({
      name: String(metadata.name),
      namespace: String(metadata.namespace),
      uid: metadata.uid,
      resourceVersion: metadata.resourceVersion,
      creationTimestamp: time(metadata.creationTimestamp),
      labels: metadata.labels && Object.keys(metadata.labels).length > 0 ? { ...metadata.labels } : undefined,
      annotations: keptAnnotations(metadata.annotations),
      ownerReferences: Array.isArray(metadata.ownerReferences)
        ? metadata.ownerReferences.map((ref: Raw) =>
            defined({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, controller: ref.controller }),
          )
        : undefined,
    }),
    spec: defined({ nodeName: spec.nodeName, restartPolicy: spec.restartPolicy }),
    status: defined({
      phase: status.phase,
      reason: text(status.reason),
      message: text(status.message),
      // Only conditions that are not met say anything about a failure; a healthy pod keeps none.
      conditions: Array.isArray(status.conditions) ? nonEmpty(status.conditions.filter((c: Raw) => c.status !== 'True').map(slimCondition)) : undefined,
      containerStatuses: Array.isArray(status.containerStatuses) ? status.containerStatuses.map(slimContainerStatus) : undefined,
      initContainerStatuses: Array.isArray(status.initContainerStatuses)
        ? status.initContainerStatuses.map(slimContainerStatus)
        : undefined,
    }),
  };
}

export function podKey(pod: { metadata?: { namespace?: string; name?: string } }): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}
