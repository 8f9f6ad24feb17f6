/**
 * A GitHub repository served by nock at the REST boundary, with the calls KubeCure makes
 * (installation lookup, token, config, threads, tree, blobs, writes) declared one by one so each
 * test states exactly which requests it expects.
 */
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { parseFailureReport, type FailureReport, type FailureReportInput } from '../../src/report/schema.js';

export const OWNER = 'acme';
export const REPO = 'gitops';
export const INSTALLATION = 42;
export const API = 'https://api.github.com';

let cachedKey: string | null = null;
/** Probot validates the private key locally, so tests need a real one; generated, never committed. */
export function testPrivateKey(): string {
  cachedKey ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return cachedKey;
}

export function testProbot(): Probot {
  return new Probot({
    appId: 123,
    privateKey: testPrivateKey(),
    logLevel: 'fatal',
    Octokit: ProbotOctokit.defaults((options: object) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } })),
  });
}

export function configFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/config/${name}`, import.meta.url), 'utf8');
}

export const CHECKOUT_MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
spec:
  replicas: 2
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
            requests:
              memory: 128Mi
            limits:
              memory: 256Mi
`;

export function oomReport(overrides: Partial<FailureReportInput> = {}): FailureReport {
  const input: FailureReportInput = {
    apiVersion: 'kubecure.dev/v1',
    kind: 'FailureReport',
    cluster: 'prod-eu',
    observedAt: '2026-11-22T00:06:00Z',
    firstSeen: '2026-11-21T23:52:10Z',
    occurrences: 1,
    failure: { category: 'OOMKilled', reason: 'OOMKilled', message: '', container: 'checkout', restartCount: 4, exitCode: 137 },
    pod: {
      name: 'checkout-7d9f8c6b5-x2x9q',
      namespace: 'shop',
      labels: { app: 'checkout' },
      spec: { containers: [{ name: 'checkout', image: 'ghcr.io/acme/checkout:1.4.2', resources: { requests: { memory: '128Mi' }, limits: { memory: '256Mi' } } }] },
      status: {
        containerStatuses: [
          { name: 'checkout', restartCount: 4, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } },
        ],
      },
    },
    workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout', namespace: 'shop' },
    ownerChain: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'checkout-7d9f8c6b5', namespace: 'shop' }],
    logs: { previous: '{"level":"info","msg":"warming product cache","items":184220}\n', truncated: false },
    events: [
      {
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container checkout',
        count: 9,
        involvedObject: { kind: 'Pod', name: 'checkout-7d9f8c6b5-x2x9q', namespace: 'shop' },
      },
    ],
    sourceHints: { argocd: { repoURL: `https://github.com/${OWNER}/${REPO}.git`, path: 'apps/checkout' } },
    ...overrides,
  };
  const parsed = parseFailureReport(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

export interface IssueListItem {
  number: number;
  state: 'open' | 'closed';
  title?: string;
  body: string;
  created_at: string;
  pull_request?: { merged_at: string | null };
}

/** Builders for the requests of one job, chained on one nock scope. */
export class GitHubMock {
  readonly scope = nock(API);
  /** Makes tree and blob SHAs unique per test: the view caches are content-addressed and process-wide. */
  readonly salt = randomUUID();
  readonly treeSha = createHash('sha1').update(`tree:${this.salt}`).digest('hex');
  readonly commitSha = createHash('sha1').update(`commit:${this.salt}`).digest('hex');

  blobShaOf(path: string, content: string): string {
    return createHash('sha1').update(`${this.salt}:${path}:${content}`).digest('hex');
  }

  installation(): this {
    this.scope.get(`/repos/${OWNER}/${REPO}/installation`).reply(200, { id: INSTALLATION });
    this.scope.post(`/app/installations/${INSTALLATION}/access_tokens`).reply(201, { token: 'test-token', expires_at: '2099-01-01T00:00:00Z', permissions: {} });
    return this;
  }

  config(yaml: string | null): this {
    const path = `/repos/${OWNER}/${REPO}/contents/.github%2Fkubecure.yml`;
    if (yaml === null) {
      this.scope.get(path).reply(404, { message: 'Not Found' });
      this.scope.get(`/repos/${OWNER}/.github/contents/.github%2Fkubecure.yml`).reply(404, { message: 'Not Found' });
    } else {
      this.scope.get(path).reply(200, yaml, { 'content-type': 'text/plain; charset=utf-8' });
    }
    return this;
  }

  threads(items: IssueListItem[]): this {
    this.scope
      .get(`/repos/${OWNER}/${REPO}/issues`)
      .query({ labels: 'kubecure', state: 'all', sort: 'created', direction: 'desc', per_page: '100' })
      .reply(
        200,
        items.map((item) => ({ title: 't', html_url: `https://github.com/${OWNER}/${REPO}/issues/${item.number}`, ...item })),
      );
    return this;
  }

  /** The default branch, its tree, and the blobs `reads` lists (only those are fetched). */
  repository(files: Record<string, string>, reads: string[]): this {
    this.scope.get(`/repos/${OWNER}/${REPO}`).reply(200, { default_branch: 'main' });
    this.scope
      .get(`/repos/${OWNER}/${REPO}/branches/main`)
      .reply(200, { name: 'main', commit: { sha: this.commitSha, commit: { tree: { sha: this.treeSha } } } });
    this.scope
      .get(`/repos/${OWNER}/${REPO}/git/trees/${this.treeSha}`)
      .query({ recursive: 'true' })
      .reply(200, {
        sha: this.treeSha,
        truncated: false,
        tree: Object.entries(files).map(([path, content]) => ({ path, mode: '100644', type: 'blob', sha: this.blobShaOf(path, content) })),
      });
    for (const path of reads) {
      const content = files[path]!;
      this.scope
        .get(`/repos/${OWNER}/${REPO}/git/blobs/${this.blobShaOf(path, content)}`)
        .reply(200, { content: Buffer.from(content).toString('base64'), encoding: 'base64' });
    }
    return this;
  }
}
