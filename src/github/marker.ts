/**
 * The hidden, versioned marker KubeCure leaves at the end of every pull request and issue it
 * opens. It makes threads findable by fingerprint (dedup is decided from GitHub's state, not from
 * memory) and names what the thread is about. Anyone who can read the thread can decode it, so it
 * carries identifiers only: the fingerprint, cluster, namespace, workload, container, category,
 * timestamps and digests. Never a pod spec, an annotation, a log line or an event: the failure
 * report itself is kept by the App (see thread-reports.ts), keyed by repository and fingerprint.
 *
 * Version 2 is a small JSON object, base64-encoded inside an HTML comment; new identifier fields
 * can be added without a version bump (readers ignore what they do not know). Version 1 embedded
 * the whole report; it is still read, so threads opened before the change keep working.
 */
import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { parseFailureReport, type FailureReport } from '../report/schema.js';

export const MARKER_VERSION = 2;
const MARKER_PATTERN = /<!-- kubecure:marker v(\d+) ([A-Za-z0-9+/=]+) -->/g;
/** Fingerprints are also written in clear so a search for them finds the thread. */
const FINGERPRINT_PATTERN = /<!-- kubecure:fingerprint ([a-f0-9]{16,64}) -->/g;

/**
 * The marker is always the end of the body, after text quoted from logs and events. Reading the
 * last match means a log line that imitates a marker can never stand in for the real one.
 */
function lastMatch(pattern: RegExp, body: string | null | undefined): RegExpMatchArray | null {
  return [...(body ?? '').matchAll(pattern)].at(-1) ?? null;
}

/** What a thread is about, by identifiers: enough to match it to later reports of the same failure. */
export interface MarkerSubject {
  cluster: string;
  namespace: string;
  workload: { kind: string; name: string };
  /** The failing container; null for pod-level failures. */
  container: string | null;
  category: string;
  occurrences: number;
  firstSeen?: string;
  observedAt: string;
  /** `pod-template-hash` / `controller-revision-hash` of the failing pod: tells a rollout apart. */
  revision?: { label: string; value: string };
  /** SHA-256 of the failing container's (redacted) spec: a changed spec without revision labels. */
  specDigest: string;
}

export interface MarkerPayload {
  fingerprint: string;
  thread: 'pull_request' | 'issue';
  subject: MarkerSubject;
  /** Blob SHA of the manifest the fix targets when the thread was opened; a later change lifts suppression. */
  manifestSha?: string;
  /** The file the fix targets. */
  targetFile?: string;
  /** What diagnosed it (`rules`, `llm:<model>`). */
  diagnosedBy?: string;
  /** Identity of the change the pull request makes: failures needing the same change join this thread. */
  changeId?: string;
  createdAt: string;
  /** Only from a version 1 marker, which embedded the report: a fallback for threads opened before version 2. */
  legacyReport?: FailureReport;
}

/** The input of `encodeMarker`: the subject is derived from the report, which is not embedded. */
export interface MarkerInput extends Omit<MarkerPayload, 'subject' | 'legacyReport'> {
  report: FailureReport;
}

/** Labels Kubernetes gives every pod of one revision of the pod template. */
const REVISION_LABELS = ['pod-template-hash', 'controller-revision-hash'];

/** The failing container's spec (or the pod spec for pod-level failures), as compared across reports. */
export function failingSpecDigest(report: FailureReport): string {
  const spec = report.pod.spec as { containers?: unknown; initContainers?: unknown };
  const containers = [spec.containers, spec.initContainers].flat().filter(Boolean) as { name?: string }[];
  const failing = containers.find((container) => container.name === report.failure.container);
  return createHash('sha256').update(JSON.stringify(failing ?? report.pod.spec)).digest('hex');
}

export function subjectOf(report: FailureReport): MarkerSubject {
  const label = REVISION_LABELS.find((name) => report.pod.labels[name]);
  return {
    cluster: report.cluster,
    namespace: report.workload.namespace,
    workload: { kind: report.workload.kind, name: report.workload.name },
    container: report.failure.container,
    category: report.failure.category,
    occurrences: report.occurrences,
    ...(report.firstSeen ? { firstSeen: report.firstSeen } : {}),
    observedAt: report.observedAt,
    ...(label ? { revision: { label, value: report.pod.labels[label]! } } : {}),
    specDigest: failingSpecDigest(report),
  };
}

export function fingerprintComment(fingerprint: string): string {
  return `<!-- kubecure:fingerprint ${fingerprint} -->`;
}

export function encodeMarker(input: MarkerInput): string {
  const { report, ...rest } = input;
  const payload = { ...rest, subject: subjectOf(report) };
  const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
  return `${fingerprintComment(input.fingerprint)}\n<!-- kubecure:marker v${MARKER_VERSION} ${encoded} -->`;
}

/** The fingerprint written in a body, or null when the body is not KubeCure's. */
export function findFingerprint(body: string | null | undefined): string | null {
  return lastMatch(FINGERPRINT_PATTERN, body)?.[1] ?? null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A version 2 subject, checked field by field: the body is editable by anyone with write access. */
function readSubject(value: unknown): MarkerSubject | null {
  if (!isRecord(value) || !isRecord(value.workload)) return null;
  const { cluster, namespace, workload, container, category, occurrences, observedAt, specDigest, revision } = value;
  if (typeof cluster !== 'string' || typeof namespace !== 'string' || typeof category !== 'string' || typeof observedAt !== 'string') return null;
  if (typeof workload.kind !== 'string' || typeof workload.name !== 'string' || typeof specDigest !== 'string') return null;
  if (container !== null && typeof container !== 'string') return null;
  const firstSeen = optionalString(value.firstSeen);
  return {
    cluster,
    namespace,
    workload: { kind: workload.kind, name: workload.name },
    container,
    category,
    occurrences: typeof occurrences === 'number' && Number.isInteger(occurrences) && occurrences > 0 ? occurrences : 1,
    ...(firstSeen ? { firstSeen } : {}),
    observedAt,
    ...(isRecord(revision) && typeof revision.label === 'string' && typeof revision.value === 'string' ? { revision: { label: revision.label, value: revision.value } } : {}),
    specDigest,
  };
}

function decodePayload(version: number, encoded: string): { raw: Record<string, unknown>; subject: MarkerSubject; legacyReport?: FailureReport } | null {
  if (version === MARKER_VERSION) {
    const raw = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as unknown;
    const subject = isRecord(raw) ? readSubject(raw.subject) : null;
    return isRecord(raw) && subject ? { raw, subject } : null;
  }
  if (version === 1) {
    const raw = JSON.parse(inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8')) as unknown;
    const report = isRecord(raw) ? parseFailureReport(raw.report) : null;
    return isRecord(raw) && report?.ok ? { raw, subject: subjectOf(report.value), legacyReport: report.value } : null;
  }
  return null;
}

/** The marker in a body, or null when there is none or it cannot be read (never throws). */
export function decodeMarker(body: string | null | undefined): MarkerPayload | null {
  const match = lastMatch(MARKER_PATTERN, body);
  if (!match) return null;
  try {
    const decoded = decodePayload(Number(match[1]), match[2]!);
    if (!decoded) return null;
    const { raw, subject, legacyReport } = decoded;
    if (typeof raw.fingerprint !== 'string' || (raw.thread !== 'pull_request' && raw.thread !== 'issue')) return null;
    return {
      fingerprint: raw.fingerprint,
      thread: raw.thread,
      subject,
      manifestSha: optionalString(raw.manifestSha),
      targetFile: optionalString(raw.targetFile),
      diagnosedBy: optionalString(raw.diagnosedBy),
      changeId: optionalString(raw.changeId),
      createdAt: optionalString(raw.createdAt) ?? new Date(0).toISOString(),
      ...(legacyReport ? { legacyReport } : {}),
    };
  } catch {
    return null;
  }
}

/**
 * Failures of other clusters that joined the thread (same change). Their fingerprints follow the
 * marker, which ends the body KubeCure rendered: only text after the marker is read, so a log line
 * quoted in the body can never add a fingerprint to a thread.
 */
const JOINED_PATTERN = /<!-- kubecure:joined ([a-f0-9]{16,64}) -->/g;

export function joinedComment(fingerprint: string): string {
  return `<!-- kubecure:joined ${fingerprint} -->`;
}

export function findJoinedFingerprints(body: string | null | undefined): string[] {
  const marker = lastMatch(MARKER_PATTERN, body);
  if (!marker || marker.index === undefined) return [];
  const after = (body ?? '').slice(marker.index + marker[0].length);
  return [...after.matchAll(JOINED_PATTERN)].map((match) => match[1]!);
}
