/**
 * Loads `.github/kubecure.yml` the way Probot's `context.config` does (the repository's default
 * branch, falling back to the owner's `.github` repository, following `_extends`), but for jobs
 * that did not come from a webhook. A broken file is an answer, not an exception.
 *
 * Opting in is the repository's own decision: only its own file counts. The owner's `.github`
 * fallback alone would opt in every repository of the organization, including ones whose
 * maintainers never asked for KubeCure; an explicit `_extends` inside the repository's own file
 * is that decision, and is followed.
 */
import type { ProbotOctokit } from 'probot';
import { CONFIG_FILE, parseRepoConfig, type ConfigProblem, type RepoConfig } from './schema.js';

export type ConfigLoad =
  | { status: 'missing'; detail: string }
  | {
      status: 'invalid';
      problems: ConfigProblem[];
      /** Whether the broken file is the repository's own (not only the owner's fallback). */
      ownFile: boolean;
      /** The `clusters` the file names, when that much of it can be read; null when it cannot. */
      clusters: string[] | null;
    }
  | { status: 'ok'; config: RepoConfig; files: string[] };

type Octokit = InstanceType<typeof ProbotOctokit>;

const PLUGIN_ERROR_PREFIX = '[@probot/octokit-plugin-config]';

export async function loadRepoConfig(octokit: Octokit, owner: string, repo: string): Promise<ConfigLoad> {
  const path = `.github/${CONFIG_FILE}`;
  let loaded: Awaited<ReturnType<Octokit['config']['get']>>;
  try {
    loaded = await octokit.config.get({ owner, repo, path });
  } catch (error) {
    // The plugin's own errors are about the file (invalid YAML, a directory, an unsupported
    // extension); anything else (HTTP status, network) is GitHub's problem and is retried.
    const message = error instanceof Error ? error.message : '';
    if (!message.startsWith(PLUGIN_ERROR_PREFIX)) throw error;
    // The plugin names the file's URL; the repository's own file is the first one it reads.
    const ownUrl = octokit.request.endpoint({ method: 'GET', url: '/repos/{owner}/{repo}/contents/{path}', owner, repo, path }).url;
    return {
      status: 'invalid',
      problems: [{ path: '(file)', message: message.slice(PLUGIN_ERROR_PREFIX.length).trim() }],
      ownFile: message.includes(ownUrl),
      clusters: null,
    };
  }
  const own = loaded.files[0];
  if (!own || own.owner !== owner || own.repo !== repo || own.config === null) {
    const fallback = loaded.files.some((file) => file.config !== null);
    return {
      status: 'missing',
      detail: fallback
        ? `the repository has no ${path} of its own (the owner's .github repository's file alone does not opt a repository in)`
        : `the repository has no ${path}`,
    };
  }
  const parsed = parseRepoConfig(loaded.config);
  if (!parsed.ok) return { status: 'invalid', problems: parsed.problems, ownFile: true, clusters: clustersNamedIn(loaded.config) };
  return { status: 'ok', config: parsed.config, files: loaded.files.filter((file) => file.config !== null).map((file) => `${file.owner}/${file.repo}:${file.path}`) };
}

/** `clusters:` of a file that is otherwise invalid, when it is a list of strings. */
function clustersNamedIn(raw: unknown): string[] | null {
  const clusters = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).clusters : undefined;
  return Array.isArray(clusters) && clusters.every((entry) => typeof entry === 'string') ? clusters : null;
}
