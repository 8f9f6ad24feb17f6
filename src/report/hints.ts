/**
 * GitOps source hints: the labels and annotations that GitOps tools stamp on what they apply,
 * and that tell the App which repository, path or release declared a workload.
 *
 * | tool      | where                                                             |
 * | --------- | ----------------------------------------------------------------- |
 * | Argo CD   | annotation `argocd.argoproj.io/tracking-id` (`<app>:<group>/<kind>:<ns>/<name>`), label `app.kubernetes.io/instance` or `argocd.argoproj.io/instance` |
 * | Flux      | labels `kustomize.toolkit.fluxcd.io/{name,namespace}`, `helm.toolkit.fluxcd.io/{name,namespace}` |
 * | Helm      | annotations `meta.helm.sh/release-{name,namespace}`               |
 * | kustomize | annotation `config.kubernetes.io/origin` (YAML: path, repo, ref)  |
 */
import { parse as parseYaml } from 'yaml';
import type { SourceHints } from './schema.js';

type StringMap = Record<string, string> | undefined;

const ARGOCD_TRACKING_ID = 'argocd.argoproj.io/tracking-id';
const ARGOCD_INSTANCE_LABELS = ['argocd.argoproj.io/instance', 'app.kubernetes.io/instance'];
const KUSTOMIZE_ORIGIN = 'config.kubernetes.io/origin';

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * The application in a tracking id. With "apps in any namespace" Argo CD prefixes the app with
 * its namespace (`argocd_web`); the application name is what follows the underscore.
 */
function applicationOf(trackingId: string): string | undefined {
  const app = trackingId.split(':')[0];
  if (!app) return undefined;
  const underscore = app.indexOf('_');
  return underscore === -1 ? app : app.slice(underscore + 1) || undefined;
}

function argocdHints(labels: StringMap, annotations: StringMap): SourceHints['argocd'] {
  const trackingId = nonEmpty(annotations?.[ARGOCD_TRACKING_ID]);
  const instance = ARGOCD_INSTANCE_LABELS.map((key) => nonEmpty(labels?.[key])).find((value) => value !== undefined);
  if (!trackingId && !instance) return undefined;
  const application = trackingId ? applicationOf(trackingId) : undefined;
  return {
    ...(trackingId ? { trackingId } : {}),
    ...(instance ? { instance } : {}),
    ...(application ? { application } : {}),
  };
}

function namedObject(labels: StringMap, prefix: string): { name: string; namespace: string } | undefined {
  const name = nonEmpty(labels?.[`${prefix}/name`]);
  const namespace = nonEmpty(labels?.[`${prefix}/namespace`]);
  return name && namespace ? { name, namespace } : undefined;
}

function fluxHints(labels: StringMap): SourceHints['flux'] {
  const kustomization = namedObject(labels, 'kustomize.toolkit.fluxcd.io');
  const helmRelease = namedObject(labels, 'helm.toolkit.fluxcd.io');
  if (!kustomization && !helmRelease) return undefined;
  return { ...(kustomization ? { kustomization } : {}), ...(helmRelease ? { helmRelease } : {}) };
}

function helmHints(annotations: StringMap): SourceHints['helm'] {
  const releaseName = nonEmpty(annotations?.['meta.helm.sh/release-name']);
  const releaseNamespace = nonEmpty(annotations?.['meta.helm.sh/release-namespace']);
  if (!releaseName && !releaseNamespace) return undefined;
  return { ...(releaseName ? { releaseName } : {}), ...(releaseNamespace ? { releaseNamespace } : {}) };
}

/** kustomize writes the origin as a small YAML document (`path: base/app.yaml\nrepo: …\nref: …`). */
function kustomizeOrigin(annotations: StringMap): SourceHints['kustomizeOrigin'] {
  const raw = annotations?.[KUSTOMIZE_ORIGIN];
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = parseYaml(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const origin = parsed as Record<string, unknown>;
  const pick = (key: string): string | undefined => (typeof origin[key] === 'string' ? nonEmpty(origin[key]) : undefined);
  const path = pick('path');
  const repo = pick('repo');
  const ref = pick('ref');
  if (!path && !repo && !ref) return undefined;
  return { ...(path ? { path } : {}), ...(repo ? { repo } : {}), ...(ref ? { ref } : {}) };
}

/** The source hints carried by one object's labels and annotations. */
export function extractSourceHints(labels: StringMap, annotations: StringMap): SourceHints {
  const argocd = argocdHints(labels, annotations);
  const flux = fluxHints(labels);
  const helm = helmHints(annotations);
  const origin = kustomizeOrigin(annotations);
  return {
    ...(argocd ? { argocd } : {}),
    ...(flux ? { flux } : {}),
    ...(helm ? { helm } : {}),
    ...(origin ? { kustomizeOrigin: origin } : {}),
  };
}

interface Labelled {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * Hints from several objects, most authoritative first (the workload, then the pod): a field the
 * first object sets wins, and the others fill the gaps. Workload metadata is what the GitOps tool
 * applied; pod metadata only inherits what the template carried.
 */
export function collectSourceHints(objects: Labelled[]): SourceHints {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const object of [...objects].reverse()) {
    const hints = extractSourceHints(object.labels, object.annotations) as Record<string, Record<string, unknown> | undefined>;
    for (const [group, fields] of Object.entries(hints)) {
      if (fields) merged[group] = { ...merged[group], ...fields };
    }
  }
  return merged as SourceHints;
}

function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringField(object: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' ? nonEmpty(value) : undefined;
}

function nameOf(object: Record<string, unknown>): string | undefined {
  return stringField(recordOf(object.metadata), 'name');
}

/**
 * Hints from the GitOps objects themselves, when the caller could read them (they need RBAC the
 * workload does not): an Argo CD `Application` named by the tracking id gives the repository,
 * path and revision; a Flux `Kustomization` named by the labels gives the path, and its
 * `GitRepository` the URL. Objects that the hints do not name are ignored.
 */
export function enrichWithSourceObjects(hints: SourceHints, objects: readonly unknown[]): SourceHints {
  const records = objects.map(recordOf).filter((object) => object !== undefined);
  const enriched: SourceHints = { ...hints };

  const application = hints.argocd?.application ?? hints.argocd?.instance;
  const app = records.find((object) => object.kind === 'Application' && nameOf(object) === application);
  if (app && hints.argocd) {
    const spec = recordOf(app.spec);
    const sources = Array.isArray(spec?.sources) ? spec.sources.map(recordOf) : [];
    const source = recordOf(spec?.source) ?? sources.find((candidate) => stringField(candidate, 'path') !== undefined) ?? sources[0];
    const repoURL = stringField(source, 'repoURL');
    const path = stringField(source, 'path');
    const targetRevision = stringField(source, 'targetRevision');
    enriched.argocd = {
      ...hints.argocd,
      application: nameOf(app),
      ...(repoURL ? { repoURL } : {}),
      ...(path ? { path } : {}),
      ...(targetRevision ? { targetRevision } : {}),
    };
  }

  const kustomizationRef = hints.flux?.kustomization;
  const kustomization = records.find((object) => object.kind === 'Kustomization' && recordOf(object.spec)?.sourceRef && nameOf(object) === kustomizationRef?.name);
  if (kustomization && hints.flux) {
    const spec = recordOf(kustomization.spec);
    const path = stringField(spec, 'path');
    const sourceName = stringField(recordOf(spec?.sourceRef), 'name');
    const repository = records.find((object) => object.kind === 'GitRepository' && nameOf(object) === sourceName);
    const sourceURL = stringField(recordOf(repository?.spec), 'url');
    enriched.flux = { ...hints.flux, ...(path ? { path } : {}), ...(sourceURL ? { sourceURL } : {}) };
  }
  return enriched;
}
