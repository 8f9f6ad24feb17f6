/** The report pipeline consults the review loop: a failed fix, and the ignore list. */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remediate } from '../../src/remediate.js';
import { ReportProcessor } from '../../src/app/process-report.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { silentLogger } from '../../src/logger.js';
import { encodeMarker } from '../../src/github/marker.js';
import { fingerprintOf } from '../../src/report/fingerprint.js';
import { withIgnore } from '../../src/verify/ignore-list.js';
import type { FailureReport } from '../../src/report/schema.js';
import { CHECKOUT_MANIFEST, GitHubMock, OWNER, REPO, configFixture, oomReport, testProbot, type IssueListItem } from '../app/github-mock.js';

const NOW = new Date('2026-11-22T03:00:00Z');
const MANIFEST = 'apps/checkout/deployment.yaml';
const REPO_PATH = `/repos/${OWNER}/${REPO}`;

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function processor(): ReportProcessor {
  const probot = testProbot();
  return new ReportProcessor({
    auth: probot.auth.bind(probot),
    clusters: new ClusterRegistry({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars', defaultRepository: `${OWNER}/${REPO}` } }),
    metrics: new AppMetrics(),
    logger: silentLogger,
    remediate,
    now: () => NOW,
  });
}

function withHash(report: FailureReport, hash: string): FailureReport {
  return { ...report, pod: { ...report.pod, labels: { ...report.pod.labels, 'pod-template-hash': hash } } };
}

function thread(report: FailureReport, kind: 'pull_request' | 'issue', fields: Partial<IssueListItem> & { number: number }): IssueListItem {
  const marker = encodeMarker({ fingerprint: fingerprintOf(report), thread: kind, report, targetFile: MANIFEST, diagnosedBy: 'rules', createdAt: '2026-11-22T00:10:00Z' });
  return { state: 'closed', created_at: '2026-11-22T00:10:00Z', body: `Body\n\n${marker}\n`, ...fields };
}

describe('a failure report for a fingerprint whose fix was merged', () => {
  it('marks the fix as failed and opens a follow-up issue instead of a second pull request', async () => {
    const original = withHash(oomReport({ observedAt: '2026-11-22T00:06:00Z' }), '7d9f8c6b5');
    const again = withHash(oomReport({ observedAt: '2026-11-22T02:50:00Z' }), '5c4b3a291');
    const github = new GitHubMock()
      .installation()
      .config(configFixture('opted-in.yml'))
      .threads([thread(original, 'pull_request', { number: 7, pull_request: { merged_at: '2026-11-22T02:00:00Z' } })]);
    let issue: any;
    github.scope
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, { number: 7, merged_at: '2026-11-22T02:00:00Z', labels: [{ name: 'kubecure' }, { name: 'kubecure:awaiting-verification' }] })
      .post(`${REPO_PATH}/issues`, (body) => ((issue = body), true))
      .reply(201, { number: 15, html_url: `https://github.com/${OWNER}/${REPO}/issues/15` })
      .post(`${REPO_PATH}/issues/7/comments`)
      .reply(201, {})
      .post(`${REPO_PATH}/issues/7/labels`, { labels: ['kubecure:fix-failed'] })
      .reply(200, [])
      .delete(`${REPO_PATH}/issues/7/labels/${encodeURIComponent('kubecure:awaiting-verification')}`)
      .reply(200, []);

    const result = await processor().process({ report: again, deliveryId: 'delivery-9' }, { id: 'job-9', attempt: 1 });

    expect(result).toEqual({ outcome: 'fix_failed', repository: `${OWNER}/${REPO}`, pull: 7, followUp: 15 });
    expect(issue.labels).toEqual(['kubecure', 'kubecure:OOMKilled', 'kubecure:fix-failed', 'ops']);
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});

describe('a failure report for an ignored fingerprint', () => {
  it('is dropped while the manifest is the one recorded when it was ignored', async () => {
    const report = oomReport();
    const github = new GitHubMock().installation().config(configFixture('opted-in.yml'));
    const sha = github.blobShaOf(MANIFEST, CHECKOUT_MANIFEST);
    const ignored = thread(report, 'issue', { number: 9 });
    ignored.body = withIgnore(ignored.body, { manifestSha: sha, by: 'alice' });
    github.threads([ignored]).repository({ [MANIFEST]: CHECKOUT_MANIFEST }, []);

    const result = await processor().process({ report, deliveryId: 'delivery-1' }, { id: 'job-1', attempt: 1 });

    expect(result).toMatchObject({ outcome: 'dropped', reason: 'ignored', repository: `${OWNER}/${REPO}` });
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});
