import { describe, expect, it } from 'vitest';
import { imageRule, rankTags, repairImageName } from '../../../src/diagnose/rules/image.js';
import type { DeclaredImage } from '../../../src/diagnose/rules/repo-facts.js';
import { isPlaceholderTag } from '../../../src/diagnose/rules/image-reference.js';
import { contextFor, loadReport, unquotedEvidence, withReport } from '../support.js';

function paymentsDeployment(namespace: string, image: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments
  namespace: ${namespace}
spec:
  selector:
    matchLabels: {app: payments}
  template:
    metadata:
      labels: {app: payments}
    spec:
      containers:
        - name: payments
          image: ${image}
          ports:
            - containerPort: 8080
`;
}

const PROD = 'envs/prod/payments.yaml';
const AT: [string, string, string] = [PROD, 'Deployment', 'payments'];

describe('image pull failures: tag not found', () => {
  const report = loadReport('image-tag-not-found');

  it('proposes the single release tag the repository deploys elsewhere, with confidence', async () => {
    const files = {
      [PROD]: paymentsDeployment('payments', 'ghcr.io/acme/payments:1.9.0'),
      'envs/staging/payments.yaml': paymentsDeployment('payments-staging', 'ghcr.io/acme/payments:1.8.2'),
      'envs/dev/payments.yaml': paymentsDeployment('payments-dev', 'ghcr.io/acme/payments:latest'),
    };
    const diagnosis = await imageRule.diagnose(contextFor(report, { files, at: AT }));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'image', container: 'payments', path: ['image'], value: 'ghcr.io/acme/payments:1.8.2', previous: 'ghcr.io/acme/payments:1.9.0' },
    ]);
    expect(diagnosis?.confidence).toBeGreaterThanOrEqual(80);
    expect(diagnosis?.rationale).toContain('envs/staging/payments.yaml');
    expect(diagnosis?.evidence.some((line) => line.includes(': not found'))).toBe(true);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('is not confident when two environments deploy different tags at the same distance', async () => {
    const files = {
      [PROD]: paymentsDeployment('payments', 'ghcr.io/acme/payments:1.9.0'),
      'envs/staging/payments.yaml': paymentsDeployment('payments-staging', 'ghcr.io/acme/payments:1.8.2'),
      'envs/qa/payments.yaml': paymentsDeployment('payments-qa', 'ghcr.io/acme/payments:1.8.1'),
    };
    const diagnosis = await imageRule.diagnose(contextFor(report, { files, at: AT }));
    expect(diagnosis?.confidence).toBeLessThan(80);
    expect(diagnosis?.question).toMatch(/1\.8\.2.*1\.8\.1|1\.8\.1.*1\.8\.2/);
    expect(diagnosis?.alternatives?.length).toBe(1);
  });

  it('prefers the closest environment but stays below the PR threshold', async () => {
    const files = {
      'clusters/eu/prod/payments.yaml': paymentsDeployment('payments', 'ghcr.io/acme/payments:1.9.0'),
      'clusters/eu/staging/payments.yaml': paymentsDeployment('payments-staging', 'ghcr.io/acme/payments:1.8.2'),
      'clusters/us/prod/payments.yaml': paymentsDeployment('payments', 'ghcr.io/acme/payments:1.7.0'),
    };
    const diagnosis = await imageRule.diagnose(contextFor(report, { files, at: ['clusters/eu/prod/payments.yaml', 'Deployment', 'payments'] }));
    expect(diagnosis?.changes[0]?.value).toBe('ghcr.io/acme/payments:1.8.2');
    expect(diagnosis?.confidence).toBeLessThan(80);
  });

  it('uses the Argo CD path hint as the failing environment when the workload was not located', async () => {
    const hinted = withReport(report, (copy) => {
      copy.sourceHints = { argocd: { application: 'payments-eu-prod', path: 'clusters/eu/prod' } };
    });
    const files = {
      'clusters/eu/prod/payments.yaml': paymentsDeployment('payments', 'ghcr.io/acme/payments:1.9.0'),
      'clusters/eu/staging/payments.yaml': paymentsDeployment('payments-staging', 'ghcr.io/acme/payments:1.8.2'),
      'clusters/us/prod/payments.yaml': paymentsDeployment('payments', 'ghcr.io/acme/payments:1.7.0'),
    };
    const diagnosis = await imageRule.diagnose(contextFor(hinted, { files }));
    expect(diagnosis?.changes[0]?.value).toBe('ghcr.io/acme/payments:1.8.2');
  });

  it('never proposes latest: with only floating tags elsewhere it asks instead', async () => {
    const files = {
      [PROD]: paymentsDeployment('payments', 'ghcr.io/acme/payments:1.9.0'),
      'envs/dev/payments.yaml': paymentsDeployment('payments-dev', 'ghcr.io/acme/payments:latest'),
    };
    const diagnosis = await imageRule.diagnose(contextFor(report, { files, at: AT }));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.question).toMatch(/Which tag/);
  });

  it('finds tags in kustomize images entries and Helm values', async () => {
    const files = {
      'apps/payments/base/deployment.yaml': paymentsDeployment('payments', 'ghcr.io/acme/payments'),
      'apps/payments/overlays/prod/kustomization.yaml': 'resources: [../../base]\nimages:\n  - name: ghcr.io/acme/payments\n    newTag: 1.9.0\n',
      'apps/payments/overlays/staging/kustomization.yaml': 'resources: [../../base]\nimages:\n  - name: ghcr.io/acme/payments\n    newTag: "1.8.4"\n',
      'charts/payments/values-staging.yaml': 'image:\n  repository: ghcr.io/acme/payments\n  tag: "1.8.4"\n',
    };
    const diagnosis = await imageRule.diagnose(contextFor(report, { files, at: ['apps/payments/base/deployment.yaml', 'Deployment', 'payments'] }));
    expect(diagnosis?.changes[0]?.value).toBe('ghcr.io/acme/payments:1.8.4');
    expect(diagnosis?.confidence).toBeGreaterThanOrEqual(80);
  });
});

describe('image pull failures: tags that name no build', () => {
  const report = loadReport('image-tag-not-found');

  it('never proposes a placeholder tag or one from a kustomize component no build includes, and says where its tag was seen', async () => {
    const files = {
      'apps/payments/base/deployment.yaml': paymentsDeployment('payments', 'ghcr.io/acme/payments'),
      'apps/payments/overlays/prod/kustomization.yaml': 'resources: [../../base]\nimages:\n  - name: ghcr.io/acme/payments\n    newTag: 1.9.0\n',
      'apps/payments/overlays/staging/kustomization.yaml': 'resources: [../../base]\ncomponents: [../../components/debug]\nimages:\n  - name: ghcr.io/acme/payments\n    newTag: "1.8.4"\n',
      // Included by staging: a real tag, but the same one staging sets.
      'apps/payments/components/debug/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n  - name: ghcr.io/acme/payments\n    newTag: "1.8.4"\n',
      // Included by nothing: CI replaces the placeholder when it uses the component.
      'apps/payments/components/container-images-tag/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n  - name: ghcr.io/acme/payments\n    newTag: "1.7.0"\n',
      'apps/payments/ci/kustomization.yaml': 'resources: [../base]\nimages:\n  - name: ghcr.io/acme/payments\n    newTag: CONTAINER_IMAGES_TAG\n',
      'charts/payments/values-ci.yaml': 'image:\n  repository: ghcr.io/acme/payments\n  tag: "${IMAGE_TAG}"\n',
    };
    const diagnosis = await imageRule.diagnose(contextFor(report, { files, at: ['apps/payments/base/deployment.yaml', 'Deployment', 'payments'] }));
    expect(diagnosis?.changes[0]?.value).toBe('ghcr.io/acme/payments:1.8.4');
    expect(diagnosis?.alternatives ?? []).toEqual([]);
    expect(diagnosis?.rationale).toBe(
      'Tag 1.8.4 of ghcr.io/acme/payments is deployed by apps/payments/components/debug/kustomization.yaml (images[name=ghcr.io/acme/payments]); apps/payments/overlays/staging/kustomization.yaml (images[name=ghcr.io/acme/payments]): a tag the repository already runs was very likely pushed, but KubeCure did not ask the registry.',
    );
    expect(diagnosis?.rationale).not.toMatch(/exists in the registry/);
  });

  it.each(['CONTAINER_IMAGES_TAG', '${TAG}', '$(TAG)', '{{ .Values.tag }}', '<tag>', '%TAG%', 'TAG'])('treats %s as a placeholder', (tag) => {
    expect(isPlaceholderTag(tag)).toBe(true);
  });

  it.each(['1.4.2', 'v2.3.1', 'main-3f2a1c', 'V1-RC', 'sha-9f8e7d', '2024.05.1'])('treats %s as a real tag', (tag) => {
    expect(isPlaceholderTag(tag)).toBe(false);
  });
});

describe('image pull failures that are not a tag to change', () => {
  it('opens an issue about pull secrets when the registry denies access, never guessing a tag', async () => {
    const report = loadReport('image-unauthorized');
    const files = { 'envs/staging/billing.yaml': paymentsDeployment('billing', 'registry.acme.io/internal/billing:2.0.0').replaceAll('payments', 'billing') };
    const diagnosis = await imageRule.diagnose(contextFor(report, { files }));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.summary).toMatch(/not authorized/);
    expect(diagnosis?.question).toMatch(/pull secret/i);
    expect(diagnosis?.evidence.some((line) => line.includes('pull access denied'))).toBe(true);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('reports a registry host that does not resolve as a likely typo', async () => {
    const report = loadReport('image-no-such-host');
    const diagnosis = await imageRule.diagnose(contextFor(report));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.summary).toMatch(/does not resolve/);
    expect(diagnosis?.evidence.some((line) => line.includes('no such host'))).toBe(true);
  });

  it('still opens an explained issue when the pull error detail was not captured', async () => {
    const report = withReport(loadReport('image-tag-not-found'), (copy) => {
      copy.events = [];
      copy.pod.status = {};
    });
    const diagnosis = await imageRule.diagnose(contextFor(report));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.evidence).toEqual(['Back-off pulling image "ghcr.io/acme/payments:1.9.0"']);
    expect(diagnosis?.question).toContain('ghcr.io/acme/payments:1.9.0');
  });

  it('repairs an invalid image name deterministically', async () => {
    const report = loadReport('invalid-image-name');
    const diagnosis = await imageRule.diagnose(contextFor(report));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'image', container: 'web', path: ['image'], value: 'ghcr.io/acme/web:1.2.0', previous: 'ghcr.io/Acme/Web:1.2.0' },
    ]);
    expect(diagnosis?.confidence).toBeGreaterThanOrEqual(80);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('asks when an invalid image name has no mechanical repair', async () => {
    const report = withReport(loadReport('invalid-image-name'), (copy) => {
      (copy.pod.spec.containers as { image: string }[])[0]!.image = 'ghcr.io/acme/web app:1.2.0';
    });
    const diagnosis = await imageRule.diagnose(contextFor(report));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.question).toBeTruthy();
  });

  it('switches imagePullPolicy Never to IfNotPresent when the image is not on the node', async () => {
    const report = loadReport('image-never-pull');
    const diagnosis = await imageRule.diagnose(contextFor(report));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'image', container: 'migrate-tool', path: ['imagePullPolicy'], value: 'IfNotPresent', previous: 'Never' },
    ]);
    expect(diagnosis?.confidence).toBeGreaterThanOrEqual(80);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });
});

describe('image helpers', () => {
  it('lowercases the repository but keeps the tag, trims, and drops an empty tag', () => {
    expect(repairImageName(' nginx:1.27.2 ')).toBe('nginx:1.27.2');
    expect(repairImageName('Nginx:')).toBe('nginx');
    expect(repairImageName('ghcr.io/Acme/Web:V1-RC')).toBe('ghcr.io/acme/web:V1-RC');
    expect(repairImageName('localhost:5000/App')).toBe('localhost:5000/app');
  });

  it('ranks the closest, release-like, most common tag first and skips the failing and floating tags', () => {
    const image = (file: string, tag: string): DeclaredImage => ({ file, tag, repository: 'x/app', source: 'manifest', where: 'w' });
    const ranked = rankTags(
      [image('a/prod/x.yaml', '2.0.0'), image('a/staging/x.yaml', 'main-3f2a1c'), image('b/dev/x.yaml', '1.9.0'), image('b/qa/x.yaml', '1.9.0'), image('a/dev/x.yaml', 'latest'), image('a/qa/x.yaml', '1.8.0')],
      '2.0.0',
      'a/prod/x.yaml',
    );
    expect(ranked.map((candidate) => candidate.tag)).toEqual(['1.8.0', 'main-3f2a1c', '1.9.0']);
  });
});
