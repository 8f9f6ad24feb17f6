/**
 * Every environment a repository defines, rendered far enough to compare: each kustomization
 * that can be built on its own (a top-level one, a directory an Argo CD Application or Flux
 * Kustomization deploys, or one that renames or re-namespaces what it builds), each values combination of an in-repository chart, each Flux
 * HelmRelease, and each plain manifest file. Rendering the same repository before and after an
 * edit tells which environments the edit reaches — the question a reviewer of a shared base asks.
 */
import type { RepoIndex } from './types.js';
import { findDeploymentScopes } from './gitops-objects.js';
import { mergeValues, readChart } from './helm-values.js';
import { declaresPods } from './pod-template.js';
import { baseName, dirOf } from './posix-path.js';
import { analyzeKustomizations, buildResources, standaloneBuilds } from './sources/kustomize-tree.js';
import { kustomizeEnvironment, renderBuiltResource } from './sources/kustomize.js';
import { chartEnvironment, valuesLayersOf, valuesSets } from './sources/helm-chart.js';
import { helmReleaseCharts, helmReleaseEnvironment, isHelmRelease, releaseValues } from './sources/flux-helmrelease.js';
import { plainEnvironment } from './sources/plain.js';
import { manifestsOf } from './index-repo.js';
import { filesOf, parseYamlText, rememberParsed } from './yaml-read.js';

export interface RenderedEnvironment {
  /** Object identity (`Deployment shop-prod/prod-checkout`, or `values`) → canonical JSON. */
  objects: Map<string, string>;
  /** Environments this one builds upon (a canary overlay that includes the production overlay). */
  buildsOn: Set<string>;
}

export type EnvironmentRenders = Map<string, RenderedEnvironment>;

export async function renderEnvironments(index: RepoIndex): Promise<EnvironmentRenders> {
  const renders: EnvironmentRenders = new Map();
  const add = (environment: string, identity: string, value: unknown, buildsOn: string[] = []): void => {
    let rendered = renders.get(environment);
    if (!rendered) {
      rendered = { objects: new Map(), buildsOn: new Set() };
      renders.set(environment, rendered);
    }
    rendered.objects.set(identity, JSON.stringify(value));
    for (const other of buildsOn) if (other !== environment) rendered.buildsOn.add(other);
  };

  const analysis = await analyzeKustomizations(index);
  const scopes = findDeploymentScopes(index);
  for (const dir of standaloneBuilds(analysis, scopes.map((scope) => scope.path))) {
    for (const resource of buildResources(index, analysis, dir)) {
      if (!declaresPods(resource.document.object, resource.document.kind) && !isHelmRelease(resource.document)) continue;
      const rendered = renderBuiltResource(resource);
      const below = resource.layers.map((layer) => kustomizeEnvironment(layer.dir));
      add(kustomizeEnvironment(dir), `${resource.document.kind} ${rendered.namespace ?? ''}/${rendered.name}`, rendered.object, below);
    }
  }

  for (const document of index.documents) {
    if (analysis.builtFiles.has(document.file) || analysis.patchFiles.has(document.file)) continue;
    if (isHelmRelease(document)) {
      const { layers } = await releaseValues(index, document);
      add(helmReleaseEnvironment(document), 'values', mergeValues(layers));
    } else if (declaresPods(document.object, document.kind)) {
      add(plainEnvironment(document.file), `${document.kind} ${document.namespace ?? ''}/${document.name}`, document.object);
    }
  }

  const releasedByFlux = await helmReleaseCharts(index);
  for (const dir of index.files.filter((file) => baseName(file) === 'Chart.yaml').map(dirOf)) {
    if (releasedByFlux.has(dir)) continue;
    const chart = await readChart(index, dir);
    if (!chart) continue;
    for (const set of valuesSets(index, scopes, chart).filter((entry) => !entry.fallback)) add(chartEnvironment(chart, set), 'values', mergeValues(await valuesLayersOf(index, chart, set)));
  }
  return renders;
}

/**
 * The environments whose rendered output differs between two renders (added or removed ones
 * included), and among them those that build on `failing`: they inherit its fix by design.
 */
export function changedEnvironments(before: EnvironmentRenders, after: EnvironmentRenders, failing: string | null): { changed: string[]; inheriting: string[] } {
  const names = new Set([...before.keys(), ...after.keys()]);
  const changed = [...names]
    .filter((name) => {
      const old = before.get(name)?.objects;
      const edited = after.get(name)?.objects;
      if (!old || !edited || old.size !== edited.size) return true;
      return [...old].some(([identity, value]) => edited.get(identity) !== value);
    })
    .sort();
  const inheriting = failing === null ? [] : changed.filter((name) => name !== failing && before.get(name)?.buildsOn.has(failing));
  return { changed, inheriting };
}

/**
 * The same repository with some files replaced: documents of untouched files are shared with
 * the original index, the replaced files are parsed again. Nothing is written anywhere.
 */
export function indexWithChangedFiles(index: RepoIndex, changed: { file: string; after: string }[]): RepoIndex {
  const replaced = new Map(changed.map((change) => [change.file, change.after]));
  const files = [...index.files, ...[...replaced.keys()].filter((file) => !filesOf(index).has(file))];
  const edited: RepoIndex = {
    repo: index.repo,
    files,
    documents: index.documents.filter((document) => !replaced.has(document.file)),
    warnings: [],
    readFile: async (path) => (replaced.has(path) ? (replaced.get(path) as string) : index.readFile(path)),
  };
  for (const [file, text] of replaced) {
    // An edit that breaks the file renders nothing here; the parse check reports it.
    const parsed = parseYamlText(text);
    const values = parsed.ok ? parsed.documents : [];
    rememberParsed(edited, file, parsed.ok ? values : null);
    values.forEach((value, documentIndex) => edited.documents.push(...manifestsOf(file, documentIndex, value)));
  }
  return edited;
}
