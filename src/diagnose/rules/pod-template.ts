/**
 * Reading the pod template of a workload, whatever its kind: the containers, their ports, env
 * and resources, as the repository declares them or, failing that, as the report's pod shows them.
 */
import type { DiagnosisContext } from '../types.js';

export type Json = Record<string, unknown>;

export function asRecord(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

/** Follows a path of keys, returning undefined as soon as one is missing. */
export function dig(value: unknown, ...path: (string | number)[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (typeof key === 'number') current = asArray(current)[key];
    else current = asRecord(current)?.[key];
    if (current === undefined) return undefined;
  }
  return current;
}

/** The pod spec inside any workload kind (Deployment, StatefulSet, Job, CronJob, Rollout, Pod…). */
export function podSpecOf(object: Json | null): Json | null {
  if (!object) return null;
  const candidates = [
    dig(object, 'spec', 'template', 'spec'),
    dig(object, 'spec', 'jobTemplate', 'spec', 'template', 'spec'),
    object.kind === 'Pod' ? dig(object, 'spec') : undefined,
  ];
  for (const candidate of candidates) {
    const spec = asRecord(candidate);
    if (spec && (Array.isArray(spec.containers) || Array.isArray(spec.initContainers))) return spec;
  }
  return null;
}

/** Main, init and ephemeral containers of a pod spec, in that order. */
export function containersOf(podSpec: Json | null): Json[] {
  if (!podSpec) return [];
  return ['containers', 'initContainers', 'ephemeralContainers']
    .flatMap((key) => asArray(podSpec[key]))
    .map(asRecord)
    .filter((container): container is Json => container !== null);
}

export function containerNamed(podSpec: Json | null, name: string | null): Json | null {
  if (name === null) return null;
  return containersOf(podSpec).find((container) => container.name === name) ?? null;
}

export interface ContainerView {
  container: Json;
  podSpec: Json;
  /** Whether the values come from the repository (preferred) or from the running pod. */
  source: 'repository' | 'report';
}

/** The repository's pod spec when the workload was located, else the report's. */
export function declaredPodSpec(context: DiagnosisContext): { podSpec: Json; source: 'repository' | 'report' } | null {
  const declared = podSpecOf(context.location?.workload ?? null);
  if (declared) return { podSpec: declared, source: 'repository' };
  const live = asRecord(context.report.pod.spec);
  return live ? { podSpec: live, source: 'report' } : null;
}

/**
 * The failing container as the repository declares it, falling back to the report's pod spec
 * when the repository's rendering lacks it (a kustomize patch the locator could not apply…).
 */
export function failingContainer(context: DiagnosisContext, name = context.report.failure.container): ContainerView | null {
  if (name === null) return null;
  const declared = podSpecOf(context.location?.workload ?? null);
  const fromRepo = containerNamed(declared, name);
  if (declared && fromRepo) return { container: fromRepo, podSpec: declared, source: 'repository' };
  const live = asRecord(context.report.pod.spec);
  const fromReport = containerNamed(live, name);
  if (live && fromReport) return { container: fromReport, podSpec: live, source: 'report' };
  return null;
}

/** The container of the report's pod (what actually ran), for values the repo may template. */
export function liveContainer(context: DiagnosisContext, name = context.report.failure.container): Json | null {
  return containerNamed(asRecord(context.report.pod.spec), name);
}
