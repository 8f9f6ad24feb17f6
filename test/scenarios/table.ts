/**
 * The scenario table: one realistic failure report (test/fixtures/scenarios/<name>.json) against
 * one fixture repository, and what a careful engineer would decide. For a change: the file it
 * must edit, the field values read back from the edited file, and the exact lines that differ —
 * every other line must stay byte-identical.
 */
import type { Decision } from '../../src/outcome.js';
import type { RemediateOptions } from '../../src/remediate.js';
import type { DocumentSelector, RepoName, Step } from './support.js';

export interface FieldExpectation {
  document?: DocumentSelector;
  path: Step[];
  value: unknown;
}

export interface ChangeExpectation {
  file: string;
  fields: FieldExpectation[];
  /** The only lines that may differ: removed from the original, added by the fix (exact text). */
  removed: string[];
  added: string[];
}

export interface Scenario {
  /** The behaviour, as the test name states it. */
  behaviour: string;
  /** Report fixture name. */
  report: string;
  repo: RepoName;
  options?: RemediateOptions;
  decision: Decision;
  /** The file that declares the workload (Outcome.target.file); null when it cannot be found. */
  target: string | null;
  /** The edit (for an issue: the suggestion it carries); absent when no change is proposed. */
  change?: ChangeExpectation;
  /** Validation checks that must fail (for refused changes). */
  failedChecks?: string[];
  /** A reason the decision is an issue must say this. */
  issueReason?: RegExp;
}

const container = (name: string): Step[] => ['spec', 'template', 'spec', 'containers', { name }];
const deployment = (name: string): DocumentSelector => ({ kind: 'Deployment', name });

export const SCENARIOS: Scenario[] = [
  // ── plain manifests ────────────────────────────────────────────────────────────────────────────
  {
    behaviour: 'raises the memory limit of an OOMKilled container to observed usage × 1.5, keeping the trailing comment',
    report: 'plain-oom-checkout',
    repo: 'plain-multi-service',
    decision: 'pull_request',
    target: 'apps/checkout/deployment.yaml',
    change: {
      file: 'apps/checkout/deployment.yaml',
      fields: [
        { path: [...container('checkout'), 'resources', 'limits', 'memory'], value: '384Mi' },
        { path: [...container('checkout'), 'resources', 'requests', 'memory'], value: '128Mi' },
      ],
      removed: ['              memory: 256Mi   # raised from 192Mi after the Black Friday incident'],
      added: ['              memory: 384Mi   # raised from 192Mi after the Black Friday incident'],
    },
  },
  {
    behaviour: 'edits the Deployment inside a kubectl-exported List',
    report: 'plain-oom-list-inventory',
    repo: 'plain-multi-service',
    decision: 'pull_request',
    target: 'apps/inventory/inventory.yaml',
    change: {
      file: 'apps/inventory/inventory.yaml',
      fields: [{ path: ['items', 1, 'spec', 'template', 'spec', 'containers', { name: 'inventory' }, 'resources', 'limits', 'memory'], value: '384Mi' }],
      removed: ['                  memory: 192Mi'],
      added: ['                  memory: 384Mi'],
    },
  },
  {
    behaviour: 'doubles the memory limit of an OOMKilled StatefulSet in a file that also holds its Service',
    report: 'plain-oom-statefulset-postgres',
    repo: 'plain-multi-service',
    decision: 'pull_request',
    target: 'apps/postgres/statefulset.yaml',
    change: {
      file: 'apps/postgres/statefulset.yaml',
      fields: [{ document: { kind: 'StatefulSet', name: 'postgres' }, path: [...container('postgres'), 'resources', 'limits', 'memory'], value: '2Gi' }],
      removed: ['              memory: 1Gi'],
      added: ['              memory: 2Gi'],
    },
  },
  {
    behaviour: 'edits a flow mapping in place in a multi-document file, leaving the init container alone',
    report: 'plain-oom-flow-map-cart',
    repo: 'plain-multi-service',
    decision: 'pull_request',
    target: 'apps/cart/cart.yaml',
    change: {
      file: 'apps/cart/cart.yaml',
      fields: [
        { document: deployment('cart'), path: [...container('cart'), 'resources', 'limits'], value: { cpu: '300m', memory: '256Mi' } },
        { document: deployment('cart'), path: ['spec', 'template', 'spec', 'initContainers', { name: 'wait-for-redis' }, 'resources', 'limits', 'memory'], value: '32Mi' },
      ],
      removed: ['          limits: {cpu: 300m, memory: 128Mi}'],
      added: ['          limits: {cpu: 300m, memory: 256Mi}'],
    },
  },
  {
    behaviour: 'picks the environment folder whose name matches the cluster',
    report: 'plain-oom-cluster-named-prod-payments',
    repo: 'plain-multi-service',
    decision: 'pull_request',
    target: 'environments/prod/payments/deployment.yaml',
    change: {
      file: 'environments/prod/payments/deployment.yaml',
      fields: [{ path: [...container('payments'), 'resources', 'limits', 'memory'], value: '768Mi' }],
      removed: ['              memory: 384Mi'],
      added: ['              memory: 768Mi'],
    },
  },
  {
    // Neither the cluster (eu-west-1) nor the namespace names an environment, but the pod runs
    // payments:4.9.7 with a 384Mi limit, which only the prod folder renders (staging: 5.0.0-rc.3).
    behaviour: 'picks the environment folder whose rendered values the pod runs with when nothing else says which one this cluster runs',
    report: 'plain-oom-ambiguous-payments',
    repo: 'plain-multi-service',
    decision: 'pull_request',
    target: 'environments/prod/payments/deployment.yaml',
    change: {
      file: 'environments/prod/payments/deployment.yaml',
      fields: [{ path: [...container('payments'), 'resources', 'limits', 'memory'], value: '768Mi' }],
      removed: ['              memory: 384Mi'],
      added: ['              memory: 768Mi'],
    },
  },
  {
    behaviour: 'opens an issue with target null when no manifest declares the workload',
    report: 'plain-source-not-found-search',
    repo: 'plain-multi-service',
    decision: 'issue',
    issueReason: /not found in the repository/,
    target: null,
  },
  {
    behaviour: 'opens an issue about pull secrets, never a guess, when the registry answers 401 Unauthorized',
    report: 'plain-image-unauthorized-checkout',
    repo: 'plain-multi-service',
    decision: 'issue',
    target: 'apps/checkout/deployment.yaml',
  },
  {
    behaviour: 'opens an issue, never creating the Secret, when a referenced Secret has no near-identical name in the repo',
    report: 'plain-secret-missing-postgres',
    repo: 'plain-multi-service',
    decision: 'issue',
    target: 'apps/postgres/statefulset.yaml',
  },
  {
    behaviour: 'opens an issue naming a missing environment variable no other environment declares',
    report: 'plain-missing-env-cart',
    repo: 'plain-multi-service',
    decision: 'issue',
    target: 'apps/cart/cart.yaml',
  },
  {
    behaviour: 'opens an issue for a memory-pressure eviction, suggesting a memory request',
    report: 'plain-evicted-inventory',
    repo: 'plain-multi-service',
    decision: 'issue',
    target: 'apps/inventory/inventory.yaml',
    change: {
      file: 'apps/inventory/inventory.yaml',
      fields: [{ path: ['items', 1, 'spec', 'template', 'spec', 'containers', { name: 'inventory' }, 'resources'], value: { limits: { memory: '192Mi' }, requests: { memory: '192Mi' } } }],
      removed: [],
      added: ['                requests:', '                  memory: 192Mi'],
    },
  },
  {
    behaviour: 'opens an issue when a CronJob’s Job reaches its backoff limit',
    report: 'plain-job-failed-nightly-report',
    repo: 'plain-multi-service',
    decision: 'issue',
    target: 'apps/reports/cronjob.yaml',
  },
  {
    behaviour: 'opens an issue when a CronJob’s Job runs past its activeDeadlineSeconds',
    report: 'plain-deadline-exceeded-nightly-report',
    repo: 'plain-multi-service',
    decision: 'issue',
    target: 'apps/reports/cronjob.yaml',
  },
  {
    behaviour: 'opens an issue when a ResourceQuota refuses the ReplicaSet’s pods (FailedCreate)',
    report: 'plain-failed-create-quota-checkout',
    repo: 'plain-multi-service',
    decision: 'issue',
    target: 'apps/checkout/deployment.yaml',
  },
  {
    behaviour: 'opens an issue when a sidecar cannot start because a subPath mount does not fit (RunContainerError)',
    report: 'plain-run-container-error-frontend',
    repo: 'plain-multi-service',
    decision: 'issue',
    target: 'apps/frontend/deployment.yaml',
  },
  {
    behaviour: 'refuses a resources change when the repository’s policy does not allow that fix kind',
    report: 'plain-oom-policy-forbids-resources',
    repo: 'plain-multi-service',
    options: { policy: { allowedFixKinds: ['image', 'env', 'probes', 'config-reference'] } },
    decision: 'issue',
    target: 'apps/checkout/deployment.yaml',
    failedChecks: ['policy'],
    issueReason: /Validation failed \(policy: /,
    change: {
      file: 'apps/checkout/deployment.yaml',
      fields: [{ path: [...container('checkout'), 'resources', 'limits', 'memory'], value: '512Mi' }],
      removed: ['              memory: 256Mi   # raised from 192Mi after the Black Friday incident'],
      added: ['              memory: 512Mi   # raised from 192Mi after the Black Friday incident'],
    },
  },
  {
    behaviour: 'opens an issue when the memory limit already sits at the configured cap',
    report: 'plain-oom-at-memory-cap-postgres',
    repo: 'plain-multi-service',
    options: { policy: { maxMemory: '1Gi' } },
    decision: 'issue',
    issueReason: /cannot be raised within the configured bounds/,
    target: 'apps/postgres/statefulset.yaml',
  },

  // ── kustomize ──────────────────────────────────────────────────────────────────────────────────
  {
    behaviour: 'edits the strategic-merge patch of the prod overlay (namePrefix + nameSuffix + namespace) that sets the limit',
    report: 'kustomize-prod-oom-strategic-merge-patch',
    repo: 'kustomize-overlays',
    decision: 'pull_request',
    target: 'base/checkout/deployment.yaml',
    change: {
      file: 'overlays/prod/memory-limits.yaml',
      fields: [
        { path: [...container('checkout'), 'resources', 'limits', 'memory'], value: '1Gi' },
        { path: [...container('checkout'), 'resources', 'requests', 'memory'], value: '384Mi' },
      ],
      removed: ['            memory: 512Mi'],
      added: ['            memory: 1Gi'],
    },
  },
  {
    // Staging only patches checkout with JSON 6902 and the base is shared with dev: the base edit is
    // the suggestion, but it would change dev too, so a human decides.
    behaviour: 'opens an issue with the base edit as a suggestion when the base is shared with dev and staging has no patch to extend',
    report: 'kustomize-staging-oom-base',
    repo: 'kustomize-overlays',
    decision: 'issue',
    failedChecks: ['scope'],
    issueReason: /would also change development \(kustomize build overlays\/dev\), but only staging \(kustomize build overlays\/staging\) failed/,
    target: 'base/checkout/deployment.yaml',
    change: {
      file: 'base/checkout/deployment.yaml',
      fields: [{ path: [...container('checkout'), 'resources', 'limits', 'memory'], value: '512Mi' }],
      removed: ['            memory: 256Mi'],
      added: ['            memory: 512Mi'],
    },
  },
  {
    behaviour: 'keeps the double quotes of a quoted quantity in a base reached through a prefixed overlay, and refuses the base every environment shares',
    report: 'kustomize-prod-oom-order-worker-base',
    repo: 'kustomize-overlays',
    decision: 'issue',
    failedChecks: ['scope'],
    issueReason: /would also change development \(kustomize build overlays\/dev\), staging \(kustomize build overlays\/staging\), but only production/,
    target: 'base/order-worker/deployment.yaml',
    change: {
      file: 'base/order-worker/deployment.yaml',
      fields: [{ path: [...container('worker'), 'resources', 'limits', 'memory'], value: '1Gi' }],
      removed: ['              memory: "512Mi"'],
      added: ['              memory: "1Gi"'],
    },
  },
  {
    behaviour: 'fixes a missing tag in the outermost images: entry (canary over prod) with the tag prod runs',
    report: 'kustomize-canary-image-tag-not-found',
    repo: 'kustomize-overlays',
    decision: 'pull_request',
    target: 'base/checkout/deployment.yaml',
    change: {
      file: 'overlays/prod-canary/kustomization.yaml',
      fields: [{ path: ['images', { name: 'registry.acme.io/shop/checkout' }, 'newTag'], value: '1.8.2' }],
      removed: ['  newTag: 1.9.0'],
      added: ['  newTag: 1.8.2'],
    },
  },
  {
    behaviour: 'opens an issue when several other tags of the image are declared and none is clearly the one',
    report: 'kustomize-dev-image-tag-not-found',
    repo: 'kustomize-overlays',
    decision: 'issue',
    target: 'base/checkout/deployment.yaml',
    change: {
      file: 'overlays/dev/kustomization.yaml',
      fields: [{ path: ['images', 0, 'newTag'], value: '1.8.0' }],
      removed: ['    newTag: 1.9.0-rc.1'],
      added: ['    newTag: 1.8.0'],
    },
  },
  {
    behaviour: 'opens an issue when a liveness probe times out although the staging JSON6902 patch already delays it',
    report: 'kustomize-staging-liveness-timeout-json6902',
    repo: 'kustomize-overlays',
    decision: 'issue',
    target: 'base/checkout/deployment.yaml',
  },
  {
    behaviour: 'opens an issue when the runtime cannot exec the container’s command',
    report: 'kustomize-prod-command-not-found-order-worker',
    repo: 'kustomize-overlays',
    decision: 'issue',
    target: 'base/order-worker/deployment.yaml',
  },

  // ── Helm chart with values per environment ─────────────────────────────────────────────────────
  {
    behaviour: 'edits the prod values file, never the template, for an OOM in prod',
    report: 'helm-prod-oom-values-prod',
    repo: 'helm-chart',
    decision: 'pull_request',
    target: 'charts/storefront/values-prod.yaml',
    change: {
      file: 'charts/storefront/values-prod.yaml',
      fields: [
        { path: ['resources', 'limits', 'memory'], value: '2Gi' },
        { path: ['resources', 'requests', 'memory'], value: '768Mi' },
      ],
      removed: ['    memory: 1Gi'],
      added: ['    memory: 2Gi'],
    },
  },
  {
    behaviour: 'edits the chart defaults when the staging values do not override resources',
    report: 'helm-staging-oom-default-values',
    repo: 'helm-chart',
    decision: 'pull_request',
    target: 'charts/storefront/values-staging.yaml',
    change: {
      file: 'charts/storefront/values.yaml',
      fields: [{ path: ['resources', 'limits', 'memory'], value: '1Gi' }],
      removed: ['    memory: 512Mi'],
      added: ['    memory: 1Gi'],
    },
  },
  {
    behaviour: 'opens an issue when a Helm image tag is missing and no other values file pins another tag',
    report: 'helm-staging-image-tag-not-found',
    repo: 'helm-chart',
    decision: 'issue',
    target: 'charts/storefront/values-staging.yaml',
  },
  {
    behaviour: 'opens an issue when the pod is Unschedulable (insufficient cpu, node selector mismatch, taints)',
    report: 'helm-prod-unschedulable',
    repo: 'helm-chart',
    decision: 'issue',
    target: 'charts/storefront/values-prod.yaml',
  },

  // ── Flux HelmReleases ──────────────────────────────────────────────────────────────────────────
  {
    behaviour: 'edits spec.values of the production HelmRelease chosen by the cluster name',
    report: 'flux-prod-oom-helmrelease-values',
    repo: 'flux-helmreleases',
    decision: 'pull_request',
    target: 'apps/production/orders-helmrelease.yaml',
    change: {
      file: 'apps/production/orders-helmrelease.yaml',
      fields: [{ path: ['spec', 'values', 'api', 'resources', 'limits', 'memory'], value: '1536Mi' }],
      removed: ['          memory: 768Mi'],
      added: ['          memory: 1536Mi'],
    },
  },
  {
    behaviour: 'adds a resources override to the staging HelmRelease instead of editing the shared chart',
    report: 'flux-staging-oom-chart-values',
    repo: 'flux-helmreleases',
    decision: 'pull_request',
    target: 'apps/staging/orders-helmrelease.yaml',
    change: {
      file: 'apps/staging/orders-helmrelease.yaml',
      fields: [
        { path: ['spec', 'values', 'api', 'resources', 'limits', 'memory'], value: '768Mi' },
        { path: ['spec', 'values', 'api', 'image', 'tag'], value: '0.14.0-rc.1' },
      ],
      removed: [],
      added: ['      resources:', '        limits:', '          memory: 768Mi'],
    },
  },
  {
    behaviour: 'edits the values of a HelmRelease whose chart comes from a remote Helm repository',
    report: 'flux-prod-oom-podinfo-remote-chart',
    repo: 'flux-helmreleases',
    decision: 'pull_request',
    target: 'apps/production/podinfo-helmrelease.yaml',
    change: {
      file: 'apps/production/podinfo-helmrelease.yaml',
      fields: [
        { path: ['spec', 'values', 'resources', 'limits', 'memory'], value: '512Mi' },
        { path: ['spec', 'values', 'resources', 'requests'], value: { cpu: '100m', memory: '64Mi' } },
      ],
      removed: ['        memory: 256Mi'],
      added: ['        memory: 512Mi'],
    },
  },
  {
    behaviour: 'replaces a missing HelmRelease image tag with production’s, keeping the image-policy marker comment',
    report: 'flux-staging-podinfo-tag-not-found',
    repo: 'flux-helmreleases',
    decision: 'pull_request',
    target: 'apps/staging/podinfo-helmrelease.yaml',
    change: {
      file: 'apps/staging/podinfo-helmrelease.yaml',
      fields: [{ path: ['spec', 'values', 'image', 'tag'], value: '6.7.0' }],
      removed: ['      tag: 6.7.1 # {"$imagepolicy": "flux-system:podinfo:tag"}'],
      added: ['      tag: 6.7.0 # {"$imagepolicy": "flux-system:podinfo:tag"}'],
    },
  },

  // ── Argo CD Applications ───────────────────────────────────────────────────────────────────────
  {
    behaviour: 'follows the Argo CD tracking id to the production overlay and adds the limit to its own patch, not the base staging shares',
    report: 'argocd-billing-production-oom-base',
    repo: 'argocd-apps',
    decision: 'pull_request',
    target: 'apps/billing/base/deployment.yaml',
    change: {
      file: 'apps/billing/overlays/production/billing-env.yaml',
      fields: [
        { path: [...container('billing'), 'resources', 'limits', 'memory'], value: '512Mi' },
        { path: [...container('billing'), 'env', { name: 'INVOICE_BUCKET' }, 'value'], value: 'acme-invoices-prod' },
      ],
      removed: [],
      added: ['          resources:', '            limits:', '              memory: 512Mi'],
    },
  },
  {
    behaviour: 'follows the legacy app.kubernetes.io/instance label to the staging Application, whose base production shares',
    report: 'argocd-billing-staging-instance-label',
    repo: 'argocd-apps',
    decision: 'issue',
    failedChecks: ['scope'],
    issueReason: /would also change production \(kustomize build apps\/billing\/overlays\/production\), but only staging/,
    target: 'apps/billing/base/deployment.yaml',
    change: {
      file: 'apps/billing/base/deployment.yaml',
      fields: [
        { path: [...container('billing'), 'resources', 'limits', 'memory'], value: '512Mi' },
        { path: [...container('billing'), 'env', { name: 'INVOICE_BUCKET' }, 'value'], value: 'acme-invoices-dev' },
      ],
      removed: ['              memory: 256Mi'],
      added: ['              memory: 512Mi'],
    },
  },
  {
    behaviour: 'edits the values file the production Application passes to the chart',
    report: 'argocd-notifier-production-oom-values',
    repo: 'argocd-apps',
    decision: 'pull_request',
    target: 'charts/notifier/values-production.yaml',
    change: {
      file: 'charts/notifier/values-production.yaml',
      fields: [{ path: ['resources', 'limits', 'memory'], value: '512Mi' }],
      removed: ['    memory: 256Mi'],
      added: ['    memory: 512Mi'],
    },
  },
  {
    behaviour: 'replaces a missing staging tag with the chart’s default tag in the staging values file',
    report: 'argocd-notifier-staging-tag-not-found',
    repo: 'argocd-apps',
    decision: 'pull_request',
    target: 'charts/notifier/values-staging.yaml',
    change: {
      file: 'charts/notifier/values-staging.yaml',
      fields: [{ path: ['image', 'tag'], value: '1.2.0' }],
      removed: ['  tag: 1.3.0-beta.1'],
      added: ['  tag: 1.2.0'],
    },
  },

  // ── configuration mistakes (ledger-platform) ───────────────────────────────────────────────────
  {
    behaviour: 'corrects an envFrom ConfigMap name that is one typo away from a declared ConfigMap',
    report: 'ledger-configmap-near-name',
    repo: 'ledger-platform',
    decision: 'pull_request',
    target: 'apps/api/deployment.yaml',
    change: {
      file: 'apps/api/deployment.yaml',
      fields: [{ path: [...container('api'), 'envFrom', 0, 'configMapRef', 'name'], value: 'api-config' }],
      removed: ['                name: api-confg   # shared settings'],
      added: ['                name: api-config   # shared settings'],
    },
  },
  {
    behaviour: 'corrects a secretKeyRef name when a SealedSecret with a near-identical name exists',
    report: 'ledger-secret-near-name',
    repo: 'ledger-platform',
    decision: 'pull_request',
    target: 'apps/worker/deployment.yaml',
    change: {
      file: 'apps/worker/deployment.yaml',
      fields: [
        { path: [...container('reconciler'), 'env', { name: 'DB_PASSWORD' }, 'valueFrom', 'secretKeyRef'], value: { name: 'db-credentials', key: 'password' } },
        { path: [...container('reconciler'), 'env', { name: 'DB_USER' }, 'valueFrom', 'secretKeyRef', 'name'], value: 'db-credentials' },
      ],
      removed: ['              name: db-credentails'],
      added: ['              name: db-credentials'],
    },
  },
  {
    behaviour: 'corrects a secret volume name (FailedMount) when an ExternalSecret declares the near-identical one',
    report: 'ledger-failedmount-secret-near-name',
    repo: 'ledger-platform',
    decision: 'pull_request',
    target: 'apps/exports/deployment.yaml',
    change: {
      file: 'apps/exports/deployment.yaml',
      fields: [{ path: ['spec', 'template', 'spec', 'volumes', { name: 'sftp-key' }, 'secret'], value: { secretName: 'exports-sftp', defaultMode: 0o400 } }],
      removed: ['            secretName: exports-stfp'],
      added: ['            secretName: exports-sftp'],
    },
  },
  {
    behaviour: 'points a probe at the container’s only declared port',
    report: 'ledger-probe-single-port',
    repo: 'ledger-platform',
    decision: 'pull_request',
    target: 'apps/statements/deployment.yaml',
    change: {
      file: 'apps/statements/deployment.yaml',
      fields: [{ path: [...container('statements'), 'readinessProbe', 'tcpSocket', 'port'], value: 8080 }],
      removed: ['              port: 8000'],
      added: ['              port: 8080'],
    },
  },
  {
    behaviour: 'opens an issue with the suggested port when the container declares several ports',
    report: 'ledger-probe-wrong-port',
    repo: 'ledger-platform',
    decision: 'issue',
    target: 'apps/gateway/deployment.yaml',
    change: {
      file: 'apps/gateway/deployment.yaml',
      fields: [{ path: [...container('gateway'), 'livenessProbe', 'httpGet', 'port'], value: 8080 }],
      removed: ['              port: 8081 # TODO: use the named port'],
      added: ['              port: 8080 # TODO: use the named port'],
    },
  },
  {
    behaviour: 'lower-cases an invalid image name that another workload of the repo spells correctly',
    report: 'ledger-invalid-image-name',
    repo: 'ledger-platform',
    decision: 'pull_request',
    target: 'apps/web/deployment.yaml',
    change: {
      file: 'apps/web/deployment.yaml',
      fields: [
        { document: deployment('web'), path: [...container('web'), 'image'], value: 'ghcr.io/acme/ledger-web:2.0.3' },
        { document: { kind: 'CronJob', name: 'web-cache-warmup' }, path: ['spec', 'schedule'], value: '*/30 * * * *' },
      ],
      removed: ['          image: ghcr.io/Acme/ledger-web:2.0.3'],
      added: ['          image: ghcr.io/acme/ledger-web:2.0.3'],
    },
  },
  {
    behaviour: 'adds a missing environment variable with the value the same app declares in staging',
    report: 'ledger-missing-env-declared-in-staging',
    repo: 'ledger-platform',
    decision: 'pull_request',
    target: 'environments/production/search/deployment.yaml',
    change: {
      file: 'environments/production/search/deployment.yaml',
      fields: [{ path: [...container('search'), 'env'], value: [{ name: 'LOG_FORMAT', value: 'json' }, { name: 'SEARCH_INDEX_SHARDS', value: '4' }] }],
      removed: [],
      added: ['            - name: SEARCH_INDEX_SHARDS', '              value: "4"'],
    },
  },
  {
    behaviour: 'opens an issue for a misspelled command instead of guessing the binary',
    report: 'ledger-command-typo',
    repo: 'ledger-platform',
    decision: 'issue',
    target: 'apps/importer/deployment.yaml',
  },
  {
    behaviour: 'refuses to touch securityContext when the image runs as root under runAsNonRoot',
    report: 'ledger-run-as-non-root-refused',
    repo: 'ledger-platform',
    decision: 'issue',
    target: 'apps/web/deployment.yaml',
  },
];
