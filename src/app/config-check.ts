/**
 * Configuration checked where it is edited: a pull request that changes `.github/kubecure.yml`
 * gets a "KubeCure config" check run on its head commit, with each problem annotated on its line.
 * A broken file then fails a check before it merges, instead of surfacing when an incident arrives.
 */
import type { Context } from 'probot';
import { checkConfigText, type ConfigFileCheck, type ConfigFileProblem } from '../config/check-file.js';
import { CONFIG_FILE } from '../config/schema.js';
import { statusOf } from '../github/octokit.js';
import type { AppMetrics } from '../server/metrics.js';

export const CONFIG_PATH = `.github/${CONFIG_FILE}`;
export const CHECK_NAME = 'KubeCure config';

export const CONFIG_CHECK_EVENTS: Array<'pull_request.opened' | 'pull_request.synchronize' | 'pull_request.reopened'> = [
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request.reopened',
];

/** GitHub accepts at most 50 annotations per request; one request's worth says enough. */
const MAX_ANNOTATIONS = 50;
/** GitHub lists at most 3,000 files of a pull request, 100 a page. */
const MAX_FILE_PAGES = 30;

type PullRequestContext = Context<(typeof CONFIG_CHECK_EVENTS)[number]>;
type Conclusion = 'success' | 'failure' | 'neutral';

interface CheckOutput {
  conclusion: Conclusion;
  title: string;
  summary: string;
  annotations: ConfigFileProblem[];
}

export function createConfigCheck(metrics: AppMetrics) {
  return async function onPullRequestForConfig(context: PullRequestContext): Promise<void> {
    const pull = context.payload.pull_request;
    const { owner, repo } = context.repo();
    const change = await configFileChange(context, pull.number);
    if (!change) {
      context.log.debug({ pull: pull.number }, `Pull request does not change ${CONFIG_PATH}, no config check`);
      return;
    }
    const output = change === 'removed' ? removedOutput() : outputOf(checkConfigText(await fileAt(context, pull.head.sha)));
    try {
      await context.octokit.rest.checks.create({
        owner,
        repo,
        name: CHECK_NAME,
        head_sha: pull.head.sha,
        status: 'completed',
        conclusion: output.conclusion,
        output: {
          title: output.title,
          summary: output.summary,
          annotations: output.annotations.slice(0, MAX_ANNOTATIONS).map((problem) => ({
            path: CONFIG_PATH,
            start_line: problem.line,
            end_line: problem.endLine,
            // Columns are only accepted on single-line annotations.
            ...(problem.line === problem.endLine ? { start_column: problem.column, end_column: problem.column } : {}),
            annotation_level: 'failure' as const,
            title: problem.path,
            message: problem.message,
          })),
        },
      });
    } catch (error) {
      if (statusOf(error) !== 403) throw error;
      // Installations made before the App asked for checks:write cannot create check runs until an owner accepts it.
      metrics.configChecks.inc({ conclusion: 'forbidden' });
      context.log.warn({ pull: pull.number }, 'Cannot create the config check run: the installation has not granted "checks: write"');
      return;
    }
    metrics.configChecks.inc({ conclusion: output.conclusion });
    context.log.info({ pull: pull.number, conclusion: output.conclusion, problems: output.annotations.length }, 'Config check run created');
  };
}

/** Whether the pull request touches the config file, and how. */
async function configFileChange(context: PullRequestContext, pullNumber: number): Promise<'changed' | 'removed' | null> {
  const { owner, repo } = context.repo();
  let page = 0;
  for await (const response of context.octokit.paginate.iterator(context.octokit.rest.pulls.listFiles, {
    owner,
    repo,
    pull_number: pullNumber,
    per_page: 100,
  })) {
    const file = response.data.find((candidate) => candidate.filename === CONFIG_PATH || candidate.previous_filename === CONFIG_PATH);
    if (file) return file.status === 'removed' || file.filename !== CONFIG_PATH ? 'removed' : 'changed';
    if (++page >= MAX_FILE_PAGES) break;
  }
  return null;
}

/** The file as the pull request's head commit has it (reachable from the base repository, forks included). */
async function fileAt(context: PullRequestContext, sha: string): Promise<string> {
  const { owner, repo } = context.repo();
  const { data } = await context.octokit.rest.repos.getContent({ owner, repo, path: CONFIG_PATH, ref: sha });
  if (Array.isArray(data) || data.type !== 'file' || typeof data.content !== 'string') return '';
  return Buffer.from(data.content, 'base64').toString('utf8');
}

function outputOf(check: ConfigFileCheck): CheckOutput {
  if (check.ok) {
    return { conclusion: 'success', title: `${CONFIG_PATH} is valid`, summary: `KubeCure can read \`${CONFIG_PATH}\` as written.`, annotations: [] };
  }
  const count = check.problems.length;
  const omitted = count > MAX_ANNOTATIONS ? ` The first ${MAX_ANNOTATIONS} are annotated.` : '';
  return {
    conclusion: 'failure',
    title: `${count} problem${count === 1 ? '' : 's'} in ${CONFIG_PATH}`,
    summary:
      `KubeCure cannot use \`${CONFIG_PATH}\` as written: ${count} problem${count === 1 ? '' : 's'}, annotated on their lines.${omitted} ` +
      'Until it is fixed, KubeCure opens one issue about the file instead of acting on reports. ' +
      'Check it locally with `npx kubecure config validate`.',
    annotations: check.problems,
  };
}

function removedOutput(): CheckOutput {
  return {
    conclusion: 'neutral',
    title: `${CONFIG_PATH} is removed`,
    summary: `This pull request removes \`${CONFIG_PATH}\`: once it merges, KubeCure stops acting on reports for this repository.`,
    annotations: [],
  };
}
