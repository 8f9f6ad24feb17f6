import { beforeAll, describe, expect, it } from 'vitest';
import { locateWorkload } from '../../src/locate/locate.js';
import type { RepoIndex, SourceLocation } from '../../src/locate/types.js';
import { alternativeFiles, expectFound, failureReport, indexFixture } from './support.js';

const CONTAINER = ['spec', 'template', 'spec', 'containers', 0];

function containerOf(location: SourceLocation): Record<string, unknown> {
  const spec = (location.workload as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } }).spec;
  return spec.template.spec.containers[0] as Record<string, unknown>;
}

describe('locating kustomize overlays', () => {
  let index: RepoIndex;
  const locate = async (name: string, namespace: string, extra: Partial<Parameters<typeof failureReport>[0]> = {}) =>
    locateWorkload(failureReport({ name, namespace, container: 'checkout', ...extra }), index);

  beforeAll(async () => {
    index = await indexFixture('kustomize-overlays');
  });

  it('maps a prefixed and suffixed live name back to the base manifest', async () => {
    const found = expectFound(await locate('prod-checkout-v2', 'shop-prod'));
    expect(found).toMatchObject({ form: 'kustomize', file: 'base/checkout/deployment.yaml', documentIndex: 0, name: 'prod-checkout-v2', namespace: 'shop-prod' });
    expect(found.via).toContain('overlays/prod/kustomization.yaml sets namePrefix prod-, nameSuffix -v2, namespace shop-prod');
  });

  it('follows a chain of prefixes through an overlay of an overlay', async () => {
    const found = expectFound(await locate('canary-prod-checkout-v2', 'shop-prod'));
    expect(found.file).toBe('base/checkout/deployment.yaml');
    expect(found.via.some((line) => line.startsWith('kustomize build overlays/prod-canary'))).toBe(true);
  });

  it('shows the workload with the overlay patch and the images transformers applied', async () => {
    const found = expectFound(await locate('prod-checkout-v2', 'shop-prod'));
    expect(containerOf(found)).toMatchObject({
      image: 'registry.acme.io/shop/checkout:1.8.2',
      resources: { limits: { memory: '512Mi' }, requests: { cpu: '100m', memory: '384Mi' } },
    });
    expect(found.workload).toMatchObject({ metadata: { name: 'prod-checkout-v2', namespace: 'shop-prod' } });
  });

  it('applies component patches and JSON 6902 operations to the workload it shows', async () => {
    const found = expectFound(await locate('staging-checkout', 'shop-staging'));
    expect(containerOf(found)).toMatchObject({
      image: 'ghcr.io/acme-shop/checkout:1.8.3',
      livenessProbe: { initialDelaySeconds: 30 },
      env: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector.observability:4317' },
        { name: 'FEATURE_NEW_CART', value: 'true' },
      ],
    });
  });

  it('edits the strategic merge patch that sets the memory limit in prod', async () => {
    const found = expectFound(await locate('prod-checkout-v2', 'shop-prod'));
    const resolution = found.resolve({ fixKind: 'resources', container: 'checkout', path: ['resources', 'limits', 'memory'], value: '1Gi' });
    expect(resolution).toMatchObject({
      ok: true,
      edits: [{ file: 'overlays/prod/memory-limits.yaml', documentIndex: 0, path: [...CONTAINER, 'resources', 'limits', 'memory'], value: '1Gi' }],
    });
  });

  it('edits the base when no overlay sets the field, and says which overlays share it', async () => {
    const found = expectFound(await locate('staging-checkout', 'shop-staging'));
    const resolution = found.resolve({ fixKind: 'resources', container: 'checkout', path: ['resources', 'limits', 'memory'], value: '512Mi' });
    expect(resolution).toMatchObject({ ok: true, edits: [{ file: 'base/checkout/deployment.yaml', path: [...CONTAINER, 'resources', 'limits', 'memory'] }] });
    if (resolution.ok) expect(resolution.note).toContain('overlays/prod');
  });

  it('edits the value of the JSON 6902 operation that sets a probe field', async () => {
    const found = expectFound(await locate('staging-checkout', 'shop-staging'));
    const resolution = found.resolve({ fixKind: 'probes', container: 'checkout', path: ['livenessProbe', 'initialDelaySeconds'], value: 60 });
    expect(resolution).toMatchObject({ ok: true, edits: [{ file: 'overlays/staging/checkout-probes.yaml', documentIndex: 0, path: [0, 'value'], value: 60 }] });
  });

  it('edits the JSON 6902 operation that appends an env var', async () => {
    const found = expectFound(await locate('staging-checkout', 'shop-staging'));
    const resolution = found.resolve({ fixKind: 'env', container: 'checkout', path: ['env', 'FEATURE_NEW_CART', 'value'], value: 'false' });
    expect(resolution).toMatchObject({ ok: true, edits: [{ file: 'overlays/staging/checkout-probes.yaml', documentIndex: 0, path: [1, 'value', 'value'], value: 'false' }] });
  });

  it('edits the component patch that sets an env var', async () => {
    const found = expectFound(await locate('staging-checkout', 'shop-staging'));
    const resolution = found.resolve({ fixKind: 'env', container: 'checkout', path: ['env', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'value'], value: 'http://otel:4317' });
    expect(resolution).toMatchObject({ ok: true, edits: [{ file: 'components/tracing/otel-env.yaml', path: [...CONTAINER, 'env', 0, 'value'] }] });
  });

  it('edits a config reference in the base when no overlay touches it', async () => {
    const found = expectFound(await locate('prod-checkout-v2', 'shop-prod'));
    expect(found.resolve({ fixKind: 'config-reference', container: 'checkout', path: ['envFrom', 0, 'configMapRef', 'name'], value: 'checkout-config' })).toMatchObject({
      ok: true,
      edits: [{ file: 'base/checkout/deployment.yaml', path: [...CONTAINER, 'envFrom', 0, 'configMapRef', 'name'], value: 'checkout-config' }],
    });
  });

  it('refuses to rewrite a field that an inline patch sets', async () => {
    const found = expectFound(await locate('dev-checkout', 'shop-dev'));
    expect(containerOf(found)).toMatchObject({ env: [{ name: 'LOG_LEVEL', value: 'debug' }] });
    const resolution = found.resolve({ fixKind: 'env', container: 'checkout', path: ['env', 'LOG_LEVEL', 'value'], value: 'info' });
    expect(resolution).toMatchObject({ ok: false, reason: expect.stringContaining('inline patch in overlays/dev/kustomization.yaml') });
  });

  describe('image changes', () => {
    it('sets newTag on the outermost images entry when the name stays', async () => {
      const found = expectFound(await locate('staging-checkout', 'shop-staging'));
      expect(found.resolve({ fixKind: 'image', container: 'checkout', path: ['image'], value: 'ghcr.io/acme-shop/checkout:1.8.4' })).toMatchObject({
        ok: true,
        edits: [{ file: 'overlays/staging/kustomization.yaml', documentIndex: 0, path: ['images', 0, 'newTag'], value: '1.8.4' }],
      });
    });

    it('prefers the outermost overlay over inner ones that rename the image', async () => {
      const found = expectFound(await locate('canary-prod-checkout-v2', 'shop-prod'));
      expect(containerOf(found).image).toBe('registry.acme.io/shop/checkout:1.9.0');
      const resolution = found.resolve({ fixKind: 'image', container: 'checkout', path: ['image'], value: 'registry.acme.io/shop/checkout:1.8.9' });
      expect(resolution).toMatchObject({ ok: true, edits: [{ file: 'overlays/prod-canary/kustomization.yaml', path: ['images', 0, 'newTag'], value: '1.8.9' }] });
    });

    it('sets newName and newTag when the repository changes', async () => {
      const found = expectFound(await locate('prod-checkout-v2', 'shop-prod'));
      const resolution = found.resolve({ fixKind: 'image', container: 'checkout', path: ['image'], value: 'ghcr.io/acme-shop/checkout:1.8.2' });
      expect(resolution).toMatchObject({
        ok: true,
        edits: [
          { file: 'overlays/prod/kustomization.yaml', path: ['images', 0, 'newName'], value: 'ghcr.io/acme-shop/checkout' },
          { file: 'overlays/prod/kustomization.yaml', path: ['images', 0, 'newTag'], value: '1.8.2' },
        ],
      });
    });

    it('edits the image in the base when no images entry matches it', async () => {
      const found = expectFound(await locate('prod-order-worker-v2', 'shop-prod', { container: 'worker' }));
      expect(found.resolve({ fixKind: 'image', container: 'worker', path: ['image'], value: 'ghcr.io/acme-shop/order-worker:2.3.2' })).toMatchObject({
        ok: true,
        edits: [{ file: 'base/order-worker/deployment.yaml', path: [...CONTAINER, 'image'], value: 'ghcr.io/acme-shop/order-worker:2.3.2' }],
      });
    });
  });

  it('keeps only the outermost kustomization when inner ones render the same name', async () => {
    const result = await locate('checkout', 'shop');
    // base/ and base/checkout/ both render the unprefixed name; base/ includes base/checkout/.
    expect(expectFound(result).via[0]).toMatch(/^kustomize build base /);
    expect(alternativeFiles(result)).toEqual([]);
  });

  it('matches the kustomize origin annotation to the base file', async () => {
    const found = expectFound(
      await locate('prod-checkout-v2', 'shop-prod', { annotations: { 'config.kubernetes.io/origin': 'path: ../../base/checkout/deployment.yaml\n' } }),
    );
    expect(found.via[0]).toBe('kustomize origin annotation names ../../base/checkout/deployment.yaml');
  });
});
