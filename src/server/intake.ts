/**
 * `POST /kubecure/v1/reports`: where cluster agents deliver signed FailureReports and
 * RecoveryReports. Each request is authenticated (cluster, HMAC signature over timestamp,
 * delivery id and body), checked for freshness and replay, validated, and queued. The answer is
 * 202 with the job id; the work happens later, so an agent never waits on GitHub.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseAnyReport, type AnyReport } from '../report/schema.js';
import { redactReport } from '../report/redact.js';
import { SIGNATURE_HEADERS, verifySignature } from '../report/signature.js';
import { fingerprintOf } from '../report/fingerprint.js';
import type { JobQueue, ReportJob } from '../queue/types.js';
import { silentLogger, type Logger } from '../logger.js';
import type { ClusterRegistry } from './clusters.js';
import type { ReplayStore } from './replay.js';
import type { AppMetrics } from './metrics.js';
import { BodyTooLargeError, header, pathOf, readBody, sendError, sendJson } from './http.js';

export const REPORTS_PATH = '/kubecure/v1/reports';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 300;

export interface IntakeOptions {
  clusters: ClusterRegistry;
  queue: JobQueue;
  replay: ReplayStore;
  metrics: AppMetrics;
  logger?: Logger;
  maxBodyBytes?: number;
  toleranceSeconds?: number;
  now?: () => Date;
}

/** Why a request was turned away; also the `reason` label of the rejection metric. */
type Rejection = {
  accepted: false;
  status: number;
  reason: string;
  error: string;
  fields?: { path: string; message: string }[];
};

const SIGNATURE_ERRORS: Record<string, string> = {
  'missing-signature': 'missing signature headers',
  'bad-signature': 'signature does not match',
  'bad-timestamp': 'timestamp is not a Unix time in seconds',
  'stale-timestamp': 'timestamp is outside the accepted window',
  'bad-delivery': 'delivery id must be 8 to 128 letters, digits, "-" or "_"',
};

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A pod spec nests about 15 levels deep. The schema leaves spec and status open, so without a
 * bound a report could carry a structure deep enough to make every later step (queueing,
 * redaction, rendering) recurse until the stack runs out.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests more than `max` arrays/objects deep; iterative, stops at the first too-deep branch. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/** The queue key that coalesces repeated reports of one failure (or one recovery). */
export function dedupKeyOf(report: AnyReport): string {
  if (report.kind === 'FailureReport') return `failure:${fingerprintOf(report)}`;
  const { cluster, workload } = report;
  return `recovery:${cluster}/${workload.namespace}/${workload.kind}/${workload.name}:${[...report.fingerprints].sort().join(',')}`;
}

export function createIntakeHandler(options: IntakeOptions) {
  const logger = options.logger ?? silentLogger;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TIMESTAMP_TOLERANCE_SECONDS;
  const now = options.now ?? (() => new Date());

  async function accept(req: IncomingMessage): Promise<Rejection | { accepted: true; jobId: string; coalesced: boolean }> {
    const clusterName = header(req, SIGNATURE_HEADERS.cluster);
    if (!clusterName) return { accepted: false, status: 401, reason: 'missing-signature', error: `missing ${SIGNATURE_HEADERS.cluster} header` };
    const cluster = options.clusters.get(clusterName);
    if (!cluster) return { accepted: false, status: 403, reason: 'unknown-cluster', error: `unknown cluster "${clusterName}"` };

    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return { accepted: false, status: 413, reason: 'too-large', error: `body exceeds ${maxBodyBytes} bytes` };
      throw error;
    }

    const deliveryId = header(req, SIGNATURE_HEADERS.delivery);
    const signature = verifySignature({
      secret: cluster.secret,
      body,
      timestamp: header(req, SIGNATURE_HEADERS.timestamp),
      deliveryId,
      signature: header(req, SIGNATURE_HEADERS.signature),
      now: now(),
      toleranceSeconds,
    });
    if (!signature.ok) return { accepted: false, status: 401, reason: signature.reason, error: SIGNATURE_ERRORS[signature.reason] ?? signature.reason };
    // Ids are kept a little longer than a timestamp stays fresh, on both sides of "now".
    if (!(await options.replay.remember(`${clusterName}:${deliveryId}`, toleranceSeconds * 2 + 60))) {
      return { accepted: false, status: 401, reason: 'replayed', error: 'delivery id was already used' };
    }

    let text: string;
    try {
      // Strict: a lenient decode would turn invalid bytes into U+FFFD and accept the report.
      text = STRICT_UTF8.decode(body);
    } catch {
      return { accepted: false, status: 400, reason: 'invalid-utf8', error: 'body is not valid UTF-8' };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { accepted: false, status: 400, reason: 'invalid-json', error: 'body is not valid JSON' };
    }
    if (nestsDeeperThan(json, MAX_JSON_DEPTH)) {
      return { accepted: false, status: 400, reason: 'too-deep', error: `body nests deeper than ${MAX_JSON_DEPTH} levels` };
    }
    const parsed = parseAnyReport(json);
    if (!parsed.ok) return { accepted: false, status: 400, reason: 'invalid-report', error: 'report does not match the schema', fields: parsed.errors };
    const report = parsed.value;
    if (report.cluster !== clusterName) {
      return { accepted: false, status: 403, reason: 'cluster-mismatch', error: `report names cluster "${report.cluster}" but was signed by "${clusterName}"` };
    }

    const receivedAt = now().toISOString();
    const job: ReportJob =
      report.kind === 'FailureReport'
        ? // Redacted again here: an older agent or a hand-built report must not carry secrets into a thread.
          { type: 'failure', report: redactReport(report), deliveryId: deliveryId!, receivedAt }
        : { type: 'recovery', report, deliveryId: deliveryId!, receivedAt };
    const queued = await options.queue.enqueue(job, { dedupKey: dedupKeyOf(report) });
    options.metrics.reportsReceived.inc({ kind: job.type });
    logger.info({ cluster: clusterName, kind: report.kind, jobId: queued.id, coalesced: queued.coalesced }, 'Report accepted');
    return { accepted: true, jobId: queued.id, coalesced: queued.coalesced };
  }

  /** Seconds the agent waits before resending a report the queue could not take (Redis down). */
  const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

  return async function handleReport(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (pathOf(req) !== REPORTS_PATH) return false;
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendError(res, 405, 'use POST');
    }
    let result: Awaited<ReturnType<typeof accept>>;
    try {
      result = await accept(req);
    } catch (error) {
      logger.error({ err: error }, 'Report intake failed');
      options.metrics.reportsRejected.inc({ reason: 'unavailable' });
      // Nothing was queued: the agent keeps the report and sends it again after this delay.
      res.setHeader('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      return sendError(res, 503, 'report could not be queued; retry later');
    }
    if (result.accepted) return sendJson(res, 202, { jobId: result.jobId, coalesced: result.coalesced });
    options.metrics.reportsRejected.inc({ reason: result.reason });
    logger.warn({ reason: result.reason, status: result.status }, `Report rejected: ${result.error}`);
    return sendError(res, result.status, result.error, result.fields ?? []);
  };
}
