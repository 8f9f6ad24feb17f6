/**
 * Finding the open thread of a failure among hundreds: with 300 open KubeCure threads, the one
 * for this failure the oldest of them, a repeated report refreshes that thread instead of opening
 * a duplicate (the first page of 100 newest threads does not contain it).
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remediate } from '../../src/remediate.js';
import { ReportProcessor } from '../../src/app/process-report.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { silentLogger } from '../../src/logger.js';
import { encodeMarker } from '../../src/github/marker.js';
import { fingerprintOf } from '../../src/report/fingerprint.js';
import { API, GitHubMock, OWNER, REPO, configFixture, oomReport, testProbot, type IssueListItem } from './github-mock.js';

const NOW = new Date('2026-11-22T00:10:00Z');

function threadItem(number: number, report: ReturnType<typeof oomReport>): IssueListItem & { title: string; html_url: string } {
  const createdAt = new Date(Date.parse('2026-11-01T00:00:00Z') + number * 60_000).toISOString();
  return {
    number,
    state: 'open',
    title: `Fix ${report.workload.name}`,
    html_url: `https://github.com/${OWNER}/${REPO}/issues/${number}`,
    created_at: createdAt,
    body: `Body\n\n${encodeMarker({ fingerprint: fingerprintOf(report), thread: 'issue', report, targetFile: 'apps/x.yaml', diagnosedBy: 'rules', createdAt })}`,
  };
}

function otherWorkload(number: number) {
  return oomReport({ workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: `service-${number}`, namespace: 'shop' } });
}

const OPEN_QUERY = { labels: 'kubecure', state: 'open', sort: 'created', direction: 'desc', per_page: '100' };

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('300 existing threads', () => {
  it('finds the oldest open thread of the failure and adds to it instead of opening a duplicate', async () => {
    const report = oomReport();
    // #1 is this failure's thread; #2…#300 are other workloads' threads, newer.
    const all = [threadItem(1, report), ...Array.from({ length: 299 }, (_, index) => threadItem(index + 2, otherWorkload(index + 2)))].reverse();
    const github = new GitHubMock().installation().config(configFixture('opted-in.yml')).threads(all.slice(0, 100));
    for (let page = 1; page <= 3; page += 1) {
      const next: Record<string, string> = page < 3 ? { link: `<${API}/repos/${OWNER}/${REPO}/issues?labels=kubecure&state=open&sort=created&direction=desc&per_page=100&page=${page + 1}>; rel="next"` } : {};
      github.scope
        .get(`/repos/${OWNER}/${REPO}/issues`)
        .query(page === 1 ? OPEN_QUERY : { ...OPEN_QUERY, page: String(page) })
        .reply(200, all.slice((page - 1) * 100, page * 100), next);
    }
    let comment: { body: string } | undefined;
    github.scope
      .get(`/repos/${OWNER}/${REPO}/issues/1/comments`)
      .query({ per_page: '100' })
      .reply(200, [])
      .post(`/repos/${OWNER}/${REPO}/issues/1/comments`, (body) => ((comment = body), true))
      .reply(201, { id: 5001 });

    const probot = testProbot();
    const processor = new ReportProcessor({
      auth: probot.auth.bind(probot),
      clusters: new ClusterRegistry({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars', defaultRepository: `${OWNER}/${REPO}` } }),
      metrics: new AppMetrics(),
      logger: silentLogger,
      remediate,
      now: () => NOW,
    });
    const result = await processor.process({ report, deliveryId: 'again-1' }, { id: 'job-1', attempt: 1 });

    expect(result).toEqual({ outcome: 'recurrence', repository: `${OWNER}/${REPO}`, number: 1 });
    expect(comment?.body).toContain('This failure is still happening');
    // Nothing else was written: no issue, no pull request, no branch.
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});
