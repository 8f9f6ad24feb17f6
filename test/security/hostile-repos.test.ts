/**
 * Repository content is untrusted: a file can be an alias bomb, tens of megabytes, a symlink out
 * of the checkout, or sit in an archive too large to unpack. Each is skipped with a warning that
 * names it; none stops the diagnosis of the workload the repository does declare.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProbotOctokit } from 'probot';
import { remediate } from '../../src/remediate.js';
import { indexRepository } from '../../src/locate/index-repo.js';
import { LocalRepoView } from '../../src/locate/local-repo.js';
import { MAX_MANIFEST_BYTES } from '../../src/locate/yaml-read.js';
import { GitHubRepoView } from '../../src/github/repo-view.js';
import { readTarballStream, TarballTooLargeError } from '../../src/github/tarball.js';
import { CHECKOUT_MANIFEST, GitHubMock, OWNER, REPO, oomReport } from '../app/github-mock.js';
import { buildTarball } from '../github/tar-builder.js';

const MANIFEST = 'apps/checkout/deployment.yaml';
const octokit = () => new ProbotOctokit({ auth: { token: 'test' }, retry: { enabled: false }, throttle: { enabled: false } });

/** The "billion laughs": nine levels of nine aliases, a few hundred bytes that expand to 9^9 strings. */
const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, level) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[level]}`).join(',')}]`),
  'kind: ConfigMap',
].join('\n');

let dir: string;

beforeEach(async () => {
  nock.disableNetConnect();
  dir = await mkdtemp(join(tmpdir(), 'kubecure-hostile-'));
});

afterEach(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await rm(dir, { recursive: true, force: true });
});

async function repository(files: Record<string, string>): Promise<string> {
  const root = join(dir, 'repo');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe('hostile files in a repository', () => {
  it('skips an alias bomb with a warning and still diagnoses the declared workload', async () => {
    const root = await repository({ [MANIFEST]: CHECKOUT_MANIFEST, 'apps/bomb.yaml': ALIAS_BOMB });

    const remediation = await remediate(oomReport(), new LocalRepoView(root));

    expect(remediation.outcome.target?.file).toBe(MANIFEST);
    expect(remediation.outcome.decision).toBe('pull_request');
    expect(remediation.notes.some((note) => note.startsWith('apps/bomb.yaml: skipped'))).toBe(true);
  });

  it('skips a 50 MB YAML file before parsing it', async () => {
    const huge = `kind: ConfigMap\ndata:\n${'  k: "x"\n'.repeat(Math.ceil((50 * 1024 * 1024) / 9))}`;
    const root = await repository({ [MANIFEST]: CHECKOUT_MANIFEST, 'apps/huge.yaml': huge });

    const index = await indexRepository(new LocalRepoView(root));

    expect(index.warnings).toContainEqual(expect.stringMatching(new RegExp(`^apps/huge.yaml: skipped, \\d+ characters is over the ${MAX_MANIFEST_BYTES}-byte per-file cap$`)));
    expect(index.documents.map((document) => document.file)).toEqual([MANIFEST]);
  });

  it('never downloads a blob the tree says is over the per-file cap', async () => {
    const github = new GitHubMock();
    github.scope.get(`/repos/${OWNER}/${REPO}`).reply(200, { default_branch: 'main' });
    github.scope.get(`/repos/${OWNER}/${REPO}/branches/main`).reply(200, { name: 'main', commit: { sha: github.commitSha, commit: { tree: { sha: github.treeSha } } } });
    github.scope
      .get(`/repos/${OWNER}/${REPO}/git/trees/${github.treeSha}`)
      .query(true)
      .reply(200, {
        sha: github.treeSha,
        truncated: false,
        tree: [
          { path: MANIFEST, mode: '100644', type: 'blob', sha: github.blobShaOf(MANIFEST, CHECKOUT_MANIFEST), size: CHECKOUT_MANIFEST.length },
          { path: 'apps/huge.yaml', mode: '100644', type: 'blob', sha: github.blobShaOf('apps/huge.yaml', 'huge'), size: 150 * 1024 * 1024 },
        ],
      });
    github.scope.get(`/repos/${OWNER}/${REPO}/git/blobs/${github.blobShaOf(MANIFEST, CHECKOUT_MANIFEST)}`).reply(200, { content: Buffer.from(CHECKOUT_MANIFEST).toString('base64'), encoding: 'base64' });

    const view = await GitHubRepoView.open(octokit(), { owner: OWNER, repo: REPO });
    const index = await indexRepository(view);

    expect(index.documents.map((document) => document.file)).toEqual([MANIFEST]);
    expect(index.warnings).toContain(`apps/huge.yaml: skipped, ${150 * 1024 * 1024} bytes is over the ${MAX_MANIFEST_BYTES}-byte per-file cap`);
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('never follows a symlink out of a local repository', async () => {
    const outside = join(dir, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'secret.yaml'), 'password: hunter2\n');
    const root = await repository({ [MANIFEST]: CHECKOUT_MANIFEST });
    await symlink(join(outside, 'secret.yaml'), join(root, 'apps', 'secret.yaml'));
    await symlink(outside, join(root, 'linked'));
    const view = new LocalRepoView(root);

    expect(await view.listFiles()).toEqual([MANIFEST]);
    expect(await view.readFile('apps/secret.yaml')).toBeNull();
    expect(await view.readFile('linked/secret.yaml')).toBeNull();
    expect(await view.readFile('../outside/secret.yaml')).toBeNull();
    expect(await view.readFile(MANIFEST)).toBe(CHECKOUT_MANIFEST);
  });
});

describe('the repository archive', () => {
  it('stops unpacking a gzip bomb at the archive cap', async () => {
    // 64 MiB of zeros gzip to about 64 KiB.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const reading = readTarballStream([bomb], () => true, { maxArchiveBytes: 4 * 1024 * 1024, maxFileBytes: 1024, maxKeptBytes: 1024 });
    await expect(reading).rejects.toBeInstanceOf(TarballTooLargeError);
  });

  it('keeps only wanted files within the per-file cap, naming the ones left out', async () => {
    const archive = buildTarball({ 'a.yaml': 'a: 1\n', 'big.yaml': `b: "${'x'.repeat(5000)}"\n`, 'README.md': '# hi\n' });
    const { files, skipped } = await readTarballStream([archive], (path) => path.endsWith('.yaml'), { maxArchiveBytes: 1024 * 1024, maxFileBytes: 1024, maxKeptBytes: 1024 * 1024 });
    expect([...files.keys()]).toEqual(['a.yaml']);
    expect(skipped).toEqual([{ path: 'big.yaml', reason: '5006 bytes is over the 1024-byte per-file cap' }]);
  });

  function treeOf(github: GitHubMock, files: Record<string, string>): void {
    github.scope.get(`/repos/${OWNER}/${REPO}`).reply(200, { default_branch: 'main' });
    github.scope.get(`/repos/${OWNER}/${REPO}/branches/main`).reply(200, { name: 'main', commit: { sha: github.commitSha, commit: { tree: { sha: github.treeSha } } } });
    github.scope
      .get(`/repos/${OWNER}/${REPO}/git/trees/${github.treeSha}`)
      .query(true)
      .reply(200, {
        sha: github.treeSha,
        truncated: false,
        tree: Object.entries(files).map(([path, text]) => ({ path, mode: '100644', type: 'blob', sha: github.blobShaOf(path, text), size: text.length })),
      });
  }

  function blobs(github: GitHubMock, files: Record<string, string>): void {
    for (const [path, text] of Object.entries(files)) {
      github.scope.get(`/repos/${OWNER}/${REPO}/git/blobs/${github.blobShaOf(path, text)}`).reply(200, { content: Buffer.from(text).toString('base64'), encoding: 'base64' });
    }
  }

  it('falls back to the tree and blob API when the tarball endpoint fails', async () => {
    const files = { [MANIFEST]: CHECKOUT_MANIFEST, 'apps/other/deployment.yaml': 'kind: Deployment\nmetadata: { name: other }\n' };
    const github = new GitHubMock();
    treeOf(github, files);
    github.scope.get(`/repos/${OWNER}/${REPO}/tarball/${github.commitSha}`).reply(502, 'Bad Gateway');
    blobs(github, files);

    const view = await GitHubRepoView.open(octokit(), { owner: OWNER, repo: REPO }, undefined, { archiveThreshold: 1 });
    const index = await indexRepository(view);

    expect(index.documents.map((document) => document.file).sort()).toEqual(['apps/checkout/deployment.yaml', 'apps/other/deployment.yaml']);
    expect(index.warnings).toContainEqual(expect.stringMatching(/^the repository archive could not be read \(.*\); files were read one by one, at most 500$/));
    expect(github.scope.pendingMocks()).toEqual([]);
  });

  it('falls back to blobs when the archive is over its cap, and bounds the blob requests', async () => {
    const files = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`apps/service-${i}/deployment.yaml`, `kind: Deployment\nmetadata: { name: service-${i} }\n`]));
    const github = new GitHubMock();
    treeOf(github, files);
    github.scope.get(`/repos/${OWNER}/${REPO}/tarball/${github.commitSha}`).reply(200, buildTarball({ ...files, 'padding.bin': 'x'.repeat(64 * 1024) }), { 'content-type': 'application/x-gzip' });
    const sorted = Object.keys(files).sort();
    blobs(github, Object.fromEntries(sorted.slice(0, 2).map((path) => [path, files[path]!])));

    const view = await GitHubRepoView.open(octokit(), { owner: OWNER, repo: REPO }, undefined, { archiveThreshold: 1, maxArchiveBytes: 16 * 1024, maxBlobRequests: 2 });
    const texts = [];
    for (const path of sorted) texts.push(await view.readFile(path));

    expect(texts.filter((text) => text !== null)).toHaveLength(2);
    expect(view.readWarnings()).toEqual([
      expect.stringMatching(/^the repository archive could not be read \(the tarball's uncompressed size exceeds 16384 bytes\)/),
      `${sorted[2]}: not read, the view already made 2 blob requests`,
      `${sorted[3]}: not read, the view already made 2 blob requests`,
    ]);
    expect(github.scope.pendingMocks()).toEqual([]);
  });
});
