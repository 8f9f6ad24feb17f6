import { describe, expect, it, vi } from 'vitest';
import { indexRepository } from '../../src/locate/index-repo.js';
import type { RepoView } from '../../src/locate/types.js';
import type { Logger } from '../../src/logger.js';
import { indexFixture } from './support.js';

function memoryRepo(files: Record<string, string>): RepoView {
  return {
    id: 'memory',
    listFiles: async () => Object.keys(files),
    readFile: async (path) => files[path] ?? null,
  };
}

function deployment(name: string, namespace: string): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    '  labels:',
    `    app: ${name}`,
    'spec:',
    '  replicas: 2',
    '  selector:',
    '    matchLabels:',
    `      app: ${name}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${name}`,
    '    spec:',
    '      containers:',
    `        - name: ${name}`,
    `          image: ghcr.io/acme/${name}:1.0.0`,
    '          ports:',
    '            - containerPort: 8080',
    '          resources:',
    '            limits:',
    '              memory: 256Mi',
    '',
  ].join('\n');
}

describe('indexRepository', () => {
  it('indexes every document of multi-document files with its position', async () => {
    const index = await indexFixture('plain-multi-service');
    const cart = index.documents.filter((document) => document.file === 'apps/cart/cart.yaml');
    expect(cart.map((document) => [document.documentIndex, document.kind, document.name, document.namespace])).toEqual([
      [0, 'ServiceAccount', 'cart', 'shop'],
      [1, 'Deployment', 'cart', 'shop'],
      [2, 'Service', 'cart', 'shop'],
    ]);
  });

  it('expands kind: List into one document per item, remembering the item index', async () => {
    const index = await indexFixture('plain-multi-service');
    const inventory = index.documents.filter((document) => document.file === 'apps/inventory/inventory.yaml');
    expect(inventory.map((document) => [document.kind, document.documentIndex, document.listItemIndex])).toEqual([
      ['Service', 0, 0],
      ['Deployment', 0, 1],
    ]);
  });

  it('skips a file that does not parse with a warning, and keeps it readable', async () => {
    const warn = vi.fn();
    const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn, error: vi.fn() };
    const index = await indexRepository(
      memoryRepo({ 'ok.yaml': deployment('web', 'shop'), 'broken.yaml': 'kind: Deployment\nmetadata:\n  name: [broken\n' }),
      { logger },
    );
    expect(index.documents.map((document) => document.file)).toEqual(['ok.yaml']);
    expect(index.warnings).toHaveLength(1);
    expect(index.warnings[0]).toMatch(/^broken\.yaml: skipped, not valid YAML/);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ file: 'broken.yaml' }), expect.any(String));
    expect(await index.readFile('broken.yaml')).toContain('[broken');
  });

  it('warns about the broken file of the plain fixture repo without failing', async () => {
    const index = await indexFixture('plain-multi-service');
    expect(index.warnings).toEqual([expect.stringContaining('apps/legacy/recommendations.yaml')]);
    expect(index.documents.some((document) => document.name === 'recommendations')).toBe(false);
  });

  it('does not treat Helm templates as manifests but still serves their text', async () => {
    const index = await indexFixture('helm-chart');
    expect(index.documents.some((document) => document.file.includes('/templates/'))).toBe(false);
    expect(index.warnings).toEqual([]);
    expect(await index.readFile('charts/storefront/templates/deployment.yaml')).toContain('{{ include "storefront.fullname" . }}');
    expect(index.files).toContain('charts/storefront/values-prod.yaml');
  });

  it('indexes a plain manifest whose shell command contains {{PROJECT_ID}} (microservices-demo otel-collector)', async () => {
    const collector = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: opentelemetrycollector',
      'spec:',
      '  template:',
      '    spec:',
      '      initContainers:',
      '      - name: otel-gateway-init',
      '        image: busybox:latest',
      '        command:',
      "        - '/bin/sh'",
      "        - '-c'",
      "        - 'sed -i \"s/{{PROJECT_ID}}/$GOOGLE_CLOUD_PROJECT/\" /conf/collector-gateway-config.yaml'",
      '      containers:',
      '      - name: otel-collector',
      '        image: otel/opentelemetry-collector-contrib:0.88.0',
      '',
    ].join('\n');
    const index = await indexRepository(memoryRepo({ 'kustomize/components/google-cloud-operations/otel-collector.yaml': collector }));
    expect(index.documents.map((document) => `${document.kind}/${document.name}`)).toEqual(['Deployment/opentelemetrycollector']);
    expect(index.warnings).toEqual([]);
  });

  it('treats only files under a chart\'s templates/ directory as Helm templates, naming every other skipped file with its reason', async () => {
    const index = await indexRepository(
      memoryRepo({
        'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
        'charts/web/values.yaml': 'image: {tag: "1.0"}\n',
        'charts/web/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
        // A `templates/` folder outside any chart is an ordinary folder of manifests.
        'docs/templates/job.yaml': deployment('sample', 'docs'),
        'tools/render-me.yaml': 'kind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n  labels: {{- toYaml . }}\n',
      }),
    );
    expect(index.documents.map((document) => document.file)).toEqual(['docs/templates/job.yaml']);
    expect(index.warnings).toEqual([expect.stringMatching(/^tools\/render-me\.yaml: skipped, not valid YAML \(it contains Go-template actions but is not under a chart's templates\/ directory\)/)]);
  });

  it('restricts indexing to the given directory prefixes and globs', async () => {
    const repo = memoryRepo({
      'apps/web/deployment.yaml': deployment('web', 'shop'),
      'apps/api/deployment.yml': deployment('api', 'shop'),
      'infra/ingress.yaml': deployment('ingress', 'infra'),
    });
    const byPrefix = await indexRepository(repo, { paths: ['apps/web'] });
    expect(byPrefix.documents.map((document) => document.name)).toEqual(['web']);
    const byGlob = await indexRepository(repo, { paths: ['apps/**/*.yml', 'infra/*.yaml'] });
    expect(byGlob.documents.map((document) => document.name).sort()).toEqual(['api', 'ingress']);
  });

  it('ignores YAML that is not a Kubernetes object and files that are not YAML', async () => {
    const index = await indexRepository(
      memoryRepo({ 'values.yaml': 'replicaCount: 2\n', 'README.md': 'kind: Deployment', 'empty.yaml': '', 'web.yaml': deployment('web', 'shop') }),
    );
    expect(index.documents.map((document) => document.file)).toEqual(['web.yaml']);
    expect(index.files).toHaveLength(4);
  });

  // Its speed is measured by test/bench/locate.ts, not asserted here.
  it('indexes every document of a 5,000-manifest repository', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5000; i += 1) files[`apps/svc-${i}/deployment.yaml`] = deployment(`svc-${i}`, `team-${i % 40}`);
    const index = await indexRepository(memoryRepo(files));
    expect(index.documents).toHaveLength(5000);
  });
});
