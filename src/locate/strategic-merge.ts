/**
 * Applies kustomize patches to plain objects, far enough to show the workload as it will run:
 * strategic merge (lists of named items merge by key) and JSON 6902 operations.
 */
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { isRecord } from './yaml-read.js';

/** Merge keys of the Kubernetes lists that strategic merge treats as maps. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  envFrom: 'prefix',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
};

export function strategicMerge(base: unknown, patch: unknown, key?: string): unknown {
  if (isRecord(patch) && patch.$patch === 'replace') return stripDirectives(patch);
  if (isRecord(base) && isRecord(patch)) {
    const merged: Record<string, unknown> = { ...base };
    for (const [field, value] of Object.entries(patch)) {
      if (field.startsWith('$') || field === '__proto__') continue;
      if (value === null) delete merged[field];
      else merged[field] = field in base ? strategicMerge(base[field], value, field) : stripDirectives(value);
    }
    return merged;
  }
  const mergeKey = key ? MERGE_KEYS[key] : undefined;
  if (Array.isArray(base) && Array.isArray(patch) && mergeKey) return mergeNamedList(base, patch, mergeKey);
  return stripDirectives(patch);
}

function mergeNamedList(base: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  const merged = [...base];
  for (const item of patch) {
    const position = isRecord(item) ? merged.findIndex((existing) => isRecord(existing) && existing[mergeKey] === item[mergeKey]) : -1;
    if (isRecord(item) && item.$patch === 'delete') {
      if (position >= 0) merged.splice(position, 1);
    } else if (position >= 0) merged[position] = strategicMerge(merged[position], item);
    else merged.push(stripDirectives(item));
  }
  return merged;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([field]) => !field.startsWith('$')).map(([field, inner]) => [field, stripDirectives(inner)]));
}

/** Applies JSON 6902 operations; an operation that does not apply leaves the object as it was. */
export function applyJson6902(object: Record<string, unknown>, operations: unknown[]): Record<string, unknown> {
  let current = object;
  for (const operation of operations) {
    if (!isRecord(operation) || typeof operation.op !== 'string' || typeof operation.path !== 'string') continue;
    try {
      current = fastJsonPatch.applyOperation(current, operation as unknown as Operation, false, false).newDocument;
    } catch {
      // kustomize would fail the build; we keep the best picture we have.
    }
  }
  return current;
}

/** `/spec/template/spec/containers/0/image` → segments, numbers for list indexes. */
export function pointerSegments(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}
