/**
 * How many GitHub requests one pull request costs on a 5,000-file repository, cold (first report
 * for the repository) and warm (the installation, its token and the default branch remembered).
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remediate } from '../../src/remediate.js';
import { ReportProcessor } from '../../src/app/process-report.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { silentLogger } from '../../src/logger.js';
import { buildTarball } from '../github/tar-builder.js';
import { CHECKOUT_MANIFEST, GitHubMock, OWNER, REPO, oomReport, testProbot } from './github-mock.js';

const SERVICES = 4_999;

function bigRepository(): Record<string, string> {
  const files: Record<string, string> = { 'apps/checkout/deployment.yaml': CHECKOUT_MANIFEST };
  for (let i = 0; i < SERVICES; i += 1) {
    files[`apps/service-${i}/deployment.yaml`] = CHECKOUT_MANIFEST.replaceAll('checkout', `service-${i}`);
  }
  return files;
}

function mockPullRequestJob(github: GitHubMock, files: Record<string, string>, options: { cold: boolean }, number: number): void {
  if (options.cold) github.installation();
  github.config('clusters: [prod-eu]\n').threads([]);
  if (options.cold) github.scope.get(`/repos/${OWNER}/${REPO}`).reply(200, { default_branch: 'main' });
  github.scope
    .get(`/repos/${OWNER}/${REPO}/branches/main`)
    .reply(200, { name: 'main', commit: { sha: github.commitSha, commit: { tree: { sha: github.treeSha } } } })
    .get(`/repos/${OWNER}/${REPO}/git/trees/${github.treeSha}`)
    .query({ recursive: 'true' })
    .reply(200, { truncated: false, tree: Object.entries(files).map(([path, text]) => ({ path, mode: '100644', type: 'blob', sha: github.blobShaOf(path, text) })) })
    .get(`/repos/${OWNER}/${REPO}/tarball/${github.commitSha}`)
    .reply(200, buildTarball(files), { 'content-type': 'application/x-gzip' })
    .post(`/repos/${OWNER}/${REPO}/git/trees`).reply(201, { sha: 't' })
    .post(`/repos/${OWNER}/${REPO}/git/commits`).reply(201, { sha: 'c' })
    .post(`/repos/${OWNER}/${REPO}/git/refs`).reply(201, {})
    .post(`/repos/${OWNER}/${REPO}/pulls`).reply(201, { number, html_url: 'u' })
    .post(`/repos/${OWNER}/${REPO}/issues/${number}/labels`).reply(200, []);
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('GitHub requests per pull request on a 5,000-file repository', () => {
  it('costs 13 requests cold and 10 warm, whatever the number of manifests', async () => {
    const probot = testProbot();
    const processor = new ReportProcessor({
      auth: probot.auth.bind(probot),
      clusters: new ClusterRegistry({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars', repositories: [`${OWNER}/${REPO}`] } }),
      metrics: new AppMetrics(),
      logger: silentLogger,
      remediate,
    });
    const files = bigRepository();
    let requests = 0;
    const count = () => (requests += 1);

    const cold = new GitHubMock();
    cold.scope.on('request', count);
    mockPullRequestJob(cold, files, { cold: true }, 1);
    expect(await processor.process({ report: oomReport(), deliveryId: 'd1' }, { id: 'j1', attempt: 1 })).toMatchObject({ outcome: 'pull_request', number: 1 });
    expect(cold.scope.pendingMocks()).toEqual([]);
    expect(requests).toBe(13);

    // The checkout PR was merged; the next failure is another workload on a new commit.
    requests = 0;
    const warm = new GitHubMock();
    warm.scope.on('request', count);
    mockPullRequestJob(warm, files, { cold: false }, 2);
    const report = oomReport({
      workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'service-42', namespace: 'shop' },
      failure: { category: 'OOMKilled', reason: 'OOMKilled', message: '', container: 'service-42', restartCount: 3, exitCode: 137 },
      pod: { ...oomReport().pod, name: 'service-42-abc', labels: { app: 'service-42' } },
    });
    expect(await processor.process({ report, deliveryId: 'd2' }, { id: 'j2', attempt: 1 })).toMatchObject({ outcome: 'pull_request', number: 2 });
    expect(warm.scope.pendingMocks()).toEqual([]);
    expect(requests).toBe(10);
  }, 60_000);
});
