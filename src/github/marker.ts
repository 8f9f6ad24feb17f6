/**
 * The hidden, versioned marker KubeCure leaves in the body of every pull request and issue it
 * opens. It makes threads findable by fingerprint (dedup is decided from GitHub's state, not from
 * memory) and carries what `/kubecure retry` and `/kubecure explain` need: the failure report,
 * trimmed, compressed and base64-encoded inside an HTML comment that GitHub does not render.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { parseFailureReport, type FailureReport } from '../report/schema.js';

export const MARKER_VERSION = 1;
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

const MAX_LOG_CHARS = 4_000;
const MAX_EVENTS = 10;

export interface MarkerPayload {
  fingerprint: string;
  thread: 'pull_request' | 'issue';
  /** The failure report the thread was opened for, logs trimmed to their last lines. */
  report: FailureReport;
  /** Blob SHA of the manifest the fix targets when the thread was opened; a later change lifts suppression. */
  manifestSha?: string;
  /** The file the fix targets. */
  targetFile?: string;
  /** What diagnosed it (`rules`, `llm:<model>`). */
  diagnosedBy?: string;
  /** Identity of the change the pull request makes: failures needing the same change join this thread. */
  changeId?: string;
  createdAt: string;
}

function tail(text: string | undefined): string | undefined {
  if (text === undefined || text.length <= MAX_LOG_CHARS) return text;
  return text.slice(text.length - MAX_LOG_CHARS);
}

/** Keeps the marker well under GitHub's 65,536-character body limit. */
function trimReport(report: FailureReport): FailureReport {
  return {
    ...report,
    logs: { ...report.logs, previous: tail(report.logs.previous), current: tail(report.logs.current) },
    events: report.events.slice(-MAX_EVENTS),
  };
}

export function fingerprintComment(fingerprint: string): string {
  return `<!-- kubecure:fingerprint ${fingerprint} -->`;
}

export function encodeMarker(payload: MarkerPayload): string {
  const json = JSON.stringify({ ...payload, report: trimReport(payload.report) });
  const encoded = deflateRawSync(Buffer.from(json, 'utf8')).toString('base64');
  return `${fingerprintComment(payload.fingerprint)}\n<!-- kubecure:marker v${MARKER_VERSION} ${encoded} -->`;
}

/** The fingerprint written in a body, or null when the body is not KubeCure's. */
export function findFingerprint(body: string | null | undefined): string | null {
  return lastMatch(FINGERPRINT_PATTERN, body)?.[1] ?? null;
}

/** The marker in a body, or null when there is none or it cannot be read (never throws). */
export function decodeMarker(body: string | null | undefined): MarkerPayload | null {
  const match = lastMatch(MARKER_PATTERN, body);
  if (!match || Number(match[1]) !== MARKER_VERSION) return null;
  try {
    const json = inflateRawSync(Buffer.from(match[2]!, 'base64')).toString('utf8');
    const raw = JSON.parse(json) as Partial<MarkerPayload>;
    const report = parseFailureReport(raw.report);
    if (!report.ok || typeof raw.fingerprint !== 'string' || (raw.thread !== 'pull_request' && raw.thread !== 'issue')) {
      return null;
    }
    return {
      fingerprint: raw.fingerprint,
      thread: raw.thread,
      report: report.value,
      manifestSha: typeof raw.manifestSha === 'string' ? raw.manifestSha : undefined,
      targetFile: typeof raw.targetFile === 'string' ? raw.targetFile : undefined,
      diagnosedBy: typeof raw.diagnosedBy === 'string' ? raw.diagnosedBy : undefined,
      changeId: typeof raw.changeId === 'string' ? raw.changeId : undefined,
      createdAt: typeof raw.createdAt === 'string' ? raw.createdAt : new Date(0).toISOString(),
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
