/**
 * Flux `HelmRelease`: the release's inline `spec.values` beat every other values layer, so that is
 * where a change lands. When the chart lives in this repository its templates tell which values
 * path feeds a field; for a chart from a Helm repository the usual layout is assumed and said so.
 */
import type { Candidate, SourceContext, SourceModule } from '../candidate.js';
import { type ChartModel, type ChartTemplate, bindChange, declaresContainer, expressionEvaluator, fullnameFor, mergeValues, readChart, resolveValuesChange, type ValuesLayer, workloadFromValues } from '../helm-values.js';
import type { RenderContext } from '../helm-template.js';
import { joinRepoPath, normalizeRepoPath } from '../posix-path.js';
import type { ManifestDocument, RepoIndex } from '../types.js';
import { asArray, asRecord, asString, isRecord, readYamlMap } from '../yaml-read.js';
import { analyzeKustomizations, buildResources, type BuiltResource, namesThroughLayers, patchTargets, standaloneBuilds } from './kustomize-tree.js';
import { kustomizeEnvironment, renderBuiltResource } from './kustomize.js';

export function isHelmRelease(document: ManifestDocument): boolean {
  return document.kind === 'HelmRelease' && document.apiVersion.startsWith('helm.toolkit.fluxcd.io/');
}

/** The in-repository chart a HelmRelease installs, or null for a chart from a Helm/OCI repository. */
function chartDirectory(document: ManifestDocument): string | null {
  const chartSpec = asRecord(asRecord(asRecord(document.object.spec).chart).spec);
  const sourceKind = asString(asRecord(chartSpec.sourceRef).kind);
  const chart = asString(chartSpec.chart);
  return chart !== null && (sourceKind === 'GitRepository' || sourceKind === 'Bucket') ? normalizeRepoPath(chart) : null;
}

/** Chart directories installed by a HelmRelease: the HelmRelease, not the bare chart, is their source. */
export async function helmReleaseCharts(index: RepoIndex): Promise<Set<string>> {
  return new Set(index.documents.filter(isHelmRelease).flatMap((document) => chartDirectory(document) ?? []));
}

export const fluxHelmReleases: SourceModule = {
  form: 'flux-helmrelease',
  async findCandidates(context: SourceContext): Promise<Candidate[]> {
    const analysis = await analyzeKustomizations(context.index);
    const deployed = standaloneBuilds(analysis, context.scopes.map((scope) => scope.path));
    const candidates: Candidate[] = [];
    for (const document of context.index.documents.filter(isHelmRelease)) {
      if (analysis.patchFiles.has(document.file)) continue;
      // A HelmRelease in a kustomize base is one release per environment that builds it, each with
      // that environment's patches applied (flux2-kustomize-helm-example's apps/base + apps/<env>).
      const builds = analysis.builtFiles.has(document.file)
        ? deployed.flatMap((root) => buildResources(context.index, analysis, root).filter((resource) => resource.document === document).map((resource) => ({ root, resource })))
        : [];
      const releases = builds.length > 0 ? await Promise.all(builds.map((build) => releaseCandidate(context, document, build))) : [await releaseCandidate(context, document, null)];
      candidates.push(...releases.filter((candidate): candidate is Candidate => candidate !== null));
    }
    return candidates;
  },
};

/** The HelmRelease as one kustomization builds it, and the values layers its patches add. */
interface OverlayBuild {
  root: string;
  resource: BuiltResource;
}

/**
 * Values set by strategic-merge patch files of the build, in the order they apply. The patch of
 * the build root itself, when there is one, is the failing environment's own layer.
 */
function patchValuesLayers(build: OverlayBuild, releaseName: string): { layers: ValuesLayer[]; own: ValuesLayer | null } {
  const layers: ValuesLayer[] = [];
  let own: ValuesLayer | null = null;
  const names = namesThroughLayers(releaseName, build.resource.layers);
  build.resource.layers.forEach((layer, position) => {
    for (const patch of layer.patches) {
      if (patch.type !== 'strategic' || patch.file === null) continue;
      for (const [documentIndex, patchDocument] of patch.documents.entries()) {
        if (!patchTargets(patch, patchDocument, 'HelmRelease', names.slice(0, position + 1), {})) continue;
        const values = asRecord(asRecord(asRecord(patchDocument).spec).values);
        const entry: ValuesLayer = { file: patch.file, documentIndex, prefix: ['spec', 'values'], values };
        layers.push(entry);
        if (layer.dir === build.root) own = entry;
      }
    }
  });
  return { layers, own };
}

/** A HelmRelease is one environment: its values decide what the chart renders. */
export function helmReleaseEnvironment(document: ManifestDocument): string {
  return `HelmRelease ${document.namespace ?? 'default'}/${document.name} (${document.file})`;
}

/** The values layers of a release, lowest precedence first; its inline `spec.values` is the last. */
export async function releaseValues(index: RepoIndex, document: ManifestDocument): Promise<{ chart: ChartModel | null; layers: ValuesLayer[]; inline: ValuesLayer }> {
  const spec = asRecord(document.object.spec);
  const chartDir = chartDirectory(document);
  const chart = chartDir !== null ? await readChart(index, chartDir) : null;
  const layers: ValuesLayer[] = [];
  if (chart) {
    const chartSpec = asRecord(asRecord(spec.chart).spec);
    const valuesFiles = [joinRepoPath(chart.dir, 'values.yaml'), ...asArray(chartSpec.valuesFiles).flatMap((file) => (typeof file === 'string' ? [normalizeRepoPath(file)] : []))];
    for (const file of [...new Set(valuesFiles)]) {
      const values = await readYamlMap(index, file);
      if (values) layers.push({ file, documentIndex: 0, prefix: [], values });
    }
  }
  const listPrefix = document.listItemIndex === undefined ? [] : ['items', document.listItemIndex];
  const inline: ValuesLayer = { file: document.file, documentIndex: document.documentIndex, prefix: [...listPrefix, 'spec', 'values'], values: isRecord(spec.values) ? spec.values : {} };
  layers.push(inline);
  return { chart, layers, inline };
}

async function releaseCandidate(context: SourceContext, document: ManifestDocument, build: OverlayBuild | null): Promise<Candidate | null> {
  const rendered = build ? renderBuiltResource(build.resource) : null;
  const spec = asRecord((rendered?.object ?? document.object).spec);
  const releaseNamespace = rendered ? rendered.namespace : document.namespace;
  const targetNamespace = asString(spec.targetNamespace);
  const releaseName = asString(spec.releaseName) ?? (targetNamespace ? `${targetNamespace}-${document.name}` : document.name);
  const namespace = targetNamespace ?? releaseNamespace;
  const { chart, layers: baseLayers, inline } = await releaseValues(context.index, document);
  const patched = build ? patchValuesLayers(build, document.name) : { layers: [], own: null };
  const layers = [...baseLayers, ...patched.layers];
  // The environment's own values patch takes the change; without one the release's own values do.
  const target = patched.own ?? inline;
  const chartName = chart?.name ?? asString(asRecord(asRecord(spec.chart).spec).chart) ?? document.name;
  const merged = mergeValues(layers);
  const render: RenderContext = { values: merged, releaseName, namespace, chartName, appVersion: chart?.appVersion ?? '', fullname: fullnameFor(releaseName, chartName, merged) };

  const hinted = context.hints.fluxHelmRelease;
  const named = hinted !== null && hinted.name === document.name && (hinted.namespace === null || hinted.namespace === document.namespace);
  const template = chart ? pickTemplate(chart, context, render) : null;
  const rendersLiveName = chart ? template !== null : nameFitsRelease(context.name, releaseName, chartName, merged);
  if (!named && !rendersLiveName) return null;
  if (chart && !template) return null;

  const evaluate = expressionEvaluator(render);
  const kustomizeFiles = build ? build.resource.layers.map((layer) => layer.file) : [];
  return {
    environment: build ? kustomizeEnvironment(build.root) : helmReleaseEnvironment(document),
    renderRoot: build ? build.root : document.file,
    files: [...new Set([document.file, ...kustomizeFiles, ...layers.map((layer) => layer.file)])],
    environmentPath: build ? build.root : document.file,
    namespace,
    helmRelease: { name: document.name, namespace: releaseNamespace, releaseName },
    location: {
      form: 'flux-helmrelease',
      file: document.file,
      documentIndex: document.documentIndex,
      kind: context.kind,
      name: context.name,
      namespace,
      workload: workloadFromValues(template, render, { kind: context.kind, name: context.name, namespace, container: context.report.failure.container }),
      via: [
        `Flux HelmRelease ${releaseNamespace ?? 'default'}/${document.name} in ${document.file} (release ${releaseName}, chart ${chart ? chart.dir : chartName})`,
        ...(build ? [`kustomize build ${build.root || '.'} renders it${patched.layers.length > 0 ? ` with values patches ${patched.layers.map((layer) => layer.file).join(', ')}` : ''}`] : []),
      ],
      resolve: (change) => resolveValuesChange(change, bindChange(change, template, evaluate, merged), layers, target, true),
    },
  };
}

function pickTemplate(chart: ChartModel, context: SourceContext, render: RenderContext): ChartTemplate | null {
  const evaluate = expressionEvaluator(render);
  const ofKind = chart.templates.filter((template) => template.kind === context.kind);
  const byName = ofKind.filter((template) => {
    const expression = template.document.match(/^metadata:\s*\n(?:[ \t]+.*\n)*?[ \t]+name:\s*(.+)$/m)?.[1]?.trim() ?? '';
    return evaluate(expression) === context.name && declaresContainer(template, context.report.failure.container, evaluate);
  });
  return byName[0] ?? null;
}

/** Charts name objects `<release>` or `<release>-<chart>` (or a fullnameOverride). */
function nameFitsRelease(liveName: string, releaseName: string, chartName: string, values: Record<string, unknown>): boolean {
  return liveName === fullnameFor(releaseName, chartName, values) || liveName === releaseName || liveName.startsWith(`${releaseName}-`);
}
