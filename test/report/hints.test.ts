import { describe, expect, it } from 'vitest';
import { collectSourceHints, extractSourceHints } from '../../src/report/hints.js';

describe('extractSourceHints', () => {
  it('parses an Argo CD tracking id and the instance label', () => {
    expect(
      extractSourceHints(
        { 'app.kubernetes.io/instance': 'checkout' },
        { 'argocd.argoproj.io/tracking-id': 'shop-prod:apps/Deployment:shop/checkout' },
      ),
    ).toEqual({ argocd: { trackingId: 'shop-prod:apps/Deployment:shop/checkout', instance: 'checkout', application: 'shop-prod' } });
  });

  it('strips the namespace prefix Argo CD adds to apps in any namespace', () => {
    const hints = extractSourceHints({}, { 'argocd.argoproj.io/tracking-id': 'argocd_analytics-prod:batch/CronJob:analytics/nightly-report' });
    expect(hints.argocd?.application).toBe('analytics-prod');
  });

  it('reads Flux Kustomization and HelmRelease labels', () => {
    expect(
      extractSourceHints(
        {
          'kustomize.toolkit.fluxcd.io/name': 'apps',
          'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
          'helm.toolkit.fluxcd.io/name': 'podinfo',
          'helm.toolkit.fluxcd.io/namespace': 'podinfo',
        },
        {},
      ),
    ).toEqual({
      flux: { kustomization: { name: 'apps', namespace: 'flux-system' }, helmRelease: { name: 'podinfo', namespace: 'podinfo' } },
    });
  });

  it('reads the Helm release annotations', () => {
    expect(extractSourceHints({}, { 'meta.helm.sh/release-name': 'frontend', 'meta.helm.sh/release-namespace': 'web' })).toEqual({
      helm: { releaseName: 'frontend', releaseNamespace: 'web' },
    });
  });

  it('parses the kustomize origin annotation, a YAML document', () => {
    const origin = 'path: apps/payments/base/deployment.yaml\nrepo: https://github.com/acme/platform-gitops\nref: main\n';
    expect(extractSourceHints({}, { 'config.kubernetes.io/origin': origin }).kustomizeOrigin).toEqual({
      path: 'apps/payments/base/deployment.yaml',
      repo: 'https://github.com/acme/platform-gitops',
      ref: 'main',
    });
  });

  it('ignores a malformed origin and empty values instead of failing', () => {
    expect(extractSourceHints({ 'app.kubernetes.io/instance': '  ' }, { 'config.kubernetes.io/origin': 'path: [unclosed' })).toEqual({});
    expect(extractSourceHints(undefined, undefined)).toEqual({});
  });
});

describe('collectSourceHints', () => {
  it('lets the workload win over the pod and fills gaps from the pod', () => {
    const hints = collectSourceHints([
      { labels: { 'kustomize.toolkit.fluxcd.io/name': 'payments', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' }, annotations: {} },
      {
        labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' },
        annotations: { 'meta.helm.sh/release-name': 'payments' },
      },
    ]);
    expect(hints).toEqual({
      flux: { kustomization: { name: 'payments', namespace: 'flux-system' } },
      helm: { releaseName: 'payments' },
    });
  });
});
