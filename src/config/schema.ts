/**
 * `.github/kubecure.yml`: what a repository allows KubeCure to do. The file is the opt-in: a
 * repository without it gets nothing, and it must name the clusters allowed to report to it.
 * Every key has a default, so the smallest valid file is `clusters: [prod-eu]`.
 */
import { z } from 'zod';
import { FIX_KINDS, type FixKind } from '../diagnose/types.js';
import type { RemediateOptions } from '../remediate.js';

/** Command and scheduling changes touch behaviour more than capacity: a repository opts into them. */
const DEFAULT_FIX_KINDS: FixKind[] = ['resources', 'image', 'env', 'probes', 'config-reference'];

export const CONFIG_FILE = 'kubecure.yml';

const quantity = z.string().regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|m|k|M|G|T)?$/, 'expected a Kubernetes quantity such as 4Gi or 2');

export const RepoConfigSchema = z
  .object({
    clusters: z
      .array(z.string().min(1))
      .default([])
      .describe('Clusters whose reports may open pull requests and issues here; `*` admits every cluster the operator allows for this repository.'),
    paths: z.array(z.string().min(1)).default([]).describe('Path prefixes that hold manifests; empty means the whole repository.'),
    threshold: z.number().int().min(0).max(100).default(80).describe('Confidence (0-100) a diagnosis needs for a pull request; below it, an issue.'),
    fixes: z
      .object({
        allowed: z.array(z.enum(FIX_KINDS))
          .default([...DEFAULT_FIX_KINDS])
          .describe('Kinds of change KubeCure may propose.'),
        maxMemory: quantity.default('4Gi').describe('Highest memory a fix may set.'),
        maxCpu: quantity.default('4').describe('Highest CPU a fix may set.'),
        maxIncreaseFactor: z.number().min(1).max(10).default(2).describe('Highest factor by which one fix may multiply a resource.'),
      })
      .strict()
      .default({ allowed: [...DEFAULT_FIX_KINDS], maxMemory: '4Gi', maxCpu: '4', maxIncreaseFactor: 2 }),
    labels: z.array(z.string().min(1).max(50)).default([]).describe('Labels added to every pull request and issue, besides kubecure and kubecure:<category>.'),
    reviewers: z.array(z.string().min(1)).default([]).describe('Users asked to review pull requests.'),
    teamReviewers: z.array(z.string().min(1)).default([]).describe('Teams (slugs) asked to review pull requests.'),
    draft: z.boolean().default(false).describe('Open pull requests as drafts.'),
    protectedNamespaces: z.array(z.string().min(1)).default(['kube-system']).describe('Namespaces KubeCure never touches.'),
    protectedWorkloads: z
      .array(z.string().min(1))
      .default([])
      .describe('Workloads KubeCure never touches: `name` or `namespace/name`.'),
    maxOpenPullRequests: z.number().int().min(0).default(10).describe('Open KubeCure pull requests above which new fixes become issues.'),
    maxPullRequestsPerHour: z.number().int().min(0).default(2).describe('Pull requests KubeCure may open per hour; later ones wait.'),
    maxIssuesPerHour: z.number().int().min(0).default(5).describe('Issues KubeCure may open per hour; later reports are dropped (named, counted) until the hour moves on.'),
    cooldownMinutes: z.number().int().min(0).default(60).describe('Minutes after a thread for one workload before another is opened for it.'),
    dryRun: z.boolean().default(false).describe('Log what would happen and change nothing.'),
  })
  .strict();

export type RepoConfig = z.infer<typeof RepoConfigSchema>;

export const DEFAULT_REPO_CONFIG: RepoConfig = RepoConfigSchema.parse({});

export interface ConfigProblem {
  path: string;
  message: string;
}

export type ConfigParse = { ok: true; config: RepoConfig } | { ok: false; problems: ConfigProblem[] };

export function parseRepoConfig(raw: unknown): ConfigParse {
  // `_extends` is consumed by the loader; a leftover one is not the user's mistake.
  const input = typeof raw === 'object' && raw !== null ? Object.fromEntries(Object.entries(raw).filter(([key]) => key !== '_extends')) : raw;
  const result = RepoConfigSchema.safeParse(input ?? {});
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    problems: result.error.issues.flatMap((issue) =>
      // A misspelt key is reported at the key itself, so a check can point at its line.
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ path: [...issue.path, key].map(String).join('.'), message: `unknown key "${key}"` }))
        : [{ path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)', message: issue.message }],
    ),
  };
}

/** Whether the repository's `clusters:` admits reports from `cluster` (by name, or `*`). */
export function namesCluster(clusters: readonly string[], cluster: string): boolean {
  return clusters.includes('*') || clusters.includes(cluster);
}

/** Whether a workload is out of bounds for KubeCure in this repository. */
export function isProtected(config: RepoConfig, namespace: string, name: string): boolean {
  if (config.protectedNamespaces.includes(namespace)) return true;
  return config.protectedWorkloads.some((entry) => entry === name || entry === `${namespace}/${name}`);
}

/** What a repository's configuration asks of the engine: its threshold, its fix policy and its paths. */
export function remediationSettings(config: RepoConfig): Pick<RemediateOptions, 'threshold' | 'policy' | 'paths'> {
  return {
    threshold: config.threshold,
    policy: {
      allowedFixKinds: config.fixes.allowed,
      maxMemory: config.fixes.maxMemory,
      maxCpu: config.fixes.maxCpu,
      maxIncreaseFactor: config.fixes.maxIncreaseFactor,
    },
    paths: config.paths.length > 0 ? config.paths : undefined,
  };
}
