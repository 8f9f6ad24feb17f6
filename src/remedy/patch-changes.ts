/**
 * A model's JSON Patch, read back as field changes of the pod template, so a pull request opened
 * from it is titled and explained like one from a rule ("Raise memory limit of checkout to 1Gi").
 * Only for describing the change: what is written and validated is the patch itself.
 */
import type { Operation } from 'fast-json-patch';
import type { FieldChange, FixKind } from '../diagnose/types.js';
import { classifyChangedPath } from './policy.js';
import { pointerToPath } from './json-patch.js';

const CONTAINER_LISTS = new Set(['containers', 'initContainers']);
type Scalar = string | number | boolean;

function valueAt(document: unknown, path: (string | number)[]): unknown {
  let current = document;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Splits a document path at its container: `[…, 'containers', 0, 'resources', …]` → container name and the rest. */
function containerScope(document: unknown, path: (string | number)[], failingContainer: string | null) {
  const listAt = path.findIndex((segment, index) => typeof segment === 'string' && CONTAINER_LISTS.has(segment) && typeof path[index + 1] === 'number');
  if (listAt === -1) {
    // Helm values and HelmRelease values have no container list: they configure the failing one.
    return { container: failingContainer, rest: path };
  }
  const name = valueAt(document, [...path.slice(0, listAt + 2), 'name']);
  return { container: typeof name === 'string' ? name : failingContainer, rest: path.slice(listAt + 2) };
}

export function fieldChangesFromPatch(document: unknown, ops: Operation[], failingContainer: string | null): FieldChange[] {
  return ops.flatMap((op): FieldChange[] => {
    if ((op.op !== 'replace' && op.op !== 'add') || !isScalar(op.value)) return [];
    const path = pointerToPath(op.path, document);
    const kind = classifyChangedPath(path.map(String), op.op);
    if (kind === 'forbidden' || kind === 'unknown') return [];
    const { container, rest } = containerScope(document, path, failingContainer);
    const previous = valueAt(document, path);
    return [{ fixKind: kind as FixKind, container, path: rest, value: op.value, previous: isScalar(previous) ? previous : null }];
  });
}
