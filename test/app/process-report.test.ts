import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remediate } from '../../src/remediate.js';
import { ReportProcessor } from '../../src/app/process-report.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { silentLogger } from '../../src/logger.js';
import { decodeMarker, encodeMarker } from '../../src/github/marker.js';
import { fingerprintOf } from '../../src/report/fingerprint.js';
import { RetryLaterError } from '../../src/queue/types.js';
import { branchFor } from '../../src/github/pull-request.js';
import {
  API,
  CHECKOUT_MANIFEST,
  GitHubMock,
  INSTALLATION,
  OWNER,
  REPO,
  configFixture,
  oomReport,
  testProbot,
  type IssueListItem,
} from './github-mock.js';

const NOW = new Date('2026-11-22T00:10:00Z');
const FILES = { 'apps/checkout/deployment.yaml': CHECKOUT_MANIFEST, 'README.md': '# gitops\n' };
const MANIFEST = 'apps/checkout/deployment.yaml';
const RAISED = CHECKOUT_MANIFEST.replace('memory: 256Mi', 'memory: 512Mi');
/** The branch of this change: the workload, the category and the change's identity. */
const BRANCH = branchFor(oomReport(), [{ file: MANIFEST, before: CHECKOUT_MANIFEST, after: RAISED, diff: '' }]);

function processor(metrics = new AppMetrics()) {
  const probot = testProbot();
  return new ReportProcessor({
    auth: probot.auth.bind(probot),
    clusters: new ClusterRegistry({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars', defaultRepository: `${OWNER}/${REPO}`, repositories: ['someone-else/infra'] } }),
    metrics,
    logger: silentLogger,
    remediate,
    now: () => NOW,
  });
}

const job = (report = oomReport(), deliveryId = 'delivery-1') => ({ report, deliveryId });
const info = { id: 'job-1', attempt: 1 };

function threadFor(report: ReturnType<typeof oomReport>, fields: Partial<IssueListItem> & { number: number }, marker: { manifestSha?: string; thread?: 'pull_request' | 'issue' } = {}): IssueListItem {
  return {
    state: 'open',
    created_at: '2026-11-21T20:00:00Z',
    body: `Body\n\n${encodeMarker({
      fingerprint: fingerprintOf(report),
      thread: marker.thread ?? 'pull_request',
      report,
      manifestSha: marker.manifestSha,
      targetFile: MANIFEST,
      diagnosedBy: 'rules',
      createdAt: '2026-11-21T20:00:00Z',
    })}`,
    ...fields,
  };
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('a failure report becomes a pull request', () => {
  it('commits the fix on the workload branch and opens a labelled pull request with every section', async () => {
    const github = new GitHubMock().installation().config(configFixture('opted-in.yml')).threads([]).repository(FILES, [MANIFEST]);
    const bodies: Record<string, any> = {};
    github.scope
      .post(`/repos/${OWNER}/${REPO}/git/trees`, (body) => ((bodies.tree = body), true))
      .reply(201, { sha: 'newtree' })
      .post(`/repos/${OWNER}/${REPO}/git/commits`, (body) => ((bodies.commit = body), true))
      .reply(201, { sha: 'newcommit' })
      .post(`/repos/${OWNER}/${REPO}/git/refs`, (body) => ((bodies.ref = body), true))
      .reply(201, { ref: `refs/heads/${BRANCH}` })
      .post(`/repos/${OWNER}/${REPO}/pulls`, (body) => ((bodies.pull = body), true))
      .reply(201, { number: 7, html_url: `https://github.com/${OWNER}/${REPO}/pull/7` })
      .post(`/repos/${OWNER}/${REPO}/issues/7/labels`, (body) => ((bodies.labels = body), true))
      .reply(200, [])
      .post(`/repos/${OWNER}/${REPO}/pulls/7/requested_reviewers`, (body) => ((bodies.reviewers = body), true))
      .reply(201, {});

    const metrics = new AppMetrics();
    const result = await processor(metrics).process(job(), info);

    expect(result).toEqual({ outcome: 'pull_request', repository: `${OWNER}/${REPO}`, number: 7, dryRun: false });
    expect(github.scope.pendingMocks()).toEqual([]);
    // One commit with the edited manifest on top of the default branch's tree.
    expect(bodies.tree.base_tree).toBe(github.treeSha);
    expect(bodies.tree.tree).toEqual([
      { path: MANIFEST, mode: '100644', type: 'blob', content: CHECKOUT_MANIFEST.replace('memory: 256Mi', 'memory: 512Mi') },
    ]);
    expect(bodies.commit).toMatchObject({ tree: 'newtree', parents: [github.commitSha] });
    expect(bodies.commit.message).toContain(`KubeCure-Fingerprint: ${fingerprintOf(oomReport())}`);
    expect(bodies.ref).toEqual({ ref: `refs/heads/${BRANCH}`, sha: 'newcommit' });

    expect(bodies.pull).toMatchObject({ head: BRANCH, base: 'main', draft: false, title: 'Raise memory limit of checkout to 512Mi after OOMKilled' });
    const body: string = bodies.pull.body;
    for (const section of ['### Failure', '### Root cause', '<summary>Evidence', '### The change', '### Validation', '**Confidence:**', '<summary>Commands']) {
      expect(body).toContain(section);
    }
    expect(body).toContain('| `prod-eu` | `shop` | `Deployment/checkout` | `checkout` | `OOMKilled (exit 137)` | 4 |');
    expect(body).toContain('-              memory: 256Mi\n+              memory: 512Mi');
    expect(body).not.toContain('What a human must decide');
    const marker = decodeMarker(body);
    expect(marker).toMatchObject({ fingerprint: fingerprintOf(oomReport()), thread: 'pull_request', targetFile: MANIFEST, manifestSha: github.blobShaOf(MANIFEST, CHECKOUT_MANIFEST) });

    expect(bodies.labels).toEqual({ labels: ['kubecure', 'kubecure:OOMKilled', 'ops'] });
    expect(bodies.reviewers).toEqual({ reviewers: ['alice'], team_reviewers: [] });
    expect(await metrics.registry.getSingleMetricAsString('kubecure_pull_requests_total')).toContain('action="opened"} 1');
  });

  it('moves an existing branch instead of failing when the branch outlived its pull request', async () => {
    const github = new GitHubMock().installation().config(configFixture('opted-in.yml')).threads([]).repository(FILES, [MANIFEST]);
    let forced: any;
    github.scope
      .post(`/repos/${OWNER}/${REPO}/git/trees`).reply(201, { sha: 'newtree' })
      .post(`/repos/${OWNER}/${REPO}/git/commits`).reply(201, { sha: 'newcommit' })
      .post(`/repos/${OWNER}/${REPO}/git/refs`).reply(422, { message: 'Reference already exists' })
      // The branch holds this failure's older commit (its fingerprint in the message): moved.
      .get(`/repos/${OWNER}/${REPO}/git/ref/${encodeURIComponent(`heads/${BRANCH}`)}`).reply(200, { object: { sha: 'oldcommit' } })
      .get(`/repos/${OWNER}/${REPO}/git/commits/oldcommit`).reply(200, { sha: 'oldcommit', tree: { sha: 'oldtree' }, message: `Old fix\n\nKubeCure-Fingerprint: ${fingerprintOf(oomReport())}` })
      .patch(`/repos/${OWNER}/${REPO}/git/refs/${encodeURIComponent(`heads/${BRANCH}`)}`, (body) => ((forced = body), true))
      .reply(200, {})
      .post(`/repos/${OWNER}/${REPO}/pulls`).reply(201, { number: 8, html_url: 'u' })
      .post(`/repos/${OWNER}/${REPO}/issues/8/labels`).reply(200, [])
      .post(`/repos/${OWNER}/${REPO}/pulls/8/requested_reviewers`).reply(201, {});

    const result = await processor().process(job(), info);

    expect(result).toMatchObject({ outcome: 'pull_request', number: 8 });
    expect(forced).toEqual({ sha: 'newcommit', force: true });
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});

describe('a failure KubeCure is not confident about becomes an issue', () => {
  it('opens an issue with what a human must decide and the suggested change', async () => {
    const github = new GitHubMock().installation().config(configFixture('high-threshold.yml')).threads([]).repository(FILES, [MANIFEST]);
    let issue: any;
    github.scope.post(`/repos/${OWNER}/${REPO}/issues`, (body) => ((issue = body), true)).reply(201, { number: 9, html_url: 'u' });

    const result = await processor().process(job(), info);

    expect(result).toMatchObject({ outcome: 'issue', number: 9 });
    expect(issue.title).toBe('OOMKilled of checkout in shop needs a decision');
    expect(issue.labels).toEqual(['kubecure', 'kubecure:OOMKilled']);
    expect(issue.body).toContain('### What a human must decide');
    expect(issue.body).toContain('### Suggested change (not applied)');
    expect(decodeMarker(issue.body)).toMatchObject({ thread: 'issue' });
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});

describe('a repeated failure', () => {
  it('edits one sticky comment on the open thread with the occurrence count instead of opening another', async () => {
    const report = oomReport({ observedAt: '2026-11-22T00:09:00Z', occurrences: 3 });
    const open = threadFor(report, { number: 7 });
    const github = new GitHubMock().installation().config(configFixture('opted-in.yml')).threads([open]);
    let edited: any;
    github.scope
      .get(`/repos/${OWNER}/${REPO}/issues/7/comments`)
      .query({ per_page: '100' })
      .reply(200, [
        { id: 1, body: 'a human comment', user: { login: 'alice', type: 'User' } },
        { id: 55, body: '### 🔁 This failure is still happening\n<!-- kubecure:occurrences 4 last=delivery-0 -->\n\n<!-- kubecure:sticky recurrence -->', user: { login: 'kubecure[bot]', type: 'Bot' } },
      ])
      .patch(`/repos/${OWNER}/${REPO}/issues/comments/55`, (body) => ((edited = body), true))
      .reply(200, {});

    const result = await processor().process(job(report, 'delivery-2'), info);

    expect(result).toEqual({ outcome: 'recurrence', repository: `${OWNER}/${REPO}`, number: 7 });
    expect(edited.body).toContain('**7** times');
    expect(edited.body).toContain('last 2026-11-22T00:09:00Z');
    expect(edited.body).toContain('<!-- kubecure:sticky recurrence -->');
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('posts the sticky comment once when the thread has none yet', async () => {
    const report = oomReport();
    const github = new GitHubMock().installation().config(configFixture('opted-in.yml')).threads([threadFor(report, { number: 7 })]);
    let created: any;
    github.scope
      .get(`/repos/${OWNER}/${REPO}/issues/7/comments`).query(true).reply(200, [])
      .post(`/repos/${OWNER}/${REPO}/issues/7/comments`, (body) => ((created = body), true))
      .reply(201, { id: 56 });

    await processor().process(job(report), info);

    // The thread's own report counted once, this one once more.
    expect(created.body).toContain('**2** times');
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});

describe('a failure whose fix was merged and has not rolled out yet', () => {
  it('opens nothing, counts the report on the merged pull request and names the drop reason in the metric', async () => {
    const report = oomReport({ observedAt: '2026-11-22T00:05:00Z' });
    const merged = threadFor(report, { number: 7, state: 'closed', created_at: '2026-11-22T00:00:00Z', pull_request: { merged_at: '2026-11-22T00:02:00Z' } });
    const github = new GitHubMock().installation().config(configFixture('opted-in.yml')).threads([merged]);
    let created: any;
    github.scope
      .get(`/repos/${OWNER}/${REPO}/pulls/7`)
      .reply(200, { number: 7, merged_at: '2026-11-22T00:02:00Z', labels: [{ name: 'kubecure' }, { name: 'kubecure:awaiting-verification' }] })
      .get(`/repos/${OWNER}/${REPO}/issues/7/comments`)
      .query({ per_page: '100' })
      .reply(200, [])
      .post(`/repos/${OWNER}/${REPO}/issues/7/comments`, (body) => ((created = body), true))
      .reply(201, { id: 70 });
    const metrics = new AppMetrics();

    const result = await processor(metrics).process(job(oomReport({ observedAt: '2026-11-22T00:04:00Z' }), 'delivery-3'), info);

    expect(result).toMatchObject({ outcome: 'dropped', reason: 'awaiting-rollout' });
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(created.body).toContain('KubeCure has seen it **2** times');
    expect(await metrics.registry.getSingleMetricAsString('kubecure_reports_dropped_total')).toContain('reason="awaiting-rollout"} 1');
  });
});

describe('a pull request closed without merging', () => {
  it('is not proposed again while the manifest is unchanged', async () => {
    const report = oomReport();
    const github = new GitHubMock();
    const closed = threadFor(report, { number: 7, state: 'closed', pull_request: { merged_at: null } }, { manifestSha: github.blobShaOf(MANIFEST, CHECKOUT_MANIFEST) });
    github.installation().config(configFixture('opted-in.yml')).threads([closed]).repository(FILES, []);

    const result = await processor().process(job(report), info);

    expect(result).toMatchObject({ outcome: 'dropped', reason: 'suppressed-closed' });
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('is proposed again once the manifest changed', async () => {
    const report = oomReport();
    const closed = threadFor(report, { number: 7, state: 'closed', created_at: '2026-11-20T00:00:00Z', pull_request: { merged_at: null } }, { manifestSha: 'an-older-blob' });
    const github = new GitHubMock().installation().config(configFixture('opted-in.yml')).threads([closed]).repository(FILES, [MANIFEST]);
    github.scope
      .post(`/repos/${OWNER}/${REPO}/git/trees`).reply(201, { sha: 't' })
      .post(`/repos/${OWNER}/${REPO}/git/commits`).reply(201, { sha: 'c' })
      .post(`/repos/${OWNER}/${REPO}/git/refs`).reply(201, {})
      .post(`/repos/${OWNER}/${REPO}/pulls`).reply(201, { number: 10, html_url: 'u' })
      .post(`/repos/${OWNER}/${REPO}/issues/10/labels`).reply(200, [])
      .post(`/repos/${OWNER}/${REPO}/pulls/10/requested_reviewers`).reply(201, {});

    expect(await processor().process(job(report), info)).toMatchObject({ outcome: 'pull_request', number: 10 });
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});

describe('repositories that did not opt in', () => {
  it('drops the report when neither the repository nor the owner has .github/kubecure.yml', async () => {
    const github = new GitHubMock().installation().config(null);
    const metrics = new AppMetrics();

    const result = await processor(metrics).process(job(), info);

    expect(result).toMatchObject({ outcome: 'dropped', reason: 'not-opted-in' });
    expect(await metrics.registry.getSingleMetricAsString('kubecure_jobs_total')).toContain('outcome="dropped:not-opted-in"} 1');
    expect(await metrics.registry.getSingleMetricAsString('kubecure_reports_dropped_total')).toContain('reason="not-opted-in"} 1');
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('drops the report when the config does not list the cluster', async () => {
    const github = new GitHubMock().installation().config(configFixture('other-cluster.yml'));
    expect(await processor().process(job(), info)).toMatchObject({ outcome: 'dropped', reason: 'cluster-not-listed' });
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('never touches a protected namespace', async () => {
    const github = new GitHubMock().installation().config('clusters: [prod-eu]\nprotectedNamespaces: [shop]\n');
    expect(await processor().process(job(), info)).toMatchObject({ outcome: 'dropped', reason: 'protected' });
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});

describe('configuration shared through _extends', () => {
  it('merges the organization file the repository extends', async () => {
    const github = new GitHubMock().installation().config('_extends: .github\ndryRun: true\n');
    github.scope
      .get(`/repos/${OWNER}/.github/contents/.github%2Fkubecure.yml`)
      .reply(200, 'clusters: [prod-eu]\nprotectedNamespaces: [shop]\n', { 'content-type': 'text/plain; charset=utf-8' });

    // The organization's file lists the cluster and protects the namespace: both apply.
    expect(await processor().process(job(), info)).toMatchObject({ outcome: 'dropped', reason: 'protected' });
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});

describe('an invalid .github/kubecure.yml', () => {
  it('opens one issue naming each bad key and does nothing else', async () => {
    const github = new GitHubMock().installation().config(configFixture('invalid.yml')).threads([]);
    let issue: any;
    github.scope.post(`/repos/${OWNER}/${REPO}/issues`, (body) => ((issue = body), true)).reply(201, { number: 3, html_url: 'u' });

    const result = await processor().process(job(), info);

    expect(result).toMatchObject({ outcome: 'dropped', reason: 'invalid-config' });
    expect(issue.title).toBe('KubeCure cannot read .github/kubecure.yml');
    expect(issue.body).toContain('| `clusters` |');
    expect(issue.body).toContain('| `threshold` |');
    expect(issue.body).toContain('| `fixes.allowed.1` |');
    expect(issue.body).toContain('<!-- kubecure:config-error -->');
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('does not open a second issue when one is already open', async () => {
    const github = new GitHubMock().installation().config('clusters: [prod-eu]\nthreshold: [not, a, number]\n');
    github.threads([{ number: 3, state: 'open', created_at: '2026-11-21T00:00:00Z', body: 'old text\n\n<!-- kubecure:config-error -->' }]);
    let update: any;
    github.scope.patch(`/repos/${OWNER}/${REPO}/issues/3`, (body) => ((update = body), true)).reply(200, {});

    await processor().process(job(), info);

    expect(update.body).toContain('| `threshold` |');
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('reports unparseable YAML the same way', async () => {
    const github = new GitHubMock().installation().config('clusters: [prod-eu\n  : :\n').threads([]);
    let issue: any;
    github.scope.post(`/repos/${OWNER}/${REPO}/issues`, (body) => ((issue = body), true)).reply(201, { number: 4, html_url: 'u' });

    expect(await processor().process(job(), info)).toMatchObject({ outcome: 'dropped', reason: 'invalid-config' });
    expect(issue.body).toContain('invalid YAML');
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});

describe('dry run', () => {
  it('reads everything it needs and writes nothing', async () => {
    const github = new GitHubMock().installation().config(configFixture('dry-run.yml')).threads([]).repository(FILES, [MANIFEST]);

    const result = await processor().process(job(), info);

    expect(result).toEqual({ outcome: 'pull_request', repository: `${OWNER}/${REPO}`, number: null, dryRun: true });
    // nock would reject any write: none was mocked and net connect is disabled.
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});

describe('limits', () => {
  it('waits for the hourly window instead of opening a third pull request within the hour', async () => {
    const recent = (number: number, minutesAgo: number): IssueListItem => ({
      number,
      state: 'closed',
      body: 'other fix',
      created_at: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
      pull_request: { merged_at: '2026-11-22T00:00:00Z' },
    });
    const github = new GitHubMock().installation().config(configFixture('opted-in.yml')).threads([recent(5, 10), recent(4, 40)]).repository(FILES, [MANIFEST]);

    const error = await processor().process(job(), info).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RetryLaterError);
    // The older of the two leaves the one-hour window 20 minutes from now.
    expect((error as RetryLaterError).delayMs).toBe(20 * 60_000);
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('files the fix as an issue, saying why, when the open pull request limit is reached', async () => {
    const openPull = (number: number): IssueListItem => ({ number, state: 'open', body: 'another fix', created_at: '2026-11-20T00:00:00Z', pull_request: { merged_at: null } });
    const github = new GitHubMock().installation().config('clusters: [prod-eu]\nmaxOpenPullRequests: 2\n').threads([openPull(1), openPull(2)]).repository(FILES, [MANIFEST]);
    let issue: any;
    github.scope.post(`/repos/${OWNER}/${REPO}/issues`, (body) => ((issue = body), true)).reply(201, { number: 12, html_url: 'u' });

    expect(await processor().process(job(), info)).toMatchObject({ outcome: 'issue', number: 12 });
    expect(issue.body).toContain('A pull request was held back because 2 KubeCure pull requests are open (limit 2)');
    expect(issue.body).toContain('-              memory: 256Mi\n+              memory: 512Mi');
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('holds back a new thread for a workload inside its cooldown, counting the report on the thread that holds it', async () => {
    const other = oomReport({ failure: { category: 'CrashLoopBackOff', reason: 'Error', message: '', container: 'checkout', restartCount: 2, exitCode: 1 } });
    const github = new GitHubMock().installation().config(configFixture('opted-in.yml'))
      .threads([threadFor(other, { number: 11, state: 'closed', created_at: '2026-11-22T00:00:00Z' }, { thread: 'issue' })]);
    let edited: any;
    github.scope
      .get(`/repos/${OWNER}/${REPO}/issues/11/comments`)
      .query({ per_page: '100' })
      .reply(200, [{ id: 60, user: { login: 'kubecure[bot]', type: 'Bot' }, body: '### ⏸ Reports held back during the cooldown\n<!-- kubecure:held-back 1 last=delivery-0 -->\n\n<!-- kubecure:sticky held-back -->' }])
      .patch(`/repos/${OWNER}/${REPO}/issues/comments/60`, (body) => ((edited = body), true))
      .reply(200, {});
    const metrics = new AppMetrics();

    expect(await processor(metrics).process(job(), info)).toMatchObject({ outcome: 'dropped', reason: 'cooldown' });
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(edited.body).toContain('KubeCure received **2** more failure reports for this workload within 60 minutes of this thread (`cooldownMinutes` in `.github/kubecure.yml`)');
    expect(edited.body).toContain('the latest was **OOMKilled** at 2026-11-22T00:06:00Z');
    expect(await metrics.registry.getSingleMetricAsString('kubecure_reports_dropped_total')).toContain('reason="cooldown"} 1');
  });
});

describe('GitHub failures', () => {
  it('turns a secondary rate limit into a retry after the delay GitHub asked for', async () => {
    const github = new GitHubMock().installation().config(configFixture('opted-in.yml'));
    github.scope
      .get(`/repos/${OWNER}/${REPO}/issues`)
      .query(true)
      .reply(403, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '30' });

    const error = await processor().process(job(), info).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).delayMs).toBe(30_000);
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('lets a 5xx fail the attempt so the queue retries it', async () => {
    const github = new GitHubMock().installation();
    github.scope.get(`/repos/${OWNER}/${REPO}/contents/.github%2Fkubecure.yml`).reply(502, { message: 'Bad Gateway' });

    await expect(processor().process(job(), info)).rejects.toMatchObject({ status: 502 });
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});

describe('routing', () => {
  it('falls back to the cluster default repository when the hinted repository has no installation', async () => {
    const report = oomReport({ sourceHints: { argocd: { repoURL: 'git@github.com:someone-else/infra.git' } } });
    const github = new GitHubMock();
    github.scope.get('/repos/someone-else/infra/installation').reply(404, { message: 'Not Found' });
    github.installation().config(null);

    expect(await processor().process(job(report), info)).toMatchObject({ outcome: 'dropped', reason: 'not-opted-in', repository: `${OWNER}/${REPO}` });
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('drops a report whose cluster has no default and whose hints name no installed repository', async () => {
    const probot = testProbot();
    const lonely = new ReportProcessor({
      auth: probot.auth.bind(probot),
      clusters: new ClusterRegistry({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars', repositories: [`${OWNER}/${REPO}`] } }),
      metrics: new AppMetrics(),
      logger: silentLogger,
      remediate,
    });
    const scope = nock(API).get(`/repos/${OWNER}/${REPO}/installation`).reply(404, { message: 'Not Found' });

    expect(await lonely.process(job(), info)).toMatchObject({ outcome: 'dropped', reason: 'no-repository' });
    expect(scope.pendingMocks()).toEqual([]);
  });
});

export { INSTALLATION };
