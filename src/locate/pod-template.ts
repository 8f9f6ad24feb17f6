/**
 * Where the pod template sits in each workload kind, and how a change expressed against a
 * container (or the pod spec) becomes a path from a document's root.
 */
import type { FieldChange } from '../diagnose/types.js';
import { asArray, isRecord } from './yaml-read.js';

export type Path = (string | number)[];

const TEMPLATE_PATH: Path = ['spec', 'template', 'spec'];
const POD_SPEC_PATHS: Record<string, Path> = {
  Pod: ['spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** Path from a workload's root to its pod spec; kinds not listed (Rollout, operators' CRs) use spec.template.spec. */
export function podSpecPath(kind: string): Path {
  return POD_SPEC_PATHS[kind] ?? TEMPLATE_PATH;
}

export function getIn(value: unknown, path: Path): unknown {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isRecord(current) && typeof segment === 'string') current = current[segment];
    else return undefined;
  }
  return current;
}

export function podSpecOf(workload: unknown, kind: string): Record<string, unknown> | null {
  const spec = getIn(workload, podSpecPath(kind));
  return isRecord(spec) ? spec : null;
}

/** True for objects that declare pods: the kinds a failing container can belong to. */
export function declaresPods(object: Record<string, unknown>, kind: string): boolean {
  return asArray(podSpecOf(object, kind)?.containers).length > 0;
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** Containers are matched by name, never by position; init containers count too. */
export function findContainer(podSpec: unknown, name: string): { path: Path; container: Record<string, unknown> } | null {
  for (const list of CONTAINER_LISTS) {
    const containers = asArray(isRecord(podSpec) ? podSpec[list] : undefined);
    const index = containers.findIndex((container) => isRecord(container) && container.name === name);
    const container = containers[index];
    if (index >= 0 && isRecord(container)) return { path: [list, index], container };
  }
  return null;
}

/** Lists whose items are identified by a name: a string segment after them selects an item by name. */
const NAMED_LISTS = new Set(['env', 'envFrom', 'volumeMounts', 'ports', 'volumes', 'imagePullSecrets', 'tolerations']);

export function isNamedList(key: unknown): boolean {
  return typeof key === 'string' && NAMED_LISTS.has(key);
}

export interface RelativeEdit {
  path: Path;
  value: string | number | boolean;
}

/**
 * Turns `change.path` into concrete edits against `target` (a container or pod spec as one layer
 * declares it). `['env', 'LOG_LEVEL', 'value']` selects the env item by name, or appends a new
 * item with that name when the layer has none.
 */
export function concreteEdits(target: unknown, path: Path, value: string | number | boolean, parentKey?: string): RelativeEdit[] {
  const concrete: Path = [];
  const extra: RelativeEdit[] = [];
  let current = target;
  for (let i = 0; i < path.length; i += 1) {
    const segment = path[i] as string | number;
    const previous = concrete.length > 0 ? concrete[concrete.length - 1] : parentKey;
    if (typeof segment === 'string' && typeof previous === 'string' && NAMED_LISTS.has(previous) && !/^\d+$/.test(segment)) {
      const items = asArray(current);
      const existing = items.findIndex((item) => isRecord(item) && item.name === segment);
      const position = existing >= 0 ? existing : items.length;
      if (existing < 0) extra.push({ path: [...concrete, position, 'name'], value: segment });
      concrete.push(position);
      current = items[position];
      // `['env', 'NAME']` alone means the env var's value.
      if (i === path.length - 1 && previous === 'env') concrete.push('value');
      continue;
    }
    const key = typeof segment === 'string' && /^\d+$/.test(segment) && Array.isArray(current) ? Number(segment) : segment;
    concrete.push(key);
    current = getIn(current, [key]);
  }
  return [...extra, { path: concrete, value }];
}

/** Path from the workload root to the container (or pod spec) a change addresses; null when absent. */
export function changeTargetPath(workload: unknown, kind: string, change: FieldChange): Path | null {
  const specPath = podSpecPath(kind);
  if (change.container === null) return specPath;
  const found = findContainer(getIn(workload, specPath), change.container);
  return found ? [...specPath, ...found.path] : null;
}

/** Edits of a change against one manifest whose object is `workload`, under `prefix` (a List item). */
export function editsAgainstWorkload(
  workload: Record<string, unknown>,
  kind: string,
  change: FieldChange,
  prefix: Path = [],
): RelativeEdit[] | null {
  const target = changeTargetPath(workload, kind, change);
  if (!target) return null;
  return concreteEdits(getIn(workload, target), change.path, change.value).map((edit) => ({
    path: [...prefix, ...target, ...edit.path],
    value: edit.value,
  }));
}

export function deepClone<T>(value: T): T {
  return structuredClone(value);
}

