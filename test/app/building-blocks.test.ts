import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { describe, expect, it } from 'vitest';
import { KeyedLock } from '../../src/app/keyed-lock.js';
import { renderRecurrence } from '../../src/app/recurrence.js';
import { cooldownHolder, pullRequestAllowance } from '../../src/app/limits.js';
import { DEFAULT_REPO_CONFIG } from '../../src/config/schema.js';
import { branchFor, openOrUpdatePullRequest } from '../../src/github/pull-request.js';
import { rateLimitDelay } from '../../src/github/rate-limit.js';
import type { Thread } from '../../src/github/threads.js';
import { decodeMarker, encodeMarker } from '../../src/github/marker.js';
import { oomReport } from './github-mock.js';

const NOW = new Date('2026-11-22T12:00:00Z');

function thread(fields: Partial<Thread>): Thread {
  const report = oomReport();
  const body = encodeMarker({ fingerprint: 'abcdef0123456789', thread: 'pull_request', report, createdAt: '2026-11-22T00:00:00Z' });
  return { number: 1, kind: 'pull_request', state: 'open', merged: false, title: 't', body, url: 'u', createdAt: '2026-11-20T00:00:00Z', fingerprint: 'abcdef0123456789', marker: decodeMarker(body), joined: [], ...fields };
}

describe('KeyedLock', () => {
  it('runs tasks of one key one after another and tasks of different keys side by side', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const task = (name: string, ms: number) => async () => {
      events.push(`${name}:start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`${name}:end`);
    };
    await Promise.all([lock.run('42', task('a', 30)), lock.run('42', task('b', 1)), lock.run('7', task('c', 1))]);
    expect(events.indexOf('b:start')).toBeGreaterThan(events.indexOf('a:end'));
    expect(events.indexOf('c:end')).toBeLessThan(events.indexOf('a:end'));
  });

  it('keeps going after a failed task', async () => {
    const lock = new KeyedLock();
    await expect(lock.run('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run('k', async () => 'next')).resolves.toBe('next');
  });
});

describe('recurrence comment', () => {
  it('adds the new report\'s occurrences and does not count a retried delivery twice', () => {
    const open = thread({});
    const first = renderRecurrence(null, open, oomReport({ occurrences: 2 }), 'd-1');
    expect(first).toContain('**3** times');
    expect(renderRecurrence(first, open, oomReport({ occurrences: 2 }), 'd-1')).toContain('**3** times');
    expect(renderRecurrence(first, open, oomReport({ occurrences: 2 }), 'd-2')).toContain('**5** times');
  });
});

describe('limits', () => {
  it('files the fix as an issue when too many KubeCure pull requests are open', () => {
    const open = Array.from({ length: 3 }, (_, i) => thread({ number: i, createdAt: '2026-11-01T00:00:00Z' }));
    expect(pullRequestAllowance(open, { ...DEFAULT_REPO_CONFIG, maxOpenPullRequests: 3 }, NOW)).toEqual({ allowed: false, reason: '3 KubeCure pull requests are open (limit 3)' });
    expect(pullRequestAllowance(open, { ...DEFAULT_REPO_CONFIG, maxOpenPullRequests: 4 }, NOW)).toEqual({ allowed: true });
  });

  it('counts issues toward the workload cooldown but not toward pull request limits', () => {
    const issue = thread({ kind: 'issue', createdAt: '2026-11-22T11:30:00Z' });
    expect(pullRequestAllowance([issue], { ...DEFAULT_REPO_CONFIG, maxPullRequestsPerHour: 1 }, NOW)).toEqual({ allowed: true });
    expect(cooldownHolder([issue], oomReport(), DEFAULT_REPO_CONFIG, NOW)?.number).toBe(1);
    expect(cooldownHolder([issue], oomReport(), { ...DEFAULT_REPO_CONFIG, cooldownMinutes: 15 }, NOW)).toBeNull();
  });
});

describe('branchFor', () => {
  const change = (file: string, limit: string, context = '') => ({
    file,
    before: `${context}limits:\n  memory: 256Mi\n`,
    after: `${context}limits:\n  memory: ${limit}\n`,
    diff: '',
  });

  it('names one branch per workload, failure category and change', () => {
    expect(branchFor(oomReport(), [change('apps/checkout/deployment.yaml', '512Mi')])).toMatch(/^kubecure\/shop\/checkout-oomkilled-[0-9a-f]{8}$/);
  });

  it('gives the same change the same branch, and another file or value another branch', () => {
    const same = branchFor(oomReport(), [change('apps/checkout/deployment.yaml', '512Mi')]);
    // Lines the change does not touch (a base that moved elsewhere) do not split one change in two.
    expect(branchFor(oomReport({ cluster: 'prod-us' }), [change('apps/checkout/deployment.yaml', '512Mi', '# moved\n')])).toBe(same);
    expect(branchFor(oomReport(), [change('overlays/prod-us/patch.yaml', '512Mi')])).not.toBe(same);
    expect(branchFor(oomReport(), [change('apps/checkout/deployment.yaml', '1Gi')])).not.toBe(same);
  });
});

describe('rateLimitDelay', () => {
  const error = (status: number, headers: Record<string, string>, message = 'x') => Object.assign(new Error(message), { status, response: { headers } });

  it('honours Retry-After, the primary limit reset and the secondary limit message', () => {
    expect(rateLimitDelay(error(403, { 'retry-after': '12' }))).toBe(12_000);
    expect(rateLimitDelay(error(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1000' }), 990_000)).toBe(10_000);
    expect(rateLimitDelay(error(403, {}, 'You have exceeded a secondary rate limit'))).toBe(60_000);
    expect(rateLimitDelay(error(429, {}))).toBe(60_000);
  });

  it('leaves other errors to the normal retry', () => {
    expect(rateLimitDelay(error(403, {}, 'Resource not accessible by integration'))).toBeNull();
    expect(rateLimitDelay(error(502, {}))).toBeNull();
    expect(rateLimitDelay(new Error('socket hang up'))).toBeNull();
  });
});

describe('openOrUpdatePullRequest', () => {
  it('keeps the pull request when GitHub refuses a configured reviewer', async () => {
    nock.disableNetConnect();
    const scope = nock('https://api.github.com')
      .post('/repos/acme/gitops/pulls').reply(201, { number: 3, html_url: 'u' })
      .post('/repos/acme/gitops/issues/3/labels').reply(200, [])
      .post('/repos/acme/gitops/pulls/3/requested_reviewers').reply(422, { message: 'Reviews may only be requested from collaborators.' });
    const octokit = new ProbotOctokit({ auth: { token: 't' }, retry: { enabled: false }, throttle: { enabled: false } });

    const result = await openOrUpdatePullRequest(octokit, {
      repository: { owner: 'acme', repo: 'gitops' },
      branch: 'kubecure/shop/checkout-oomkilled',
      baseBranch: 'main',
      title: 't',
      body: 'b',
      draft: true,
      labels: ['kubecure'],
      reviewers: ['outsider'],
      teamReviewers: [],
      fingerprint: 'abcdef0123456789',
    });

    expect(result).toEqual({ number: 3, url: 'u', created: true, reviewersRejected: true });
    expect(scope.pendingMocks()).toEqual([]);
    nock.cleanAll();
    nock.enableNetConnect();
  });
});
