import { describe, expect, it } from 'vitest';
import { declaredConfigs, declaredImages, envValuesElsewhere, pathCloseness } from '../../../src/diagnose/rules/repo-facts.js';
import { contextFor, loadReport, memoryIndex } from '../support.js';

describe('images the repository declares', () => {
  it('reads manifests, kustomize images, Helm values and HelmRelease values', async () => {
    const index = memoryIndex({
      'base/deploy.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      initContainers:\n        - {name: migrate, image: "ghcr.io/acme/web:1.0.0"}\n      containers:\n        - {name: web, image: "ghcr.io/acme/web:1.0.0"}\n',
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\nimages:\n  - name: ghcr.io/acme/web\n    newName: registry.acme.io/web\n    newTag: 1.1.0\n',
      'chart/values.yaml': 'image:\n  registry: ghcr.io\n  repository: acme/api\n  tag: ""\nsidecar:\n  image: envoyproxy/envoy:v1.31.2\n',
      'flux/web.yaml':
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: flux-system}\nspec:\n  values:\n    image:\n      repository: ghcr.io/acme/web\n      tag: 1.0.3\n',
    });
    const images = await declaredImages(index);
    expect(images.map(({ file, source, repository, tag }) => [file, source, repository, tag])).toEqual([
      ['base/deploy.yaml', 'manifest', 'ghcr.io/acme/web', '1.0.0'],
      ['base/deploy.yaml', 'manifest', 'ghcr.io/acme/web', '1.0.0'],
      ['flux/web.yaml', 'helmrelease-values', 'ghcr.io/acme/web', '1.0.3'],
      ['overlays/prod/kustomization.yaml', 'kustomize-images', 'registry.acme.io/web', '1.1.0'],
      ['chart/values.yaml', 'helm-values', 'ghcr.io/acme/api', null],
      ['chart/values.yaml', 'helm-values', 'envoyproxy/envoy', 'v1.31.2'],
    ]);
  });

  it('skips files that do not parse', async () => {
    const index = memoryIndex({ 'kustomization.yaml': 'images: [\n  - bad' });
    expect(await declaredImages(index)).toEqual([]);
  });
});

describe('ConfigMaps and Secrets the repository declares', () => {
  it('reads manifests and kustomize generators with their keys, prefixes and namespaces', async () => {
    const index = memoryIndex({
      'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config, namespace: shop}\ndata: {A: "1"}\nbinaryData: {logo.png: AAAA}\n',
      'app/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {PASSWORD: x}\n',
      'app/kustomization.yaml':
        'namespace: shop\nnamePrefix: prod-\nnameSuffix: -v1\nconfigMapGenerator:\n  - name: settings\n    literals: [LOG_LEVEL=info]\n    files: [nginx.conf, custom=conf/custom.ini]\nsecretGenerator:\n  - name: api\n    envs: [api.env]\n',
      'app/api.env': '# comment\nAPI_TOKEN=abc\n\nAPI_URL=https://x\n',
    });
    const configs = await declaredConfigs(index);
    expect(configs).toEqual([
      { kind: 'ConfigMap', name: 'app-config', namespace: 'shop', file: 'app/cm.yaml', keys: ['A', 'logo.png'], via: 'ConfigMap manifest' },
      { kind: 'Secret', name: 'db', namespace: null, file: 'app/secret.yaml', keys: ['PASSWORD'], via: 'Secret manifest' },
      { kind: 'ConfigMap', name: 'prod-settings-v1', namespace: 'shop', file: 'app/kustomization.yaml', keys: ['LOG_LEVEL', 'nginx.conf', 'custom'], via: 'kustomize configMapGenerator' },
      { kind: 'Secret', name: 'prod-api-v1', namespace: 'shop', file: 'app/kustomization.yaml', keys: ['API_TOKEN', 'API_URL'], via: 'kustomize secretGenerator' },
    ]);
    expect(JSON.stringify(configs)).not.toContain('abc');
  });
});

describe('env values of the same app elsewhere', () => {
  it('finds the same container under another environment\'s name prefix, not other apps', () => {
    const report = loadReport('crashloop-node-missing-env');
    const deployment = (name: string, container: string, value: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${container}\n          image: x\n          env: [{name: REDIS_URL, value: "${value}"}]\n`;
    const context = contextFor(report, {
      files: {
        'prod/cart.yaml': deployment('cart', 'cart', 'unused'),
        'staging/cart.yaml': deployment('staging-cart', 'cart', 'redis://a'),
        'staging/carts-api.yaml': deployment('cartography', 'cart', 'redis://b'),
        'staging/other.yaml': deployment('cart', 'sidecar', 'redis://c'),
      },
      at: ['prod/cart.yaml', 'Deployment', 'cart'],
    });
    expect(envValuesElsewhere(context, 'cart', 'REDIS_URL')).toEqual([
      { file: 'staging/cart.yaml', workload: 'Deployment/staging-cart', namespace: null, value: 'redis://a' },
    ]);
  });

  it('measures closeness as the shared directory depth', () => {
    expect(pathCloseness('clusters/eu/prod/a.yaml', 'clusters/eu/staging/a.yaml')).toBe(2);
    expect(pathCloseness('a.yaml', 'b.yaml')).toBe(0);
  });
});
