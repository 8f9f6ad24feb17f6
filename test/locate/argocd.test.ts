import { beforeAll, describe, expect, it } from 'vitest';
import { locateWorkload } from '../../src/locate/locate.js';
import type { RepoIndex } from '../../src/locate/types.js';
import { expectFound, failureReport, indexFixture } from './support.js';

describe('locating workloads deployed by Argo CD Applications', () => {
  let index: RepoIndex;
  beforeAll(async () => {
    index = await indexFixture('argocd-apps');
  });

  it('follows the tracking id to the Application and its overlay path', async () => {
    const annotations = { 'argocd.argoproj.io/tracking-id': 'billing-production:apps/Deployment:billing/billing' };
    const found = expectFound(await locateWorkload(failureReport({ name: 'billing', namespace: 'billing', cluster: 'eu-1', annotations }), index));
    expect(found.via[0]).toBe('Argo CD Application billing-production (argocd/apps/billing-production.yaml) deploys apps/billing/overlays/production');
    expect(found.resolve({ fixKind: 'env', container: 'billing', path: ['env', 'INVOICE_BUCKET', 'value'], value: 'acme-invoices-eu' })).toMatchObject({
      ok: true,
      edits: [{ file: 'apps/billing/overlays/production/billing-env.yaml', path: ['spec', 'template', 'spec', 'containers', 0, 'env', 0, 'value'] }],
    });
  });

  it('follows the instance label in label tracking mode', async () => {
    const labels = { 'app.kubernetes.io/instance': 'billing-staging' };
    const found = expectFound(await locateWorkload(failureReport({ name: 'billing', namespace: 'billing', cluster: 'eu-1', labels }), index));
    expect(found.via[0]).toContain('Argo CD Application billing-staging');
    // Staging has no patch for the env var: the base declares it.
    expect(found.resolve({ fixKind: 'env', container: 'billing', path: ['env', 'INVOICE_BUCKET', 'value'], value: 'acme-invoices-stg' })).toMatchObject({
      ok: true,
      edits: [{ file: 'apps/billing/base/deployment.yaml' }],
    });
  });

  it('uses the Application source path the agent reported', async () => {
    const found = expectFound(
      await locateWorkload(failureReport({ name: 'billing', namespace: 'billing', cluster: 'eu-1', sourceHints: { argocd: { path: 'apps/billing/overlays/staging' } } }), index),
    );
    expect(found.via[0]).toBe('Argo CD source path apps/billing/overlays/staging contains apps/billing/overlays/staging');
  });

  it('matches the destination cluster of the Applications when no hint is present', async () => {
    const found = expectFound(await locateWorkload(failureReport({ name: 'billing', namespace: 'billing', cluster: 'prod-eu-west-1' }), index));
    expect(found.via).toContain('argocd/apps/billing-production.yaml deploys apps/billing/overlays/production to cluster prod-eu-west-1');
    expect((found.workload as { spec: { template: { spec: { containers: { env: unknown[] }[] } } } }).spec.template.spec.containers[0]?.env).toEqual([
      { name: 'INVOICE_BUCKET', value: 'acme-invoices-prod' },
    ]);
  });

  it('uses the value files of the Application that deploys a chart', async () => {
    const annotations = { 'argocd.argoproj.io/tracking-id': 'notifier-production:apps/Deployment:notifications/notifier' };
    const found = expectFound(
      await locateWorkload(failureReport({ name: 'notifier', namespace: 'notifications', container: 'notifier', cluster: 'eu-1', annotations }), index),
    );
    expect(found).toMatchObject({ form: 'helm', file: 'charts/notifier/values-production.yaml' });
    expect(found.via.some((line) => line.startsWith('ambiguous'))).toBe(false);
    expect(found.resolve({ fixKind: 'resources', container: 'notifier', path: ['resources', 'limits', 'memory'], value: '512Mi' })).toMatchObject({
      ok: true,
      edits: [{ file: 'charts/notifier/values-production.yaml', path: ['resources', 'limits', 'memory'] }],
    });
  });

  it('uses the Helm release annotation to pick the release', async () => {
    const annotations = { 'meta.helm.sh/release-name': 'notifier' };
    const found = expectFound(
      await locateWorkload(failureReport({ name: 'notifier', namespace: 'notifications', container: 'notifier', cluster: 'staging', annotations }), index),
    );
    expect(found.file).toBe('charts/notifier/values-staging.yaml');
    expect(found.via).toContain('Helm release notifier');
  });
});
