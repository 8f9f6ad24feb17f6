import { beforeAll, describe, expect, it } from 'vitest';
import { locateWorkload } from '../../src/locate/locate.js';
import type { RepoIndex, SourceLocation } from '../../src/locate/types.js';
import { alternativeFiles, expectFound, failureReport, indexFixture } from './support.js';

function containerOf(location: SourceLocation): Record<string, unknown> {
  const spec = (location.workload as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } }).spec;
  return spec.template.spec.containers[0] as Record<string, unknown>;
}

describe('locating Flux HelmReleases', () => {
  let index: RepoIndex;
  beforeAll(async () => {
    index = await indexFixture('flux-helmreleases');
  });

  it('picks the HelmRelease of the cluster whose Flux Kustomization deploys its folder', async () => {
    const result = await locateWorkload(failureReport({ name: 'podinfo', namespace: 'podinfo', cluster: 'production' }), index);
    const found = expectFound(result);
    expect(found).toMatchObject({ form: 'flux-helmrelease', file: 'apps/production/podinfo-helmrelease.yaml', namespace: 'podinfo' });
    expect(found.via).toContain('clusters/production/apps.yaml deploys apps/production to cluster production');
    expect(alternativeFiles(result)).toEqual(['apps/staging/podinfo-helmrelease.yaml']);
  });

  it('uses the Flux labels to choose the HelmRelease and its Kustomization', async () => {
    const labels = {
      'helm.toolkit.fluxcd.io/name': 'podinfo',
      'helm.toolkit.fluxcd.io/namespace': 'podinfo',
      'kustomize.toolkit.fluxcd.io/name': 'apps',
      'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
    };
    const found = expectFound(await locateWorkload(failureReport({ name: 'podinfo', namespace: 'podinfo', cluster: 'staging', labels }), index));
    expect(found.file).toBe('apps/staging/podinfo-helmrelease.yaml');
    expect(found.via[0]).toBe('Flux Kustomization apps (clusters/staging/apps.yaml) builds apps/staging');
    expect(found.via).toContain('Flux labels name HelmRelease podinfo/podinfo');
  });

  it('uses the Flux source path the agent reported', async () => {
    const report = failureReport({ name: 'podinfo', namespace: 'podinfo', cluster: 'eu-1', sourceHints: { flux: { path: './apps/staging' } } });
    const found = expectFound(await locateWorkload(report, index));
    expect(found.file).toBe('apps/staging/podinfo-helmrelease.yaml');
    // The HelmRelease is built by the kustomization apps/staging, which is what the path names.
    expect(found.via[0]).toBe('Flux source path apps/staging contains apps/staging');
  });

  it('edits spec.values of the HelmRelease for resources and image of a remote chart', async () => {
    const found = expectFound(await locateWorkload(failureReport({ name: 'podinfo', namespace: 'podinfo', cluster: 'production' }), index));
    expect(containerOf(found)).toMatchObject({ image: 'ghcr.io/stefanprodan/podinfo:6.7.0', resources: { limits: { memory: '256Mi' } } });
    expect(found.resolve({ fixKind: 'resources', container: 'podinfo', path: ['resources', 'limits', 'memory'], value: '512Mi' })).toMatchObject({
      ok: true,
      edits: [{ file: 'apps/production/podinfo-helmrelease.yaml', documentIndex: 0, path: ['spec', 'values', 'resources', 'limits', 'memory'], value: '512Mi' }],
    });
    expect(found.resolve({ fixKind: 'image', container: 'podinfo', path: ['image'], value: 'ghcr.io/stefanprodan/podinfo:6.7.1' })).toMatchObject({
      ok: true,
      edits: [{ path: ['spec', 'values', 'image', 'tag'], value: '6.7.1' }],
    });
  });

  it('finds where a remote chart keeps the field when it is not at the top level', async () => {
    const result = await locateWorkload(
      failureReport({ kind: 'StatefulSet', name: 'redis-master', namespace: 'orders', container: 'redis', cluster: 'staging' }),
      index,
    );
    const found = expectFound(result);
    expect(found.file).toBe('apps/staging/redis-helmrelease.yaml');
    const resolution = found.resolve({ fixKind: 'resources', container: 'redis', path: ['resources', 'limits', 'memory'], value: '512Mi' });
    expect(resolution).toMatchObject({ ok: true, edits: [{ path: ['spec', 'values', 'master', 'resources', 'limits', 'memory'] }] });
    if (resolution.ok) expect(resolution.note).toContain('assuming the usual values layout');
  });

  it('reads the values paths from an in-repository chart and still edits spec.values', async () => {
    const found = expectFound(await locateWorkload(failureReport({ name: 'orders-api', namespace: 'orders', container: 'api', cluster: 'staging' }), index));
    expect(found.file).toBe('apps/staging/orders-helmrelease.yaml');
    expect(containerOf(found)).toMatchObject({ image: 'ghcr.io/acme-shop/orders-api:0.14.0-rc.1', resources: { limits: { memory: '384Mi' } } });
    expect(found.resolve({ fixKind: 'resources', container: 'api', path: ['resources', 'limits', 'memory'], value: '768Mi' })).toMatchObject({
      ok: true,
      edits: [{ file: 'apps/staging/orders-helmrelease.yaml', path: ['spec', 'values', 'api', 'resources', 'limits', 'memory'], value: '768Mi' }],
    });
    expect(found.resolve({ fixKind: 'image', container: 'api', path: ['image'], value: 'ghcr.io/acme-shop/orders-api:0.14.0' })).toMatchObject({
      ok: true,
      edits: [{ file: 'apps/staging/orders-helmrelease.yaml', path: ['spec', 'values', 'api', 'image', 'tag'], value: '0.14.0' }],
    });
  });

  it('refuses to add to a list that only the chart declares, since spec.values would replace it', async () => {
    const found = expectFound(await locateWorkload(failureReport({ name: 'orders-api', namespace: 'orders', container: 'api', cluster: 'production' }), index));
    expect(found.resolve({ fixKind: 'env', container: 'api', path: ['env', 'LOG_LEVEL', 'value'], value: 'debug' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('would replace the whole list'),
    });
  });
});
