/**
 * The multi-environment table: one failing instance of an app that several environments deploy,
 * against a repository modeled on a well-known public GitOps layout, and what a careful engineer
 * would change. Each row says which layout it models through its repository:
 *
 * - kustomize-multibases: kubernetes-sigs/kustomize examples (helloWorld overlays, multibases,
 *   components): base + overlays dev/staging/production, production-eu built on production.
 * - microservices-demo: GoogleCloudPlatform/microservices-demo, which ships the same workloads in
 *   kubernetes-manifests/ and kustomize/base/ (plus a google-cloud-operations component).
 * - flux-kustomize-helm: fluxcd/flux2-kustomize-helm-example: clusters/<env>/apps.yaml → apps/<env>
 *   patching the values of the HelmRelease in apps/base/podinfo.
 * - argocd-example-apps: argoproj/argocd-example-apps (helm-guestbook with value files,
 *   kustomize-guestbook overlays), one Application per environment in apps/, and ApplicationSets
 *   (a git-directory generator over the overlays, a list generator for qa) in appsets/.
 */
import type { Decision } from '../../src/outcome.js';
import type { EnvironmentRepo, InstanceReport } from './environments-support.js';

export interface EnvironmentScenario {
  behaviour: string;
  repo: EnvironmentRepo;
  report: InstanceReport;
  decision: Decision;
  /** The file that declares the instance (Outcome.target.file). */
  target: string;
  /** The only file the change touches, and the only lines that differ in it. */
  change: { file: string; removed: string[]; added: string[] } | null;
  /** Every environment whose rendered output the change alters; all others must render as before. */
  affects: string[];
  /** A reason the decision is an issue must say this. */
  issueReason?: RegExp;
}

const GREETER_IMAGE = 'registry.example.com/greeter';
const LOG_SHIPPER = { name: 'log-shipper', image: 'fluent/fluent-bit:3.0.4', limit: '32Mi' };
const greeter = (tag: string, limit: string) => [{ name: 'greeter', image: `${GREETER_IMAGE}:${tag}`, limit }, LOG_SHIPPER];
const DEMO = 'us-central1-docker.pkg.dev/google-samples/microservices-demo';
const env = (dir: string) => `kustomize build ${dir}`;

export const ENVIRONMENT_SCENARIOS: EnvironmentScenario[] = [
  // ── kubernetes-sigs/kustomize examples ───────────────────────────────────────────────────────
  {
    behaviour: 'edits the production overlay patch that sets the limit; production-eu, built on production, inherits it',
    repo: 'kustomize-multibases',
    report: { cluster: 'prod-us', namespace: 'greeter-prod', name: 'prod-greeter', container: 'greeter', live: greeter('2.1.3', '256Mi') },
    decision: 'pull_request',
    target: 'base/deployment.yaml',
    change: { file: 'overlays/production/resources.yaml', removed: ['              memory: 256Mi'], added: ['              memory: 512Mi'] },
    affects: [env('overlays/production'), env('overlays/production-eu')],
  },
  {
    behaviour: 'refuses to edit the production patch for a failure of production-eu, which only builds on it',
    repo: 'kustomize-multibases',
    report: { cluster: 'prod-eu', namespace: 'greeter-prod-eu', name: 'prod-greeter-eu', container: 'greeter', live: greeter('2.1.3', '256Mi') },
    decision: 'issue',
    target: 'base/deployment.yaml',
    change: { file: 'overlays/production/resources.yaml', removed: ['              memory: 256Mi'], added: ['              memory: 512Mi'] },
    affects: [env('overlays/production'), env('overlays/production-eu')],
    issueReason: /would also change production \(kustomize build overlays\/production\), but only production \(kustomize build overlays\/production-eu\) failed/,
  },
  {
    behaviour: 'adds the limit to the staging overlay’s own strategic-merge patch instead of the base dev shares',
    repo: 'kustomize-multibases',
    report: { cluster: 'staging', namespace: 'greeter-staging', name: 'staging-greeter', container: 'greeter', live: greeter('2.1.0', '128Mi') },
    decision: 'pull_request',
    target: 'base/deployment.yaml',
    change: { file: 'overlays/staging/greeter.yaml', removed: [], added: ['          resources:', '            limits:', '              memory: 256Mi'] },
    affects: [env('overlays/staging')],
  },
  {
    behaviour: 'opens an issue for dev, which has no patch of its own: the base edit would reach staging too',
    repo: 'kustomize-multibases',
    report: { cluster: 'dev', namespace: 'greeter-dev', name: 'dev-greeter', container: 'greeter', live: greeter('2.2.0-rc.1', '128Mi') },
    decision: 'issue',
    target: 'base/deployment.yaml',
    change: { file: 'base/deployment.yaml', removed: ['              memory: 128Mi # defaults; overlays size it per environment'], added: ['              memory: 256Mi # defaults; overlays size it per environment'] },
    affects: [env('overlays/dev'), env('overlays/staging')],
    issueReason: /would also change staging \(kustomize build overlays\/staging\), but only development \(kustomize build overlays\/dev\) failed/,
  },
  {
    behaviour: 'opens an issue for a production sidecar whose limit only the shared base sets',
    repo: 'kustomize-multibases',
    report: { cluster: 'prod-us', namespace: 'greeter-prod', name: 'prod-greeter', container: 'log-shipper', live: greeter('2.1.3', '256Mi') },
    decision: 'issue',
    target: 'base/deployment.yaml',
    change: { file: 'base/deployment.yaml', removed: ['              memory: 32Mi'], added: ['              memory: 64Mi'] },
    affects: [env('overlays/dev'), env('overlays/production'), env('overlays/production-eu'), env('overlays/staging')],
    issueReason: /would also change development \(kustomize build overlays\/dev\), staging \(kustomize build overlays\/staging\), but only production \(kustomize build overlays\/production\) failed/,
  },
  {
    behaviour: 'opens an issue for a staging sidecar its patch does not mention, rather than adding a container to the patch',
    repo: 'kustomize-multibases',
    report: { cluster: 'staging', namespace: 'greeter-staging', name: 'staging-greeter', container: 'log-shipper', live: greeter('2.1.0', '128Mi') },
    decision: 'issue',
    target: 'base/deployment.yaml',
    change: { file: 'base/deployment.yaml', removed: ['              memory: 32Mi'], added: ['              memory: 64Mi'] },
    affects: [env('overlays/dev'), env('overlays/production'), env('overlays/production-eu'), env('overlays/staging')],
    issueReason: /only staging \(kustomize build overlays\/staging\) failed/,
  },
  {
    behaviour: 'tells production from production-eu by the namespace when the cluster name says neither',
    repo: 'kustomize-multibases',
    report: { cluster: 'gke-central-1', namespace: 'greeter-prod', name: 'prod-greeter', container: 'greeter', live: greeter('2.1.3', '256Mi') },
    decision: 'pull_request',
    target: 'base/deployment.yaml',
    change: { file: 'overlays/production/resources.yaml', removed: ['              memory: 256Mi'], added: ['              memory: 512Mi'] },
    affects: [env('overlays/production'), env('overlays/production-eu')],
  },
  {
    behaviour: 'follows the kustomize origin annotation and the staging name prefix to the staging patch',
    repo: 'kustomize-multibases',
    report: {
      cluster: 'shared-1',
      namespace: 'greeter-staging',
      name: 'staging-greeter',
      container: 'greeter',
      live: greeter('2.1.0', '128Mi'),
      annotations: { 'config.kubernetes.io/origin': 'path: ../../base/deployment.yaml\n' },
    },
    decision: 'pull_request',
    target: 'base/deployment.yaml',
    change: { file: 'overlays/staging/greeter.yaml', removed: [], added: ['          resources:', '            limits:', '              memory: 256Mi'] },
    affects: [env('overlays/staging')],
  },
  {
    behaviour: 'opens an issue for the production-eu sidecar: only the base sets it, and every environment renders it',
    repo: 'kustomize-multibases',
    report: { cluster: 'prod-eu', namespace: 'greeter-prod-eu', name: 'prod-greeter-eu', container: 'log-shipper', live: greeter('2.1.3', '256Mi') },
    decision: 'issue',
    target: 'base/deployment.yaml',
    change: { file: 'base/deployment.yaml', removed: ['              memory: 32Mi'], added: ['              memory: 64Mi'] },
    affects: [env('overlays/dev'), env('overlays/production'), env('overlays/production-eu'), env('overlays/staging')],
    issueReason: /only production \(kustomize build overlays\/production-eu\) failed/,
  },

  // ── GoogleCloudPlatform/microservices-demo: two copies of every workload ────────────────────────
  {
    behaviour: 'picks the kustomize/base copy of cartservice because only it renders the live 256Mi limit',
    repo: 'microservices-demo',
    report: { cluster: 'online-boutique', namespace: 'default', name: 'cartservice', container: 'server', live: [{ name: 'server', image: `${DEMO}/cartservice:v0.10.1`, limit: '256Mi', request: '64Mi' }] },
    decision: 'pull_request',
    target: 'kustomize/base/cartservice.yaml',
    change: { file: 'kustomize/base/cartservice.yaml', removed: ['            memory: 256Mi'], added: ['            memory: 512Mi'] },
    affects: [env('kustomize')],
  },
  {
    behaviour: 'picks the kubernetes-manifests copy of cartservice because only it renders the live 128Mi limit',
    repo: 'microservices-demo',
    report: { cluster: 'online-boutique', namespace: 'default', name: 'cartservice', container: 'server', live: [{ name: 'server', image: `${DEMO}/cartservice:v0.10.1`, limit: '128Mi', request: '64Mi' }] },
    decision: 'pull_request',
    target: 'kubernetes-manifests/cartservice.yaml',
    change: { file: 'kubernetes-manifests/cartservice.yaml', removed: ['            memory: 128Mi'], added: ['            memory: 256Mi'] },
    affects: ['manifest kubernetes-manifests/cartservice.yaml'],
  },
  {
    behaviour: 'picks the adservice copy whose image tag the pod runs (v0.10.1: kubernetes-manifests)',
    repo: 'microservices-demo',
    report: { cluster: 'online-boutique', namespace: 'default', name: 'adservice', container: 'server', live: [{ name: 'server', image: `${DEMO}/adservice:v0.10.1`, limit: '300Mi', request: '180Mi' }] },
    decision: 'pull_request',
    target: 'kubernetes-manifests/adservice.yaml',
    change: { file: 'kubernetes-manifests/adservice.yaml', removed: ['            memory: 300Mi'], added: ['            memory: 576Mi'] },
    affects: ['manifest kubernetes-manifests/adservice.yaml'],
  },
  {
    behaviour: 'picks the adservice copy whose image tag the pod runs (v0.10.0: kustomize/base)',
    repo: 'microservices-demo',
    report: { cluster: 'online-boutique', namespace: 'default', name: 'adservice', container: 'server', live: [{ name: 'server', image: `${DEMO}/adservice:v0.10.0`, limit: '300Mi', request: '180Mi' }] },
    decision: 'pull_request',
    target: 'kustomize/base/adservice.yaml',
    change: { file: 'kustomize/base/adservice.yaml', removed: ['            memory: 300Mi'], added: ['            memory: 576Mi'] },
    affects: [env('kustomize')],
  },
  {
    behaviour: 'opens an issue naming both copies of frontend when they render identically and nothing else tells them apart',
    repo: 'microservices-demo',
    report: { cluster: 'online-boutique', namespace: 'default', name: 'frontend', container: 'server', live: [{ name: 'server', image: `${DEMO}/frontend:v0.10.1`, limit: '128Mi', request: '64Mi' }] },
    decision: 'issue',
    target: 'kubernetes-manifests/frontend.yaml',
    change: { file: 'kubernetes-manifests/frontend.yaml', removed: ['            memory: 128Mi'], added: ['            memory: 256Mi'] },
    affects: ['manifest kubernetes-manifests/frontend.yaml'],
    issueReason: /declared equally well in kubernetes-manifests\/frontend\.yaml and kustomize\/base\/frontend\.yaml/,
  },
  {
    behaviour: 'lets the kustomize origin annotation pick the kustomize/base copy of frontend',
    repo: 'microservices-demo',
    report: {
      cluster: 'online-boutique',
      namespace: 'default',
      name: 'frontend',
      container: 'server',
      live: [{ name: 'server', image: `${DEMO}/frontend:v0.10.1`, limit: '128Mi', request: '64Mi' }],
      annotations: { 'config.kubernetes.io/origin': 'path: base/frontend.yaml\n' },
    },
    decision: 'pull_request',
    target: 'kustomize/base/frontend.yaml',
    change: { file: 'kustomize/base/frontend.yaml', removed: ['            memory: 128Mi'], added: ['            memory: 256Mi'] },
    affects: [env('kustomize')],
  },
  {
    behaviour: 'edits loadgenerator, which only kubernetes-manifests declares',
    repo: 'microservices-demo',
    report: { cluster: 'online-boutique', namespace: 'default', name: 'loadgenerator', container: 'server', live: [{ name: 'server', image: `${DEMO}/loadgenerator:v0.10.1`, limit: '512Mi', request: '256Mi' }] },
    decision: 'pull_request',
    target: 'kubernetes-manifests/loadgenerator.yaml',
    change: { file: 'kubernetes-manifests/loadgenerator.yaml', removed: ['            memory: 512Mi'], added: ['            memory: 1Gi'] },
    affects: ['manifest kubernetes-manifests/loadgenerator.yaml'],
  },
  {
    behaviour: 'finds the otel collector whose init command holds {{PROJECT_ID}} in the component the kustomization includes',
    repo: 'microservices-demo',
    report: {
      cluster: 'online-boutique',
      namespace: 'default',
      name: 'opentelemetrycollector',
      container: 'otel-collector',
      live: [{ name: 'otel-collector', image: 'otel/opentelemetry-collector-contrib:0.88.0', limit: '300Mi', request: '180Mi' }],
    },
    decision: 'pull_request',
    target: 'kustomize/components/google-cloud-operations/otel-collector.yaml',
    change: { file: 'kustomize/components/google-cloud-operations/otel-collector.yaml', removed: ['            memory: 300Mi'], added: ['            memory: 576Mi'] },
    affects: [env('kustomize')],
  },
  {
    behaviour: 'opens an issue when the live cartservice limit matches neither copy',
    repo: 'microservices-demo',
    report: { cluster: 'online-boutique', namespace: 'default', name: 'cartservice', container: 'server', live: [{ name: 'server', image: `${DEMO}/cartservice:v0.10.1`, limit: '200Mi', request: '64Mi' }] },
    decision: 'issue',
    target: 'kubernetes-manifests/cartservice.yaml',
    change: { file: 'kubernetes-manifests/cartservice.yaml', removed: ['            memory: 128Mi'], added: ['            memory: 256Mi'] },
    affects: ['manifest kubernetes-manifests/cartservice.yaml'],
    issueReason: /declared equally well in kubernetes-manifests\/cartservice\.yaml and kustomize\/base\/cartservice\.yaml/,
  },

  // ── fluxcd/flux2-kustomize-helm-example ─────────────────────────────────────────────────────────
  {
    behaviour: 'raises the limit in the production values patch of the podinfo HelmRelease, not the base release',
    repo: 'flux-kustomize-helm',
    report: {
      cluster: 'production',
      namespace: 'podinfo',
      name: 'podinfo',
      container: 'podinfo',
      live: [{ name: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo:6.7.0', limit: '512Mi', request: '64Mi' }],
      labels: { 'helm.toolkit.fluxcd.io/name': 'podinfo', 'helm.toolkit.fluxcd.io/namespace': 'podinfo' },
    },
    decision: 'pull_request',
    target: 'apps/base/podinfo/release.yaml',
    change: { file: 'apps/production/podinfo-values.yaml', removed: ['        memory: 512Mi'], added: ['        memory: 1Gi'] },
    affects: [env('apps/production')],
  },
  {
    behaviour: 'adds resources to the staging values patch, which did not set them, leaving production alone',
    repo: 'flux-kustomize-helm',
    report: {
      cluster: 'staging',
      namespace: 'podinfo',
      name: 'podinfo',
      container: 'podinfo',
      live: [{ name: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo:6.7.0', limit: '256Mi', request: '64Mi' }],
      labels: { 'helm.toolkit.fluxcd.io/name': 'podinfo', 'helm.toolkit.fluxcd.io/namespace': 'podinfo' },
    },
    decision: 'pull_request',
    target: 'apps/base/podinfo/release.yaml',
    change: { file: 'apps/staging/podinfo-values.yaml', removed: [], added: ['    resources:', '      limits:', '        memory: 512Mi'] },
    affects: [env('apps/staging')],
  },
  {
    behaviour: 'tells the production release from staging by the live limit when the cluster name says neither',
    repo: 'flux-kustomize-helm',
    report: {
      cluster: 'eks-eu-west-1',
      namespace: 'podinfo',
      name: 'podinfo',
      container: 'podinfo',
      live: [{ name: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo:6.7.0', limit: '512Mi', request: '64Mi' }],
      labels: { 'helm.toolkit.fluxcd.io/name': 'podinfo', 'helm.toolkit.fluxcd.io/namespace': 'podinfo' },
    },
    decision: 'pull_request',
    target: 'apps/base/podinfo/release.yaml',
    change: { file: 'apps/production/podinfo-values.yaml', removed: ['        memory: 512Mi'], added: ['        memory: 1Gi'] },
    affects: [env('apps/production')],
  },
  {
    behaviour: 'follows the Flux Kustomization labels and the cluster folder to the staging release',
    repo: 'flux-kustomize-helm',
    report: {
      cluster: 'staging',
      namespace: 'podinfo',
      name: 'podinfo',
      container: 'podinfo',
      live: [{ name: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo:6.7.0', limit: '256Mi', request: '64Mi' }],
      labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' },
    },
    decision: 'pull_request',
    target: 'apps/base/podinfo/release.yaml',
    change: { file: 'apps/staging/podinfo-values.yaml', removed: [], added: ['    resources:', '      limits:', '        memory: 512Mi'] },
    affects: [env('apps/staging')],
  },

  // ── argoproj/argocd-example-apps ───────────────────────────────────────────────────────────────
  {
    behaviour: 'edits the production value file the helm-guestbook-production Application passes',
    repo: 'argocd-example-apps',
    report: {
      cluster: 'in-cluster-prod',
      namespace: 'guestbook-production',
      name: 'guestbook',
      container: 'guestbook',
      live: [{ name: 'guestbook', image: 'gcr.io/heptio-images/ks-guestbook-demo:0.1', limit: '128Mi' }],
      annotations: { 'argocd.argoproj.io/tracking-id': 'helm-guestbook-production:apps/Deployment:guestbook-production/guestbook' },
    },
    decision: 'pull_request',
    target: 'helm-guestbook/values-production.yaml',
    change: { file: 'helm-guestbook/values-production.yaml', removed: ['    memory: 128Mi'], added: ['    memory: 256Mi'] },
    affects: ['helm chart helm-guestbook with Argo CD Application helm-guestbook-production in apps/helm-guestbook-production.yaml'],
  },
  {
    behaviour: 'edits the chart defaults for staging when production overrides the field and so renders as before',
    repo: 'argocd-example-apps',
    report: {
      cluster: 'in-cluster-staging',
      namespace: 'guestbook-staging',
      name: 'guestbook',
      container: 'guestbook',
      live: [{ name: 'guestbook', image: 'gcr.io/heptio-images/ks-guestbook-demo:0.1', limit: '64Mi' }],
      annotations: { 'argocd.argoproj.io/tracking-id': 'helm-guestbook-staging:apps/Deployment:guestbook-staging/guestbook' },
    },
    decision: 'pull_request',
    target: 'helm-guestbook/values-staging.yaml',
    change: { file: 'helm-guestbook/values.yaml', removed: ['    memory: 64Mi'], added: ['    memory: 128Mi'] },
    affects: ['helm chart helm-guestbook with Argo CD Application helm-guestbook-staging in apps/helm-guestbook-staging.yaml'],
  },
  {
    behaviour: 'edits the production patch of kustomize-guestbook the Application deploys',
    repo: 'argocd-example-apps',
    report: {
      cluster: 'in-cluster-prod',
      namespace: 'kustomize-guestbook-production',
      name: 'prod-guestbook-ui',
      container: 'guestbook-ui',
      live: [{ name: 'guestbook-ui', image: 'gcr.io/heptio-images/ks-guestbook-demo:0.2', limit: '128Mi' }],
      labels: { 'app.kubernetes.io/instance': 'kustomize-guestbook-production' },
    },
    decision: 'pull_request',
    target: 'kustomize-guestbook/base/guestbook-ui-deployment.yaml',
    change: { file: 'kustomize-guestbook/overlays/production/memory.yaml', removed: ['            memory: 128Mi'], added: ['            memory: 256Mi'] },
    affects: [env('kustomize-guestbook/overlays/production')],
  },
  {
    behaviour: 'edits the kustomize-guestbook base for staging when production patches the field and so renders as before',
    repo: 'argocd-example-apps',
    report: {
      cluster: 'in-cluster-staging',
      namespace: 'kustomize-guestbook-staging',
      name: 'staging-guestbook-ui',
      container: 'guestbook-ui',
      live: [{ name: 'guestbook-ui', image: 'gcr.io/heptio-images/ks-guestbook-demo:0.2', limit: '64Mi' }],
      labels: { 'app.kubernetes.io/instance': 'kustomize-guestbook-staging' },
    },
    decision: 'pull_request',
    target: 'kustomize-guestbook/base/guestbook-ui-deployment.yaml',
    change: { file: 'kustomize-guestbook/base/guestbook-ui-deployment.yaml', removed: ['            memory: 64Mi'], added: ['            memory: 128Mi'] },
    affects: [env('kustomize-guestbook/overlays/staging')],
  },
  {
    behaviour: 'finds the helm-guestbook production release by its destination namespace when the pod carries no Argo CD metadata',
    repo: 'argocd-example-apps',
    report: {
      cluster: 'in-cluster-prod',
      namespace: 'guestbook-production',
      name: 'guestbook',
      container: 'guestbook',
      live: [{ name: 'guestbook', image: 'gcr.io/heptio-images/ks-guestbook-demo:0.1', limit: '128Mi' }],
    },
    decision: 'pull_request',
    target: 'helm-guestbook/values-production.yaml',
    change: { file: 'helm-guestbook/values-production.yaml', removed: ['    memory: 128Mi'], added: ['    memory: 256Mi'] },
    affects: ['helm chart helm-guestbook with Argo CD Application helm-guestbook-production in apps/helm-guestbook-production.yaml'],
  },
  {
    behaviour: 'follows the Argo CD tracking id to kustomize-guestbook staging',
    repo: 'argocd-example-apps',
    report: {
      cluster: 'in-cluster-staging',
      namespace: 'kustomize-guestbook-staging',
      name: 'staging-guestbook-ui',
      container: 'guestbook-ui',
      live: [{ name: 'guestbook-ui', image: 'gcr.io/heptio-images/ks-guestbook-demo:0.2', limit: '64Mi' }],
      annotations: { 'argocd.argoproj.io/tracking-id': 'kustomize-guestbook-staging:apps/Deployment:kustomize-guestbook-staging/staging-guestbook-ui' },
    },
    decision: 'pull_request',
    target: 'kustomize-guestbook/base/guestbook-ui-deployment.yaml',
    change: { file: 'kustomize-guestbook/base/guestbook-ui-deployment.yaml', removed: ['            memory: 64Mi'], added: ['            memory: 128Mi'] },
    affects: [env('kustomize-guestbook/overlays/staging')],
  },
  {
    behaviour: 'finds the helm-guestbook staging release by its destination namespace when the pod carries no Argo CD metadata',
    repo: 'argocd-example-apps',
    report: {
      cluster: 'in-cluster-staging',
      namespace: 'guestbook-staging',
      name: 'guestbook',
      container: 'guestbook',
      live: [{ name: 'guestbook', image: 'gcr.io/heptio-images/ks-guestbook-demo:0.1', limit: '64Mi' }],
    },
    decision: 'pull_request',
    target: 'helm-guestbook/values-staging.yaml',
    change: { file: 'helm-guestbook/values.yaml', removed: ['    memory: 64Mi'], added: ['    memory: 128Mi'] },
    affects: ['helm chart helm-guestbook with Argo CD Application helm-guestbook-staging in apps/helm-guestbook-staging.yaml'],
  },
  {
    behaviour: 'finds the kustomize-guestbook production overlay by its name prefix when the pod carries no Argo CD metadata',
    repo: 'argocd-example-apps',
    report: {
      cluster: 'in-cluster-prod',
      namespace: 'kustomize-guestbook-production',
      name: 'prod-guestbook-ui',
      container: 'guestbook-ui',
      live: [{ name: 'guestbook-ui', image: 'gcr.io/heptio-images/ks-guestbook-demo:0.2', limit: '128Mi' }],
    },
    decision: 'pull_request',
    target: 'kustomize-guestbook/base/guestbook-ui-deployment.yaml',
    change: { file: 'kustomize-guestbook/overlays/production/memory.yaml', removed: ['            memory: 128Mi'], added: ['            memory: 256Mi'] },
    affects: [env('kustomize-guestbook/overlays/production')],
  },
  {
    behaviour: 'follows the clusters/production folder to the production release when the pod carries no Flux labels',
    repo: 'flux-kustomize-helm',
    report: {
      cluster: 'production',
      namespace: 'podinfo',
      name: 'podinfo',
      container: 'podinfo',
      live: [{ name: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo:6.7.0', limit: '512Mi', request: '64Mi' }],
    },
    decision: 'pull_request',
    target: 'apps/base/podinfo/release.yaml',
    change: { file: 'apps/production/podinfo-values.yaml', removed: ['        memory: 512Mi'], added: ['        memory: 1Gi'] },
    affects: [env('apps/production')],
  },
  {
    behaviour: 'follows the tracking id to an Application a git-directory ApplicationSet generates, and edits the qa overlay patch',
    repo: 'argocd-example-apps',
    report: {
      cluster: 'in-cluster-qa',
      namespace: 'guestbook-ui-qa',
      name: 'qa-guestbook-ui',
      container: 'guestbook-ui',
      live: [{ name: 'guestbook-ui', image: 'gcr.io/heptio-images/ks-guestbook-demo:0.2', limit: '96Mi' }],
      annotations: { 'argocd.argoproj.io/tracking-id': 'guestbook-ui-qa:apps/Deployment:guestbook-ui-qa/qa-guestbook-ui' },
    },
    decision: 'pull_request',
    target: 'kustomize-guestbook/base/guestbook-ui-deployment.yaml',
    change: { file: 'kustomize-guestbook/overlays/qa/memory.yaml', removed: ['            memory: 96Mi'], added: ['            memory: 192Mi'] },
    affects: [env('kustomize-guestbook/overlays/qa')],
  },
  {
    behaviour: 'edits the value file a list-generator ApplicationSet passes for qa',
    repo: 'argocd-example-apps',
    report: {
      cluster: 'qa-1',
      namespace: 'guestbook-qa',
      name: 'guestbook',
      container: 'guestbook',
      live: [{ name: 'guestbook', image: 'gcr.io/heptio-images/ks-guestbook-demo:0.1', limit: '96Mi' }],
      labels: { 'app.kubernetes.io/instance': 'helm-guestbook-qa' },
    },
    decision: 'pull_request',
    target: 'helm-guestbook/values-qa.yaml',
    change: { file: 'helm-guestbook/values-qa.yaml', removed: ['    memory: 96Mi # QA runs the synthetic load tests'], added: ['    memory: 192Mi # QA runs the synthetic load tests'] },
    affects: ['helm chart helm-guestbook with Argo CD Application helm-guestbook-qa in appsets/helm-guestbook-qa.yaml'],
  },
];
