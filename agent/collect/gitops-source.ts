/**
 * Where the workload's manifests live, when the cluster can say: the Argo CD Application's
 * repoURL/path/targetRevision, or the Flux Kustomization's path and its source's URL. These reads
 * need optional RBAC; when it is missing (403) or the object is gone, the hints read from labels
 * and annotations are kept as they are.
 */
import type { SourceHints } from '../../src/report/schema.js';
import type { Json, KubeReader } from './kube-reader.js';

const SOURCE_PLURALS: Record<string, string> = {
  GitRepository: 'gitrepositories',
  OCIRepository: 'ocirepositories',
  Bucket: 'buckets',
  HelmRepository: 'helmrepositories',
};

export interface GitOpsSourceOptions {
  /** Where Argo CD Applications live unless the tracking id names a namespace. */
  argocdNamespace: string;
}

/** `<app>:<group>/<kind>:<ns>/<name>`, where `<app>` may be `<namespace>_<name>` (apps in any namespace). */
export function argoApplicationOf(hints: SourceHints, defaultNamespace: string): { name: string; namespace: string } | undefined {
  const app = hints.argocd?.trackingId?.split(':')[0] || hints.argocd?.application || hints.argocd?.instance;
  if (!app) return undefined;
  const separator = app.indexOf('_');
  return separator > 0 ? { namespace: app.slice(0, separator), name: app.slice(separator + 1) } : { namespace: defaultNamespace, name: app };
}

async function orUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

export async function enrichArgoCd(reader: KubeReader, hints: SourceHints, options: GitOpsSourceOptions): Promise<boolean> {
  const app = argoApplicationOf(hints, options.argocdNamespace);
  if (!app) return true;
  const application = await orUndefined(() => reader.getObject('argoproj.io/v1alpha1', 'applications', app.namespace, app.name));
  if (!application) return false;
  const source: Json | undefined = application.spec?.source ?? application.spec?.sources?.[0];
  hints.argocd = {
    ...hints.argocd,
    application: app.name,
    ...(typeof source?.repoURL === 'string' ? { repoURL: source.repoURL } : {}),
    ...(typeof source?.path === 'string' ? { path: source.path } : typeof source?.chart === 'string' ? { path: source.chart } : {}),
    ...(typeof source?.targetRevision === 'string' ? { targetRevision: source.targetRevision } : {}),
  };
  return true;
}

async function sourceUrl(reader: KubeReader, reference: Json | undefined, namespace: string): Promise<string | undefined> {
  const plural = reference?.kind ? SOURCE_PLURALS[reference.kind] : undefined;
  if (!plural || typeof reference?.name !== 'string') return undefined;
  const source = await orUndefined(() => reader.getObject('source.toolkit.fluxcd.io/v1', plural, reference.namespace ?? namespace, reference.name));
  return typeof source?.spec?.url === 'string' ? source.spec.url : undefined;
}

export async function enrichFlux(reader: KubeReader, hints: SourceHints): Promise<boolean> {
  const kustomization = hints.flux?.kustomization;
  const helmRelease = hints.flux?.helmRelease;
  if (kustomization) {
    const object = await orUndefined(() => reader.getObject('kustomize.toolkit.fluxcd.io/v1', 'kustomizations', kustomization.namespace, kustomization.name));
    if (!object) return false;
    const url = await sourceUrl(reader, object.spec?.sourceRef, kustomization.namespace);
    hints.flux = {
      ...hints.flux,
      ...(typeof object.spec?.path === 'string' ? { path: object.spec.path } : {}),
      ...(url ? { sourceURL: url } : {}),
    };
    return true;
  }
  if (helmRelease) {
    const object = await orUndefined(() => reader.getObject('helm.toolkit.fluxcd.io/v2', 'helmreleases', helmRelease.namespace, helmRelease.name));
    if (!object) return false;
    const chart: Json | undefined = object.spec?.chart?.spec;
    const url = await sourceUrl(reader, chart?.sourceRef, helmRelease.namespace);
    hints.flux = {
      ...hints.flux,
      ...(typeof chart?.chart === 'string' ? { path: chart.chart } : {}),
      ...(url ? { sourceURL: url } : {}),
    };
  }
  return true;
}
