/**
 * Every `resources` block of a changed document, paired before/after: one per container of a
 * workload (matched by name, never by index), or one per `resources` mapping of a values file.
 */
import { isObject, type DocumentChange } from './changed-documents.js';

export interface ResourceHolder {
  /** Container name, or the values path of the block (`api.resources`). */
  label: string;
  container: string | null;
  before: Record<string, unknown> | undefined;
  after: Record<string, unknown> | undefined;
}

function get(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((current, key) => (isObject(current) ? current[key] : undefined), value);
}

export function podSpecOf(object: unknown): Record<string, unknown> | undefined {
  const kind = isObject(object) ? object.kind : undefined;
  const spec =
    kind === 'Pod' ? get(object, ['spec'])
    : kind === 'CronJob' ? get(object, ['spec', 'jobTemplate', 'spec', 'template', 'spec'])
    : get(object, ['spec', 'template', 'spec']);
  return isObject(spec) ? spec : undefined;
}

export function containersOf(object: unknown): Array<Record<string, unknown>> {
  const spec = podSpecOf(object);
  if (!spec) return [];
  return ['containers', 'initContainers']
    .flatMap((list) => (Array.isArray(spec[list]) ? (spec[list] as unknown[]) : []))
    .filter(isObject);
}

function asResources(value: unknown): Record<string, unknown> | undefined {
  return isObject(value) ? value : undefined;
}

function workloadHolders(change: DocumentChange): ResourceHolder[] {
  const before = new Map(containersOf(change.before).map((container) => [String(container.name), container]));
  return containersOf(change.after).map((container) => {
    const name = String(container.name);
    return { label: `container ${name}`, container: name, before: asResources(before.get(name)?.resources), after: asResources(container.resources) };
  });
}

function valuesHolders(before: unknown, after: unknown, at: string[]): ResourceHolder[] {
  if (!isObject(after)) return [];
  return Object.entries(after).flatMap(([key, value]) => {
    const here = [...at, key];
    if (key === 'resources' && isObject(value)) {
      return [{ label: here.join('.'), container: null, before: asResources(get(before, here)), after: value }];
    }
    return valuesHolders(before, value, here);
  });
}

/** The objects of a `kind: List` document (how `kubectl get -o yaml` exports several objects). */
function listItems(object: unknown): Array<Record<string, unknown>> {
  if (!isObject(object) || object.kind !== 'List' || !Array.isArray(object.items)) return [];
  return object.items.filter(isObject);
}

/** Each item of a List is a workload of its own; items are paired by kind and name, never by index. */
function listItemHolders(change: DocumentChange): ResourceHolder[] {
  const identity = (item: Record<string, unknown>) => `${String(item.kind)}/${String(get(item, ['metadata', 'name']))}`;
  const before = new Map(listItems(change.before).map((item) => [identity(item), item]));
  return listItems(change.after).flatMap((item) =>
    resourceHolders({ ...change, kind: typeof item.kind === 'string' ? item.kind : null, before: before.get(identity(item)), after: item }),
  );
}

export function resourceHolders(change: DocumentChange): ResourceHolder[] {
  if (listItems(change.after).length > 0) return listItemHolders(change);
  if (podSpecOf(change.after)) return workloadHolders(change);
  if (change.kind === 'HelmRelease') return valuesHolders(change.before, change.after, []);
  if (change.kind !== null) return [];
  return valuesHolders(change.before, change.after, []);
}
