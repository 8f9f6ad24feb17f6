/**
 * The detector: classify every pod change (with the recent Warning events about that pod) and
 * every Warning event about a controller, then debounce by fingerprint. What passes the debounce
 * is handed on as a `Detection` for collection; the rest is only counted.
 */
import type { Logger } from '../../src/logger.js';
import { classifyPod, classifyWorkloadEvent } from '../../src/report/classify.js';
import { computeFingerprint } from '../../src/report/fingerprint.js';
import type { EventLike } from '../../src/report/kube-types.js';
import type { Failure, WorkloadRef } from '../../src/report/schema.js';
import { inferWorkload } from '../../src/report/workload.js';
import type { SlimPod } from '../watch/slim-pod.js';
import { podKey } from '../watch/slim-pod.js';
import type { RecentPodEvents } from '../watch/warning-events.js';
import type { Debouncer } from './debouncer.js';
import { isFailingNow, sightingOf } from './pod-health.js';

export type Detection =
  | {
      source: 'pod';
      fingerprint: string;
      failure: Failure;
      /** The workload inferred from names alone; the collector resolves the real owner chain. */
      workload: WorkloadRef;
      pod: SlimPod;
      events: EventLike[];
      occurrences: number;
      firstSeen: Date;
    }
  | {
      source: 'event';
      fingerprint: string;
      failure: Failure;
      workload: WorkloadRef;
      /** The Warning event about the controller (FailedCreate, BackoffLimitExceeded). */
      event: EventLike;
      occurrences: number;
      firstSeen: Date;
    };

export interface DetectorOptions {
  cluster: string;
  debouncer: Debouncer;
  recentEvents: RecentPodEvents;
  logger: Logger;
  onDetection(detection: Detection): void;
  /** A sighting suppressed by the debounce (for metrics). */
  onDebounced?(): void;
}

export class Detector {
  constructor(private readonly options: DetectorOptions) {}

  /**
   * A pod changed (or a Warning event about it arrived): classify it with its recent events.
   * `previous` is the pod as last seen (undefined on first sight); a Warning event passes the pod
   * itself, since the pod did not change.
   */
  podChanged(pod: SlimPod, previous: SlimPod | undefined): Failure | null {
    const events = this.options.recentEvents.get(podKey(pod));
    const failure = safely(() => classifyPod(pod, events), this.options.logger);
    if (!failure || !isFailingNow(pod, previous, failure)) return null;
    const { workload } = inferWorkload(pod);
    const fingerprint = this.fingerprint(workload, failure);
    // A new restart, termination or pod is a new sighting; the same state seen again (relist) is not.
    const sighting = sightingOf(pod, failure);
    const decision = this.options.debouncer.observe(fingerprint, sighting);
    if (!decision.report) {
      this.options.onDebounced?.();
      return failure;
    }
    this.options.onDetection({
      source: 'pod',
      fingerprint,
      failure,
      workload,
      pod,
      events,
      occurrences: decision.occurrences,
      firstSeen: new Date(decision.firstSeen),
    });
    return failure;
  }

  /** A Warning event about a controller: failures that leave no pod to watch. */
  workloadEvent(event: EventLike): void {
    const failure = safely(() => classifyWorkloadEvent(event), this.options.logger);
    const involved = event.involvedObject;
    if (!failure || !involved?.name || !involved.kind || !involved.namespace) return;
    const workload: WorkloadRef = {
      apiVersion: involved.kind === 'Job' || involved.kind === 'CronJob' ? 'batch/v1' : 'apps/v1',
      kind: involved.kind,
      name: involved.name,
      namespace: involved.namespace,
      ...(involved.uid ? { uid: involved.uid } : {}),
    };
    const fingerprint = this.fingerprint(workload, failure);
    const sighting = `${involved.uid ?? involved.name}/${event.reason ?? ''}/${event.count ?? 1}`;
    const decision = this.options.debouncer.observe(fingerprint, sighting);
    if (!decision.report) {
      this.options.onDebounced?.();
      return;
    }
    this.options.onDetection({
      source: 'event',
      fingerprint,
      failure,
      workload,
      event,
      occurrences: decision.occurrences,
      firstSeen: new Date(decision.firstSeen),
    });
  }

  private fingerprint(workload: WorkloadRef, failure: Failure): string {
    return computeFingerprint({
      cluster: this.options.cluster,
      namespace: workload.namespace,
      kind: workload.kind,
      name: workload.name,
      container: failure.container,
      category: failure.category,
    });
  }
}

/** A classifier bug must cost one pod's report, never the watch loop. */
function safely<T>(classify: () => T | null, logger: Logger): T | null {
  try {
    return classify();
  } catch (error) {
    logger.error({ err: error }, 'classification failed');
    return null;
  }
}
