/**
 * Helpers of the multi-environment table: the fixture repositories modeled on public GitOps
 * layouts, and failure reports shaped like the agent's (built from a recorded report, with the
 * live pod values of the instance that failed).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LocalRepoView } from '../../src/locate/local-repo.js';
import { parseFailureReport, type FailureReport } from '../../src/report/schema.js';
import { scenarioReportPath } from './support.js';

export const ENVIRONMENT_REPOS = ['kustomize-multibases', 'microservices-demo', 'flux-kustomize-helm', 'argocd-example-apps'] as const;
export type EnvironmentRepo = (typeof ENVIRONMENT_REPOS)[number];

export function environmentRepoPath(name: EnvironmentRepo): string {
  return fileURLToPath(new URL(`../fixtures/scenarios/environments/${name}`, import.meta.url));
}

export function environmentRepo(name: EnvironmentRepo): LocalRepoView {
  return new LocalRepoView(environmentRepoPath(name));
}

export interface LiveContainer {
  name: string;
  image: string;
  /** The memory limit the pod runs with (and was killed at). */
  limit: string;
  request?: string;
}

export interface InstanceReport {
  cluster: string;
  namespace: string;
  /** The Deployment as the cluster names it. */
  name: string;
  /** The container that was OOMKilled. */
  container: string;
  /** Every container of the live pod, with the values it runs with. */
  live: LiveContainer[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** An OOMKilled report of one instance, in the agent's record shape (a recorded report, re-aimed). */
export function oomReport(instance: InstanceReport): FailureReport {
  const recorded = JSON.parse(readFileSync(scenarioReportPath('kustomize-staging-oom-base'), 'utf8')) as Record<string, any>;
  const podName = `${instance.name}-6c9d7f8b5-q4t7z`;
  const replicaSet = `${instance.name}-6c9d7f8b5`;
  const report = {
    ...recorded,
    cluster: instance.cluster,
    failure: { ...recorded.failure, container: instance.container },
    pod: {
      ...recorded.pod,
      name: podName,
      namespace: instance.namespace,
      labels: { 'pod-template-hash': '6c9d7f8b5', ...instance.labels },
      annotations: instance.annotations ?? {},
      spec: {
        ...recorded.pod.spec,
        containers: instance.live.map((container) => ({
          name: container.name,
          image: container.image,
          resources: { limits: { memory: container.limit }, ...(container.request ? { requests: { memory: container.request } } : {}) },
        })),
      },
    },
    workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: instance.name, namespace: instance.namespace },
    ownerChain: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: instance.name },
    ],
    events: recorded.events.map((event: Record<string, any>) => ({
      ...event,
      message: `Back-off restarting failed container ${instance.container} in pod ${podName}_${instance.namespace}`,
      involvedObject: { kind: 'Pod', name: podName, namespace: instance.namespace },
    })),
  };
  const parsed = parseFailureReport(report);
  if (!parsed.ok) throw new Error(parsed.errors.map((error) => `${error.path}: ${error.message}`).join('; '));
  return parsed.value;
}
