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
    } else if (document.kind === 'ApplicationSet' && document.apiVersion.startsWith('argoproj.io/')) {
      for (const application of generatedApplications(document.object, index.files)) {
        const metadata = asRecord(application.metadata);
        scopes.push(...applicationScopes(application, document.file, asString(metadata.name) ?? document.name, asString(metadata.namespace) ?? document.namespace));
      }
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

/**
 * The Applications an ApplicationSet generates from its list and git-directory generators, its
 * template's `{{param}}` / `{{.param}}` placeholders filled in. Generators that need a cluster or
 * an API (cluster, SCM, pull request) are not expanded: nothing in the repository says what they yield.
 */
export function generatedApplications(applicationSet: Record<string, unknown>, files: string[]): Record<string, unknown>[] {
  const spec = asRecord(applicationSet.spec);
  const template = asRecord(spec.template);
  const parameterSets = asArray(spec.generators).flatMap((generator) => generatorParameters(asRecord(generator), files));
  return parameterSets.map((parameters) => fillPlaceholders(template, parameters) as Record<string, unknown>);
}

function generatorParameters(generator: Record<string, unknown>, files: string[]): Record<string, string>[] {
  const list = asRecord(generator.list);
  if (Array.isArray(list.elements)) {
    return list.elements.filter(isRecord).map((element) => flatten(element));
  }
  const git = asRecord(generator.git);
  if (Array.isArray(git.directories)) {
    const directories = new Set(files.map(dirOf).filter((dir) => dir !== ''));
    const included = git.directories.filter(isRecord).filter((entry) => entry.exclude !== true).map((entry) => asString(entry.path) ?? '');
    const excluded = git.directories.filter(isRecord).filter((entry) => entry.exclude === true).map((entry) => asString(entry.path) ?? '');
    return [...directories]
      .filter((dir) => included.some((pattern) => globMatches(pattern, dir)) && !excluded.some((pattern) => globMatches(pattern, dir)))
      .sort()
      .map((dir) => {
        const segments = dir.split('/');
        const parameters: Record<string, string> = { path: dir, 'path.path': dir, 'path.basename': segments[segments.length - 1] ?? dir, 'path.basenameNormalized': (segments[segments.length - 1] ?? dir).replace(/[^a-zA-Z0-9-]/g, '-') };
        segments.forEach((segment, position) => (parameters[`path[${position}]`] = segment));
        return parameters;
      });
  }
  return [];
}

/** Nested element values become dotted parameters (`values.namespace`), as Argo CD flattens them. */
function flatten(value: Record<string, unknown>, prefix = ''): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (isRecord(inner)) Object.assign(flat, flatten(inner, `${prefix}${key}.`));
    else if (typeof inner === 'string' || typeof inner === 'number' || typeof inner === 'boolean') flat[`${prefix}${key}`] = String(inner);
  }
  return flat;
}

/** `{{ cluster }}` (fasttemplate) and `{{ .cluster }}` (Go template) both name a parameter. */
function fillPlaceholders(value: unknown, parameters: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{\{\s*\.?([\w.\-[\]]+)\s*\}\}/g, (whole, name: string) => parameters[name] ?? whole);
  }
  if (Array.isArray(value)) return value.map((item) => fillPlaceholders(item, parameters));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, fillPlaceholders(inner, parameters)]));
  return value;
}

/** Argo CD's directory patterns: `*` within one path segment, otherwise literal. */
function globMatches(pattern: string, dir: string): boolean {
  const normalized = normalizeRepoPath(pattern);
  const expression = normalized.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*');
  return new RegExp(`^${expression}$`).test(dir);
}
