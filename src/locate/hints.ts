/**
 * The runtime hints that point from a live workload back to its source: Argo CD tracking,
 * Flux labels, Helm release annotations and kustomize's origin annotation. They come from the
 * report's `sourceHints`, falling back to the pod's own labels and annotations.
 */
import type { FailureReport } from '../report/schema.js';
import { normalizeRepoPath } from './posix-path.js';

export interface NamedRef {
  name: string;
  namespace: string | null;
}

export interface SourceHints {
  /** Argo CD Application names: from the tracking id, the application field or the instance label. */
  argoApplications: string[];
  /** Repository path of the Argo CD Application's source, when the agent could read it. */
  argoPath: string | null;
  fluxKustomization: NamedRef | null;
  fluxHelmRelease: NamedRef | null;
  fluxPath: string | null;
  /** Helm release name (meta.helm.sh/release-name, or the instance label charts set). */
  helmReleases: string[];
  /** `config.kubernetes.io/origin` path, relative to an unknown kustomize root. */
  originPath: string | null;
}

/**
 * `<app>:<group>/<kind>:<namespace>/<name>`; the app part is `<appNamespace>_<app>` for
 * Applications outside the control-plane namespace. The pre-2.2 `;` format is accepted too.
 */
export function parseTrackingId(trackingId: string): { application: string; namespace: string | null } | null {
  const separator = trackingId.includes(':') ? ':' : ';';
  const [appPart] = trackingId.split(separator, 1);
  if (!appPart) return null;
  const underscore = appPart.indexOf('_');
  return underscore > 0
    ? { application: appPart.slice(underscore + 1), namespace: appPart.slice(0, underscore) }
    : { application: appPart, namespace: null };
}

export function collectHints(report: FailureReport): SourceHints {
  const hints = report.sourceHints;
  const labels = report.pod.labels;
  const annotations = report.pod.annotations;
  const trackingId = hints.argocd?.trackingId ?? annotations['argocd.argoproj.io/tracking-id'];
  const instance = hints.argocd?.instance ?? labels['app.kubernetes.io/instance'] ?? labels['argocd.argoproj.io/instance'];
  const argoApplications = unique([
    trackingId ? parseTrackingId(trackingId)?.application : undefined,
    hints.argocd?.application,
    instance,
  ]);
  const fluxKustomization =
    hints.flux?.kustomization ?? namedFromLabels(labels, 'kustomize.toolkit.fluxcd.io/name', 'kustomize.toolkit.fluxcd.io/namespace');
  const fluxHelmRelease =
    hints.flux?.helmRelease ?? namedFromLabels(labels, 'helm.toolkit.fluxcd.io/name', 'helm.toolkit.fluxcd.io/namespace');
  const origin = hints.kustomizeOrigin?.path ?? originPathFromAnnotation(annotations['config.kubernetes.io/origin']);
  return {
    argoApplications,
    argoPath: hints.argocd?.path ? normalizeRepoPath(hints.argocd.path) : null,
    fluxKustomization,
    fluxHelmRelease,
    fluxPath: hints.flux?.path ? normalizeRepoPath(hints.flux.path) : null,
    helmReleases: unique([hints.helm?.releaseName, annotations['meta.helm.sh/release-name'], instance]),
    originPath: origin && !hints.kustomizeOrigin?.repo ? origin : null,
  };
}

function namedFromLabels(labels: Record<string, string>, nameKey: string, namespaceKey: string): NamedRef | null {
  const name = labels[nameKey];
  return name ? { name, namespace: labels[namespaceKey] ?? null } : null;
}

/** The annotation's value is itself YAML: `path: ../../base/deployment.yaml`. */
function originPathFromAnnotation(value: string | undefined): string | null {
  const match = value?.match(/^\s*path:\s*["']?([^"'\n]+?)["']?\s*$/m);
  return match?.[1] ?? null;
}

function unique(values: (string | undefined | null)[]): string[] {
  return [...new Set(values.filter((value): value is string => typeof value === 'string' && value.length > 0))];
}
