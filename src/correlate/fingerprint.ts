/**
 * Identities used by correlation: the workload a report is about (one graph node, whichever pod
 * reported it) and the failure's fingerprint — by default the project's own, so verdicts name
 * the fingerprints that threads carry in their markers.
 */
import { fingerprintOf } from '../report/fingerprint.js';
import type { FailureReport } from '../report/schema.js';

export type Fingerprinter = (report: FailureReport) => string;

export function workloadKey(report: Pick<FailureReport, 'cluster' | 'workload'>): string {
  const { cluster, workload } = report;
  return `${cluster}/${workload.namespace}/${workload.kind}/${workload.name}`;
}

export const correlationFingerprint: Fingerprinter = fingerprintOf;
