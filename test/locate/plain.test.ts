import { beforeAll, describe, expect, it } from 'vitest';
import { locateWorkload } from '../../src/locate/locate.js';
import type { RepoIndex } from '../../src/locate/types.js';
import { alternativeFiles, expectFound, failureReport, indexFixture } from './support.js';

describe('locating plain manifests', () => {
  let index: RepoIndex;
  beforeAll(async () => {
    index = await indexFixture('plain-multi-service');
  });

  it('finds a Deployment by kind and name and reads it as declared', async () => {
    const result = await locateWorkload(failureReport({ name: 'checkout', namespace: 'shop' }), index);
    const found = expectFound(result);
    expect(found).toMatchObject({ form: 'plain', file: 'apps/checkout/deployment.yaml', documentIndex: 0, kind: 'Deployment', name: 'checkout', namespace: 'shop' });
    expect(alternativeFiles(result)).toEqual([]);
    expect(found.workload).toMatchObject({
      spec: { template: { spec: { containers: [{ name: 'checkout', resources: { limits: { memory: '256Mi' } } }] } } },
    });
  });

  it('maps resources, image, probe, env and config-reference changes to paths in the declaring document', async () => {
    const found = expectFound(await locateWorkload(failureReport({ name: 'checkout', namespace: 'shop' }), index));
    const container = ['spec', 'template', 'spec', 'containers', 0];
    const edit = (path: (string | number)[], value: string | number) =>
      found.resolve({ fixKind: 'resources', container: 'checkout', path, value });
    expect(edit(['resources', 'limits', 'memory'], '512Mi')).toEqual({
      ok: true,
      edits: [{ file: 'apps/checkout/deployment.yaml', documentIndex: 0, path: [...container, 'resources', 'limits', 'memory'], value: '512Mi' }],
    });
    expect(edit(['image'], 'ghcr.io/acme-shop/checkout:1.8.1')).toMatchObject({ ok: true, edits: [{ path: [...container, 'image'] }] });
    expect(edit(['livenessProbe', 'httpGet', 'port'], 'http')).toMatchObject({ ok: true, edits: [{ path: [...container, 'livenessProbe', 'httpGet', 'port'], value: 'http' }] });
    expect(edit(['env', 'CART_CACHE_TTL', 'valueFrom', 'configMapKeyRef', 'name'], 'checkout-config')).toMatchObject({
      ok: true,
      edits: [{ path: [...container, 'env', 2, 'valueFrom', 'configMapKeyRef', 'name'] }],
    });
  });

  it('appends an env var the container does not declare, naming it first', async () => {
    const found = expectFound(await locateWorkload(failureReport({ name: 'checkout', namespace: 'shop' }), index));
    const resolution = found.resolve({ fixKind: 'env', container: 'checkout', path: ['env', 'FEATURE_FLAGS', 'value'], value: 'on' });
    expect(resolution).toMatchObject({
      ok: true,
      edits: [
        { path: ['spec', 'template', 'spec', 'containers', 0, 'env', 3, 'name'], value: 'FEATURE_FLAGS' },
        { path: ['spec', 'template', 'spec', 'containers', 0, 'env', 3, 'value'], value: 'on' },
      ],
    });
  });

  it('addresses init containers and pod-level fields', async () => {
    const found = expectFound(await locateWorkload(failureReport({ name: 'cart', namespace: 'shop', container: 'wait-for-redis' }), index));
    expect(found).toMatchObject({ file: 'apps/cart/cart.yaml', documentIndex: 1 });
    expect(found.resolve({ fixKind: 'resources', container: 'wait-for-redis', path: ['resources', 'limits', 'memory'], value: '64Mi' })).toMatchObject({
      ok: true,
      edits: [{ documentIndex: 1, path: ['spec', 'template', 'spec', 'initContainers', 0, 'resources', 'limits', 'memory'] }],
    });
    expect(found.resolve({ fixKind: 'scheduling', container: null, path: ['nodeSelector', 'pool'], value: 'general' })).toMatchObject({
      ok: true,
      edits: [{ path: ['spec', 'template', 'spec', 'nodeSelector', 'pool'] }],
    });
  });

  it('picks the second container by name, not by position', async () => {
    const found = expectFound(await locateWorkload(failureReport({ name: 'frontend', namespace: 'shop', container: 'nginx' }), index));
    expect(found.resolve({ fixKind: 'resources', container: 'nginx', path: ['resources', 'limits', 'memory'], value: '64Mi' })).toMatchObject({
      ok: true,
      edits: [{ path: ['spec', 'template', 'spec', 'containers', 1, 'resources', 'limits', 'memory'] }],
    });
  });

  it('refuses a change for a container the manifest does not declare', async () => {
    const found = expectFound(await locateWorkload(failureReport({ name: 'frontend', namespace: 'shop', container: 'nginx' }), index));
    expect(found.resolve({ fixKind: 'resources', container: 'istio-proxy', path: ['resources'], value: 'x' })).toMatchObject({ ok: false });
  });

  it('uses the CronJob and StatefulSet pod template paths', async () => {
    const cron = expectFound(await locateWorkload(failureReport({ kind: 'CronJob', name: 'nightly-report', namespace: 'shop', container: 'report' }), index));
    expect(cron.resolve({ fixKind: 'resources', container: 'report', path: ['resources', 'limits', 'memory'], value: '1Gi' })).toMatchObject({
      ok: true,
      edits: [{ file: 'apps/reports/cronjob.yaml', path: ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'memory'] }],
    });
    const sts = expectFound(await locateWorkload(failureReport({ kind: 'StatefulSet', name: 'postgres', namespace: 'shop' }), index));
    expect(sts).toMatchObject({ file: 'apps/postgres/statefulset.yaml', documentIndex: 1 });
  });

  it('prefixes edits of a List item with its position in items', async () => {
    const found = expectFound(await locateWorkload(failureReport({ name: 'inventory', namespace: 'shop' }), index));
    expect(found.resolve({ fixKind: 'resources', container: 'inventory', path: ['resources', 'limits', 'memory'], value: '384Mi' })).toMatchObject({
      ok: true,
      edits: [{ file: 'apps/inventory/inventory.yaml', documentIndex: 0, path: ['items', 1, 'spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'memory'] }],
    });
  });

  it('chooses the environment folder that matches the cluster name', async () => {
    const result = await locateWorkload(failureReport({ name: 'payments', namespace: 'payments', cluster: 'prod-eu-1' }), index);
    expect(expectFound(result).file).toBe('environments/prod/payments/deployment.yaml');
    expect(alternativeFiles(result)).toEqual(['environments/staging/payments/deployment.yaml']);
    expect(expectFound(result).via.some((line) => line.includes('ambiguous'))).toBe(false);
  });

  it('reports the ambiguity instead of guessing when nothing tells the copies apart', async () => {
    const result = await locateWorkload(failureReport({ name: 'payments', namespace: 'payments', cluster: 'eu-1' }), index);
    const found = expectFound(result);
    expect(found.via.find((line) => line.startsWith('ambiguous'))).toContain('2 sources rank equally');
    expect([found.file, ...alternativeFiles(result)].sort()).toEqual([
      'environments/prod/payments/deployment.yaml',
      'environments/staging/payments/deployment.yaml',
    ]);
  });

  it('never offers the broken file and says so when nothing declares the workload', async () => {
    const result = await locateWorkload(failureReport({ name: 'recommendations', namespace: 'shop' }), index);
    expect(result.found).toBeNull();
    if (result.found === null) expect(result.reason).toContain('Deployment shop/recommendations');
  });

  it('lists similarly named workloads when the name is not found', async () => {
    const result = await locateWorkload(failureReport({ name: 'checkout-v2', namespace: 'shop' }), index);
    expect(result).toMatchObject({ found: null, candidates: ['apps/checkout/deployment.yaml: Deployment/checkout'] });
  });
});
