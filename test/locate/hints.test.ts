import { describe, expect, it } from 'vitest';
import { collectHints, parseTrackingId } from '../../src/locate/hints.js';
import { failureReport } from './support.js';

describe('parseTrackingId', () => {
  it('reads the application name of an Argo CD tracking id', () => {
    expect(parseTrackingId('checkout-prod:apps/Deployment:shop/checkout')).toEqual({ application: 'checkout-prod', namespace: null });
    expect(parseTrackingId('guestbook:/Service:guestbook/guestbook-ui')).toEqual({ application: 'guestbook', namespace: null });
  });

  it('splits apps-in-any-namespace names on the underscore', () => {
    expect(parseTrackingId('team-a_checkout:apps/Deployment:shop/checkout')).toEqual({ application: 'checkout', namespace: 'team-a' });
  });

  it('accepts the old semicolon format', () => {
    expect(parseTrackingId('legacy;apps/Deployment/shop/checkout')?.application).toBe('legacy');
  });
});

describe('collectHints', () => {
  it('falls back to the pod labels and annotations when the report carries no source hints', () => {
    const hints = collectHints(
      failureReport({
        name: 'checkout',
        namespace: 'shop',
        labels: {
          'kustomize.toolkit.fluxcd.io/name': 'apps',
          'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
          'helm.toolkit.fluxcd.io/name': 'checkout',
          'helm.toolkit.fluxcd.io/namespace': 'shop',
        },
        annotations: {
          'argocd.argoproj.io/tracking-id': 'checkout-prod:apps/Deployment:shop/checkout',
          'meta.helm.sh/release-name': 'checkout',
          'config.kubernetes.io/origin': 'path: ../../base/checkout/deployment.yaml\n',
        },
      }),
    );
    expect(hints.argoApplications).toEqual(['checkout-prod']);
    expect(hints.fluxKustomization).toEqual({ name: 'apps', namespace: 'flux-system' });
    expect(hints.fluxHelmRelease).toEqual({ name: 'checkout', namespace: 'shop' });
    expect(hints.helmReleases).toEqual(['checkout']);
    expect(hints.originPath).toBe('../../base/checkout/deployment.yaml');
  });

  it('prefers the report source hints and treats the instance label as an application or release name', () => {
    const hints = collectHints(
      failureReport({
        name: 'checkout',
        namespace: 'shop',
        labels: { 'app.kubernetes.io/instance': 'shop-checkout' },
        sourceHints: { argocd: { path: './apps/checkout/overlays/prod/' }, kustomizeOrigin: { path: 'base/deployment.yaml', repo: 'github.com/acme/remote' } },
      }),
    );
    expect(hints.argoApplications).toEqual(['shop-checkout']);
    expect(hints.helmReleases).toEqual(['shop-checkout']);
    expect(hints.argoPath).toBe('apps/checkout/overlays/prod');
    // An origin in a remote base points outside this repository.
    expect(hints.originPath).toBeNull();
  });
});
