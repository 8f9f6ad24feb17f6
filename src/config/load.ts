/**
 * Loads `.github/kubecure.yml` the way Probot's `context.config` does (the repository's default
 * branch, falling back to the owner's `.github` repository, following `_extends`), but for jobs
 * that did not come from a webhook. A broken file is an answer, not an exception.
 */
import type { ProbotOctokit } from 'probot';
import { CONFIG_FILE, parseRepoConfig, type ConfigProblem, type RepoConfig } from './schema.js';

export type ConfigLoad =
  | { status: 'missing' }
  | { status: 'invalid'; problems: ConfigProblem[] }
  | { status: 'ok'; config: RepoConfig; files: string[] };

type Octokit = InstanceType<typeof ProbotOctokit>;

const PLUGIN_ERROR_PREFIX = '[@probot/octokit-plugin-config]';

export async function loadRepoConfig(octokit: Octokit, owner: string, repo: string): Promise<ConfigLoad> {
  let loaded: Awaited<ReturnType<Octokit['config']['get']>>;
  try {
    loaded = await octokit.config.get({ owner, repo, path: `.github/${CONFIG_FILE}` });
  } catch (error) {
    // The plugin's own errors are about the file (invalid YAML, a directory, an unsupported
    // extension); anything else (HTTP status, network) is GitHub's problem and is retried.
    const message = error instanceof Error ? error.message : '';
    if (!message.startsWith(PLUGIN_ERROR_PREFIX)) throw error;
    return { status: 'invalid', problems: [{ path: '(file)', message: message.slice(PLUGIN_ERROR_PREFIX.length).trim() }] };
  }
  const found = loaded.files.filter((file) => file.config !== null);
  if (found.length === 0) return { status: 'missing' };
  const parsed = parseRepoConfig(loaded.config);
  if (!parsed.ok) return { status: 'invalid', problems: parsed.problems };
  return { status: 'ok', config: parsed.config, files: found.map((file) => `${file.owner}/${file.repo}:${file.path}`) };
}
