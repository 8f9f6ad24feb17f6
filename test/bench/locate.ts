/**
 * Benchmark: indexing a GitOps repository of 5,000 manifests and locating one workload in it.
 *
 * The generated repository mixes the forms real ones use: plain multi-document files per team
 * (Deployment + Service + ConfigMap), kustomize bases with dev/staging/prod overlays (namePrefix,
 * namespace, images transformer, a strategic-merge patch in prod) and Helm charts with values per
 * environment and templates that are not YAML. The workload located is a prod overlay's
 * Deployment, which needs the prefix chain and the patches resolved. Then every environment the
 * repository defines (each overlay, values set and manifest) is rendered, as the scope check does
 * before an edit, and rendered again with the edit applied.
 *
 * Run: npx tsx test/bench/locate.ts
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { indexRepository } from '../../src/locate/index-repo.js';
import { LocalRepoView } from '../../src/locate/local-repo.js';
import { locateWorkload } from '../../src/locate/locate.js';
import { changedEnvironments, indexWithChangedFiles, renderEnvironments } from '../../src/locate/environments.js';
import { applyEditsToFiles } from '../../src/remedy/apply-edits.js';
import { parseFailureReport, type FailureReport } from '../../src/report/schema.js';

export interface LocateBenchmark {
  /** Kubernetes-shaped YAML documents in the generated repository. */
  manifests: number;
  /** Median time to list, read, parse and index the whole repository (fresh RepoView each run). */
  indexMs: number;
  /** Median time to locate the workload in an index built once. */
  locateMs: number;
  /** Median time to render every environment before and after one edit (the scope check). */
  environmentsMs: number;
  /** Environments the repository defines. */
  environments: number;
  /** The same medians in CPU time of this process: what the numbers are on an idle machine. */
  indexCpuMs: number;
  locateCpuMs: number;
  environmentsCpuMs: number;
  /** The file the workload was located in, and the layer that sets its memory limit. */
  located: string;
}

const PLAIN_FILES = 900; // × 3 documents
const KUSTOMIZE_APPS = 300; // × 7 documents (base: 2 + kustomization; 3 overlays; prod patch)
const HELM_CHARTS = 50; // × 4 documents (Chart.yaml, values, values-staging, values-prod)
const INDEX_RUNS = 5;
const LOCATE_RUNS = 15;
const ENVIRONMENT_RUNS = 5;
/** The workload located: the prod overlay's copy of one kustomize app. */
const TARGET_APP = 217;

const pad = (n: number) => String(n).padStart(4, '0');

function plainFile(team: number, service: number): string {
  const name = `svc-${pad(service)}`;
  const namespace = `team-${team}`;
  return `# ${name}, owned by team ${team}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
    app.kubernetes.io/name: ${name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      containers:
        - name: ${name}
          image: ghcr.io/acme/${name}:1.${service % 20}.${service % 7}
          ports:
            - name: http
              containerPort: 8080
          envFrom:
            - configMapRef:
                name: ${name}-config
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 256Mi}
          readinessProbe:
            httpGet: {path: /ready, port: http}
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - port: 80
      targetPort: http
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ${namespace}
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "search,checkout-v2"
`;
}

function kustomizeApp(app: number): Record<string, string> {
  const name = `app-${pad(app)}`;
  const base = `kustomize/base/${name}`;
  const files: Record<string, string> = {
    [`${base}/deployment.yaml`]: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: ${name}
        image: registry.acme.io/${name}:latest
        resources:
          limits:
            memory: 256Mi
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: ${name}
  ports:
  - port: 80
    targetPort: 8080
`,
    [`${base}/kustomization.yaml`]: `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- deployment.yaml
`,
  };
  for (const env of ['dev', 'staging', 'prod']) {
    const patch = env === 'prod' ? '\npatches:\n- path: memory.yaml\n' : '';
    files[`kustomize/overlays/${env}/${name}/kustomization.yaml`] = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop-${env}
namePrefix: ${env}-
resources:
- ../../../base/${name}
images:
- name: registry.acme.io/${name}
  newTag: "2.${app % 10}.${env === 'prod' ? 0 : 1}"
${patch}`;
  }
  files[`kustomize/overlays/prod/${name}/memory.yaml`] = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
      - name: ${name}
        resources:
          limits:
            memory: 1Gi
`;
  return files;
}

function helmChart(chart: number): Record<string, string> {
  const name = `chart-${pad(chart)}`;
  const root = `helm/charts/${name}`;
  return {
    [`${root}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 0.${chart}.0\nappVersion: "1.${chart}.0"\n`,
    [`${root}/values.yaml`]: `image:\n  repository: ghcr.io/acme/${name}\n  tag: ""\nresources:\n  limits:\n    memory: 512Mi\n`,
    [`${root}/values-staging.yaml`]: `image:\n  tag: 1.${chart}.1-rc.1\n`,
    [`${root}/values-prod.yaml`]: `replicaCount: 4\nresources:\n  limits:\n    memory: 1Gi\n`,
    [`${root}/templates/deployment.yaml`]: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
`,
  };
}

/** Writes the repository; returns how many manifests (YAML documents) it holds. */
async function generateRepository(dir: string): Promise<number> {
  const files: Record<string, string> = {};
  for (let service = 0; service < PLAIN_FILES; service++) files[`apps/team-${service % 30}/svc-${pad(service)}.yaml`] = plainFile(service % 30, service);
  for (let app = 0; app < KUSTOMIZE_APPS; app++) Object.assign(files, kustomizeApp(app));
  for (let chart = 0; chart < HELM_CHARTS; chart++) Object.assign(files, helmChart(chart));
  await Promise.all(
    Object.entries(files).map(async ([path, text]) => {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }),
  );
  return PLAIN_FILES * 3 + KUSTOMIZE_APPS * 7 + HELM_CHARTS * 4;
}

function targetReport(): FailureReport {
  const name = `prod-app-${pad(TARGET_APP)}`;
  const container = `app-${pad(TARGET_APP)}`;
  const parsed = parseFailureReport({
    apiVersion: 'kubecure.dev/v1',
    kind: 'FailureReport',
    cluster: 'prod',
    observedAt: '2026-11-22T00:10:00Z',
    failure: { category: 'OOMKilled', reason: 'OOMKilled', message: '', container, restartCount: 3, exitCode: 137 },
    pod: { name: `${name}-7d9f8c6b5-x2x9q`, namespace: 'shop-prod', labels: { app: container, 'pod-template-hash': '7d9f8c6b5' }, spec: { containers: [{ name: container, image: `registry.acme.io/${container}:2.7.0` }] } },
    workload: { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'shop-prod' },
  });
  if (!parsed.ok) throw new Error(parsed.errors.map((error) => `${error.path}: ${error.message}`).join('; '));
  return parsed.value;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, value };
}

export async function benchLocate(): Promise<LocateBenchmark> {
  const dir = await mkdtemp(join(tmpdir(), 'kubecure-bench-locate-'));
  try {
    const manifests = await generateRepository(dir);
    const indexRuns = [];
    // A first, untimed run warms the file system cache and the JIT, as a long-running App is warm.
    let index = await indexRepository(new LocalRepoView(dir));
    for (let run = 0; run < INDEX_RUNS; run++) {
      const result = await timed(() => indexRepository(new LocalRepoView(dir)));
      indexRuns.push(result);
      index = result.value;
    }
    const report = targetReport();
    const locateRuns = [];
    let located = '';
    for (let run = 0; run < LOCATE_RUNS; run++) {
      const result = await timed(() => locateWorkload(report, index));
      const found = result.value.found;
      if (!found) throw new Error('the benchmark workload was not located');
      const memory = found.resolve({ fixKind: 'resources', container: report.failure.container, path: ['resources', 'limits', 'memory'], value: '2Gi', previous: '1Gi' });
      located = `${found.file} (memory limit set in ${memory.ok ? memory.edits.map((edit) => edit.file).join(', ') : memory.reason})`;
      locateRuns.push(result);
    }
    const found = (await locateWorkload(report, index)).found;
    const memory = found?.resolve({ fixKind: 'resources', container: report.failure.container, path: ['resources', 'limits', 'memory'], value: '2Gi', previous: '1Gi' });
    if (!memory?.ok) throw new Error('the benchmark edit could not be resolved');
    const edited = await applyEditsToFiles(memory.edits, (path) => index.readFile(path));
    const environmentRuns = [];
    let environments = 0;
    for (let run = 0; run < ENVIRONMENT_RUNS; run++) {
      const result = await timed(async () => {
        const before = await renderEnvironments(index);
        const after = await renderEnvironments(indexWithChangedFiles(index, edited));
        return { before, changed: changedEnvironments(before, after, found?.environment ?? null).changed };
      });
      environments = result.value.before.size;
      if (result.value.changed.length !== 1) throw new Error(`the benchmark edit changed ${result.value.changed.length} environments`);
      environmentRuns.push(result);
    }
    return {
      manifests,
      indexMs: median(indexRuns.map((run) => run.ms)),
      locateMs: median(locateRuns.map((run) => run.ms)),
      environmentsMs: median(environmentRuns.map((run) => run.ms)),
      environments,
      indexCpuMs: median(indexRuns.map((run) => run.cpuMs)),
      locateCpuMs: median(locateRuns.map((run) => run.cpuMs)),
      environmentsCpuMs: median(environmentRuns.map((run) => run.cpuMs)),
      located,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchLocate();
  const round = (value: number) => Math.round(value * 10) / 10;
  console.table({
    manifests: { 'wall ms': result.manifests, 'cpu ms': '' },
    'index (p50)': { 'wall ms': round(result.indexMs), 'cpu ms': round(result.indexCpuMs) },
    'locate (p50)': { 'wall ms': round(result.locateMs), 'cpu ms': round(result.locateCpuMs) },
    'index + locate': { 'wall ms': round(result.indexMs + result.locateMs), 'cpu ms': round(result.indexCpuMs + result.locateCpuMs) },
    [`render ${result.environments} environments ×2 (p50)`]: { 'wall ms': round(result.environmentsMs), 'cpu ms': round(result.environmentsCpuMs) },
  });
  console.log(`located: ${result.located}`);
  console.log(`goal (index + locate under 1 s): ${result.indexMs + result.locateMs < 1000 ? 'met' : 'missed'} on this machine (load average ${os.loadavg()[0]?.toFixed(1)})`);
}
