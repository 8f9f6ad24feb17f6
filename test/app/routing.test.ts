import { describe, expect, it } from 'vitest';
import { hintedRepositories, repositoryFromUrl } from '../../src/app/routing.js';
import { oomReport } from './github-mock.js';

describe('repositoryFromUrl', () => {
  it('reads the repository from the URL forms Argo CD and Flux use', () => {
    expect(repositoryFromUrl('https://github.com/acme/gitops.git')).toEqual({ owner: 'acme', repo: 'gitops' });
    expect(repositoryFromUrl('https://github.com/acme/gitops')).toEqual({ owner: 'acme', repo: 'gitops' });
    expect(repositoryFromUrl('git@github.com:acme/gitops.git')).toEqual({ owner: 'acme', repo: 'gitops' });
    expect(repositoryFromUrl('ssh://git@github.com/acme/gitops.git')).toEqual({ owner: 'acme', repo: 'gitops' });
    expect(repositoryFromUrl('https://x-access-token:abc@github.com/acme/my.repo.git')).toEqual({ owner: 'acme', repo: 'my.repo' });
  });

  it('ignores other hosts unless they are the configured GitHub Enterprise host', () => {
    expect(repositoryFromUrl('https://gitlab.com/acme/gitops.git')).toBeNull();
    expect(repositoryFromUrl('oci://ghcr.io/acme/charts')).toBeNull();
    expect(repositoryFromUrl('https://git.corp.example/acme/gitops.git', 'git.corp.example')).toEqual({ owner: 'acme', repo: 'gitops' });
  });
});

describe('hintedRepositories', () => {
  it('lists Argo CD, Flux and kustomize origins once each, most specific first', () => {
    const report = oomReport({
      sourceHints: {
        argocd: { repoURL: 'https://github.com/acme/gitops.git' },
        flux: { sourceURL: 'ssh://git@github.com/acme/GitOps' },
        kustomizeOrigin: { repo: 'https://github.com/acme/base-manifests' },
      },
    });
    expect(hintedRepositories(report)).toEqual([
      { owner: 'acme', repo: 'gitops' },
      { owner: 'acme', repo: 'base-manifests' },
    ]);
  });
});
