import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProbotOctokit } from 'probot';
import { GitHubRepoView } from '../../src/github/repo-view.js';
import { API, GitHubMock, OWNER, REPO } from '../app/github-mock.js';
import { buildTarball } from './tar-builder.js';

const octokit = () => new ProbotOctokit({ auth: { token: 'test' }, retry: { enabled: false }, throttle: { enabled: false } });

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('GitHubRepoView', () => {
  it('lists the whole tree from one recursive call and fetches a blob only when read, once', async () => {
    const files = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`apps/service-${i}/deployment.yaml`, `kind: Deployment # ${i}\n`]));
    const github = new GitHubMock().repository(files, ['apps/service-7/deployment.yaml']);

    const view = await GitHubRepoView.open(octokit(), { owner: OWNER, repo: REPO });
    expect(await view.listFiles()).toHaveLength(20);
    expect(view.id).toBe(`github:${OWNER}/${REPO}@${github.treeSha}`);
    expect(view.head).toEqual({ branch: 'main', commitSha: github.commitSha, treeSha: github.treeSha });
    expect(await view.readFile('apps/service-7/deployment.yaml')).toBe('kind: Deployment # 7\n');
    expect(await view.readFile('apps/service-7/deployment.yaml')).toBe('kind: Deployment # 7\n');
    expect(await view.readFile('not/there.yaml')).toBeNull();
    expect(view.blobSha('apps/service-7/deployment.yaml')).toBe(github.blobShaOf('apps/service-7/deployment.yaml', 'kind: Deployment # 7\n'));
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('reads a repository with thousands of manifests from one tarball instead of a blob per file', async () => {
    const files = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`apps/service-${i}/deployment.yaml`, `kind: Deployment # ${i}\n`]));
    files['docs/guide.md'] = '# guide\n';
    const github = new GitHubMock().repository(files, ['docs/guide.md']);
    github.scope.get(`/repos/${OWNER}/${REPO}/tarball/${github.commitSha}`).reply(200, buildTarball(files), { 'content-type': 'application/x-gzip' });

    const view = await GitHubRepoView.open(octokit(), { owner: OWNER, repo: REPO });
    const texts = await Promise.all((await view.listFiles()).filter((path) => path.endsWith('.yaml')).map((path) => view.readFile(path)));

    expect(texts).toHaveLength(5000);
    expect(texts[4999]).toBe('kind: Deployment # 4999\n');
    // Files the index does not parse still come from their blob.
    expect(await view.readFile('docs/guide.md')).toBe('# guide\n');
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('reuses a cached tree when the branch still points at the same tree', async () => {
    const files = { 'a.yaml': 'a: 1\n' };
    const github = new GitHubMock().repository(files, []);
    await GitHubRepoView.open(octokit(), { owner: OWNER, repo: REPO });
    expect(github.scope.pendingMocks()).toEqual([]);

    const again = nock(API)
      .get(`/repos/${OWNER}/${REPO}/branches/main`)
      .reply(200, { name: 'main', commit: { sha: github.commitSha, commit: { tree: { sha: github.treeSha } } } });
    const view = await GitHubRepoView.open(octokit(), { owner: OWNER, repo: REPO }, 'main');
    expect(await view.listFiles()).toEqual(['a.yaml']);
    expect(again.pendingMocks()).toEqual([]);
  });

  it('skips submodules and symlinks', async () => {
    const github = new GitHubMock();
    github.scope.get(`/repos/${OWNER}/${REPO}/branches/main`).reply(200, { commit: { sha: github.commitSha, commit: { tree: { sha: github.treeSha } } } });
    github.scope.get(`/repos/${OWNER}/${REPO}/git/trees/${github.treeSha}`).query({ recursive: 'true' }).reply(200, {
      truncated: false,
      tree: [
        { path: 'apps', type: 'tree', mode: '040000', sha: '1' },
        { path: 'apps/x.yaml', type: 'blob', mode: '100644', sha: '2' },
        { path: 'vendor/lib', type: 'commit', mode: '160000', sha: '3' },
        { path: 'link.yaml', type: 'blob', mode: '120000', sha: '4' },
      ],
    });
    const view = await GitHubRepoView.open(octokit(), { owner: OWNER, repo: REPO }, 'main');
    expect(await view.listFiles()).toEqual(['apps/x.yaml']);
  });
});
