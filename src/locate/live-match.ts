/**
 * Does a rendered instance look like the pod that failed? The report carries the live pod spec,
 * so the observed values of the fields a fix touches (images, resources, plain env values) can be
 * compared with what each candidate renders. Two copies of a workload that render different
 * values (microservices-demo's `kubernetes-manifests/` and `kustomize/base/`) are told apart by
 * the one that matches; a copy that renders the field differently cannot be what is running.
 */
import { parseQuantity } from '../kube/quantity.js';
import { podSpecOf } from './pod-template.js';
import { asArray, asRecord, asString, isRecord } from './yaml-read.js';

export type LiveMatch =
  /** Every observed field the candidate renders has the live value. */
  | { verdict: 'matches'; compared: number }
  /** Some rendered field differs from the live value: the first one is named. */
  | { verdict: 'differs'; field: string; rendered: string; live: string }
  /** Nothing comparable: the candidate could not be rendered or shares no observed field. */
  | { verdict: 'unknown' };

const QUANTITY_FIELDS = [
  ['limits', 'memory'],
  ['limits', 'cpu'],
  ['requests', 'memory'],
  ['requests', 'cpu'],
] as const;

export function matchLiveValues(rendered: Record<string, unknown> | null, kind: string, livePodSpec: Record<string, unknown>): LiveMatch {
  if (!rendered) return { verdict: 'unknown' };
  const renderedContainers = containersByName(podSpecOf(rendered, kind));
  let compared = 0;
  for (const [name, live] of containersByName(livePodSpec)) {
    const mine = renderedContainers.get(name);
    if (!mine) continue;
    const pairs: [field: string, rendered: unknown, live: unknown, same: (a: string, b: string) => boolean][] = [[`${name}.image`, mine.image, live.image, sameImage]];
    for (const [group, resource] of QUANTITY_FIELDS) {
      pairs.push([`${name}.resources.${group}.${resource}`, asRecord(asRecord(mine.resources)[group])[resource], asRecord(asRecord(live.resources)[group])[resource], sameQuantity]);
    }
    const liveEnv = plainEnv(live.env);
    for (const [variable, value] of plainEnv(mine.env)) pairs.push([`${name}.env.${variable}`, value, liveEnv.get(variable), (a, b) => a === b]);
    for (const [field, mineValue, liveValue, same] of pairs) {
      const a = scalar(mineValue);
      const b = scalar(liveValue);
      if (a === null || b === null) continue;
      if (!same(a, b)) return { verdict: 'differs', field, rendered: a, live: b };
      compared += 1;
    }
  }
  return compared > 0 ? { verdict: 'matches', compared } : { verdict: 'unknown' };
}

function containersByName(podSpec: Record<string, unknown> | null): Map<string, Record<string, unknown>> {
  const containers = new Map<string, Record<string, unknown>>();
  for (const list of ['initContainers', 'containers']) {
    for (const container of asArray(podSpec?.[list])) {
      const name = isRecord(container) ? asString(container.name) : null;
      if (name !== null) containers.set(name, container as Record<string, unknown>);
    }
  }
  return containers;
}

/** Literal `value`s only: `valueFrom` is resolved by the cluster and says nothing about the source. */
function plainEnv(env: unknown): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const entry of asArray(env)) if (isRecord(entry) && typeof entry.name === 'string' && 'value' in entry) values.set(entry.name, entry.value);
  return values;
}

function scalar(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
}

/** The API server stores quantities in canonical form (`0.5` → `500m`): compare amounts. */
function sameQuantity(a: string, b: string): boolean {
  const left = parseQuantity(a);
  const right = parseQuantity(b);
  return left !== null && right !== null ? left === right : a === b;
}

/** `nginx` and `docker.io/library/nginx:latest` name the same image. */
function sameImage(a: string, b: string): boolean {
  return canonicalImage(a) === canonicalImage(b);
}

function canonicalImage(image: string): string {
  const trimmed = image.trim();
  const [name = '', digest] = trimmed.split('@', 2);
  const lastSlash = name.lastIndexOf('/');
  const hasTag = name.indexOf(':', lastSlash + 1) >= 0;
  let full = hasTag || digest ? name : `${name}:latest`;
  const first = full.split('/')[0] ?? '';
  if (!full.includes('/')) full = `docker.io/library/${full}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') full = `docker.io/${full}`;
  return digest ? `${full}@${digest}` : full;
}
