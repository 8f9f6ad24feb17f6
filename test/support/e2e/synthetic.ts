/**
 * Synthetic inputs at scale for the benchmarks: a GitOps repository of plain manifests with as
 * many services as asked (a Deployment and a Service each, in per-team folders, as large
 * monorepos lay them out), and OOMKilled reports for any of its Deployments.
 */
import { readFileSync } from 'node:fs';
import type { FailureReportInput } from '../../../src/report/schema.js';

export interface SyntheticService {
  team: string;
  name: string;
  container: string;
  image: string;
  memoryLimit: string;
}

export function syntheticService(index: number): SyntheticService {
  return { team: `team-${index % 40}`, name: `svc-${index}`, container: 'app', image: `registry.example.com/team/svc-${index}:1.4.2`, memoryLimit: '256Mi' };
}

function deploymentYaml(service: SyntheticService): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${service.name}
  namespace: ${service.team}
  labels:
    app.kubernetes.io/name: ${service.name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: ${service.name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${service.name}
    spec:
      containers:
        - name: ${service.container}
          image: ${service.image}
          ports:
            - name: http
              containerPort: 8080
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: ${service.memoryLimit}
          readinessProbe:
            httpGet:
              path: /ready
              port: http
`;
}

function serviceYaml(service: SyntheticService): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${service.name}
  namespace: ${service.team}
spec:
  selector:
    app.kubernetes.io/name: ${service.name}
  ports:
    - name: http
      port: 80
      targetPort: http
`;
}

/** `files` manifests (half Deployments, half Services) plus a README. */
export function syntheticRepo(files: number): Record<string, string> {
  const repo: Record<string, string> = { 'README.md': '# platform gitops\n' };
  for (let index = 0; index < files / 2; index += 1) {
    const service = syntheticService(index);
    repo[`apps/${service.team}/${service.name}/deployment.yaml`] = deploymentYaml(service);
    repo[`apps/${service.team}/${service.name}/service.yaml`] = serviceYaml(service);
  }
  return repo;
}

const TEMPLATE = JSON.parse(readFileSync(new URL('../../fixtures/scenarios/plain-oom-checkout.json', import.meta.url), 'utf8')) as FailureReportInput;

/** The OOMKilled report an agent sends for one pod of a synthetic service. */
export function oomReportFor(service: SyntheticService, cluster: string, pod = 0): FailureReportInput {
  const report = structuredClone(TEMPLATE) as any;
  const podName = `${service.name}-7d9f8c6b5-${pod.toString(36).padStart(5, 'x')}`;
  const now = new Date().toISOString();
  report.cluster = cluster;
  report.observedAt = now;
  report.firstSeen = now;
  report.occurrences = 1;
  report.failure.container = service.container;
  report.pod.name = podName;
  report.pod.namespace = service.team;
  report.pod.labels = { 'app.kubernetes.io/name': service.name, 'pod-template-hash': '7d9f8c6b5' };
  const [container] = report.pod.spec.containers;
  container.name = service.container;
  container.image = service.image;
  container.env = [{ name: 'LOG_LEVEL', value: 'info' }];
  report.pod.status.containerStatuses[0].name = service.container;
  report.pod.status.containerStatuses[0].image = service.image;
  report.workload = { apiVersion: 'apps/v1', kind: 'Deployment', name: service.name, namespace: service.team };
  report.ownerChain = [
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${service.name}-7d9f8c6b5` },
    { apiVersion: 'apps/v1', kind: 'Deployment', name: service.name },
  ];
  report.events = report.events.map((event: any) => ({ ...event, message: event.message.replaceAll('checkout', service.name), involvedObject: { kind: 'Pod', name: podName, namespace: service.team } }));
  report.usage = { containers: [{ name: service.container, cpu: '412m', memory: '251Mi' }] };
  return report;
}
