import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remediate } from '../../src/remediate.js';
import { ReportProcessor } from '../../src/app/process-report.js';
import { Correlator } from '../../src/correlate/correlator.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { silentLogger } from '../../src/logger.js';
import { encodeMarker } from '../../src/github/marker.js';
import { fingerprintOf } from '../../src/report/fingerprint.js';
import { RetryLaterError } from '../../src/queue/types.js';
import type { FailureReport } from '../../src/report/schema.js';
import { CHECKOUT_MANIFEST, GitHubMock, OWNER, REPO, configFixture, oomReport, testProbot } from './github-mock.js';

const NOW = new Date('2026-11-22T00:10:00Z');
const MANIFEST = 'apps/checkout/deployment.yaml';
const FILES = { [MANIFEST]: CHECKOUT_MANIFEST };
const REFUSED = 'Error: connect ECONNREFUSED checkout.shop.svc.cluster.local:8080';

/** checkout is OOMKilled and backs the Service `checkout`. */
function rootReport(): FailureReport {
  return oomReport({ dependencies: { services: [{ name: 'checkout', namespace: 'shop' }], outbound: [] } });
}

/** frontend crash-loops because it cannot reach the Service `checkout`. */
function dependentReport(): FailureReport {
  return oomReport({
    observedAt: '2026-11-22T00:06:30Z',
    failure: { category: 'CrashLoopBackOff', reason: 'Error', message: 'back-off 40s restarting failed container', container: 'frontend', restartCount: 3, exitCode: 1 },
    pod: {
      name: 'frontend-5c7d9-abcde',
      namespace: 'shop',
      labels: { app: 'frontend' },
      spec: { containers: [{ name: 'frontend', image: 'ghcr.io/acme/frontend:2.0.0', env: [{ name: 'CHECKOUT_URL', value: 'http://checkout.shop.svc.cluster.local:8080' }] }] },
      status: {},
    },
    workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'frontend', namespace: 'shop' },
    ownerChain: [],
    logs: { previous: `starting frontend\n${REFUSED}\n`, truncated: false },
    events: [],
    dependencies: {
      services: [{ name: 'frontend', namespace: 'shop' }],
      outbound: [{ host: 'checkout.shop.svc.cluster.local', port: 8080, service: { name: 'checkout', namespace: 'shop' }, source: 'log', evidence: REFUSED, failing: true }],
    },
  });
}

function processorWith(correlator: Correlator) {
  const probot = testProbot();
  return new ReportProcessor({
    auth: probot.auth.bind(probot),
    clusters: new ClusterRegistry({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars', defaultRepository: `${OWNER}/${REPO}` } }),
    metrics: new AppMetrics(),
    logger: silentLogger,
    remediate,
    correlator,
    now: () => NOW,
  });
}

const info = { id: 'job-1', attempt: 1 };

/** The root's pull request as GitHub lists it once it is open. */
function rootThread() {
  const report = rootReport();
  return {
    number: 7,
    state: 'open' as const,
    created_at: '2026-11-22T00:07:00Z',
    pull_request: { merged_at: null },
    body: `Body\n\n${encodeMarker({ fingerprint: fingerprintOf(report), thread: 'pull_request', report, targetFile: MANIFEST, diagnosedBy: 'rules', createdAt: '2026-11-22T00:07:00Z' })}`,
  };
}

function expectPullRequest(github: GitHubMock, capture: { body?: string }) {
  github.scope
    .post(`/repos/${OWNER}/${REPO}/git/trees`)
    .reply(201, { sha: 'newtree' })
    .post(`/repos/${OWNER}/${REPO}/git/commits`)
    .reply(201, { sha: 'newcommit' })
    .post(`/repos/${OWNER}/${REPO}/git/refs`)
    .reply(201, {})
    .post(`/repos/${OWNER}/${REPO}/pulls`, (body) => ((capture.body = body.body), true))
    .reply(201, { number: 7, html_url: `https://github.com/${OWNER}/${REPO}/pull/7` })
    .post(`/repos/${OWNER}/${REPO}/issues/7/labels`)
    .reply(200, [])
    .post(`/repos/${OWNER}/${REPO}/pulls/7/requested_reviewers`)
    .reply(201, {});
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('cascading failures in the report pipeline', () => {
  it('holds a dependent back, then opens one pull request on the root cause with its blast radius', async () => {
    let clock = Date.parse('2026-11-22T00:06:40Z');
    const processor = processorWith(new Correlator({ now: () => clock, graceMs: 60_000 }));

    // The frontend only says "cannot reach checkout": it waits for checkout's own report.
    const waiting = new GitHubMock().installation().config(configFixture('opted-in.yml'));
    await expect(processor.process({ report: dependentReport(), deliveryId: 'd-1' }, info)).rejects.toBeInstanceOf(RetryLaterError);
    expect(waiting.scope.pendingMocks()).toEqual([]);

    // checkout's OOM arrives: one pull request, listing frontend as a dependent.
    clock += 5_000;
    const github = new GitHubMock().config(configFixture('opted-in.yml')).threads([]).repository(FILES, [MANIFEST]);
    const captured: { body?: string } = {};
    expectPullRequest(github, captured);
    const root = await processor.process({ report: rootReport(), deliveryId: 'd-2' }, info);
    expect(root).toMatchObject({ outcome: 'pull_request', number: 7 });
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(captured.body).toContain('### Blast radius');
    expect(captured.body).toContain('Deployment shop/frontend');
    expect(captured.body).toContain('ECONNREFUSED');

    // The frontend's retry is now a dependent: no thread of its own; the root's PR body lists it, edited in place.
    clock += 5_000;
    const again = new GitHubMock().config(configFixture('opted-in.yml')).threads([rootThread()]);
    let edited = '';
    again.scope.patch(`/repos/${OWNER}/${REPO}/issues/7`, (body) => ((edited = body.body), true)).reply(200, { number: 7 });
    const dependent = await processor.process({ report: dependentReport(), deliveryId: 'd-3' }, info);
    expect(dependent).toEqual({ outcome: 'dependent', repository: `${OWNER}/${REPO}`, rootFingerprint: fingerprintOf(rootReport()), rootThread: 7 });
    expect(again.scope.pendingMocks()).toEqual([]);
    expect(edited.startsWith('Body\n\n')).toBe(true);
    expect(edited).toContain('### Blast radius');
    expect(edited).toContain('| `Deployment shop/frontend` | CrashLoopBackOff (Error) |');
    // The hidden marker the thread is found by is kept, byte for byte.
    expect(edited.endsWith(rootThread().body.slice(rootThread().body.indexOf('<!-- kubecure:marker')))).toBe(true);
  });

  it('acts on a dependent alone once the grace period passes without a report from what it cannot reach', async () => {
    let clock = Date.parse('2026-11-22T00:06:40Z');
    const processor = processorWith(new Correlator({ now: () => clock, graceMs: 60_000 }));
    const waiting = new GitHubMock().installation().config(configFixture('opted-in.yml'));
    await expect(processor.process({ report: dependentReport(), deliveryId: 'd-1' }, info)).rejects.toBeInstanceOf(RetryLaterError);
    expect(waiting.scope.pendingMocks()).toEqual([]);

    clock += 61_000;
    const github = new GitHubMock().config(configFixture('opted-in.yml')).threads([]).repository(FILES, [MANIFEST]);
    let issueBody = '';
    github.scope
      .post(`/repos/${OWNER}/${REPO}/issues`, (body) => ((issueBody = body.body), true))
      .reply(201, { number: 8, html_url: `https://github.com/${OWNER}/${REPO}/issues/8` });
    const result = await processor.process({ report: dependentReport(), deliveryId: 'd-2' }, info);
    expect(result).toMatchObject({ outcome: 'issue', number: 8 });
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(issueBody).not.toContain('Blast radius');
  });
});
