/**
 * From a pod's controller reference up to the top-level workload: ReplicaSet → Deployment (or an
 * Argo Rollout), Job → CronJob, StatefulSet, DaemonSet. Each owner is a GET, cached with a TTL
 * because a storm brings the same ReplicaSet again and again. A missing or forbidden owner ends
 * the chain where it is: the report still names the furthest owner known.
 */
import type { OwnerReferenceLike } from '../../src/report/kube-types.js';
import type { Json, KubeReader } from './kube-reader.js';
import type { TtlCache } from './ttl-cache.js';

const PLURALS: Record<string, string> = {
  ReplicaSet: 'replicasets',
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
  CronJob: 'cronjobs',
  Rollout: 'rollouts',
};

/** Chains are short; the bound only guards against an ownerReference cycle. */
const MAX_DEPTH = 5;

export function pluralOf(kind: string): string {
  return PLURALS[kind] ?? `${kind.toLowerCase()}s`;
}

export interface OwnerObjects {
  /** The owner objects read, direct owner first; what `inferWorkload` needs to name the top workload. */
  objects: Json[];
  /** A step could not be read (RBAC, not found): the chain ends at the furthest owner known. */
  incomplete: boolean;
}

export function controllerOf(references: OwnerReferenceLike[] | undefined): OwnerReferenceLike | undefined {
  if (!references || references.length === 0) return undefined;
  return references.find((reference) => reference.controller) ?? references[0];
}

export class OwnerResolver {
  constructor(
    private readonly reader: KubeReader,
    /** `null` caches "could not be read" too, so a forbidden kind is not retried on every pod. */
    private readonly cache: TtlCache<Json | null>,
  ) {}

  async resolve(namespace: string, references: OwnerReferenceLike[] | undefined): Promise<OwnerObjects> {
    const objects: Json[] = [];
    let next = controllerOf(references);
    while (next && next.kind !== 'Node' && objects.length < MAX_DEPTH) {
      const object = await this.read(next, namespace);
      if (!object) return { objects, incomplete: true };
      objects.push(object);
      next = controllerOf(object.metadata?.ownerReferences);
    }
    return { objects, incomplete: false };
  }

  private async read(reference: OwnerReferenceLike, namespace: string): Promise<Json | null> {
    const key = `${reference.apiVersion}/${reference.kind}/${namespace}/${reference.name}`;
    return this.cache.getOrLoad(key, async () => {
      try {
        const object = await this.reader.getObject(reference.apiVersion, pluralOf(reference.kind), namespace, reference.name);
        // Owners are kept for minutes: drop the bulky parts nobody reads.
        if (object.metadata) delete object.metadata.managedFields;
        return object;
      } catch {
        return null;
      }
    });
  }
}
