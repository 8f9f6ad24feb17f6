/**
 * Which workload a pod belongs to: the object a GitOps repository declares and a fix must edit
 * (Deployment `web`, not ReplicaSet `web-7b4d5f6c` nor pod `web-7b4d5f6c-x2k9p`).
 *
 * The owner chain is walked from the pod's controller upwards. At each step an owner object the
 * caller supplied (`kubectl get rs,deploy -o json`) is the authority, because its own
 * ownerReferences say who owns it. Without one, the names Kubernetes generates give the answer
 * away: a Deployment names its ReplicaSets `<deployment>-<pod-template-hash>`, and a CronJob
 * names its Jobs `<cronjob>-<scheduled time in minutes since the epoch>`.
 */
import type { OwnerReferenceLike, PodLike } from './kube-types.js';
import type { ObjectRef, WorkloadRef } from './schema.js';

export interface InferredWorkload {
  workload: WorkloadRef;
  /** From the pod's direct owner to the top-level workload; empty for a bare pod. */
  ownerChain: ObjectRef[];
}

interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; ownerReferences?: OwnerReferenceLike[] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKubeObject(value: unknown): value is KubeObject {
  return isRecord(value) && typeof value.kind === 'string' && isRecord(value.metadata) && typeof value.metadata.name === 'string';
}

/** Owner objects from a single object, an array, or a List (`kubectl get rs,deploy -o json`). */
export function ownerObjectsOf(owner: unknown): KubeObject[] {
  if (Array.isArray(owner)) return owner.flatMap(ownerObjectsOf);
  if (isRecord(owner) && Array.isArray(owner.items)) return owner.items.flatMap(ownerObjectsOf);
  return isKubeObject(owner) ? [owner] : [];
}

/** The reference a controller sets on what it owns; the first reference when none is marked. */
function controllerOf(references: OwnerReferenceLike[] | undefined): OwnerReferenceLike | undefined {
  const valid = (references ?? []).filter((reference) => reference.kind && reference.name);
  return valid.find((reference) => reference.controller === true) ?? valid[0];
}

function refOf(reference: OwnerReferenceLike, namespace: string): ObjectRef {
  return {
    apiVersion: reference.apiVersion || 'v1',
    kind: reference.kind,
    name: reference.name,
    namespace,
    ...(reference.uid ? { uid: reference.uid } : {}),
  };
}

function refOfObject(object: KubeObject, namespace: string): ObjectRef {
  return {
    apiVersion: object.apiVersion ?? 'v1',
    kind: object.kind ?? '',
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? namespace,
    ...(object.metadata?.uid ? { uid: object.metadata.uid } : {}),
  };
}

/** Minutes since the epoch for schedules between 2015 and 2100: what CronJob Job names end with. */
const CRONJOB_SUFFIX = /^(.+)-(\d{8,9})$/;
const EARLIEST_CRON_MINUTE = Date.UTC(2015, 0, 1) / 60_000;
const LATEST_CRON_MINUTE = Date.UTC(2100, 0, 1) / 60_000;

function cronJobNameOf(jobName: string): string | undefined {
  const match = CRONJOB_SUFFIX.exec(jobName);
  if (!match?.[1] || !match[2]) return undefined;
  const minute = Number(match[2]);
  return minute >= EARLIEST_CRON_MINUTE && minute <= LATEST_CRON_MINUTE ? match[1] : undefined;
}

/**
 * The owner implied by a generated name when no owner object was supplied. Only the pod's
 * direct owner can be judged by the pod's labels, so the template hash is checked there.
 */
function impliedOwner(current: ObjectRef, pod: PodLike, isDirectOwner: boolean): ObjectRef | undefined {
  const labels = pod.metadata?.labels ?? {};
  if (current.kind === 'ReplicaSet' && isDirectOwner) {
    const rolloutHash = labels['rollouts-pod-template-hash'];
    if (rolloutHash && current.name.endsWith(`-${rolloutHash}`)) {
      return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: current.name.slice(0, -rolloutHash.length - 1), namespace: current.namespace };
    }
    const hash = labels['pod-template-hash'];
    if (hash && current.name.endsWith(`-${hash}`)) {
      return { apiVersion: 'apps/v1', kind: 'Deployment', name: current.name.slice(0, -hash.length - 1), namespace: current.namespace };
    }
  }
  if (current.kind === 'Job') {
    const cronJob = cronJobNameOf(current.name);
    if (cronJob) return { apiVersion: 'batch/v1', kind: 'CronJob', name: cronJob, namespace: current.namespace };
  }
  return undefined;
}

function findObject(objects: KubeObject[], ref: ObjectRef): KubeObject | undefined {
  return objects.find(
    (object) =>
      object.kind === ref.kind &&
      object.metadata?.name === ref.name &&
      (object.metadata?.namespace === undefined || object.metadata.namespace === ref.namespace),
  );
}

/** Chains longer than this are not Kubernetes; they are a cycle in hand-made input. */
const MAX_CHAIN = 8;

/**
 * The top-level workload of a pod and the chain of owners leading to it. `owner` is optional
 * owner JSON: one object (the ReplicaSet, the Deployment, the Job, the CronJob…), an array or a List.
 */
export function inferWorkload(pod: PodLike, owner?: unknown): InferredWorkload {
  const namespace = pod.metadata?.namespace || 'default';
  const supplied = ownerObjectsOf(owner);
  const chain: ObjectRef[] = [];
  const direct = controllerOf(pod.metadata?.ownerReferences);

  // A static pod's mirror is "owned" by its Node: the pod itself is what a manifest declares.
  if (direct && direct.kind !== 'Node') {
    let current: ObjectRef | undefined = refOf(direct, namespace);
    while (current && chain.length < MAX_CHAIN) {
      const object = findObject(supplied, current);
      const enriched: ObjectRef = object ? { ...refOfObject(object, namespace), ...(current.uid ? { uid: current.uid } : {}) } : current;
      chain.push(enriched);
      const next = object ? controllerOf(object.metadata?.ownerReferences) : undefined;
      current = next ? refOf(next, namespace) : object && !isImpliedByName(object) ? undefined : impliedOwner(enriched, pod, chain.length === 1);
      if (current && chain.some((seen) => seen.kind === current?.kind && seen.name === current?.name)) break;
    }
  }

  const top = chain.at(-1);
  if (!top) {
    return {
      workload: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? 'unknown', namespace, ...(pod.metadata?.uid ? { uid: pod.metadata.uid } : {}) },
      ownerChain: [],
    };
  }
  return { workload: { ...top, namespace: top.namespace || namespace }, ownerChain: chain };
}

/**
 * A supplied owner without ownerReferences is the top of the chain, except for the kinds whose
 * parent is found by name anyway (a ReplicaSet or Job JSON trimmed of its metadata).
 */
function isImpliedByName(object: KubeObject): boolean {
  return (object.kind === 'ReplicaSet' || object.kind === 'Job') && object.metadata?.ownerReferences === undefined;
}
