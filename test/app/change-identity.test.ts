/**
 * Thread identity is the change. The same workload failing in three clusters:
 *   - deployed from one manifest, the three failures need one change: one branch, one pull
 *     request, listing each cluster with its own counts and evidence, and each later recurrence
 *     counted on its own cluster's comment;
 *   - deployed from one manifest per cluster, they need three changes: three branches, three
 *     pull requests, none overwriting another.
 * GitHub is the stateful fake (what one job writes, the next one reads).
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remediate } from '../../src/remediate.js';
import { ReportProcessor } from '../../src/app/process-report.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { silentLogger } from '../../src/logger.js';
import { decodeMarker, findFingerprint, findJoinedFingerprints } from '../../src/github/marker.js';
import { fingerprintOf } from '../../src/report/fingerprint.js';
import { FakeGitHub } from '../support/e2e/fake-github.js';
import { CHECKOUT_MANIFEST, oomReport, testProbot } from './github-mock.js';

const CLUSTERS = ['prod-eu', 'prod-us', 'prod-ap'];
const CONFIG = `clusters: [${CLUSTERS.join(', ')}]\nthreshold: 70\ncooldownMinutes: 0\nmaxPullRequestsPerHour: 20\n`;
let github: FakeGitHub;

/** The checkout OOM seen on `cluster`, deployed from `path` (the Argo CD application's path). */
function failureOn(cluster: string, path: string) {
  return oomReport({ cluster, sourceHints: { argocd: { repoURL: `https://github.com/${github.fullName}.git`, path } } });
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  github.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

/** One job, on a replica of its own: nothing carries over between jobs but GitHub's state. */
async function run(report: ReturnType<typeof oomReport>, deliveryId: string) {
  const probot = testProbot();
  return new ReportProcessor({
    auth: probot.auth.bind(probot),
    clusters: new ClusterRegistry(Object.fromEntries(CLUSTERS.map((cluster) => [cluster, { secret: 'a-secret-of-sixteen-chars', defaultRepository: github.fullName }]))),
    metrics: new AppMetrics(),
    logger: silentLogger,
    remediate,
    now: () => new Date('2026-11-22T00:10:00Z'),
  }).process({ report, deliveryId }, { id: deliveryId, attempt: 1 });
}

describe('one manifest deployed to three clusters', () => {
  it('opens one pull request that lists the three clusters, each with its own counts', async () => {
    github = new FakeGitHub({ files: { 'apps/checkout/deployment.yaml': CHECKOUT_MANIFEST }, config: CONFIG }).start();
    const outcomes = [];
    for (const cluster of CLUSTERS) outcomes.push(await run(failureOn(cluster, 'apps/checkout'), `first-${cluster}`));
    // prod-us fails again, twice as often this time.
    outcomes.push(await run({ ...failureOn('prod-us', 'apps/checkout'), occurrences: 2 }, 'again-prod-us'));

    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['pull_request', 'joined', 'joined', 'recurrence']);
    const pulls = github.pullRequests();
    expect(pulls).toHaveLength(1);
    expect(github.issues()).toHaveLength(0);
    const pull = pulls[0]!;
    expect(pull.head).toMatch(/^kubecure\/shop\/checkout-oomkilled-[0-9a-f]{8}$/);
    // The thread is still prod-eu's (its fingerprint and marker untouched), joined by the other two.
    expect(findFingerprint(pull.body)).toBe(fingerprintOf(failureOn('prod-eu', 'apps/checkout')));
    expect(decodeMarker(pull.body)?.subject.cluster).toBe('prod-eu');
    expect(findJoinedFingerprints(pull.body)).toEqual(['prod-us', 'prod-ap'].map((cluster) => fingerprintOf(failureOn(cluster, 'apps/checkout'))));
    const comments = pull.comments.map((comment) => comment.body);
    expect(comments).toHaveLength(2);
    expect(comments[0]).toContain('Also failing on cluster `prod-us`');
    expect(comments[0]).toContain('| `prod-us` | `shop` | `Deployment/checkout` | `checkout` | `OOMKilled (exit 137)` | 4 | 3 |');
    expect(comments[1]).toContain('Also failing on cluster `prod-ap`');
    expect(comments[1]).toContain('| `prod-ap` | `shop` | `Deployment/checkout` | `checkout` | `OOMKilled (exit 137)` | 4 | 1 |');
    expect(comments[1]).toContain('Back-off restarting failed container checkout');
    // One branch, written once: no other cluster's job moved it.
    expect(github.commitsOn(pull.head!)).toHaveLength(1);
    expect(github.calls.filter((call) => call.method === 'PATCH' && call.path.includes('/git/refs/'))).toHaveLength(0);
  });
});

describe('one manifest per cluster', () => {
  it('opens three pull requests on three branches, each with its own change', async () => {
    const files = Object.fromEntries(CLUSTERS.map((cluster) => [`clusters/${cluster}/checkout/deployment.yaml`, CHECKOUT_MANIFEST]));
    github = new FakeGitHub({ files, config: CONFIG }).start();
    const outcomes = [];
    for (const cluster of CLUSTERS) outcomes.push(await run(failureOn(cluster, `clusters/${cluster}/checkout`), `first-${cluster}`));

    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['pull_request', 'pull_request', 'pull_request']);
    const pulls = github.pullRequests();
    expect(pulls).toHaveLength(3);
    expect(new Set(pulls.map((pull) => pull.head)).size).toBe(3);
    for (const cluster of CLUSTERS) {
      const pull = pulls.find((candidate) => decodeMarker(candidate.body)?.subject.cluster === cluster)!;
      expect(decodeMarker(pull.body)?.targetFile).toBe(`clusters/${cluster}/checkout/deployment.yaml`);
      expect([...github.filesAt(pull.head!).entries()].filter(([path, content]) => content !== github.filesAt('main').get(path)).map(([path]) => path)).toEqual([
        `clusters/${cluster}/checkout/deployment.yaml`,
      ]);
    }
  });
});
