/**
 * The wire contracts between the agent, the CLI and the App: FailureReport and RecoveryReport
 * (`apiVersion: kubecure.dev/v1`). Validation is strict on what the pipeline relies on and
 * lenient on the rest: unknown fields are dropped, a missing or ill-typed field is an error that
 * names its path (`failure.category: expected one of …`).
 */
import { z } from 'zod';
import { FAILURE_CATEGORIES } from './categories.js';

export const REPORT_API_VERSION = 'kubecure.dev/v1';

/** Keys that would reach Object.prototype when copied into a plain object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const safeKey = z.string().max(317).refine((key) => !FORBIDDEN_KEYS.has(key), { message: 'forbidden key' });
const stringMap = z.record(safeKey, z.string());
const timestamp = z.iso.datetime({ offset: true });
const kubeName = z.string().min(1).max(253);

export const ObjectRefSchema = z.object({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  name: kubeName,
  namespace: z.string().max(63).optional(),
  uid: z.string().optional(),
});
export type ObjectRef = z.infer<typeof ObjectRefSchema>;

export const WorkloadRefSchema = ObjectRefSchema.extend({ namespace: z.string().min(1).max(63) });
export type WorkloadRef = z.infer<typeof WorkloadRefSchema>;

export const FailureSchema = z.object({
  category: z.enum(FAILURE_CATEGORIES),
  /** The raw Kubernetes reason (`OOMKilled`, `ErrImagePull`, `FailedScheduling`…). */
  reason: z.string(),
  message: z.string(),
  /** Null for pod-level failures (Unschedulable, Evicted, FailedCreate). */
  container: z.string().max(253).nullable(),
  containerType: z.enum(['init', 'main', 'ephemeral']).optional(),
  restartCount: z.number().int().min(0),
  exitCode: z.number().int().nullable(),
});
export type Failure = z.infer<typeof FailureSchema>;

export const ReportEventSchema = z.object({
  type: z.string(),
  reason: z.string(),
  message: z.string(),
  count: z.number().int().min(0).optional(),
  firstSeen: z.string().optional(),
  lastSeen: z.string().optional(),
  involvedObject: z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional() }),
});
export type ReportEvent = z.infer<typeof ReportEventSchema>;

export const SourceHintsSchema = z.object({
  argocd: z
    .object({
      trackingId: z.string().optional(),
      instance: z.string().optional(),
      application: z.string().optional(),
      repoURL: z.string().optional(),
      path: z.string().optional(),
      targetRevision: z.string().optional(),
    })
    .optional(),
  flux: z
    .object({
      kustomization: z.object({ name: z.string(), namespace: z.string() }).optional(),
      helmRelease: z.object({ name: z.string(), namespace: z.string() }).optional(),
      sourceURL: z.string().optional(),
      path: z.string().optional(),
    })
    .optional(),
  helm: z.object({ releaseName: z.string().optional(), releaseNamespace: z.string().optional() }).optional(),
  /** kustomize's `config.kubernetes.io/origin` annotation, parsed. */
  kustomizeOrigin: z.object({ path: z.string().optional(), repo: z.string().optional(), ref: z.string().optional() }).optional(),
});
export type SourceHints = z.infer<typeof SourceHintsSchema>;

/** What links the failing workload to others; used to find the root cause of cascades. */
export const DependenciesSchema = z.object({
  /** Services whose selector matches the failing pod: who depends on this workload. */
  services: z.array(z.object({ name: z.string(), namespace: z.string() })).default([]),
  /** Where the workload connects to: env/config values and connection errors in its logs. */
  outbound: z
    .array(
      z.object({
        host: z.string(),
        port: z.number().int().optional(),
        service: z.object({ name: z.string(), namespace: z.string() }).optional(),
        source: z.enum(['env', 'configmap', 'log']),
        /** The env name, config key or log line that names the target. */
        evidence: z.string(),
        /** True when the evidence is a failed connection rather than configuration. */
        failing: z.boolean().default(false),
      }),
    )
    .default([]),
});
export type Dependencies = z.infer<typeof DependenciesSchema>;

export const ContainerUsageSchema = z.object({
  name: z.string(),
  cpu: z.string().optional(),
  memory: z.string().optional(),
});

export const FailureReportSchema = z.object({
  apiVersion: z.literal(REPORT_API_VERSION),
  kind: z.literal('FailureReport'),
  cluster: z.string().min(1).max(100),
  observedAt: timestamp,
  firstSeen: timestamp.optional(),
  /** How many times the agent saw this failure within its debounce window. */
  occurrences: z.number().int().min(1).default(1),
  failure: FailureSchema,
  pod: z.object({
    name: kubeName,
    namespace: z.string().min(1).max(63),
    uid: z.string().optional(),
    nodeName: z.string().optional(),
    labels: stringMap.default({}),
    annotations: stringMap.default({}),
    /** The pod spec, redacted. */
    spec: z.record(safeKey, z.unknown()),
    /** The pod status as seen when the failure was detected. */
    status: z.record(safeKey, z.unknown()).default({}),
  }),
  workload: WorkloadRefSchema,
  /** From the pod's direct owner to the top-level workload. */
  ownerChain: z.array(ObjectRefSchema).default([]),
  logs: z
    .object({
      previous: z.string().optional(),
      current: z.string().optional(),
      truncated: z.boolean().default(false),
    })
    .default({ truncated: false }),
  events: z.array(ReportEventSchema).default([]),
  usage: z.object({ containers: z.array(ContainerUsageSchema) }).optional(),
  sourceHints: SourceHintsSchema.default({}),
  dependencies: DependenciesSchema.optional(),
  agent: z.object({ version: z.string().optional() }).optional(),
});
export type FailureReport = z.infer<typeof FailureReportSchema>;
/** A report as written by hand or by an older agent: defaults not yet applied. */
export type FailureReportInput = z.input<typeof FailureReportSchema>;

export const RecoveryReportSchema = z.object({
  apiVersion: z.literal(REPORT_API_VERSION),
  kind: z.literal('RecoveryReport'),
  cluster: z.string().min(1).max(100),
  observedAt: timestamp,
  workload: WorkloadRefSchema,
  /** Fingerprints of the failures this workload had and no longer has. */
  fingerprints: z.array(z.string().min(1)).min(1),
  /** When the last of the workload's pods became Ready. */
  readySince: timestamp,
  pods: z.object({ ready: z.number().int().min(0), total: z.number().int().min(0) }),
  /** Restarts observed during the settle period (0 when the fix holds). */
  restartsDuringSettle: z.number().int().min(0).default(0),
  /** Whether the pod template changed since the failure was reported (a new rollout). */
  specChanged: z.boolean(),
});
export type RecoveryReport = z.infer<typeof RecoveryReportSchema>;

export type AnyReport = FailureReport | RecoveryReport;

export interface FieldError {
  /** Dotted path to the offending field (`failure.category`, `events.3.message`); `(root)` for the body. */
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown): ParseResult<T> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toFieldErrors(result.error) };
}

export function parseFailureReport(input: unknown): ParseResult<FailureReport> {
  return parseWith(FailureReportSchema, input);
}

export function parseRecoveryReport(input: unknown): ParseResult<RecoveryReport> {
  return parseWith(RecoveryReportSchema, input);
}

/** Parses either kind, choosing the schema by the `kind` field. */
export function parseAnyReport(input: unknown): ParseResult<AnyReport> {
  const kind = typeof input === 'object' && input !== null ? (input as { kind?: unknown }).kind : undefined;
  if (kind === 'RecoveryReport') return parseRecoveryReport(input);
  if (kind === 'FailureReport') return parseFailureReport(input);
  return { ok: false, errors: [{ path: 'kind', message: 'expected "FailureReport" or "RecoveryReport"' }] };
}

/** One line naming every bad field, for a 400 body or a CLI error. */
export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((error) => `${error.path}: ${error.message}`).join('; ');
}
