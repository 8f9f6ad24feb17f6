/**
 * Which repository a report belongs to: the GitOps source the cluster itself names (Argo CD
 * Application repoURL, Flux source URL, kustomize origin) when the App is installed there, else
 * the default repository configured for the cluster.
 *
 * Those hints come from annotations a cluster tenant writes, so they only choose among the
 * repositories the operator allowed for the cluster (`repositories` in KUBECURE_CLUSTERS); a hint
 * outside the allowlist is passed over, never followed.
 */
import type { FailureReport } from '../report/schema.js';
import type { ClusterRegistry } from '../server/clusters.js';
import { statusOf, type GitHub, type RepoRef } from '../github/octokit.js';
import type { TtlCache } from './ttl-cache.js';

export interface Route extends RepoRef {
  installationId: number;
  /** How the repository was chosen, for the log. */
  via: 'gitops-hint' | 'cluster-default';
  /** Hinted repositories passed over because the operator did not allow them for the cluster. */
  refusedHints: string[];
}

export type RouteResult = { ok: true; route: Route } | { ok: false; reason: string };

const GITHUB_URL_PATTERNS = [
  // https://github.com/org/repo(.git)(/…), also GitHub Enterprise hosts
  /^https?:\/\/(?:[^@/]+@)?([^/]+)\/([\w.-]+)\/([\w.-]+?)(?:\.git)?(?:\/.*)?$/,
  // git@github.com:org/repo.git
  /^(?:ssh:\/\/)?git@([^:/]+)[:/]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/,
];

/** `owner/repo` of a GitHub URL on `host` (github.com unless GHE_HOST is set), else null. */
export function repositoryFromUrl(url: string, host = 'github.com'): RepoRef | null {
  for (const pattern of GITHUB_URL_PATTERNS) {
    const match = pattern.exec(url.trim());
    if (match && match[1]?.toLowerCase() === host.toLowerCase() && match[2] && match[3]) return { owner: match[2], repo: match[3] };
  }
  return null;
}

/** Repositories the report's GitOps hints name, most specific first, without duplicates. */
export function hintedRepositories(report: FailureReport, host?: string): RepoRef[] {
  const hints = report.sourceHints;
  const urls = [hints.argocd?.repoURL, hints.flux?.sourceURL, hints.kustomizeOrigin?.repo].filter((url): url is string => Boolean(url));
  const seen = new Set<string>();
  const repos: RepoRef[] = [];
  for (const url of urls) {
    const repo = repositoryFromUrl(url, host);
    const key = repo && `${repo.owner}/${repo.repo}`.toLowerCase();
    if (repo && key && !seen.has(key)) {
      seen.add(key);
      repos.push(repo);
    }
  }
  return repos;
}

/** Installation ids by `owner/repo`; only found installations are remembered. */
export type InstallationCache = TtlCache<number>;

async function installationOf(appOctokit: GitHub, repository: RepoRef, cache?: InstallationCache): Promise<number | null> {
  const key = `${repository.owner}/${repository.repo}`.toLowerCase();
  const cached = cache?.get(key);
  if (cached !== undefined) return cached;
  try {
    const { data } = await appOctokit.rest.apps.getRepoInstallation({ ...repository });
    cache?.set(key, data.id);
    return data.id;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

export async function routeReport(
  appOctokit: GitHub,
  report: FailureReport,
  clusters: ClusterRegistry,
  options: { host?: string; cache?: InstallationCache } = {},
): Promise<RouteResult> {
  const { host, cache } = options;
  const refusedHints: string[] = [];
  for (const repository of hintedRepositories(report, host)) {
    const fullName = `${repository.owner}/${repository.repo}`;
    // Checked before any request: a tenant's hint must not even make the App probe a repository.
    if (!clusters.mayWrite(report.cluster, fullName)) {
      refusedHints.push(fullName);
      continue;
    }
    const installationId = await installationOf(appOctokit, repository, cache);
    if (installationId !== null) return { ok: true, route: { ...repository, installationId, via: 'gitops-hint', refusedHints } };
  }
  const refused = refusedHints.length > 0 ? ` (hints outside the cluster's allowed repositories: ${refusedHints.join(', ')})` : '';
  const fallback = clusters.get(report.cluster)?.defaultRepository;
  if (!fallback) return { ok: false, reason: `no allowed, installed repository in the GitOps hints and no default repository for the cluster${refused}` };
  const [owner = '', repo = ''] = fallback.split('/');
  const installationId = await installationOf(appOctokit, { owner, repo }, cache);
  if (installationId === null) return { ok: false, reason: `the App is not installed on the default repository ${fallback}${refused}` };
  return { ok: true, route: { owner, repo, installationId, via: 'cluster-default', refusedHints } };
}
