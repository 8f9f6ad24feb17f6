/**
 * A cluster tenant writes the pod annotations a report's hints come from, the namespace and name a
 * report names, and can read every fingerprint printed in a thread. None of that may steer a write
 * outside what the operator (KUBECURE_CLUSTERS) and the repository (its own .github/kubecure.yml)
 * allowed. Each attack runs through the report job against GitHub mocked at the HTTP boundary:
 * nock answers only the reads listed, so any write, or any request to another repository, fails.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remediate } from '../../src/remediate.js';
import { ReportProcessor } from '../../src/app/process-report.js';
import { ClusterRegistry, parseClusters, type ClusterConfig } from '../../src/server/clusters.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { silentLogger } from '../../src/logger.js';
import { encodeMarker } from '../../src/github/marker.js';
import { fingerprintOf } from '../../src/report/fingerprint.js';
import { parseRecoveryReport } from '../../src/report/schema.js';
import { createRecoveryHandler } from '../../src/verify/on-recovery.js';
import { MemoryMergedFixStore } from '../../src/verify/merged-fixes.js';
import { API, GitHubMock, INSTALLATION, OWNER, REPO, oomReport, testProbot } from '../app/github-mock.js';
import { startIntakeServer } from './intake-server.js';

const SECRET = 'a-secret-of-sixteen-chars';
const info = { id: 'job-1', attempt: 1 };

function processor(cluster: Partial<ClusterConfig> = { defaultRepository: `${OWNER}/${REPO}` }, metrics = new AppMetrics()) {
  const probot = testProbot();
  return new ReportProcessor({
    auth: probot.auth.bind(probot),
    clusters: new ClusterRegistry({ 'prod-eu': { secret: SECRET, ...cluster } }),
    metrics,
    logger: silentLogger,
    remediate,
    now: () => new Date('2026-11-22T00:10:00Z'),
  });
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('GitOps hints choose only among the repositories the operator allowed for the cluster', () => {
  it('passes over a hint to a repository outside the allowlist without a single request to it', async () => {
    const report = oomReport({ sourceHints: { argocd: { repoURL: 'https://github.com/victim-org/payments-prod.git' } } });
    // Only the cluster's default repository is answered; a lookup of victim-org would find no mock and fail the job.
    const github = new GitHubMock().installation().config(null);
    const metrics = new AppMetrics();

    const result = await processor(undefined, metrics).process({ report, deliveryId: 'd-1' }, info);

    expect(result).toMatchObject({ outcome: 'dropped', reason: 'not-opted-in', repository: `${OWNER}/${REPO}` });
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(await metrics.registry.getSingleMetricAsString('kubecure_jobs_total')).toContain('outcome="dropped:not-opted-in"} 1');
  });

  it('drops a report whose only hint is outside the allowlist when the cluster has no default repository', async () => {
    const report = oomReport({ sourceHints: { flux: { sourceURL: 'ssh://git@github.com/victim-org/payments-prod' } } });
    const scope = nock(API);

    const result = await processor({ repositories: ['acme/apps-*'] }).process({ report, deliveryId: 'd-2' }, info);

    expect(result).toMatchObject({ outcome: 'dropped', reason: 'no-repository' });
    expect((result as { detail: string }).detail).toContain('victim-org/payments-prod');
    expect(scope.pendingMocks()).toEqual([]);
  });

  it('follows a hint that matches an owner/* allowlist entry', async () => {
    const report = oomReport({ sourceHints: { argocd: { repoURL: `https://github.com/${OWNER}/${REPO}.git` } } });
    const github = new GitHubMock().installation().config(null);

    const result = await processor({ repositories: [`${OWNER}/*`] }).process({ report, deliveryId: 'd-3' }, info);

    expect(result).toMatchObject({ outcome: 'dropped', reason: 'not-opted-in', repository: `${OWNER}/${REPO}` });
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});

describe('a repository opts in only with its own .github/kubecure.yml', () => {
  it('does not take the organization .github repository file alone as opt-in', async () => {
    const github = new GitHubMock().installation();
    github.scope.get(`/repos/${OWNER}/${REPO}/contents/.github%2Fkubecure.yml`).reply(404, { message: 'Not Found' });
    github.scope
      .get(`/repos/${OWNER}/.github/contents/.github%2Fkubecure.yml`)
      .reply(200, 'clusters: ["*"]\n', { 'content-type': 'text/plain; charset=utf-8' });

    const result = await processor().process({ report: oomReport(), deliveryId: 'd-4' }, info);

    expect(result).toMatchObject({ outcome: 'dropped', reason: 'not-opted-in' });
    expect((result as { detail: string }).detail).toContain("owner's .github repository");
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('drops a report from a cluster the file does not name, before reading anything else', async () => {
    const github = new GitHubMock().installation().config('clusters: [staging]\n');
    expect(await processor().process({ report: oomReport(), deliveryId: 'd-5' }, info)).toMatchObject({ outcome: 'dropped', reason: 'cluster-not-listed' });
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});

describe('nothing is written before the cluster is authorized for the repository', () => {
  it('opens no config-error issue when the broken file does not name the cluster', async () => {
    // No POST is mocked: an issue would fail the job.
    const github = new GitHubMock().installation().config('clusters: [staging]\nthreshold: many\n');

    const result = await processor().process({ report: oomReport(), deliveryId: 'd-6' }, info);

    expect(result).toMatchObject({ outcome: 'dropped', reason: 'invalid-config' });
    expect((result as { detail: string }).detail).toContain('not reported in the repository');
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('opens no config-error issue for a broken organization file the repository never adopted', async () => {
    const github = new GitHubMock().installation();
    github.scope.get(`/repos/${OWNER}/${REPO}/contents/.github%2Fkubecure.yml`).reply(404, { message: 'Not Found' });
    github.scope
      .get(`/repos/${OWNER}/.github/contents/.github%2Fkubecure.yml`)
      .reply(200, 'clusters: [prod-eu\n  : :\n', { 'content-type': 'text/plain; charset=utf-8' });

    expect(await processor().process({ report: oomReport(), deliveryId: 'd-7' }, info)).toMatchObject({ outcome: 'dropped', reason: 'invalid-config' });
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('never reads, let alone writes to, a hinted repository outside the allowlist, even one with a broken config', async () => {
    const report = oomReport({ sourceHints: { argocd: { repoURL: 'https://github.com/victim-org/broken-config.git' } } });
    const scope = nock(API);

    expect(await processor({}).process({ report, deliveryId: 'd-8' }, info)).toMatchObject({ outcome: 'dropped', reason: 'no-repository' });
    expect(scope.pendingMocks()).toEqual([]);
  });
});

const TENANT_CHECKOUT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
spec:
  selector:
    matchLabels: { app: checkout }
  template:
    metadata:
      labels: { app: checkout }
    spec:
      containers:
        - name: checkout
          image: ghcr.io/acme/checkout:1.4.2
          resources:
            limits:
              memory: 256Mi
`;

const COREDNS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
spec:
  selector:
    matchLabels: { k8s-app: kube-dns }
  template:
    metadata:
      labels: { k8s-app: kube-dns }
    spec:
      containers:
        - name: coredns
          image: registry.k8s.io/coredns/coredns:v1.11.1
          resources:
            limits:
              memory: 170Mi
`;

function tenantReport(name: string, container: string, image: string) {
  return oomReport({
    failure: { category: 'OOMKilled', reason: 'OOMKilled', message: '', container, restartCount: 4, exitCode: 137 },
    pod: {
      name: `${name}-7d9f8c6b5-x2x9q`,
      namespace: 'tenant-a',
      labels: { app: name },
      spec: { containers: [{ name: container, image, resources: { limits: { memory: '256Mi' } } }] },
      status: { containerStatuses: [{ name: container, restartCount: 4, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] },
    },
    workload: { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'tenant-a' },
    ownerChain: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-7d9f8c6b5`, namespace: 'tenant-a' }],
    sourceHints: {},
  });
}

describe('the edited manifest must produce the reported workload', () => {
  it('never edits a manifest declaring namespace shop for a report from tenant-a', async () => {
    const files = { 'apps/checkout/deployment.yaml': TENANT_CHECKOUT };
    const github = new GitHubMock().installation().config('clusters: [prod-eu]\n').threads([]).repository(files, ['apps/checkout/deployment.yaml']);
    const metrics = new AppMetrics();

    const result = await processor(undefined, metrics).process({ report: tenantReport('checkout', 'checkout', 'ghcr.io/acme/checkout:1.4.2'), deliveryId: 'd-9' }, info);

    expect(result).toMatchObject({ outcome: 'dropped', reason: 'namespace-mismatch' });
    expect((result as { detail: string }).detail).toContain('namespace shop, not tenant-a');
    expect(github.scope.pendingMocks()).toEqual([]);
    expect(await metrics.registry.getSingleMetricAsString('kubecure_jobs_total')).toContain('outcome="dropped:namespace-mismatch"} 1');
  });

  it('never edits the kube-system CoreDNS manifest for a report of tenant-a/coredns', async () => {
    const files = { 'infra/coredns.yaml': COREDNS };
    const github = new GitHubMock().installation().config('clusters: [prod-eu]\n').threads([]).repository(files, ['infra/coredns.yaml']);

    const result = await processor().process({ report: tenantReport('coredns', 'coredns', 'registry.k8s.io/coredns/coredns:v1.11.1'), deliveryId: 'd-10' }, info);

    expect(result).toMatchObject({ outcome: 'dropped', reason: 'namespace-mismatch' });
    expect((result as { detail: string }).detail).toContain('infra/coredns.yaml declares Deployment coredns in namespace kube-system');
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});

describe('a recovery report verifies only its own cluster, namespace and workload', () => {
  const original = oomReport();
  const fingerprint = fingerprintOf(original);
  const body = `Raise memory…\n\n${encodeMarker({ fingerprint, thread: 'pull_request', report: original, targetFile: 'apps/checkout/deployment.yaml', diagnosedBy: 'rules', createdAt: '2026-11-22T00:10:00Z' })}\n`;

  function recovery(cluster: string, namespace: string) {
    const parsed = parseRecoveryReport({
      apiVersion: 'kubecure.dev/v1',
      kind: 'RecoveryReport',
      cluster,
      observedAt: '2026-11-22T02:20:00Z',
      workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout', namespace },
      fingerprints: [fingerprint],
      readySince: '2026-11-22T02:09:30Z',
      pods: { ready: 2, total: 2 },
      restartsDuringSettle: 0,
      specChanged: true,
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return parsed.value;
  }

  for (const [attack, cluster, namespace] of [
    ['another cluster (staging) naming a prod-eu fingerprint', 'staging', 'shop'],
    ['the same cluster, another namespace', 'prod-eu', 'tenant-a'],
  ] as const) {
    it(`ignores ${attack}`, async () => {
      const store = new MemoryMergedFixStore();
      await store.remember(fingerprint, { owner: OWNER, repo: REPO, number: 7, installationId: INSTALLATION });
      const probot = testProbot();
      const github = new GitHubMock();
      github.scope.post(`/app/installations/${INSTALLATION}/access_tokens`).reply(201, { token: 't', expires_at: '2099-01-01T00:00:00Z', permissions: {} });
      github.scope
        .get(`/repos/${OWNER}/${REPO}/pulls/7`)
        .reply(200, { number: 7, merged_at: '2026-11-22T02:00:00Z', body, labels: [{ id: 1, name: 'kubecure' }, { id: 2, name: 'kubecure:awaiting-verification' }] });

      const results = await createRecoveryHandler({ auth: probot.auth.bind(probot), store, logger: silentLogger })(recovery(cluster, namespace));

      expect(results).toEqual([{ fingerprint, pull: 7, result: 'other-workload' }]);
      // No comment, no label: nothing but the two reads was answered.
      expect(github.scope.pendingMocks()).toEqual([]);
      expect(await store.find(fingerprint)).not.toBeNull();
    });
  }
});

describe('the intake never tells which cluster names exist', () => {
  it('answers an unknown cluster exactly as a known cluster with a wrong secret', async () => {
    nock.enableNetConnect('127.0.0.1');
    const intake = await startIntakeServer();
    try {
      const body = JSON.stringify(oomReport());
      const unknown = await intake.signed(body, { cluster: 'prod-us', secret: 'guessed-secret-0123456789abcdef' });
      const known = await intake.signed(body, { cluster: 'prod-eu', secret: 'guessed-secret-0123456789abcdef' });

      expect(unknown.status).toBe(401);
      expect(known.status).toBe(401);
      expect(await unknown.text()).toBe(await known.text());
      const rejected = await intake.metrics.registry.getSingleMetricAsString('kubecure_reports_rejected_total');
      expect(rejected).toContain('reason="unknown-cluster"} 1');
      expect(rejected).toContain('reason="bad-signature"} 1');
      // Still up.
      expect((await fetch(`${intake.base}/kubecure/healthz`)).status).toBe(200);
    } finally {
      await intake.stop();
    }
  });
});

describe("the README's cluster allowlist example", () => {
  it('parses as written and allows exactly what the text says', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const json = /KUBECURE_CLUSTERS='(\{.*\})'/.exec(readme)?.[1];
    expect(json).toBeDefined();
    const clusters = parseClusters(json!, 'KUBECURE_CLUSTERS');
    expect(clusters.mayWrite('prod-eu', 'my-org/gitops')).toBe(true);
    expect(clusters.mayWrite('prod-eu', 'My-Org/apps-payments')).toBe(true);
    expect(clusters.mayWrite('prod-eu', 'my-org/apps-')).toBe(false);
    expect(clusters.mayWrite('prod-eu', 'my-org/infra')).toBe(false);
    expect(clusters.mayWrite('prod-eu', 'other-org/gitops')).toBe(false);
    expect(clusters.mayWrite('staging', 'my-org/gitops')).toBe(false);
    // Without an allowlist, only the default repository.
    const bare = parseClusters('{"dev":{"secret":"0123456789abcdef","defaultRepository":"my-org/gitops"}}', 'KUBECURE_CLUSTERS');
    expect(bare.mayWrite('dev', 'my-org/gitops')).toBe(true);
    expect(bare.mayWrite('dev', 'my-org/other')).toBe(false);
    expect(() => parseClusters('{"dev":{"secret":"0123456789abcdef","repositories":["*"]}}', 'KUBECURE_CLUSTERS')).toThrow(/dev\.repositories\.0/);
  });
});
