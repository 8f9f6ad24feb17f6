/**
 * A compact schema of the pod-template fields a fix can touch, per workload kind. It is not the
 * whole Kubernetes API: it checks what an edit could break (container images, resource
 * quantities, ports, probes, env entries, volumes) and lets every other field through.
 */
import { z } from 'zod';
import { parseQuantity } from '../kube/quantity.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IANA_SERVICE_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** registry[:port]/path:tag@digest, with a lowercase repository (the distribution reference grammar). */
const IMAGE_REFERENCE =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;

export function isImageReference(value: string): boolean {
  return IMAGE_REFERENCE.test(value);
}

const quantity = z
  .union([z.string(), z.number()])
  .refine((value) => parseQuantity(value) !== null, { message: 'is not a Kubernetes quantity (e.g. 512Mi, 250m)' });

const resources = z.looseObject({
  limits: z.record(z.string(), quantity).nullish(),
  requests: z.record(z.string(), quantity).nullish(),
});

const portNumber = z.int().min(1).max(65535);
const portName = z.string().regex(IANA_SERVICE_NAME, 'is not an IANA service name (1-15 lowercase letters, digits, dashes)');
const probePort = z.union([portNumber, portName], { message: 'must be a port number (1-65535) or a named port' });
const seconds = z.int().min(0).optional();

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;

const probe = z
  .looseObject({
    exec: z.looseObject({ command: z.array(z.string()).min(1) }).optional(),
    httpGet: z.looseObject({ port: probePort, path: z.string().optional(), scheme: z.enum(['HTTP', 'HTTPS']).optional() }).optional(),
    tcpSocket: z.looseObject({ port: probePort }).optional(),
    grpc: z.looseObject({ port: portNumber, service: z.string().optional() }).optional(),
    initialDelaySeconds: seconds,
    periodSeconds: z.int().min(1).optional(),
    timeoutSeconds: z.int().min(1).optional(),
    failureThreshold: z.int().min(1).optional(),
    successThreshold: z.int().min(1).optional(),
  })
  .refine((value) => PROBE_HANDLERS.filter((handler) => value[handler] !== undefined).length === 1, {
    message: 'must have exactly one handler (exec, httpGet, tcpSocket or grpc)',
  });

const keyReference = z.looseObject({ name: z.string().optional(), key: z.string().min(1), optional: z.boolean().optional() });
const ENV_SOURCES = ['configMapKeyRef', 'secretKeyRef', 'fieldRef', 'resourceFieldRef'] as const;

const envVar = z
  .looseObject({
    name: z.string().min(1),
    value: z.string({ message: 'must be a string (quote numbers and yes/no/on/off)' }).optional(),
    valueFrom: z
      .looseObject({
        configMapKeyRef: keyReference.optional(),
        secretKeyRef: keyReference.optional(),
        fieldRef: z.looseObject({ fieldPath: z.string().min(1) }).optional(),
        resourceFieldRef: z.looseObject({ resource: z.string().min(1) }).optional(),
      })
      .refine((value) => ENV_SOURCES.filter((source) => value[source] !== undefined).length === 1, {
        message: 'must name exactly one source (configMapKeyRef, secretKeyRef, fieldRef or resourceFieldRef)',
      })
      .optional(),
  })
  .refine((value) => value.value === undefined || value.valueFrom === undefined, { message: 'cannot have both value and valueFrom' });

const envFromSource = z
  .looseObject({
    prefix: z.string().optional(),
    configMapRef: z.looseObject({ name: z.string().min(1) }).optional(),
    secretRef: z.looseObject({ name: z.string().min(1) }).optional(),
  })
  .refine((value) => (value.configMapRef === undefined) !== (value.secretRef === undefined), {
    message: 'must reference exactly one ConfigMap or Secret',
  });

const container = z.looseObject({
  name: z.string().regex(DNS_LABEL, 'is not a valid container name (lowercase DNS label)').max(63),
  image: z.string().regex(IMAGE_REFERENCE, 'is not a valid image reference (no whitespace, lowercase repository)'),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  ports: z
    .array(
      z.looseObject({
        containerPort: portNumber,
        name: portName.optional(),
        protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
      }),
    )
    .optional(),
  env: z.array(envVar).nullish(),
  envFrom: z.array(envFromSource).nullish(),
  resources: resources.nullish(),
  livenessProbe: probe.optional(),
  readinessProbe: probe.optional(),
  startupProbe: probe.optional(),
  volumeMounts: z.array(z.looseObject({ name: z.string().min(1), mountPath: z.string().min(1) })).nullish(),
});

const volume = z.looseObject({ name: z.string().regex(DNS_LABEL, 'is not a valid volume name').max(63) });

const podSpec = z.looseObject({
  containers: z.array(container).min(1, 'must declare at least one container'),
  initContainers: z.array(container).nullish(),
  volumes: z.array(volume).nullish(),
});

const metadata = z
  .looseObject({ name: z.string().min(1).optional(), generateName: z.string().min(1).optional() })
  .refine((value) => value.name !== undefined || value.generateName !== undefined, { message: 'needs a name' });

const podTemplate = z.looseObject({ spec: podSpec });

const WORKLOAD_SCHEMAS: Record<string, z.ZodType> = {
  Pod: z.looseObject({ metadata, spec: podSpec }),
  Deployment: z.looseObject({ metadata, spec: z.looseObject({ replicas: z.int().min(0).optional(), template: podTemplate }) }),
  StatefulSet: z.looseObject({ metadata, spec: z.looseObject({ replicas: z.int().min(0).optional(), template: podTemplate }) }),
  ReplicaSet: z.looseObject({ metadata, spec: z.looseObject({ replicas: z.int().min(0).optional(), template: podTemplate }) }),
  DaemonSet: z.looseObject({ metadata, spec: z.looseObject({ template: podTemplate }) }),
  Job: z.looseObject({ metadata, spec: z.looseObject({ template: podTemplate }) }),
  CronJob: z.looseObject({
    metadata,
    spec: z.looseObject({ schedule: z.string().min(1), jobTemplate: z.looseObject({ spec: z.looseObject({ template: podTemplate }) }) }),
  }),
};

const anyObject = z.looseObject({ metadata });

/** Problems of one Kubernetes object, each as "field.path: what is wrong". */
export function kubernetesObjectIssues(object: Record<string, unknown>): string[] {
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const schema = WORKLOAD_SCHEMAS[kind] ?? anyObject;
  const result = schema.safeParse(object);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
}
