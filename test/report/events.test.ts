import { describe, expect, it } from 'vitest';
import { containerOfEvent, eventsFor, lastSeenOf, normalizeEvent, normalizeEvents, sortEventsByTime, toReportEvent } from '../../src/report/events.js';
import type { EventLike } from '../../src/report/kube-types.js';
import { loadEvents, loadJson } from './fixtures.js';

describe('normalizeEvents', () => {
  it('reads an events.k8s.io/v1 EventList: regarding, note, series', () => {
    const [first, second] = normalizeEvents(loadJson('events-unschedulable.events-k8s-io.json'));
    expect(first).toMatchObject({
      type: 'Warning',
      reason: 'FailedScheduling',
      message: expect.stringContaining('3 Insufficient cpu'),
      involvedObject: { kind: 'Pod', name: 'trainer-6f8b9c7d5-zq7vn', namespace: 'ml', uid: '7e9a1c3e-5f6b-4d8a-8c2e-9b1d3f5a7c8e' },
      lastTimestamp: null,
      eventTime: '2024-05-14T09:12:03.412345Z',
    });
    expect(second).toMatchObject({ count: 6, series: { lastObservedTime: '2024-05-14T09:22:41.118201Z', count: 6 } });
  });

  it('reads a core/v1 List, keeping count and both timestamps', () => {
    const [event] = normalizeEvents(loadJson('events-failedmount.json')).filter((candidate) => candidate.reason === 'FailedMount');
    expect(event).toMatchObject({
      count: 9,
      firstTimestamp: '2024-05-14T09:12:03Z',
      lastTimestamp: '2024-05-14T09:14:11Z',
      involvedObject: { kind: 'Pod', name: 'gateway-68d7c9b5f4-hx2vd' },
    });
  });

  it('accepts a bare array and a single Event, and skips what is not an Event', () => {
    const single = { type: 'Warning', reason: 'BackOff', message: 'x', involvedObject: { kind: 'Pod', name: 'a' } };
    expect(normalizeEvents([single, 42, null])).toHaveLength(1);
    expect(normalizeEvents(single)).toHaveLength(1);
    expect(normalizeEvents(undefined)).toEqual([]);
    expect(normalizeEvent('not an event')).toBeNull();
  });

  it('reads the deprecated timestamps of an events.k8s.io/v1 event written by an old component', () => {
    const event = normalizeEvent({
      regarding: { kind: 'Pod', name: 'a' },
      reason: 'BackOff',
      note: 'Back-off',
      deprecatedCount: 4,
      deprecatedFirstTimestamp: '2024-05-14T09:00:00Z',
      deprecatedLastTimestamp: '2024-05-14T09:05:00Z',
    });
    expect(event).toMatchObject({ count: 4, firstTimestamp: '2024-05-14T09:00:00Z', lastTimestamp: '2024-05-14T09:05:00Z' });
  });
});

describe('sortEventsByTime', () => {
  const at = (name: string, fields: Partial<EventLike>): EventLike => ({ reason: name, involvedObject: { kind: 'Pod', name: 'p' }, ...fields });

  it('orders by series.lastObservedTime, then lastTimestamp, then eventTime, then creationTimestamp', () => {
    const events = [
      at('series', { series: { lastObservedTime: '2024-05-14T09:40:00Z' }, lastTimestamp: '2024-05-14T09:00:00Z' }),
      at('created', { lastTimestamp: null, eventTime: null, metadata: { creationTimestamp: '2024-05-14T09:30:00Z' } }),
      at('last', { lastTimestamp: '2024-05-14T09:20:00Z', eventTime: '2024-05-14T09:50:00Z' }),
      at('eventTime', { lastTimestamp: null, eventTime: '2024-05-14T09:10:00.123456Z' }),
    ];
    expect(sortEventsByTime(events).map((event) => event.reason)).toEqual(['eventTime', 'last', 'created', 'series']);
  });

  it('does not treat a null lastTimestamp as the newest or crash on it; untimed events sort first in input order', () => {
    const events = [at('b', { lastTimestamp: null }), at('new', { eventTime: '2024-05-14T09:00:00Z', lastTimestamp: null }), at('a', {})];
    expect(sortEventsByTime(events).map((event) => event.reason)).toEqual(['b', 'a', 'new']);
  });

  it('reports when an event was last seen, whichever field carries it', () => {
    expect(lastSeenOf(at('x', { lastTimestamp: null, eventTime: '2024-05-14T09:10:00Z' }))).toBe('2024-05-14T09:10:00Z');
  });
});

describe('eventsFor', () => {
  it('keeps Warning events about the pod and its owners, plus liveness kills, oldest first', () => {
    const events = loadEvents('events-oomkilled.json');
    const selected = eventsFor(events, [
      { kind: 'Pod', name: 'payments-api-7b4d5f6c8-x2k9p', uid: '8e2f1d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f' },
      { kind: 'ReplicaSet', name: 'payments-api-7b4d5f6c8' },
    ]);
    expect(selected.map((event) => event.reason)).toEqual(['FailedCreate', 'Failed', 'BackOff']);
  });

  it('keeps the Normal Killing event that explains a liveness restart and drops other Normal events', () => {
    const events = [...loadEvents('events-liveness-probe.json'), ...loadEvents('events-failedmount.json')];
    const selected = eventsFor(events, [{ kind: 'Pod', name: 'search-7f6d5c4b3a-c9hxw' }]);
    expect(selected.map((event) => event.reason)).toEqual(['Unhealthy', 'Killing', 'BackOff']);
  });

  it('matches by uid when both sides have one, so a recreated pod with the same name is not confused', () => {
    const event: EventLike = { type: 'Warning', reason: 'BackOff', involvedObject: { kind: 'Pod', name: 'db-0', uid: 'old-uid' } };
    expect(eventsFor([event], [{ kind: 'Pod', name: 'db-0', uid: 'new-uid' }])).toEqual([]);
    expect(eventsFor([event], [{ kind: 'Pod', name: 'db-0' }])).toHaveLength(1);
  });
});

describe('toReportEvent', () => {
  it('fills the schema shape with first and last seen times from whichever fields exist', () => {
    const [event] = loadEvents('events-unschedulable.events-k8s-io.json').slice(-1);
    expect(toReportEvent(event!)).toEqual({
      type: 'Warning',
      reason: 'FailedScheduling',
      message: expect.stringContaining('untolerated taint'),
      count: 6,
      firstSeen: '2024-05-14T09:12:03.412345Z',
      lastSeen: '2024-05-14T09:22:41.118201Z',
      involvedObject: { kind: 'Pod', name: 'trainer-6f8b9c7d5-zq7vn', namespace: 'ml' },
    });
  });

  it('names the container from the fieldPath', () => {
    expect(containerOfEvent({ involvedObject: { fieldPath: 'spec.initContainers{migrate}' } })).toBe('migrate');
    expect(containerOfEvent({ involvedObject: { kind: 'Pod' } })).toBeUndefined();
  });
});
