/**
 * Events arrive in three shapes: core/v1 `Event` (`involvedObject`, `message`, `count`,
 * `lastTimestamp`), events.k8s.io/v1 `Event` (`regarding`, `note`, `deprecatedCount`, `series`)
 * and `kubectl get events -o json` Lists of either. This module turns them all into one
 * `EventLike` shape, orders them by when they last happened, and picks those that concern a pod
 * or its owners.
 *
 * Ordering matters more than it looks: new-style events (the scheduler's `FailedScheduling`,
 * for one) have `lastTimestamp: null` and carry their time in `series.lastObservedTime` or
 * `eventTime`, so sorting by `lastTimestamp` alone picks the wrong "latest" event.
 */
import type { EventLike } from './kube-types.js';
import type { ReportEvent } from './schema.js';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function timeOf(value: unknown): string | Date | undefined {
  if (value instanceof Date) return value;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function objectRefOf(value: unknown): EventLike['involvedObject'] | undefined {
  if (!isRecord(value)) return undefined;
  return {
    kind: stringOf(value.kind),
    name: stringOf(value.name),
    namespace: stringOf(value.namespace),
    uid: stringOf(value.uid),
    fieldPath: stringOf(value.fieldPath),
  };
}

/** One Event of either API group as an EventLike, or null when it is not an Event at all. */
export function normalizeEvent(raw: unknown): EventLike | null {
  if (!isRecord(raw)) return null;
  const involvedObject = objectRefOf(raw.involvedObject) ?? objectRefOf(raw.regarding);
  const message = stringOf(raw.message) ?? stringOf(raw.note);
  const reason = stringOf(raw.reason);
  if (!involvedObject && reason === undefined && message === undefined) return null;

  const series = isRecord(raw.series) ? raw.series : undefined;
  const metadata = isRecord(raw.metadata) ? raw.metadata : undefined;
  const count = typeof raw.count === 'number' ? raw.count : typeof raw.deprecatedCount === 'number' ? raw.deprecatedCount : undefined;
  return {
    type: stringOf(raw.type),
    reason,
    message,
    count: typeof series?.count === 'number' && (count === undefined || series.count > count) ? series.count : count,
    involvedObject,
    firstTimestamp: timeOf(raw.firstTimestamp) ?? timeOf(raw.deprecatedFirstTimestamp) ?? null,
    lastTimestamp: timeOf(raw.lastTimestamp) ?? timeOf(raw.deprecatedLastTimestamp) ?? null,
    eventTime: timeOf(raw.eventTime) ?? null,
    series: series ? { lastObservedTime: timeOf(series.lastObservedTime), count: typeof series.count === 'number' ? series.count : undefined } : null,
    metadata: metadata
      ? { creationTimestamp: timeOf(metadata.creationTimestamp), name: stringOf(metadata.name), namespace: stringOf(metadata.namespace) }
      : undefined,
  };
}

/** Events from a List (`items`), a bare array or a single Event; anything else yields none. */
export function normalizeEvents(raw: unknown): EventLike[] {
  const items = Array.isArray(raw) ? raw : isRecord(raw) && Array.isArray(raw.items) ? raw.items : raw === undefined || raw === null ? [] : [raw];
  return items.map(normalizeEvent).filter((event): event is EventLike => event !== null);
}

function toMillis(value: string | Date | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const millis = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(millis) ? undefined : millis;
}

/** When the event last happened: `series.lastObservedTime ?? lastTimestamp ?? eventTime ?? creationTimestamp`. */
export function lastSeenOf(event: EventLike): string | Date | undefined {
  return event.series?.lastObservedTime ?? event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp ?? undefined;
}

function firstSeenOf(event: EventLike): string | Date | undefined {
  return event.firstTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp ?? undefined;
}

/** Oldest first; events without any time keep their input order, before the timed ones. */
export function sortEventsByTime<T extends EventLike>(events: readonly T[]): T[] {
  return events
    .map((event, index) => ({ event, index, at: toMillis(lastSeenOf(event)) ?? Number.NEGATIVE_INFINITY }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ event }) => event);
}

/** The most recent event satisfying `predicate`, by lastSeenOf. */
export function latestEvent(events: readonly EventLike[], predicate: (event: EventLike) => boolean): EventLike | undefined {
  return sortEventsByTime(events.filter(predicate)).at(-1);
}

export interface ObjectIdentity {
  kind: string;
  name: string;
  uid?: string;
}

/** True when the event is about this object: same uid when both have one, else same kind and name. */
export function isAbout(event: EventLike, object: ObjectIdentity): boolean {
  const involved = event.involvedObject;
  if (!involved) return false;
  if (involved.uid && object.uid) return involved.uid === object.uid;
  return involved.name === object.name && (involved.kind === undefined || involved.kind === object.kind);
}

/**
 * A liveness or startup kill is announced by a Normal `Killing` event, the only Normal event a
 * report needs: it is what tells a probe failure from an application crash.
 */
export function isProbeKill(event: EventLike): boolean {
  return event.reason === 'Killing' && /failed (liveness|startup) probe/i.test(event.message ?? '');
}

function isRelevant(event: EventLike): boolean {
  return event.type === 'Warning' || isProbeKill(event);
}

/** The Warning events (and probe kills) about the pod or any of its owners, oldest first. */
export function eventsFor(events: readonly EventLike[], objects: readonly ObjectIdentity[]): EventLike[] {
  return sortEventsByTime(events.filter((event) => isRelevant(event) && objects.some((object) => isAbout(event, object))));
}

function isoOf(value: string | Date | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return value;
}

export function toReportEvent(event: EventLike): ReportEvent {
  const involved = event.involvedObject;
  const firstSeen = isoOf(firstSeenOf(event));
  const lastSeen = isoOf(lastSeenOf(event));
  return {
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? '',
    ...(typeof event.count === 'number' && Number.isInteger(event.count) && event.count >= 0 ? { count: event.count } : {}),
    ...(firstSeen !== undefined ? { firstSeen } : {}),
    ...(lastSeen !== undefined ? { lastSeen } : {}),
    involvedObject: {
      kind: involved?.kind ?? '',
      name: involved?.name ?? '',
      ...(involved?.namespace ? { namespace: involved.namespace } : {}),
    },
  };
}

/** The container an event is about, from `fieldPath: spec.containers{app}` / `spec.initContainers{x}`. */
export function containerOfEvent(event: EventLike): string | undefined {
  const match = /\{([^}]+)\}/.exec(event.involvedObject?.fieldPath ?? '');
  return match?.[1];
}
