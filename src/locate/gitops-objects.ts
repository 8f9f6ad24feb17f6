/**
 * The deployment objects a GitOps repository declares about itself: Argo CD Applications and Flux
 * Kustomizations. Each names a path of this repository that some cluster renders; together they
 * say which directory serves which application and cluster.
 */
import type { RepoIndex } from './types.js';
import { dirOf, joinRepoPath, normalizeRepoPath, pathWords } from './posix-path.js';
import { asArray, asRecord, asString, isRecord } from './yaml-read.js';

export interface DeploymentScope {
  /** `argocd` Application or `flux` Kustomization. */
  tool: 'argocd' | 'flux';
  /** The object's name and namespace, as hints refer to it. */
  name: string;
  namespace: string | null;
  /** The file that declares the object. */
  file: string;
  /** Directory of this repository that is rendered. */
  path: string;
  /** Namespace the rendered objects land in, when the object forces one. */
  targetNamespace: string | null;
  /** Helm value files (repository paths) an Argo CD Application passes, last wins. */
  valueFiles: string[];
  releaseName: string | null;
  /** Cluster the object deploys to, when its destination or location says so. */
  cluster: string | null;
}

export function findDeploymentScopes(index: RepoIndex): DeploymentScope[] {
  const scopes: DeploymentScope[] = [];
  for (const document of index.documents) {
    if (document.kind === 'Application' && document.apiVersion.startsWith('argoproj.io/')) {
      scopes.push(...applicationScopes(document.object, document.file, document.name, document.namespace));
    } else if (document.kind === 'Kustomization' && document.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) {
      const spec = asRecord(document.object.spec);
      scopes.push({
        tool: 'flux',
        name: document.name,
        namespace: document.namespace,
        file: document.file,
        path: normalizeRepoPath(asString(spec.path) ?? ''),
        targetNamespace: asString(spec.targetNamespace),
        valueFiles: [],
        releaseName: null,
        cluster: clusterFromLocation(document.file),
      });
    }
  }
  return scopes;
}

function applicationScopes(object: Record<string, unknown>, file: string, name: string, namespace: string | null): DeploymentScope[] {
  const spec = asRecord(object.spec);
  const destination = asRecord(spec.destination);
  const sources = [spec.source, ...asArray(spec.sources)].filter(isRecord);
  return sources.flatMap((source) => {
    const path = asString(source.path);
    // Charts pulled from a Helm repository have no directory here.
    if (path === null || asString(source.chart) !== null) return [];
    const root = normalizeRepoPath(path);
    const helm = asRecord(source.helm);
    return [
      {
        tool: 'argocd' as const,
        name,
        namespace,
        file,
        path: root,
        targetNamespace: asString(destination.namespace),
        valueFiles: asArray(helm.valueFiles)
          .filter((entry): entry is string => typeof entry === 'string' && !entry.startsWith('$'))
          .map((entry) => joinRepoPath(root, entry)),
        releaseName: asString(helm.releaseName) ?? name,
        cluster: asString(destination.name) ?? clusterFromLocation(file),
      },
    ];
  });
}

/** `clusters/prod-eu/apps.yaml` → `prod-eu`: the common layout of Flux and Argo CD bootstrap repos. */
function clusterFromLocation(file: string): string | null {
  const segments = dirOf(file).split('/');
  const position = segments.findIndex((segment) => segment === 'clusters' || segment === 'cluster');
  return position >= 0 ? (segments[position + 1] ?? null) : null;
}

/** Environment words in cluster names and paths, folded to one spelling. */
const ENVIRONMENT_SYNONYMS: Record<string, string> = {
  prod: 'production',
  prd: 'production',
  production: 'production',
  live: 'production',
  stage: 'staging',
  staging: 'staging',
  stg: 'staging',
  dev: 'development',
  development: 'development',
  qa: 'qa',
  test: 'test',
  testing: 'test',
  uat: 'uat',
  preprod: 'preprod',
  sandbox: 'sandbox',
};

/** The environments a name or path talks about (`prod-eu-1` → production). */
export function environmentsIn(text: string): Set<string> {
  return new Set(pathWords(text).flatMap((word) => (ENVIRONMENT_SYNONYMS[word] ? [ENVIRONMENT_SYNONYMS[word] as string] : [])));
}
