/**
 * The clusters allowed to send reports, their secrets, and the repositories each may write to.
 * Read once at start from `KUBECURE_CLUSTERS` (JSON) or `KUBECURE_CLUSTERS_FILE` (a path to the
 * same JSON, e.g. a mounted Secret):
 *
 *   {"prod-eu":{"secret":"…","defaultRepository":"org/gitops","repositories":["org/gitops","org/apps-*"]}}
 *
 * `repositories` is the operator's allowlist: the GitOps hints a report carries come from pod
 * annotations that whoever deploys the workload controls, so they may only choose among these.
 * A cluster without the list may write to its `defaultRepository` and nowhere else.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MIN_CLUSTER_SECRET_LENGTH } from '../report/signature.js';

const REPOSITORY = /^[\w.-]+\/[\w.-]+$/;
/** `owner/repo`, `owner/*` or `owner/prefix-*`: the owner is always spelled out. */
const REPOSITORY_PATTERN = /^[\w.-]+\/[\w.-]*\*?$/;

const ClusterSchema = z.object({
  secret: z.string().min(MIN_CLUSTER_SECRET_LENGTH, `secrets must be at least ${MIN_CLUSTER_SECRET_LENGTH} characters`),
  defaultRepository: z.string().regex(REPOSITORY, 'expected owner/repo').optional(),
  repositories: z
    .array(z.string().regex(REPOSITORY_PATTERN, 'expected owner/repo, owner/* or owner/prefix-*').refine((entry) => !entry.endsWith('/'), 'expected owner/repo, owner/* or owner/prefix-*'))
    .optional(),
});

const ClustersSchema = z.record(z.string().min(1).max(100), ClusterSchema);

export type ClusterConfig = z.infer<typeof ClusterSchema>;

/** Whether `owner/repo` matches one allowlist entry (case-insensitive, as GitHub names are). */
export function repositoryMatches(pattern: string, fullName: string): boolean {
  const entry = pattern.toLowerCase();
  const name = fullName.toLowerCase();
  return entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) && name.length > entry.length - 1 : name === entry;
}

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

  /** Whether the operator allows `cluster` to write to `owner/repo`: its default repository or an allowlist entry. */
  mayWrite(cluster: string, fullName: string): boolean {
    const config = this.#clusters.get(cluster);
    if (!config) return false;
    if (config.defaultRepository && repositoryMatches(config.defaultRepository, fullName)) return true;
    return (config.repositories ?? []).some((pattern) => repositoryMatches(pattern, fullName));
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
