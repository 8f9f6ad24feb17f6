import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPO_CONFIG, isProtected, parseRepoConfig } from '../../src/config/schema.js';
import { repoConfigJsonSchema } from '../../src/config/print-schema.js';
import { configFixture } from './github-mock.js';
import { parse } from 'yaml';

describe('.github/kubecure.yml', () => {
  it('fills every key with a default from a file that only names its clusters', () => {
    const parsed = parseRepoConfig({ clusters: ['prod-eu'] });
    expect(parsed).toEqual({ ok: true, config: { ...DEFAULT_REPO_CONFIG, clusters: ['prod-eu'] } });
    expect(DEFAULT_REPO_CONFIG).toMatchObject({ threshold: 80, maxOpenPullRequests: 10, maxPullRequestsPerHour: 2, dryRun: false, protectedNamespaces: ['kube-system'] });
    expect(DEFAULT_REPO_CONFIG.fixes.allowed).not.toContain('command');
  });

  it('names every invalid key with its path', () => {
    const parsed = parseRepoConfig(parse(configFixture('invalid.yml')));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((problem) => problem.path).sort()).toEqual(['clusters', 'fixes.allowed.1', 'threshold']);
  });

  it('rejects unknown keys so typos do not pass silently', () => {
    const parsed = parseRepoConfig({ clusters: ['a'], dryrun: true });
    expect(parsed.ok).toBe(false);
  });

  it('ignores the _extends key the loader already followed', () => {
    expect(parseRepoConfig({ _extends: '.github', clusters: ['a'] }).ok).toBe(true);
  });

  it('protects namespaces and workloads by name or namespace/name', () => {
    const config = { ...DEFAULT_REPO_CONFIG, protectedWorkloads: ['payments/ledger', 'vault'] };
    expect(isProtected(config, 'kube-system', 'coredns')).toBe(true);
    expect(isProtected(config, 'payments', 'ledger')).toBe(true);
    expect(isProtected(config, 'shop', 'vault')).toBe(true);
    expect(isProtected(config, 'shop', 'ledger')).toBe(false);
  });

  it('publishes a JSON schema generated from the zod schema', () => {
    const published = JSON.parse(readFileSync(new URL('../../src/config/kubecure.schema.json', import.meta.url), 'utf8'));
    expect(published).toEqual(repoConfigJsonSchema());
    expect(Object.keys(published.properties)).toEqual(expect.arrayContaining(['clusters', 'threshold', 'fixes', 'maxOpenPullRequests', 'cooldownMinutes', 'dryRun', '_extends']));
  });
});
