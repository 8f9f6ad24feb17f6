import { beforeAll, describe, expect, it } from 'vitest';
import { locateWorkload } from '../../src/locate/locate.js';
import type { RepoIndex, SourceLocation } from '../../src/locate/types.js';
import { alternativeFiles, expectFound, failureReport, indexFixture } from './support.js';

function containerOf(location: SourceLocation): Record<string, unknown> {
  const spec = (location.workload as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } }).spec;
  return spec.template.spec.containers[0] as Record<string, unknown>;
}

describe('locating a Helm chart kept in the repository', () => {
  let index: RepoIndex;
  const locate = (cluster: string, namespace = 'storefront', extra: Partial<Parameters<typeof failureReport>[0]> = {}) =>
    locateWorkload(failureReport({ name: 'storefront', namespace, cluster, ...extra }), index);

  beforeAll(async () => {
    index = await indexFixture('helm-chart');
  });

  it('picks the environment values file named like the cluster', async () => {
    const result = await locate('prod-us-east-1');
    const found = expectFound(result);
    expect(found).toMatchObject({ form: 'helm', file: 'charts/storefront/values-prod.yaml', kind: 'Deployment', name: 'storefront' });
    expect(alternativeFiles(result).sort()).toEqual(['charts/storefront/values-staging.yaml', 'charts/storefront/values.yaml']);
  });

  it('renders the workload with the environment values substituted', async () => {
    const prod = expectFound(await locate('prod-us-east-1'));
    expect(containerOf(prod)).toMatchObject({
      name: 'storefront',
      image: 'ghcr.io/acme-shop/storefront:3.4.1',
      resources: { limits: { memory: '1Gi' } },
      livenessProbe: { httpGet: { path: '/api/healthz', port: 'http' } },
      ports: [{ name: 'http', containerPort: 3000 }],
    });
    const staging = expectFound(await locate('staging-1'));
    expect(containerOf(staging)).toMatchObject({ image: 'ghcr.io/acme-shop/storefront:3.5.0-rc.2', resources: { limits: { memory: '512Mi' } } });
    expect((staging.workload as { spec: { replicas: number } }).spec.replicas).toBe(1);
  });

  it('edits the environment values file when it sets the key', async () => {
    const found = expectFound(await locate('prod-us-east-1'));
    expect(found.resolve({ fixKind: 'resources', container: 'storefront', path: ['resources', 'limits', 'memory'], value: '2Gi' })).toMatchObject({
      ok: true,
      edits: [{ file: 'charts/storefront/values-prod.yaml', documentIndex: 0, path: ['resources', 'limits', 'memory'], value: '2Gi' }],
    });
  });

  it('edits values.yaml when the environment file does not set the key', async () => {
    const found = expectFound(await locate('staging-1'));
    expect(found.resolve({ fixKind: 'resources', container: 'storefront', path: ['resources', 'limits', 'memory'], value: '1Gi' })).toMatchObject({
      ok: true,
      edits: [{ file: 'charts/storefront/values.yaml', path: ['resources', 'limits', 'memory'] }],
    });
  });

  it('maps an image change to the values the template reads, per environment', async () => {
    const staging = expectFound(await locate('staging-1'));
    expect(staging.resolve({ fixKind: 'image', container: 'storefront', path: ['image'], value: 'ghcr.io/acme-shop/storefront:3.5.0' })).toMatchObject({
      ok: true,
      edits: [{ file: 'charts/storefront/values-staging.yaml', path: ['image', 'tag'], value: '3.5.0' }],
    });
    const prod = expectFound(await locate('prod-us-east-1'));
    expect(prod.resolve({ fixKind: 'image', container: 'storefront', path: ['image'], value: 'ghcr.io/acme-shop/storefront:3.4.2' })).toMatchObject({
      ok: true,
      edits: [{ file: 'charts/storefront/values.yaml', path: ['image', 'tag'], value: '3.4.2' }],
    });
  });

  it('maps probe and env changes through toYaml of their values', async () => {
    const staging = expectFound(await locate('staging-1'));
    expect(staging.resolve({ fixKind: 'probes', container: 'storefront', path: ['livenessProbe', 'httpGet', 'path'], value: '/healthz' })).toMatchObject({
      ok: true,
      edits: [{ file: 'charts/storefront/values.yaml', path: ['livenessProbe', 'httpGet', 'path'], value: '/healthz' }],
    });
    // values-staging.yaml declares its own env list, which replaces the default one.
    expect(staging.resolve({ fixKind: 'env', container: 'storefront', path: ['env', 'FEATURE_FLAGS', 'value'], value: 'new-search,cart-v2' })).toMatchObject({
      ok: true,
      edits: [{ file: 'charts/storefront/values-staging.yaml', path: ['env', 2, 'value'] }],
    });
  });

  it('never edits a template: a field written literally there is refused', async () => {
    const result = await locateWorkload(failureReport({ kind: 'Job', name: 'storefront-migrate', namespace: 'storefront', container: 'migrate', cluster: 'prod-1' }), index);
    const found = expectFound(result);
    expect(found.resolve({ fixKind: 'image', container: 'migrate', path: ['image'], value: 'ghcr.io/acme-shop/storefront-migrations:3.4.2' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('templates are never edited'),
    });
  });

  it('prefers the chart defaults when neither the cluster nor the namespace names an environment, and the namespace when it does', async () => {
    const result = await locate('eu-1', 'storefront');
    // The chart defaults serve any environment; environment files name one, so they rank lower.
    expect(expectFound(result).file).toBe('charts/storefront/values.yaml');
    const twin = await locate('eu-1', 'storefront-staging');
    expect(expectFound(twin).file).toBe('charts/storefront/values-staging.yaml');
  });

  it('ignores a chart whose template does not declare the failing container', async () => {
    const result = await locateWorkload(failureReport({ name: 'storefront', namespace: 'storefront', container: 'istio-proxy' }), index);
    expect(result.found).toBeNull();
  });
});
