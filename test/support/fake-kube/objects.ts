/**
 * Builders for realistic Kubernetes objects as the API server returns them: Deployment-owned
 * pods with env, probes, a projected service-account volume, tolerations, conditions and
 * managedFields (about 5 KB of JSON, like a real pod), their ReplicaSets and Deployments, Jobs,
 * Warning events. Status helpers put a pod into each failure state.
 */
import type { KubeObject } from './collection.js';

export interface PodOptions {
  name: string;
  namespace?: string;
  /** Owning Deployment; the ReplicaSet is `<deployment>-<hash>`. */
  deployment?: string;
  job?: string;
  templateHash?: string;
  containers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  env?: Array<Record<string, unknown>>;
}

const CREATED = '2026-11-20T10:00:00Z';

export function makePod(options: PodOptions): KubeObject {
  const namespace = options.namespace ?? 'default';
  const hash = options.templateHash ?? '7d9f8c6b5';
  const containers = options.containers ?? ['app'];
  const app = options.deployment ?? options.job ?? options.name;
  const labels: Record<string, string> = { 'app.kubernetes.io/name': app, ...(options.labels ?? {}) };
  const ownerReferences: Array<Record<string, unknown>> = [];
  if (options.deployment) {
    labels['pod-template-hash'] = hash;
    ownerReferences.push({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${options.deployment}-${hash}`, uid: `rs-${options.deployment}-${hash}`, controller: true, blockOwnerDeletion: true });
  }
  if (options.job) {
    labels['job-name'] = options.job;
    labels['batch.kubernetes.io/job-name'] = options.job;
    ownerReferences.push({ apiVersion: 'batch/v1', kind: 'Job', name: options.job, uid: `job-${options.job}`, controller: true, blockOwnerDeletion: true });
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: options.name,
      namespace,
      uid: `uid-${namespace}-${options.name}`,
      creationTimestamp: CREATED,
      generateName: options.deployment ? `${options.deployment}-${hash}-` : undefined,
      labels,
      annotations: { 'kubectl.kubernetes.io/restartedAt': CREATED, ...(options.annotations ?? {}) },
      ownerReferences,
      managedFields: [
        { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: CREATED, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app.kubernetes.io/name': {}, 'f:pod-template-hash': {} }, 'f:ownerReferences': { '.': {}, [`k:{"uid":"rs-${app}"}`]: {} } }, 'f:spec': { 'f:containers': { [`k:{"name":"${containers[0]}"}`]: { '.': {}, 'f:env': { '.': {}, 'k:{"name":"DATABASE_URL"}': { '.': {}, 'f:name': {}, 'f:valueFrom': { '.': {}, 'f:secretKeyRef': {} } } }, 'f:image': {}, 'f:imagePullPolicy': {}, 'f:livenessProbe': { '.': {}, 'f:failureThreshold': {}, 'f:httpGet': { '.': {}, 'f:path': {}, 'f:port': {}, 'f:scheme': {} } }, 'f:name': {}, 'f:ports': {}, 'f:resources': { '.': {}, 'f:limits': {}, 'f:requests': {} } } }, 'f:dnsPolicy': {}, 'f:restartPolicy': {}, 'f:schedulerName': {}, 'f:securityContext': {}, 'f:terminationGracePeriodSeconds': {} } } },
        { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: CREATED, fieldsType: 'FieldsV1', subresource: 'status', fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"ContainersReady"}': { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} }, 'k:{"type":"Initialized"}': { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} }, 'k:{"type":"Ready"}': { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} } }, 'f:containerStatuses': {}, 'f:hostIP': {}, 'f:phase': {}, 'f:podIP': {}, 'f:podIPs': { '.': {}, 'k:{"ip":"10.244.1.23"}': { '.': {}, 'f:ip': {} } }, 'f:startTime': {} } } },
      ],
    },
    spec: {
      containers: containers.map((name) => ({
        name,
        image: `registry.example.com/team/${app}:1.4.2`,
        imagePullPolicy: 'IfNotPresent',
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        env: options.env ?? [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: `${app}-db`, key: 'url' } } },
          { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
        ],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 10, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        readinessProbe: { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 },
        volumeMounts: [{ name: 'kube-api-access-x7k2p', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      })),
      restartPolicy: options.job ? 'Never' : 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      nodeName: 'node-a-1',
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      volumes: [
        {
          name: 'kube-api-access-x7k2p',
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
            defaultMode: 420,
          },
        },
      ],
    },
    status: running(containers),
  };
}

function condition(type: string, status: string, extra: Record<string, string> = {}) {
  return { type, status, lastProbeTime: null, lastTransitionTime: CREATED, ...extra };
}

export function running(containers: string[] = ['app']): Record<string, any> {
  return {
    phase: 'Running',
    conditions: [
      condition('PodReadyToStartContainers', 'True'),
      condition('Initialized', 'True'),
      condition('Ready', 'True'),
      condition('ContainersReady', 'True'),
      condition('PodScheduled', 'True'),
    ],
    hostIP: '10.0.1.5',
    podIP: '10.244.1.23',
    podIPs: [{ ip: '10.244.1.23' }],
    startTime: CREATED,
    qosClass: 'Burstable',
    containerStatuses: containers.map((name) => ({
      name,
      state: { running: { startedAt: CREATED } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: 'registry.example.com/team/app:1.4.2',
      imageID: 'registry.example.com/team/app@sha256:4b1c8e5e0c2f3a9d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d',
      containerID: 'containerd://9f3c1e2d4b5a6978c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d0e1f2a3b',
      started: true,
    })),
  };
}

/** The pod with one container's status replaced (`state`, `lastState`, `ready`, `restartCount`). */
export function withContainerStatus(pod: KubeObject, status: Record<string, unknown>, container = 'app'): KubeObject {
  const next = structuredClone(pod);
  next.status.containerStatuses = next.status.containerStatuses.map((current: Record<string, unknown>) =>
    current.name === container ? { ...current, ready: false, ...status } : current,
  );
  next.status.conditions = next.status.conditions.map((c: Record<string, string>) =>
    c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', reason: 'ContainersNotReady' } : c,
  );
  return next;
}

export function waiting(pod: KubeObject, reason: string, message: string, extra: Record<string, unknown> = {}, container = 'app'): KubeObject {
  return withContainerStatus(pod, { state: { waiting: { reason, message } }, started: false, ...extra }, container);
}

export function crashLooping(pod: KubeObject, lastTerminated: Record<string, unknown>, restartCount = 3, container = 'app'): KubeObject {
  return waiting(
    pod,
    'CrashLoopBackOff',
    `back-off 40s restarting failed container=${container} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
    { lastState: { terminated: { startedAt: CREATED, finishedAt: CREATED, containerID: 'containerd://abc', ...lastTerminated } }, restartCount },
    container,
  );
}

export function pending(pod: KubeObject, scheduled: boolean, message = ''): KubeObject {
  const next = structuredClone(pod);
  delete next.spec.nodeName;
  next.status = {
    phase: 'Pending',
    qosClass: 'Burstable',
    conditions: scheduled
      ? [condition('PodScheduled', 'True')]
      : [condition('PodScheduled', 'False', { reason: 'Unschedulable', message })],
  };
  if (scheduled) {
    next.spec.nodeName = 'node-a-1';
    next.status.containerStatuses = [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } }, ready: false, restartCount: 0, image: 'x', imageID: '' }];
  }
  return next;
}

export function warningEvent(options: {
  namespace?: string;
  reason: string;
  message: string;
  kind?: string;
  name: string;
  uid?: string;
  fieldPath?: string;
  count?: number;
  at?: Date;
}): KubeObject {
  const namespace = options.namespace ?? 'default';
  const at = (options.at ?? new Date()).toISOString();
  const kind = options.kind ?? 'Pod';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${options.name}.${options.reason.toLowerCase()}.${Math.random().toString(36).slice(2, 10)}`, namespace, creationTimestamp: at },
    involvedObject: {
      kind,
      namespace,
      name: options.name,
      uid: options.uid ?? (kind === 'Pod' ? `uid-${namespace}-${options.name}` : undefined),
      apiVersion: kind === 'Pod' ? 'v1' : kind === 'Job' ? 'batch/v1' : 'apps/v1',
      ...(options.fieldPath ? { fieldPath: options.fieldPath } : {}),
    },
    reason: options.reason,
    message: options.message,
    source: { component: kind === 'Pod' ? 'kubelet' : `${kind.toLowerCase()}-controller` },
    firstTimestamp: at,
    lastTimestamp: at,
    count: options.count ?? 1,
    type: 'Warning',
    eventTime: null,
    reportingComponent: kind === 'Pod' ? 'kubelet' : `${kind.toLowerCase()}-controller`,
    reportingInstance: '',
  };
}

export function replicaSet(deployment: string, hash: string, namespace = 'default', template?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deployment}-${hash}`,
      namespace,
      uid: `rs-${deployment}-${hash}`,
      labels: { 'app.kubernetes.io/name': deployment, 'pod-template-hash': hash },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment, uid: `deploy-${deployment}`, controller: true }],
    },
    spec: { replicas: 1, template: template ?? podTemplate(makePod({ name: 'template', deployment, namespace, templateHash: hash })) },
  };
}

export function deployment(name: string, namespace = 'default', metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, uid: `deploy-${name}`, labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} },
    spec: { replicas: 1 },
  };
}

/** A pod's template as a controller holds it: labels, annotations and spec. */
export function podTemplate(pod: KubeObject): Record<string, unknown> {
  return { metadata: { labels: pod.metadata.labels, annotations: pod.metadata.annotations }, spec: pod.spec };
}
