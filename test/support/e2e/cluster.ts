/**
 * A cluster for end-to-end runs: workloads on the fake API server shaped like the ones the
 * fixture repositories declare (same names, namespaces, containers, images and limits, with the
 * controller-owned pods, ReplicaSets, logs, Warning events and metrics a real cluster serves),
 * and the state changes that make them fail or recover.
 *
 * Every pod carries the secret canary in an env value, its logs and its events, so each
 * scenario also proves that redaction holds from the cluster to GitHub.
 */
import { randomBytes } from 'node:crypto';
import type { FakeKubeApi, KubeObject } from '../fake-kube-api.js';
import { crashLooping, deployment, makePod, podTemplate, replicaSet, running, waiting, warningEvent } from '../fake-kube/objects.js';

/** A secret no output may contain; random per process so no fixed string could pass by luck. */
export const CANARY = `cnry${randomBytes(9).toString('hex')}`;
/** Env names the redactor treats as secret; the canary is their value. */
export const CANARY_ENV = 'PAYMENTS_API_TOKEN';

export interface WorkloadShape {
  namespace: string;
  name: string;
  kind?: 'Deployment' | 'StatefulSet';
  container: string;
  image: string;
  memoryLimit?: string;
  /** Labels and annotations on the pods (GitOps hints, app labels). */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  templateHash?: string;
}

export interface Workload {
  shape: WorkloadShape;
  pods: KubeObject[];
}

function shapeContainer(pod: KubeObject, shape: WorkloadShape): KubeObject {
  const [container] = pod.spec.containers;
  container.image = shape.image;
  container.resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: shape.memoryLimit ?? '256Mi' } };
  container.env = [
    { name: 'LOG_LEVEL', value: 'info' },
    { name: CANARY_ENV, value: CANARY },
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
  ];
  pod.status.containerStatuses[0].image = shape.image;
  return pod;
}

function podName(shape: WorkloadShape, index: number): string {
  if (shape.kind === 'StatefulSet') return `${shape.name}-${index}`;
  return `${shape.name}-${shape.templateHash ?? '7d9f8c6b5'}-${index.toString(36).padStart(5, 'x')}`;
}

/** Creates the workload's controllers and `replicas` running pods (silently: before the agent lists). */
export function addWorkload(api: FakeKubeApi, shape: WorkloadShape, replicas = 1): Workload {
  const hash = shape.templateHash ?? '7d9f8c6b5';
  const pods: KubeObject[] = [];
  for (let index = 0; index < replicas; index += 1) {
    const base =
      shape.kind === 'StatefulSet'
        ? makePod({ name: podName(shape, index), namespace: shape.namespace, containers: [shape.container], labels: shape.labels, annotations: shape.annotations })
        : makePod({ name: podName(shape, index), namespace: shape.namespace, deployment: shape.name, templateHash: hash, containers: [shape.container], labels: shape.labels, annotations: shape.annotations });
    if (shape.kind === 'StatefulSet') {
      base.metadata.labels['controller-revision-hash'] = `${shape.name}-${hash}`;
      base.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: shape.name, uid: `sts-${shape.name}`, controller: true, blockOwnerDeletion: true }];
    }
    pods.push(api.upsertPod(shapeContainer(base, shape)));
  }
  const template = podTemplate(pods[0]!);
  if (shape.kind === 'StatefulSet') {
    api.setObject('apps/v1', 'statefulsets', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: shape.name, namespace: shape.namespace, uid: `sts-${shape.name}`, labels: shape.labels ?? {} }, spec: { replicas, template } });
  } else {
    api.setObject('apps/v1', 'replicasets', replicaSet(shape.name, hash, shape.namespace, template));
    api.setObject('apps/v1', 'deployments', { ...deployment(shape.name, shape.namespace, { labels: shape.labels }), spec: { replicas, template } });
  }
  return { shape, pods };
}

/** Logs that echo the canary the way a careless app does. */
function leakyLines(shape: WorkloadShape): string[] {
  return [
    `{"level":"info","msg":"starting ${shape.name}","version":"1.8.2"}`,
    `{"level":"debug","msg":"payments client configured","${CANARY_ENV}":"${CANARY}"}`,
    `{"level":"debug","msg":"calling payments","authorization":"Bearer ${CANARY}${CANARY}"}`,
  ];
}

/** The container is OOM-killed and restarting; metrics show it at its limit. */
export function oomKill(api: FakeKubeApi, workload: Workload, options: { restartCount?: number; usageMemory?: string } = {}): void {
  const { shape } = workload;
  for (const pod of workload.pods) {
    api.setLogs(shape.namespace, pod.metadata.name, shape.container, {
      previous: [...leakyLines(shape), '{"level":"info","msg":"warming product cache","items":184220}'].join('\n') + '\n',
      current: leakyLines(shape)[0] + '\n',
    });
    api.setObject('metrics.k8s.io/v1beta1', 'pods', {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: { name: pod.metadata.name, namespace: shape.namespace },
      timestamp: new Date().toISOString(),
      window: '15s',
      containers: [{ name: shape.container, usage: { cpu: '412m', memory: options.usageMemory ?? shape.memoryLimit ?? '256Mi' } }],
    });
    api.upsertPod(crashLooping(pod, { exitCode: 137, reason: 'OOMKilled' }, options.restartCount ?? 4, shape.container));
  }
}

/** A crash loop with the given exit code and log; every pod of the workload at once. */
export function crashLoop(api: FakeKubeApi, workload: Workload, options: { restartCount: number; exitCode?: number; reason?: string; lastLine?: string }): void {
  const { shape } = workload;
  for (const pod of workload.pods) {
    api.setLogs(shape.namespace, pod.metadata.name, shape.container, {
      previous: [...leakyLines(shape), options.lastLine ?? '{"level":"fatal","msg":"exiting"}'].join('\n') + '\n',
    });
    api.upsertPod(crashLooping(pod, { exitCode: options.exitCode ?? 1, reason: options.reason ?? 'Error' }, options.restartCount, shape.container));
  }
}

/** The image cannot be pulled: the registry says the tag does not exist. */
export function imageNotFound(api: FakeKubeApi, workload: Workload): void {
  const { shape } = workload;
  for (const pod of workload.pods) {
    const name = pod.metadata.name;
    api.addEvent(warningEvent({ namespace: shape.namespace, name, reason: 'Failed', message: `Failed to pull image "${shape.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${shape.image}": failed to resolve reference "${shape.image}": ${shape.image}: not found` }));
    api.addEvent(warningEvent({ namespace: shape.namespace, name, reason: 'Failed', message: 'Error: ImagePullBackOff', count: 12 }));
    api.addEvent(warningEvent({ namespace: shape.namespace, name, reason: 'FailedSync', message: `error syncing pod: pull secret refresh sent Authorization: Bearer ${CANARY}${CANARY}` }));
    const pulling = waiting(pod, 'ImagePullBackOff', `Back-off pulling image "${shape.image}"`, {}, shape.container);
    pulling.status.phase = 'Pending';
    api.upsertPod(pulling);
  }
}

/** The container cannot be created: it references a Secret that does not exist. */
export function missingSecret(api: FakeKubeApi, workload: Workload, secret: string): void {
  const { shape } = workload;
  for (const pod of workload.pods) {
    const name = pod.metadata.name;
    api.addEvent(warningEvent({ namespace: shape.namespace, name, reason: 'Failed', message: `Error: secret "${secret}" not found`, count: 7 }));
    api.addEvent(warningEvent({ namespace: shape.namespace, name, reason: 'FailedSync', message: `error syncing pod: ${CANARY_ENV}=${CANARY} password=${CANARY}` }));
    const blocked = waiting(pod, 'CreateContainerConfigError', `secret "${secret}" not found`, {}, shape.container);
    blocked.status.phase = 'Pending';
    api.upsertPod(blocked);
  }
}

/**
 * The fix rolled out: every pod replaced by one of a new ReplicaSet (new template hash) that is
 * running and Ready, as after a merged pull request is synced.
 */
export function rollOut(api: FakeKubeApi, workload: Workload, newHash: string): Workload {
  const { shape } = workload;
  for (const pod of workload.pods) api.deletePod(shape.namespace, pod.metadata.name);
  const next = addWorkload(api, { ...shape, templateHash: newHash }, workload.pods.length);
  for (const pod of next.pods) api.upsertPod({ ...pod, status: running([shape.container]) });
  return next;
}
