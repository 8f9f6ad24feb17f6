/** Loads the kubectl JSON fixtures the report tests are written against. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EventLike, PodLike } from '../../src/report/kube-types.js';
import { normalizeEvents } from '../../src/report/events.js';

export const KUBECTL_FIXTURES = fileURLToPath(new URL('../fixtures/kubectl/', import.meta.url));

export function fixturePath(name: string): string {
  return KUBECTL_FIXTURES + name;
}

export function loadJson(name: string): unknown {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as unknown;
}

export function loadPod(name: string): PodLike {
  return loadJson(name) as PodLike;
}

export function loadEvents(name: string): EventLike[] {
  return normalizeEvents(loadJson(name));
}

/** A deep copy to mutate in one test without touching the fixture others read. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
