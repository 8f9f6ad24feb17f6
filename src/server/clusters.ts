/**
 * The clusters allowed to send reports, and their secrets. Read once at start from
 * `KUBECURE_CLUSTERS` (JSON) or `KUBECURE_CLUSTERS_FILE` (a path to the same JSON, e.g. a mounted
 * Secret): `{"prod-eu":{"secret":"…","defaultRepository":"org/gitops"}}`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MIN_CLUSTER_SECRET_LENGTH } from '../report/signature.js';

const ClusterSchema = z.object({
  secret: z.string().min(MIN_CLUSTER_SECRET_LENGTH, `secrets must be at least ${MIN_CLUSTER_SECRET_LENGTH} characters`),
  defaultRepository: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/repo')
    .optional(),
});

const ClustersSchema = z.record(z.string().min(1).max(100), ClusterSchema);

export type ClusterConfig = z.infer<typeof ClusterSchema>;

export class ClusterRegistry {
  readonly #clusters: Map<string, ClusterConfig>;

  constructor(clusters: Record<string, ClusterConfig>) {
    this.#clusters = new Map(Object.entries(clusters));
  }

  get(name: string): ClusterConfig | undefined {
    return this.#clusters.get(name);
  }

  get size(): number {
    return this.#clusters.size;
  }
}

export function parseClusters(json: string, source: string): ClusterRegistry {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error(`${source} is not valid JSON`);
  }
  const parsed = ClustersSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`${source} is invalid: ${problems}`);
  }
  return new ClusterRegistry(parsed.data);
}

export function clustersFromEnv(env: NodeJS.ProcessEnv): ClusterRegistry {
  if (env.KUBECURE_CLUSTERS) return parseClusters(env.KUBECURE_CLUSTERS, 'KUBECURE_CLUSTERS');
  if (env.KUBECURE_CLUSTERS_FILE) return parseClusters(readFileSync(env.KUBECURE_CLUSTERS_FILE, 'utf8'), 'KUBECURE_CLUSTERS_FILE');
  return new ClusterRegistry({});
}
