import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProbotOctokit } from 'probot';
import { withRequestTimeout, type GitHub } from '../../src/github/octokit.js';

const API = 'https://api.github.com';

function client(): GitHub {
  const Octokit = ProbotOctokit.defaults((options: object) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } }));
  return new Octokit({ auth: 'test-token' }) as GitHub;
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('GitHub request timeout', () => {
  it('fails a request that hangs past the bound instead of holding the job', async () => {
    const scope = nock(API).get('/repos/acme/gitops').delay(2_000).reply(200, { default_branch: 'main' });
    // Had the bound not applied, the delayed answer would have arrived and the call succeeded.
    await expect(withRequestTimeout(client(), 150).rest.repos.get({ owner: 'acme', repo: 'gitops' })).rejects.toThrow();
    expect(scope.pendingMocks()).toEqual([]);
  });

  it('leaves requests that answer in time alone', async () => {
    const scope = nock(API).get('/repos/acme/gitops').reply(200, { default_branch: 'main' });
    const { data } = await withRequestTimeout(client(), 5_000).rest.repos.get({ owner: 'acme', repo: 'gitops' });
    expect(data.default_branch).toBe('main');
    expect(scope.pendingMocks()).toEqual([]);
  });
});
