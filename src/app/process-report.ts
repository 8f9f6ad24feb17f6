/**
 * The report job: from a FailureReport in the queue to a pull request, an issue, a sticky
 * comment on the thread that already exists, or a logged reason for doing nothing.
 *
 *   route → config (opt-in) → guards → existing thread? → remediate → manifest guards → limits → write
 *
 * Nothing is written (not even the config-error issue) until the repository is both allowed for
 * the cluster by the operator (routing) and opted in by its own `.github/kubecure.yml`.
 *
 * Decisions come from GitHub's current state (the labelled threads and their markers), so a
 * job that runs twice gives the same result as one that runs once.
 */
import type { Probot } from 'probot';
import type { Logger } from '../logger.js';
import type { FailureReport } from '../report/schema.js';
import type { Remediation } from '../outcome.js';
import type { remediate as remediateFn } from '../remediate.js';
import type { DiagnosisModel } from '../diagnose/llm/model.js';
import type { RepoIndex } from '../locate/types.js';
import { indexRepository } from '../locate/index-repo.js';
import { fingerprintOf } from '../report/fingerprint.js';
import { isProtected, namesCluster, remediationSettings, type RepoConfig } from '../config/schema.js';
import { loadRepoConfig } from '../config/load.js';
import type { ClusterRegistry } from '../server/clusters.js';
import type { AppMetrics } from '../server/metrics.js';
import { refusalReasons } from '../remedy/allowlist.js';
import { withRequestTimeout, type GitHub, type RepoRef } from '../github/octokit.js';
import { GitHubRepoView } from '../github/repo-view.js';
import { closedUnmergedPullRequestFor, listThreads, openPullRequestForChange, openThreadFor, type Thread } from '../github/threads.js';
import { changeIdentityOf } from '../github/change-identity.js';
import { clusterTopic, renderJoinedCluster } from './joined-cluster.js';
import { branchFor } from '../github/pull-request.js';
import { renderThread } from '../github/render/index.js';
import { LABEL, categoryLabel, messages } from '../github/messages.js';
import { rateLimitDelay } from '../github/rate-limit.js';
import { applyWriteBudget, WritesDeferredError, type BudgetedWrites, type WriteBudget } from '../github/write-budget.js';
import { RetryLaterError, type JobInfo } from '../queue/types.js';
import { routeReport } from './routing.js';
import { KeyedLock } from './keyed-lock.js';
import { TtlCache } from './ttl-cache.js';
import { cooldownHolder, issueAllowance, pullRequestAllowance } from './limits.js';
import { HELD_BACK_TOPIC, RECURRENCE_TOPIC, renderHeldBack, renderRecurrence } from './recurrence.js';
import { reportInvalidConfig } from './config-issue.js';
import { dryRunWriter, liveWriter, type ThreadWriter } from './writer.js';
import { checkFailureAfterMerge } from '../verify/after-merge.js';
import { ignoringThreadFor } from '../verify/ignore-list.js';
import type { Correlator, GroupMember } from '../correlate/correlator.js';
import { failureOf } from '../correlate/render.js';
import { blastRadiusFor, linkDependentThreads, recordDependent, refreshRootThread } from './cascade.js';
import type { ThreadReportStore } from '../github/thread-reports.js';

export interface FailureJob {
  report: FailureReport;
  deliveryId: string;
}

export type JobOutcome =
  | { outcome: 'pull_request' | 'issue'; repository: string; number: number | null; dryRun: boolean }
  | { outcome: 'recurrence'; repository: string; number: number }
  | { outcome: 'joined'; repository: string; number: number }
  | { outcome: 'fix_failed'; repository: string; pull: number; followUp: number | null }
  | { outcome: 'dependent'; repository: string; rootFingerprint: string; rootThread: number | null }
  | { outcome: 'dropped'; reason: DropReason; detail: string; repository?: string };

export type DropReason =
  | 'no-repository'
  | 'not-opted-in'
  | 'invalid-config'
  | 'cluster-not-listed'
  | 'protected'
  | 'namespace-mismatch'
  | 'issue-limit'
  | 'suppressed-closed'
  | 'cooldown'
  | 'awaiting-rollout'
  | 'ignored';

export interface ReportProcessorDeps {
  /** Probot's authentication: `auth()` as the App, `auth(id)` as an installation. */
  auth: Probot['auth'];
  clusters: ClusterRegistry;
  metrics: AppMetrics;
  logger: Logger;
  remediate: typeof remediateFn;
  model?: DiagnosisModel | null;
  /** Groups reports of one cluster to find the root cause of cascades; absent: every report stands alone. */
  correlator?: Correlator | null;
  /** Keeps the report behind each thread for `retry`/`explain` (the marker carries identifiers only). */
  reports?: ThreadReportStore;
  /** Bound of one GitHub request (default 30 s); a hung connection fails the job, which the queue retries. */
  requestTimeoutMs?: number;
  /** Paces content-creating requests per installation (shared by replicas with Redis); absent: unpaced. */
  writeBudget?: WriteBudget | null;
  /** GitHub Enterprise host for recognising repository URLs; github.com by default. */
  githubHost?: string;
  now?: () => Date;
}

/** Repository indexes by tree SHA and scope: an unchanged repository is parsed once. */
const INDEX_CACHE_SIZE = 20;

export class ReportProcessor {
  readonly #deps: ReportProcessorDeps;
  readonly #locks = new KeyedLock();
  readonly #indexes = new Map<string, Promise<RepoIndex>>();
  /** Facts that cost a request each and rarely change: they save 2 of ~13 calls per pull request. */
  readonly #installations = new TtlCache<number>(10 * 60_000);
  readonly #defaultBranches = new TtlCache<string>(10 * 60_000);

  constructor(deps: ReportProcessorDeps) {
    this.#deps = deps;
  }

  /** Runs one job; GitHub rate limits become a `RetryLaterError`, other errors are for the queue to retry. */
  async process(job: FailureJob, info: JobInfo): Promise<JobOutcome> {
    const started = Date.now();
    const { metrics, logger } = this.#deps;
    try {
      const result = await this.#process(job);
      const label = result.outcome === 'dropped' ? `dropped:${result.reason}` : result.outcome;
      metrics.jobs.inc({ outcome: label });
      metrics.jobDuration.observe({ outcome: label }, (Date.now() - started) / 1000);
      if (result.outcome === 'dropped') {
        metrics.reportsDropped.inc({ reason: result.reason });
        logger.warn({ jobId: info.id, attempt: info.attempt, deliveryId: job.deliveryId, ...result }, `Report dropped (${result.reason}): ${result.detail}`);
      } else logger.info({ jobId: info.id, attempt: info.attempt, ...result }, `Report job finished: ${label}`);
      return result;
    } catch (error) {
      if (error instanceof RetryLaterError) {
        metrics.jobs.inc({ outcome: 'postponed' });
        throw error;
      }
      if (error instanceof WritesDeferredError) {
        metrics.jobs.inc({ outcome: 'postponed' });
        throw new RetryLaterError(error.message, error.delayMs);
      }
      const delay = rateLimitDelay(error);
      metrics.jobs.inc({ outcome: delay === null ? 'error' : 'rate_limited' });
      if (delay !== null) throw new RetryLaterError(`GitHub rate limit: ${(error as Error).message}`, delay);
      throw error;
    }
  }

  async #process(job: FailureJob): Promise<JobOutcome> {
    const { report } = job;
    const appOctokit = withRequestTimeout((await this.#deps.auth()) as GitHub, this.#deps.requestTimeoutMs);
    const routed = await routeReport(appOctokit, report, this.#deps.clusters, { host: this.#deps.githubHost, cache: this.#installations });
    if (!routed.ok) return { outcome: 'dropped', reason: 'no-repository', detail: routed.reason };
    const { route } = routed;
    if (route.refusedHints.length > 0) {
      this.#deps.logger.warn({ cluster: report.cluster, refusedHints: route.refusedHints, repository: `${route.owner}/${route.repo}` }, 'GitOps hints outside the cluster\'s allowed repositories were ignored');
    }
    const octokit = withRequestTimeout((await this.#deps.auth(route.installationId)) as GitHub, this.#deps.requestTimeoutMs);
    const writes = this.#budgetWrites(octokit, String(route.installationId));
    // One job at a time per installation: limits are counted and writes made without racing.
    return this.#locks.run(String(route.installationId), () => this.#processInRepository(job, octokit, { owner: route.owner, repo: route.repo }, writes));
  }

  #budgetWrites(octokit: GitHub, installation: string): BudgetedWrites {
    const { writeBudget: budget, metrics } = this.#deps;
    if (!budget) return { priority: 'new-failure' };
    return applyWriteBudget(octokit, {
      budget,
      installation,
      rateLimitDelay: (error) => rateLimitDelay(error),
      onWrite: () => metrics.writes.inc({ installation }),
      onPause: ({ ms }) => {
        metrics.writePauses.inc({ installation });
        this.#deps.logger.warn({ installation, pauseMs: ms }, 'GitHub rate limit: writes to this installation paused on every replica');
      },
    });
  }

  async #processInRepository(job: FailureJob, octokit: GitHub, repository: RepoRef, writes: BudgetedWrites): Promise<JobOutcome> {
    const { report } = job;
    const where = `${repository.owner}/${repository.repo}`;
    const drop = (reason: DropReason, detail: string): JobOutcome => ({ outcome: 'dropped', reason, detail, repository: where });

    const loaded = await loadRepoConfig(octokit, repository.owner, repository.repo);
    if (loaded.status === 'missing') return drop('not-opted-in', loaded.detail);
    if (loaded.status === 'invalid') {
      const problems = loaded.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
      // The issue is a write like any other: only a repository that opted in with its own file,
      // naming this cluster as far as the broken file can be read, hears about it.
      const addressed = loaded.ownFile && (loaded.clusters === null || namesCluster(loaded.clusters, report.cluster));
      if (!addressed) return drop('invalid-config', `${problems} (not reported in the repository: its own file does not name cluster ${report.cluster})`);
      const threads = await listThreads(octokit, repository);
      await reportInvalidConfig(liveWriter(octokit, repository, this.#deps.metrics), repository, threads, loaded.problems);
      return drop('invalid-config', problems);
    }
    const { config } = loaded;
    if (!namesCluster(config.clusters, report.cluster)) return drop('cluster-not-listed', `cluster ${report.cluster} is not in clusters: of .github/kubecure.yml`);
    if (isProtected(config, report.workload.namespace, report.workload.name)) {
      return drop('protected', `${report.workload.namespace}/${report.workload.name} is protected by .github/kubecure.yml`);
    }

    const writer = config.dryRun ? dryRunWriter(this.#deps.logger, repository) : liveWriter(octokit, repository, this.#deps.metrics);
    const fingerprint = fingerprintOf(report);
    const verdict = this.#deps.correlator ? await this.#deps.correlator.observe(report) : { action: 'act' as const, dependents: [], group: [] };
    // A report that only says "cannot reach X" waits for X's own report, without using up an attempt.
    if (verdict.action === 'wait') throw new RetryLaterError(verdict.reason, verdict.retryInMs);
    const threads = await listThreads(octokit, repository);
    if (verdict.action === 'dependent') {
      const recorded = await recordDependent({ verdict, threads, writer });
      return { outcome: 'dependent', repository: where, rootFingerprint: verdict.rootFingerprint, rootThread: recorded.rootThread };
    }

    // The latest report of this failure for this repository: what `retry` and `explain` diagnose again.
    await this.#deps.reports?.save(repository, fingerprint, report);
    const open = openThreadFor(threads, fingerprint);
    if (open) {
      // A recurrence only refreshes a count: when writes are scarce it waits for new failures.
      writes.priority = 'refresh';
      await refreshRootThread({ rootThread: open, root: report.workload, rootFailure: failureOf(report), group: verdict.group, threads, writer });
      if (open.fingerprint !== fingerprint) {
        // Another cluster's failure that joined this thread: its own comment, its own counts.
        await writer.updateSticky(open, clusterTopic(report.cluster), (previous) => renderJoinedCluster(previous, report, job.deliveryId));
        return { outcome: 'recurrence', repository: where, number: open.number };
      }
      await writer.updateSticky(open, RECURRENCE_TOPIC, (previous) => renderRecurrence(previous, open, report, job.deliveryId));
      return { outcome: 'recurrence', repository: where, number: open.number };
    }
    const now = this.#now();
    // A merged fix for this failure decides first: wait for its rollout, or record that it failed.
    const afterMerge = await checkFailureAfterMerge({ octokit, repository, threads, report, fingerprint, config, dryRun: writer.dryRun, logger: this.#deps.logger, now });
    if (afterMerge.action === 'fix-failed') return { outcome: 'fix_failed', repository: where, pull: afterMerge.pull, followUp: afterMerge.followUp };
    if (afterMerge.action === 'awaiting-rollout') {
      // The merged pull request is this failure's thread until the rollout decides: it counts the report.
      const merged = threads.find((thread) => thread.number === afterMerge.pull);
      if (merged) await writer.updateSticky(merged, RECURRENCE_TOPIC, (previous) => renderRecurrence(previous, merged, report, job.deliveryId));
      return drop('awaiting-rollout', `#${afterMerge.pull} was merged for this failure and its new spec has not rolled out yet`);
    }
    const cooling = cooldownHolder(threads, report, config, now);
    if (cooling) {
      await writer.updateSticky(cooling, HELD_BACK_TOPIC, (previous) => renderHeldBack(previous, report, job.deliveryId, config.cooldownMinutes));
      return drop('cooldown', `#${cooling.number} was opened for this workload less than ${config.cooldownMinutes} minutes ago`);
    }

    const view = await this.#openView(octokit, repository);
    const closed = closedUnmergedPullRequestFor(threads, fingerprint);
    if (closed && !manifestChangedSince(closed, view)) {
      return drop('suppressed-closed', `#${closed.number} was closed without merging and the manifest has not changed since`);
    }
    const ignoring = ignoringThreadFor(threads, fingerprint, (file) => view.blobSha(file));
    if (ignoring) return drop('ignored', `#${ignoring.number} was ignored by a reviewer and the manifest has not changed since`);

    const remediation = await this.#deps.remediate(report, view, {
      ...remediationSettings(config),
      model: this.#deps.model ?? null,
      index: await this.#index(view, config),
      logger: this.#deps.logger,
    });
    for (const reason of refusalReasons(remediation.outcome.validation)) this.#deps.metrics.patchRefusals.inc({ reason });
    const refusal = manifestRefusal(remediation, config);
    if (refusal) return drop(refusal.reason, refusal.detail);
    return this.#write(job, remediation, { repository, view, threads, config, writer, now, group: verdict.group });
  }

  async #write(
    job: FailureJob,
    remediation: Remediation,
    context: { repository: RepoRef; view: GitHubRepoView; threads: Thread[]; config: RepoConfig; writer: ThreadWriter; now: Date; group: GroupMember[] },
  ): Promise<JobOutcome> {
    const { repository, view, threads, config, writer, now, group } = context;
    // Dependents handled before their root kept the threads they had: they now point here.
    const linkDependents = (written: { url: string } | null) => linkDependentThreads({ root: job.report.workload, rootUrl: written?.url ?? null, group, threads, writer });
    const where = `${repository.owner}/${repository.repo}`;
    const target = remediation.outcome.target?.file;
    const labels = [LABEL, categoryLabel(remediation.outcome.category), ...config.labels];
    const renderOptions = {
      dryRun: writer.dryRun,
      manifestSha: target ? (view.blobSha(target) ?? undefined) : undefined,
      createdAt: now.toISOString(),
      blastRadius: blastRadiusFor(job.report, group),
    };

    let heldBack: string | null = null;
    if (remediation.outcome.decision === 'pull_request' && remediation.outcome.changes.length > 0) {
      const { changes } = remediation.outcome;
      const join = async (thread: Pick<Thread, 'number' | 'kind'>): Promise<JobOutcome> => {
        await writer.joinThread(thread, remediation.fingerprint, clusterTopic(job.report.cluster), (previous) => renderJoinedCluster(previous, job.report, job.deliveryId));
        return { outcome: 'joined', repository: where, number: thread.number };
      };
      // The same change is already proposed (one manifest, several clusters): one thread for all.
      const sharing = openPullRequestForChange(threads, changeIdentityOf(changes));
      if (sharing) return join(sharing);
      const allowance = pullRequestAllowance(threads, config, now);
      if (allowance.allowed) {
        const rendered = renderThread(remediation, renderOptions);
        const pull = await writer.openPullRequest({
          repository,
          base: view.head,
          branch: branchFor(job.report, changes),
          changes,
          fingerprint: remediation.fingerprint,
          commitMessage: messages.commitMessage(rendered.title, remediation.fingerprint),
          title: rendered.title,
          body: rendered.body,
          draft: config.draft,
          labels,
          reviewers: config.reviewers,
          teamReviewers: config.teamReviewers,
        });
        await linkDependents(pull);
        // Another replica opened this change's pull request for another cluster meanwhile.
        if (pull?.sharedWith) return join({ number: pull.number, kind: 'pull_request' });
        return { outcome: 'pull_request', repository: where, number: pull?.number ?? null, dryRun: writer.dryRun };
      }
      if (allowance.retryInMs !== undefined) throw new RetryLaterError(allowance.reason, allowance.retryInMs);
      heldBack = allowance.reason;
    }

    const issues = issueAllowance(threads, config, now);
    if (!issues.allowed) return { outcome: 'dropped', reason: 'issue-limit', detail: issues.reason, repository: where };
    const rendered = renderThread(remediation, {
      ...renderOptions,
      kind: 'issue',
      extraReasons: heldBack ? [messages.limitedToIssue(heldBack)] : [],
    });
    const issue = await writer.openIssue({ repository, title: rendered.title, body: rendered.body, labels });
    await linkDependents(issue);
    return { outcome: 'issue', repository: where, number: issue?.number ?? null, dryRun: writer.dryRun };
  }

  async #index(view: GitHubRepoView, config: RepoConfig): Promise<RepoIndex> {
    const key = `${view.id}|${config.paths.join(',')}`;
    let index = this.#indexes.get(key);
    if (!index) {
      index = indexRepository(view, { paths: config.paths.length > 0 ? config.paths : undefined, logger: this.#deps.logger });
      index.catch(() => this.#indexes.delete(key));
      this.#indexes.set(key, index);
      if (this.#indexes.size > INDEX_CACHE_SIZE) this.#indexes.delete(this.#indexes.keys().next().value!);
    }
    return index;
  }

  async #openView(octokit: GitHub, repository: RepoRef): Promise<GitHubRepoView> {
    const key = `${repository.owner}/${repository.repo}`.toLowerCase();
    try {
      const view = await GitHubRepoView.open(octokit, repository, this.#defaultBranches.get(key));
      this.#defaultBranches.set(key, view.head.branch);
      return view;
    } catch (error) {
      // A renamed default branch: ask again on the retry.
      this.#defaultBranches.delete(key);
      throw error;
    }
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }
}

/**
 * The manifest a fix would touch must produce the reported workload: its namespace (declared,
 * or set by a kustomize overlay; a manifest without one takes the namespace it is deployed to)
 * is the report's, and neither it nor its name is protected. The report's namespace and name
 * are a tenant's words; the manifest is what would actually change.
 */
function manifestRefusal(remediation: Remediation, config: RepoConfig): { reason: DropReason; detail: string } | null {
  const location = remediation.location;
  if (!location) return null;
  const reported = remediation.report.workload.namespace;
  if (location.namespace !== null && location.namespace !== reported) {
    return { reason: 'namespace-mismatch', detail: `${location.file} declares ${location.kind} ${location.name} in namespace ${location.namespace}, not ${reported} as reported` };
  }
  const namespace = location.namespace ?? reported;
  if (isProtected(config, namespace, location.name)) {
    return { reason: 'protected', detail: `${location.file} declares ${namespace}/${location.name}, which is protected by .github/kubecure.yml` };
  }
  return null;
}

/**
 * A pull request closed without merging stays closed until the manifest it targeted changes;
 * without a recorded blob SHA KubeCure cannot tell, and stays quiet.
 */
function manifestChangedSince(closed: Thread, view: GitHubRepoView): boolean {
  const file = closed.marker?.targetFile;
  const recorded = closed.marker?.manifestSha;
  if (!file || !recorded) return false;
  return view.blobSha(file) !== recorded;
}
