/**
 * The Warning-events side of watching. Some failures never show in a pod's status: a ReplicaSet
 * or Job that cannot create pods (quota, PodSecurity admission) emits `FailedCreate` and no pod
 * exists; probe failures (`Unhealthy`), `FailedMount` and `FailedScheduling` explain a pod that
 * only looks "not ready" or "pending". Events are not cached wholesale: only the last few per pod,
 * for a short time, so the classifier can read them.
 */
import type { EventLike } from '../../src/report/kube-types.js';
import { lastSeenOf, normalizeEvent } from '../../src/report/events.js';
import type { ReflectorSink } from './reflector.js';

const EVENTS_PER_POD = 8;

export interface WarningEventListener {
  /** A fresh Warning event about a pod (`namespace/name`). */
  podEvent(podKey: string, event: EventLike): void;
  /** A fresh Warning event about anything else (ReplicaSet, Job, StatefulSet…). */
  workloadEvent(event: EventLike): void;
}

export class RecentPodEvents {
  private readonly byPod = new Map<string, { events: EventLike[]; touchedAt: number }>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  add(podKey: string, event: EventLike): void {
    const entry = this.byPod.get(podKey) ?? { events: [], touchedAt: 0 };
    // The same event object is re-sent with a higher count: replace it instead of piling up.
    entry.events = entry.events.filter((known) => !(known.reason === event.reason && known.message === event.message));
    entry.events.push(event);
    if (entry.events.length > EVENTS_PER_POD) entry.events.shift();
    entry.touchedAt = this.now();
    this.byPod.set(podKey, entry);
  }

  get(podKey: string): EventLike[] {
    const entry = this.byPod.get(podKey);
    if (!entry) return [];
    if (this.now() - entry.touchedAt > this.maxAgeMs) {
      this.byPod.delete(podKey);
      return [];
    }
    return entry.events;
  }

  forget(podKey: string): void {
    this.byPod.delete(podKey);
  }

  prune(): void {
    const cutoff = this.now() - this.maxAgeMs;
    for (const [key, entry] of this.byPod) if (entry.touchedAt < cutoff) this.byPod.delete(key);
  }
}

/** A reflector sink that forwards fresh Warning events; a relist replays only recent ones. */
export function warningEventSink(listener: WarningEventListener, maxAgeMs: number, now: () => number = Date.now): ReflectorSink {
  const isFresh = (event: EventLike) => {
    const seen = lastSeenOf(event);
    if (seen === undefined) return true;
    return now() - new Date(seen).getTime() <= maxAgeMs;
  };
  const forward = (raw: unknown) => {
    const event = normalizeEvent(raw);
    if (!event || event.type !== 'Warning' || !isFresh(event)) return;
    const involved = event.involvedObject;
    if (involved?.kind === 'Pod' && involved.name) listener.podEvent(`${involved.namespace ?? ''}/${involved.name}`, event);
    else listener.workloadEvent(event);
  };
  return {
    beginList() {},
    listed(items) {
      for (const item of items) forward(item);
    },
    endList() {},
    event(type, object) {
      if (type !== 'DELETED') forward(object);
    },
  };
}
