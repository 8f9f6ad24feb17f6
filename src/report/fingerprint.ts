/**
 * The identity of a failure: the same workload failing the same way in the same place gets the
 * same fingerprint, whichever pod, restart or agent replica saw it. The App uses it to dedupe
 * reports and to find the PR or issue it already opened (hidden marker), and the agent uses it in
 * recovery reports.
 *
 * Pod names, restart counts, times and messages are deliberately left out: they change on every
 * occurrence of what is, for a reviewer, one problem.
 */
import { createHash } from 'node:crypto';
import type { FailureReport } from './schema.js';

export interface FingerprintParts {
  cluster: string;
  namespace: string;
  /** The top-level workload's kind and name (Deployment `web`, not ReplicaSet `web-7b4d5f6c`). */
  kind: string;
  name: string;
  container: string | null;
  category: string;
}

/** Bumped if the serialization ever changes, so old and new fingerprints cannot collide. */
const FINGERPRINT_VERSION = 'v1';

/** First 16 hex characters of sha256 over a fixed-order serialization of the parts. */
export function computeFingerprint(parts: FingerprintParts): string {
  // An array, not an object: the order is part of the format and cannot drift with key order.
  const serialized = JSON.stringify([
    FINGERPRINT_VERSION,
    parts.cluster,
    parts.namespace,
    parts.kind,
    parts.name,
    parts.container ?? null,
    parts.category,
  ]);
  return createHash('sha256').update(serialized).digest('hex').slice(0, 16);
}

export function fingerprintOf(report: FailureReport): string {
  return computeFingerprint({
    cluster: report.cluster,
    namespace: report.workload.namespace,
    kind: report.workload.kind,
    name: report.workload.name,
    container: report.failure.container,
    category: report.failure.category,
  });
}
