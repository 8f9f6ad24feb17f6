/**
 * Building a FailureReport from what a user (or the agent) can read from the cluster: the pod
 * JSON, the events, the previous and current logs, and optionally the owner objects. Every
 * report leaves this function classified, tied to its workload, annotated with GitOps source
 * hints, redacted, and valid against the schema.
 */
import { classifyPod } from './classify.js';
import { eventsFor, normalizeEvents, toReportEvent } from './events.js';
import { collectSourceHints, enrichWithSourceObjects } from './hints.js';
import type { PodLike } from './kube-types.js';
import { collectSecretValues, redactReport, redactText } from './redact.js';
import { describeFieldErrors, parseFailureReport, REPORT_API_VERSION, type FailureReport, type Failure } from './schema.js';
import { inferWorkload, ownerObjectsOf } from './workload.js';

/** Enough for the stack trace and the lines before it, small enough for an LLM prompt. */
export const DEFAULT_MAX_LOG_BYTES = 64 * 1024;

/** The newest events are kept; older ones only repeat what they say. */
const MAX_EVENTS = 50;

export interface ContainerUsageInput {
  name: string;
  cpu?: string;
  memory?: string;
}

export interface BuildReportInput {
  cluster: string;
  /** `kubectl get pod -o json`: a Pod, or a List of pods (the first failing one is reported). */
  pod: unknown;
  /** `kubectl get events -o json`: a List, an array or one Event, of either Event API. */
  events?: unknown;
  previousLogs?: string;
  currentLogs?: string;
  /**
   * Owner JSON: the ReplicaSet, Deployment, Job, CronJob… as one object, an array or a List. May
   * also hold the Argo CD Application or Flux Kustomization/GitRepository that deployed it.
   */
  workload?: unknown;
  /** `{ containers: [{ name, cpu, memory }] }`, or a metrics.k8s.io PodMetrics object. */
  usage?: unknown;
  observedAt?: Date;
  maxLogBytes?: number;
}

/** The input cannot become a report; the message is one line a user can act on. */
export class ReportBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportBuildError';
  }
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plain JSON copy: Dates become ISO strings, and the caller's objects are never mutated. */
function toJson(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

function looksLikePod(value: Json): boolean {
  if (value.kind !== undefined) return value.kind === 'Pod';
  // The agent's slim projection carries no kind; a pod is recognised by its containers.
  const spec = isRecord(value.spec) ? value.spec : {};
  const status = isRecord(value.status) ? value.status : {};
  return Array.isArray(spec.containers) || Array.isArray(status.containerStatuses);
}

function podName(pod: Json): string | undefined {
  const metadata = isRecord(pod.metadata) ? pod.metadata : {};
  return typeof metadata.name === 'string' && metadata.name.length > 0 ? metadata.name : undefined;
}

interface ClassifiedPod {
  pod: PodLike & Json;
  failure: Failure;
}

function classifyOne(pod: Json, events: ReturnType<typeof normalizeEvents>): ClassifiedPod {
  if (!looksLikePod(pod)) throw new ReportBuildError(`not a Pod (kind: ${typeof pod.kind === 'string' ? pod.kind : 'missing'})`);
  const name = podName(pod);
  if (!name) throw new ReportBuildError('not a Pod (metadata.name is missing)');
  const failure = classifyPod(pod as PodLike, events);
  if (!failure) throw new ReportBuildError(`pod ${name} shows no failure`);
  return { pod: pod as PodLike & Json, failure };
}

/** `kubectl get pods -l app=web -o json` gives a List: report its first failing pod. */
function selectPod(input: unknown, events: ReturnType<typeof normalizeEvents>): ClassifiedPod {
  if (!isRecord(input)) throw new ReportBuildError(`not a Pod (expected a JSON object, got ${Array.isArray(input) ? 'an array' : typeof input})`);
  if (!Array.isArray(input.items)) return classifyOne(input, events);
  const pods = input.items.filter((item): item is Json => isRecord(item) && looksLikePod(item));
  if (pods.length === 0) throw new ReportBuildError('not a Pod (the List holds no pods)');
  for (const pod of pods) {
    const failure = podName(pod) ? classifyPod(pod as PodLike, events) : null;
    if (failure) return { pod: pod as PodLike & Json, failure };
  }
  throw new ReportBuildError(`none of the ${pods.length} pods in the List shows a failure`);
}

/**
 * The last `maxBytes` of a log, starting at a line boundary so the first line is not a fragment.
 * Byte-based because the limit protects a request body, and cut so no UTF-8 character is split.
 */
export function tailLog(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let tail = bytes.subarray(bytes.length - maxBytes).toString('utf8');
  const firstNewline = tail.indexOf('\n');
  if (firstNewline !== -1 && firstNewline < tail.length - 1) tail = tail.slice(firstNewline + 1);
  else tail = tail.replace(/^\uFFFD+/, '');
  return { text: tail, truncated: true };
}

function stringMapOf(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Usage as the schema wants it, from the schema's own shape or a metrics.k8s.io PodMetrics. */
function usageOf(input: unknown): FailureReport['usage'] {
  if (!isRecord(input) || !Array.isArray(input.containers)) return undefined;
  const containers = input.containers.filter(isRecord).flatMap((container) => {
    if (typeof container.name !== 'string') return [];
    const source = isRecord(container.usage) ? container.usage : container;
    return [
      {
        name: container.name,
        ...(typeof source.cpu === 'string' ? { cpu: source.cpu } : {}),
        ...(typeof source.memory === 'string' ? { memory: source.memory } : {}),
      },
    ];
  });
  return containers.length > 0 ? { containers } : undefined;
}

function metadataOf(object: unknown): { labels: Record<string, string>; annotations: Record<string, string> } {
  const metadata = isRecord(object) && isRecord(object.metadata) ? object.metadata : {};
  return { labels: stringMapOf(metadata.labels), annotations: stringMapOf(metadata.annotations) };
}

export function buildReport(input: BuildReportInput): FailureReport {
  const events = normalizeEvents(toJson(input.events));
  const { pod, failure } = selectPod(toJson(input.pod), events);
  const metadata = isRecord(pod.metadata) ? pod.metadata : {};
  const name = podName(pod) ?? 'unknown';
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace ? metadata.namespace : 'default';

  const owners = ownerObjectsOf(toJson(input.workload));
  const { workload, ownerChain } = inferWorkload(pod, owners);
  // Most authoritative first: the top-level workload, then the owners below it, then the pod.
  const ownerMetadata = [...ownerChain]
    .reverse()
    .map((ref) => owners.find((owner) => owner.kind === ref.kind && owner.metadata?.name === ref.name))
    .filter((owner) => owner !== undefined)
    .map(metadataOf);
  const podMetadata = metadataOf(pod);
  const sourceHints = enrichWithSourceObjects(collectSourceHints([...ownerMetadata, podMetadata]), owners);

  // Logs are redacted whole before the tail is cut, so a key cut in half by the tail is not
  // left half-visible where the patterns can no longer recognise it.
  const knownSecrets = collectSecretValues(pod);
  const maxLogBytes = input.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES;
  const previous = input.previousLogs !== undefined ? tailLog(redactText(input.previousLogs, knownSecrets), maxLogBytes) : undefined;
  const current = input.currentLogs !== undefined ? tailLog(redactText(input.currentLogs, knownSecrets), maxLogBytes) : undefined;

  const subjects = [{ kind: 'Pod', name, uid: typeof metadata.uid === 'string' ? metadata.uid : undefined }, ...ownerChain];
  const reportEvents = eventsFor(events, subjects).slice(-MAX_EVENTS).map(toReportEvent);
  const usage = usageOf(toJson(input.usage));
  const spec = isRecord(pod.spec) ? pod.spec : {};

  const report: FailureReport = {
    apiVersion: REPORT_API_VERSION,
    kind: 'FailureReport',
    cluster: input.cluster,
    observedAt: (input.observedAt ?? new Date()).toISOString(),
    occurrences: 1,
    failure,
    pod: {
      name,
      namespace,
      ...(typeof metadata.uid === 'string' ? { uid: metadata.uid } : {}),
      ...(typeof spec.nodeName === 'string' ? { nodeName: spec.nodeName } : {}),
      labels: podMetadata.labels,
      annotations: podMetadata.annotations,
      spec,
      status: isRecord(pod.status) ? pod.status : {},
    },
    workload,
    ownerChain,
    logs: {
      ...(previous ? { previous: previous.text } : {}),
      ...(current ? { current: current.text } : {}),
      truncated: Boolean(previous?.truncated || current?.truncated),
    },
    events: reportEvents,
    ...(usage ? { usage } : {}),
    sourceHints,
  };

  const parsed = parseFailureReport(redactReport(report));
  if (!parsed.ok) throw new ReportBuildError(`the report built from pod ${name} is invalid: ${describeFieldErrors(parsed.errors)}`);
  return parsed.value;
}
