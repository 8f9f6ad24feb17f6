/**
 * Recovery tracking: a workload that was reported, and whose pods are now all healthy and have
 * stayed so for the settle period, gets one RecoveryReport naming the fingerprints it recovered
 * from and whether its pod template changed (a new rollout: most likely the fix was merged).
 *
 * The pod template is identified by the hash label its controller stamps on every pod
 * (`pod-template-hash` for Deployments, `controller-revision-hash` for StatefulSets and
 * DaemonSets), so no extra API call is needed.
 */
import type { RecoveryReport, WorkloadRef } from '../../src/report/schema.js';
import { REPORT_API_VERSION } from '../../src/report/schema.js';
import { isPodHealthy } from '../../src/report/classify.js';
import type { SlimPod } from '../watch/slim-pod.js';

const TEMPLATE_HASH_LABELS = ['pod-template-hash', 'controller-revision-hash'];

interface Tracked {
  workload: WorkloadRef;
  fingerprints: Set<string>;
  /** The detector's own fingerprints (from the inferred workload), to clear its debounce on recovery. */
  detectionFingerprints: Set<string>;
  templatesAtFailure: Set<string>;
  /** When every pod was last seen healthy together; undefined while any is not. */
  healthySince: number | undefined;
  restartsAtHealthy: number;
}

export function workloadKey(workload: Pick<WorkloadRef, 'namespace' | 'kind' | 'name'>): string {
  return `${workload.namespace}/${workload.kind}/${workload.name}`;
}

function templateOf(pod: SlimPod): string | undefined {
  const labels = pod.metadata.labels ?? {};
  for (const label of TEMPLATE_HASH_LABELS) if (labels[label]) return labels[label];
  return undefined;
}

function restartsOf(pods: SlimPod[]): number {
  let total = 0;
  for (const pod of pods) for (const status of pod.status.containerStatuses ?? []) total += status.restartCount ?? 0;
  return total;
}

export class RecoveryTracker {
  private readonly tracked = new Map<string, Tracked>();

  constructor(
    private readonly options: {
      cluster: string;
      settleMs: number;
      /** The pods currently cached for a workload. */
      podsOf(workloadKey: string): SlimPod[];
      now?: () => number;
    },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * A failure of `workload` was reported under `fingerprint`; `key` is the index key of its pods
   * (by default the workload's own key).
   */
  failed(workload: WorkloadRef, fingerprint: string, key: string = workloadKey(workload), detectionFingerprint: string = fingerprint): void {
    const pods = this.options.podsOf(key);
    const entry = this.tracked.get(key) ?? {
      workload,
      fingerprints: new Set<string>(),
      detectionFingerprints: new Set<string>(),
      templatesAtFailure: new Set(pods.map(templateOf).filter((hash): hash is string => hash !== undefined)),
      healthySince: undefined,
      restartsAtHealthy: 0,
    };
    entry.fingerprints.add(fingerprint);
    entry.detectionFingerprints.add(detectionFingerprint);
    entry.healthySince = undefined;
    this.tracked.set(key, entry);
  }

  isTracked(key: string): boolean {
    return this.tracked.has(key);
  }

  /** Re-evaluates one workload after one of its pods changed. */
  podChanged(key: string): void {
    const entry = this.tracked.get(key);
    if (!entry) return;
    const pods = this.options.podsOf(key);
    const allHealthy = pods.length > 0 && pods.every(isPodHealthy);
    if (!allHealthy) entry.healthySince = undefined;
    else if (entry.healthySince === undefined) {
      entry.healthySince = this.now();
      entry.restartsAtHealthy = restartsOf(pods);
    }
  }

  /** Recovery reports for every workload that has now been healthy for the settle period. */
  due(): Array<{ report: RecoveryReport; detectionFingerprints: string[] }> {
    const reports: Array<{ report: RecoveryReport; detectionFingerprints: string[] }> = [];
    const now = this.now();
    for (const [key, entry] of this.tracked) {
      this.podChanged(key);
      if (entry.healthySince === undefined || now - entry.healthySince < this.options.settleMs) continue;
      const pods = this.options.podsOf(key);
      const templatesNow = pods.map(templateOf).filter((hash): hash is string => hash !== undefined);
      const specChanged = templatesNow.some((hash) => !entry.templatesAtFailure.has(hash));
      const fingerprints = [...entry.fingerprints];
      reports.push({
        detectionFingerprints: [...entry.detectionFingerprints],
        report: {
          apiVersion: REPORT_API_VERSION,
          kind: 'RecoveryReport',
          cluster: this.options.cluster,
          observedAt: new Date(now).toISOString(),
          workload: entry.workload,
          fingerprints,
          readySince: new Date(entry.healthySince).toISOString(),
          pods: { ready: pods.length, total: pods.length },
          restartsDuringSettle: Math.max(0, restartsOf(pods) - entry.restartsAtHealthy),
          specChanged,
        },
      });
      this.tracked.delete(key);
    }
    return reports;
  }
}
