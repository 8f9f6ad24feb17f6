import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { decodeMarker, encodeMarker, subjectOf } from '../../src/github/marker.js';
import { listThreads } from '../../src/github/threads.js';
import type { GitHub } from '../../src/github/octokit.js';
import { fingerprintOf } from '../../src/report/fingerprint.js';
import { parseRecoveryReport, type FailureReport, type RecoveryReport } from '../../src/report/schema.js';
import { DEFAULT_REPO_CONFIG } from '../../src/config/schema.js';
import { createMergedHandler } from '../../src/verify/on-merged.js';
import { createRecoveryHandler } from '../../src/verify/on-recovery.js';
import { checkFailureAfterMerge, rolledOut } from '../../src/verify/after-merge.js';
import { MemoryMergedFixStore } from '../../src/verify/merged-fixes.js';
import { Correlator, MemoryWindowStore } from '../../src/correlate/correlator.js';
import { GitHubMock, INSTALLATION, OWNER, REPO, oomReport, testProbot } from '../app/github-mock.js';
import { eventFixture, token } from '../commands/helpers.js';

const REPO_PATH = `/repos/${OWNER}/${REPO}`;
const MERGED_AT = '2026-11-22T02:00:00Z';
const MANIFEST = 'apps/checkout/deployment.yaml';

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function failing(hash: string, observedAt: string): FailureReport {
  const report = oomReport({ observedAt });
  return { ...report, pod: { ...report.pod, labels: { ...report.pod.labels, 'pod-template-hash': hash } } };
}

const ORIGINAL = failing('7d9f8c6b5', '2026-11-22T00:06:00Z');
const FINGERPRINT = fingerprintOf(ORIGINAL);

function pullBody(): string {
  return `Raise memory…\n\n${encodeMarker({ fingerprint: FINGERPRINT, thread: 'pull_request', report: ORIGINAL, targetFile: MANIFEST, diagnosedBy: 'rules', createdAt: '2026-11-22T00:10:00Z' })}\n`;
}

function mergedPayload(): any {
  const payload = eventFixture('pull_request.closed.merged');
  payload.pull_request.body = pullBody();
  return payload;
}

function recovery(overrides: Partial<RecoveryReport> = {}): RecoveryReport {
  const parsed = parseRecoveryReport({
    apiVersion: 'kubecure.dev/v1',
    kind: 'RecoveryReport',
    cluster: 'prod-eu',
    observedAt: '2026-11-22T02:20:00Z',
    workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout', namespace: 'shop' },
    fingerprints: [FINGERPRINT],
    readySince: '2026-11-22T02:09:30Z',
    pods: { ready: 2, total: 2 },
    restartsDuringSettle: 0,
    specChanged: true,
    ...overrides,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

function mergeExpectations(github: GitHubMock): { labels: any[]; comments: string[] } {
  const seen = { labels: [] as any[], comments: [] as string[] };
  github.scope
    .post(`${REPO_PATH}/issues/7/labels`, (body) => (seen.labels.push(body), true))
    .reply(200, [])
    .get(`${REPO_PATH}/issues/7/comments`)
    .query({ per_page: '100' })
    .reply(200, [])
    .post(`${REPO_PATH}/issues/7/comments`, (body) => (seen.comments.push(body.body), true))
    .reply(201, { id: 501 });
  return seen;
}

function pullWithLabels(github: GitHubMock, labels: string[]): void {
  github.scope.get(`${REPO_PATH}/pulls/7`).reply(200, { number: 7, merged_at: MERGED_AT, body: pullBody(), labels: labels.map((name, id) => ({ id, name })) });
}

describe('after a KubeCure pull request is merged', () => {
  it('labels it awaiting verification, says what will be watched, then marks it verified when the workload recovers', async () => {
    const store = new MemoryMergedFixStore();
    const probot = testProbot();
    probot.load((app) => {
      app.on('pull_request.closed', createMergedHandler({ store, logger: silentLogger }));
    });
    const github = new GitHubMock();
    token(github);
    const merged = mergeExpectations(github);

    await probot.receive({ id: 'd1', name: 'pull_request', payload: mergedPayload() });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(merged.labels).toEqual([{ labels: ['kubecure:awaiting-verification'] }]);
    expect(merged.comments[0]).toContain('### ⏳ Waiting for verification');
    expect(merged.comments[0]).toContain('KubeCure will watch `Deployment/checkout` in namespace `shop` of cluster `prod-eu`, container `checkout`');
    expect(merged.comments[0]).toContain('<!-- kubecure:sticky verification -->');
    expect(await store.find(FINGERPRINT)).toEqual({ owner: OWNER, repo: REPO, number: 7, installationId: INSTALLATION });

    // The same Probot instance reuses the installation token it already has.
    const verifying = new GitHubMock();
    pullWithLabels(verifying, ['kubecure', 'kubecure:awaiting-verification']);
    const seen: Record<string, any> = {};
    // The ⏳ comment becomes the ✅ one: edited in place, not left beside it.
    verifying.scope
      .get(`${REPO_PATH}/issues/7/comments`)
      .query({ per_page: '100' })
      .reply(200, [{ id: 501, body: merged.comments[0], user: { login: 'kubecure[bot]', type: 'Bot' } }])
      .patch(`${REPO_PATH}/issues/comments/501`, (body) => ((seen.comment = body.body), true))
      .reply(200, {})
      .post(`${REPO_PATH}/issues/7/labels`, (body) => ((seen.labels = body), true))
      .reply(200, [])
      .delete(`${REPO_PATH}/issues/7/labels/${encodeURIComponent('kubecure:awaiting-verification')}`)
      .reply(200, []);

    const results = await createRecoveryHandler({ auth: probot.auth.bind(probot), store, logger: silentLogger })(recovery());

    expect(verifying.scope.pendingMocks()).toEqual([]);
    expect(results).toEqual([{ fingerprint: FINGERPRINT, pull: 7, result: 'verified' }]);
    expect(seen.comment).toBe(
      '### ✅ Verified\n\nThe fix holds on cluster `prod-eu`: 2/2 pods of `Deployment/checkout` ready since 2026-11-22T02:09:30Z, 0 restarts while settling, and the pod template changed since the failure (observed 2026-11-22T02:20:00Z).\n\n<!-- kubecure:sticky verification -->',
    );
    expect(seen.comment).not.toContain('⏳');
    expect(seen.labels).toEqual({ labels: ['kubecure:verified'] });
    expect(await store.find(FINGERPRINT)).toBeNull();
  });

  it('names the dependents of a verified root cause that recovered with it, and those not yet back', async () => {
    const store = new MemoryMergedFixStore();
    await store.remember(FINGERPRINT, { owner: OWNER, repo: REPO, number: 7, installationId: INSTALLATION });
    const windows = new MemoryWindowStore();
    const dependent = (name: string) => ({ fingerprint: `fp-${name}`, workload: { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'shop' }, evidence: ['ECONNREFUSED'] });
    await windows.rememberDependents(FINGERPRINT, [dependent('frontend'), dependent('api')], 60_000);
    const probot = testProbot();
    const github = new GitHubMock();
    token(github);
    pullWithLabels(github, ['kubecure', 'kubecure:awaiting-verification']);
    let comment = '';
    github.scope
      .get(`${REPO_PATH}/issues/7/comments`)
      .query(true)
      .reply(200, [])
      .post(`${REPO_PATH}/issues/7/comments`, (body) => ((comment = body.body), true))
      .reply(201, {})
      // The recovered frontend's open threads are looked up to be closed: it has none.
      .get(`${REPO_PATH}/issues`)
      .query(true)
      .reply(200, [])
      .post(`${REPO_PATH}/issues/7/labels`)
      .reply(200, [])
      .delete(`${REPO_PATH}/issues/7/labels/${encodeURIComponent('kubecure:awaiting-verification')}`)
      .reply(200, []);
    const verify = createRecoveryHandler({ auth: probot.auth.bind(probot), store, logger: silentLogger, correlator: new Correlator({ store: windows }) });

    // The frontend came back first: it has no fix of its own, so nothing is written for it.
    expect(await verify(recovery({ workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'frontend', namespace: 'shop' }, fingerprints: ['fp-frontend'] }))).toEqual([
      { fingerprint: 'fp-frontend', pull: null, result: 'unknown-fix' },
    ]);
    expect(await verify(recovery())).toEqual([{ fingerprint: FINGERPRINT, pull: 7, result: 'verified' }]);

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(comment).toContain('Recovered with it: `Deployment/frontend`.');
    expect(comment).toContain('Not yet reported recovered: `Deployment/api`.');
  });

  it('does nothing for a pull request closed without merging or one KubeCure did not open', async () => {
    const store = new MemoryMergedFixStore();
    const probot = testProbot();
    probot.load((app) => {
      app.on('pull_request.closed', createMergedHandler({ store, logger: silentLogger }));
    });
    const unmerged = mergedPayload();
    unmerged.pull_request.merged = false;
    const human = mergedPayload();
    human.pull_request.user = { login: 'alice', id: 5001, type: 'User' };

    await probot.receive({ id: 'd1', name: 'pull_request', payload: unmerged });
    await probot.receive({ id: 'd2', name: 'pull_request', payload: human });

    expect(nock.pendingMocks()).toEqual([]);
    expect(await store.find(FINGERPRINT)).toBeNull();
  });

  it('does not call a recovery without a new rollout a verification', async () => {
    const store = new MemoryMergedFixStore();
    await store.remember(FINGERPRINT, { owner: OWNER, repo: REPO, number: 7, installationId: INSTALLATION });
    const probot = testProbot();
    const results = await createRecoveryHandler({ auth: probot.auth.bind(probot), store, logger: silentLogger })(recovery({ specChanged: false }));
    expect(results).toEqual([{ fingerprint: FINGERPRINT, pull: 7, result: 'no-rollout' }]);
    expect(await store.find(FINGERPRINT)).not.toBeNull();
  });

  it('leaves a fix alone that is no longer awaiting verification (a redelivered recovery)', async () => {
    const store = new MemoryMergedFixStore();
    await store.remember(FINGERPRINT, { owner: OWNER, repo: REPO, number: 7, installationId: INSTALLATION });
    const probot = testProbot();
    const github = new GitHubMock();
    token(github);
    pullWithLabels(github, ['kubecure', 'kubecure:verified']);
    const results = await createRecoveryHandler({ auth: probot.auth.bind(probot), store, logger: silentLogger })(recovery());
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(results[0]?.result).toBe('not-awaiting');
  });
});

describe('the same failure after the merge', () => {
  const mergedThread = { number: 7, state: 'closed' as const, title: 'Raise memory…', body: pullBody(), created_at: '2026-11-22T00:10:00Z', pull_request: { merged_at: MERGED_AT } };

  async function octokitWithThreads(github: GitHubMock): Promise<GitHub> {
    token(github);
    github.threads([mergedThread]);
    return (await testProbot().auth(INSTALLATION)) as GitHub;
  }

  it('after the new spec rolled out: comments on the merged PR, labels it fix-failed and opens a follow-up issue linking the history', async () => {
    const github = new GitHubMock();
    const octokit = await octokitWithThreads(github);
    pullWithLabels(github, ['kubecure', 'kubecure:awaiting-verification']);
    const seen: Record<string, any> = {};
    github.scope
      .post(`${REPO_PATH}/issues`, (body) => ((seen.issue = body), true))
      .reply(201, { number: 15, html_url: `https://github.com/${OWNER}/${REPO}/issues/15` })
      .post(`${REPO_PATH}/issues/7/comments`, (body) => ((seen.comment = body.body), true))
      .reply(201, {})
      .post(`${REPO_PATH}/issues/7/labels`, (body) => ((seen.labels = body), true))
      .reply(200, [])
      .delete(`${REPO_PATH}/issues/7/labels/${encodeURIComponent('kubecure:awaiting-verification')}`)
      .reply(200, []);
    const again = failing('5c4b3a291', '2026-11-22T02:40:00Z');
    const threads = await listThreads(octokit, { owner: OWNER, repo: REPO });

    const result = await checkFailureAfterMerge({
      octokit, repository: { owner: OWNER, repo: REPO }, threads, report: again, fingerprint: FINGERPRINT,
      config: DEFAULT_REPO_CONFIG, dryRun: false, logger: silentLogger, now: new Date('2026-11-22T02:41:00Z'),
    });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(result).toEqual({ action: 'fix-failed', pull: 7, followUp: 15 });
    expect(seen.issue.title).toBe('OOMKilled of checkout in shop came back after the fix');
    expect(seen.issue.labels).toEqual(['kubecure', 'kubecure:OOMKilled', 'kubecure:fix-failed']);
    expect(seen.issue.body).toContain(`The fix merged in #7 on ${MERGED_AT} did not hold`);
    expect(seen.issue.body).toContain(`- https://github.com/${OWNER}/${REPO}/issues/7: the merged fix`);
    expect(decodeMarker(seen.issue.body)).toMatchObject({ fingerprint: FINGERPRINT, thread: 'issue', targetFile: MANIFEST });
    expect(seen.comment).toContain('### ❌ The fix did not hold');
    expect(seen.comment).toContain(`The follow-up is tracked in https://github.com/${OWNER}/${REPO}/issues/15. KubeCure will not open another automatic pull request for this failure during the cooldown.`);
    expect(seen.labels).toEqual({ labels: ['kubecure:fix-failed'] });
  });

  it('before the new spec rolled out (old pods still failing): waits and writes nothing', async () => {
    const github = new GitHubMock();
    const octokit = await octokitWithThreads(github);
    pullWithLabels(github, ['kubecure', 'kubecure:awaiting-verification']);
    const threads = await listThreads(octokit, { owner: OWNER, repo: REPO });

    const result = await checkFailureAfterMerge({
      octokit, repository: { owner: OWNER, repo: REPO }, threads, report: failing('7d9f8c6b5', '2026-11-22T02:03:00Z'), fingerprint: FINGERPRINT,
      config: DEFAULT_REPO_CONFIG, dryRun: false, logger: silentLogger, now: new Date('2026-11-22T02:04:00Z'),
    });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(result).toEqual({ action: 'awaiting-rollout', pull: 7 });
  });

  it('marks a verified fix as failed when the failure comes back, instead of letting the cooldown drop the report', async () => {
    const github = new GitHubMock();
    const octokit = await octokitWithThreads(github);
    pullWithLabels(github, ['kubecure', 'kubecure:verified']);
    const seen: Record<string, any> = {};
    github.scope
      .post(`${REPO_PATH}/issues`, (body) => ((seen.issue = body), true))
      .reply(201, { number: 16, html_url: `https://github.com/${OWNER}/${REPO}/issues/16` })
      .post(`${REPO_PATH}/issues/7/comments`, (body) => ((seen.comment = body.body), true))
      .reply(201, {})
      .post(`${REPO_PATH}/issues/7/labels`, (body) => ((seen.labels = body), true))
      .reply(200, [])
      .delete(`${REPO_PATH}/issues/7/labels/${encodeURIComponent('kubecure:verified')}`)
      .reply(200, []);
    const threads = await listThreads(octokit, { owner: OWNER, repo: REPO });

    // Within the cooldown of the merged pull request, and with the same pod-template hash the verification saw.
    const result = await checkFailureAfterMerge({
      octokit, repository: { owner: OWNER, repo: REPO }, threads, report: failing('5c4b3a291', '2026-11-22T02:25:00Z'), fingerprint: FINGERPRINT,
      config: DEFAULT_REPO_CONFIG, dryRun: false, logger: silentLogger, now: new Date('2026-11-22T02:26:00Z'),
    });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(result).toEqual({ action: 'fix-failed', pull: 7, followUp: 16 });
    expect(seen.issue.labels).toEqual(['kubecure', 'kubecure:OOMKilled', 'kubecure:fix-failed']);
    expect(seen.comment).toContain('### ❌ The fix did not hold');
    expect(seen.labels).toEqual({ labels: ['kubecure:fix-failed'] });
  });

  it('leaves a fix that already failed to the usual flow (its follow-up counts later reports)', async () => {
    const github = new GitHubMock();
    const octokit = await octokitWithThreads(github);
    pullWithLabels(github, ['kubecure', 'kubecure:fix-failed']);
    const threads = await listThreads(octokit, { owner: OWNER, repo: REPO });
    const result = await checkFailureAfterMerge({
      octokit, repository: { owner: OWNER, repo: REPO }, threads, report: failing('5c4b3a291', '2026-11-22T05:00:00Z'), fingerprint: FINGERPRINT,
      config: DEFAULT_REPO_CONFIG, dryRun: false, logger: silentLogger, now: new Date('2026-11-22T05:00:00Z'),
    });
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(result).toEqual({ action: 'none' });
  });
});

describe('rolledOut', () => {
  const mergedAt = new Date(MERGED_AT);
  const settle = 30 * 60_000;

  it('compares the revision label of the pod template when both reports carry it', () => {
    expect(rolledOut(failing('new', '2026-11-22T02:05:00Z'), subjectOf(ORIGINAL), mergedAt, settle)).toBe(true);
    expect(rolledOut(failing('7d9f8c6b5', '2026-11-22T09:00:00Z'), subjectOf(ORIGINAL), mergedAt, settle)).toBe(false);
  });

  it('falls back to the failing container spec, then to the time since the merge', () => {
    const withoutHash = oomReport({ observedAt: '2026-11-22T02:05:00Z' });
    const raised = structuredClone(withoutHash);
    (raised.pod.spec.containers as any)[0].resources.limits.memory = '512Mi';
    expect(rolledOut(raised, subjectOf(withoutHash), mergedAt, settle)).toBe(true);
    expect(rolledOut(withoutHash, subjectOf(withoutHash), mergedAt, settle)).toBe(false);
    expect(rolledOut(oomReport({ observedAt: '2026-11-22T02:31:00Z' }), subjectOf(withoutHash), mergedAt, settle)).toBe(true);
  });
});
