import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRepoView } from '../../src/locate/local-repo.js';

describe('LocalRepoView', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kubecure-repo-'));
    for (const dir of ['apps/checkout', '.git/objects', 'node_modules/yaml', 'charts/web/templates']) await mkdir(join(root, dir), { recursive: true });
    await writeFile(join(root, 'apps/checkout/deployment.yaml'), 'kind: Deployment\n');
    await writeFile(join(root, 'charts/web/templates/deployment.yaml'), 'kind: Deployment\n');
    await writeFile(join(root, 'README.md'), '# fleet\n');
    await writeFile(join(root, '.git/objects/abc'), 'blob');
    await writeFile(join(root, 'node_modules/yaml/package.json'), '{}');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lists every file recursively as sorted POSIX paths relative to the root, skipping .git and node_modules', async () => {
    const files = await new LocalRepoView(root).listFiles();
    expect(files).toEqual(['README.md', 'apps/checkout/deployment.yaml', 'charts/web/templates/deployment.yaml']);
  });

  it('reads a file by its repository path and returns null for a missing one', async () => {
    const repo = new LocalRepoView(root);
    expect(await repo.readFile('apps/checkout/deployment.yaml')).toBe('kind: Deployment\n');
    expect(await repo.readFile('./apps/checkout/deployment.yaml')).toBe('kind: Deployment\n');
    expect(await repo.readFile('apps/checkout/missing.yaml')).toBeNull();
    expect(await repo.readFile('apps/checkout')).toBeNull();
  });

  it('never reads outside the repository through ..', async () => {
    expect(await new LocalRepoView(join(root, 'apps')).readFile('../README.md')).toBeNull();
  });

  it('has an identity that names the folder', () => {
    expect(new LocalRepoView(root).id).toContain(root);
  });
});
