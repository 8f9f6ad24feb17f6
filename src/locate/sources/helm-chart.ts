/**
 * A Helm chart kept in the repository (`Chart.yaml`, `templates/`, `values*.yaml`). Each set of
 * values files a release may use (the chart defaults, each `values-<env>.yaml`, the value files an
 * Argo CD Application lists) is one candidate; ranking then picks the environment. Changes land in
 * the values file that decides the field: the environment's file when it sets the key, else
 * `values.yaml`.
 */
import type { Candidate, SourceContext, SourceModule } from '../candidate.js';
import { type ChartModel, type ChartTemplate, bindChange, declaresContainer, expressionEvaluator, fullnameFor, mergeValues, readChart, resolveValuesChange, type ValuesLayer, workloadFromValues } from '../helm-values.js';
import { baseName, dirOf, joinRepoPath } from '../posix-path.js';
import type { RenderContext } from '../helm-template.js';
import { readYamlMap } from '../yaml-read.js';
import type { DeploymentScope } from '../gitops-objects.js';
import type { RepoIndex } from '../types.js';
import { helmReleaseCharts } from './flux-helmrelease.js';

export const helmCharts: SourceModule = {
  form: 'helm',
  async findCandidates(context: SourceContext): Promise<Candidate[]> {
    const releasedByFlux = await helmReleaseCharts(context.index);
    const chartDirs = context.index.files.filter((file) => baseName(file) === 'Chart.yaml').map(dirOf);
    const candidates: Candidate[] = [];
    for (const dir of chartDirs.filter((chartDir) => !releasedByFlux.has(chartDir))) {
      const chart = await readChart(context.index, dir);
      if (chart) candidates.push(...(await chartCandidates(context, chart)));
    }
    return candidates;
  },
};

export interface ValuesSet {
  /** Nothing deploys the chart with this set; it is tried only in case a release uses the defaults. */
  fallback?: boolean;
  files: string[];
  /** What selects this set: an Argo CD Application, or an environment file's name. */
  origin: string;
  releaseName: string | null;
  namespace: string | null;
}

async function chartCandidates(context: SourceContext, chart: ChartModel): Promise<Candidate[]> {
  const sets = valuesSets(context.index, context.scopes, chart);
  const candidates: Candidate[] = [];
  for (const set of sets) {
    const layers = await valuesLayersOf(context.index, chart, set);
    const merged = mergeValues(layers);
    const fallback = layers[0] as ValuesLayer;
    const environmentLayer = layers[layers.length - 1] as ValuesLayer;
    for (const template of chart.templates.filter((entry) => entry.kind === context.kind)) {
      const release = findRelease(template, set, context, chart, merged);
      if (!release) continue;
      const { render, evaluate } = release;
      candidates.push({
        environment: chartEnvironment(chart, set),
        renderRoot: chart.dir,
        files: [template.file, ...layers.map((layer) => layer.file)],
        environmentPath: environmentLayer.file,
        namespace: set.namespace,
        helmRelease: { name: render.releaseName, namespace: set.namespace, releaseName: render.releaseName },
        location: {
          form: 'helm',
          file: environmentLayer.file,
          documentIndex: 0,
          kind: context.kind,
          name: context.name,
          namespace: set.namespace,
          workload: workloadFromValues(template, render, { kind: context.kind, name: context.name, namespace: set.namespace, container: context.report.failure.container }),
          via: [`helm chart ${chart.dir || '.'} template ${template.file} renders ${context.kind}/${context.name} (release ${render.releaseName})`, `values: ${layers.map((layer) => layer.file).join(' < ')} (${set.origin})`],
          resolve: (change) => resolveValuesChange(change, bindChange(change, template, evaluate, merged), layers, fallback),
        },
      });
    }
  }
  return candidates;
}

/** The chart defaults, then the set's files: lowest precedence first. */
export async function valuesLayersOf(index: RepoIndex, chart: ChartModel, set: ValuesSet): Promise<ValuesLayer[]> {
  const defaultsFile = joinRepoPath(chart.dir, 'values.yaml');
  const layers: ValuesLayer[] = [];
  for (const file of [defaultsFile, ...set.files.filter((file) => file !== defaultsFile)]) {
    const values = await readYamlMap(index, file);
    if (values || file === defaultsFile) layers.push({ file, documentIndex: 0, prefix: [], values: values ?? {} });
  }
  return layers;
}

/** A chart with one combination of values files is one environment. */
export function chartEnvironment(chart: ChartModel, set: ValuesSet): string {
  return `helm chart ${chart.dir || '.'} with ${set.origin}`;
}

/** Every values combination a release of this chart may use. */
export function valuesSets(index: RepoIndex, scopes: DeploymentScope[], chart: ChartModel): ValuesSet[] {
  const defaultsFile = joinRepoPath(chart.dir, 'values.yaml');
  const sets: ValuesSet[] = [];
  for (const scope of scopes.filter((entry) => entry.tool === 'argocd' && entry.path === chart.dir)) {
    sets.push({ files: scope.valueFiles, origin: `Argo CD Application ${scope.name} in ${scope.file}`, releaseName: scope.releaseName, namespace: scope.targetNamespace });
  }
  const environmentFiles = index.files.filter(
    (file) => dirOf(file) === chart.dir && /^values[-.][^/]+\.ya?ml$/.test(baseName(file)) && file !== defaultsFile,
  );
  for (const file of environmentFiles) {
    if (!sets.some((set) => set.files.length === 1 && set.files[0] === file)) {
      sets.push({ files: [file], origin: `environment values file ${baseName(file)}`, releaseName: null, namespace: null });
    }
  }
  if (!sets.some((set) => set.files.length === 0)) sets.push({ files: [], origin: 'chart defaults only', releaseName: null, namespace: null, fallback: sets.length > 0 });
  return sets;
}

/**
 * The release that makes this template render the live name. Without a known release name, try
 * the leading words of the live name: `storefront-migrate` from `{{ fullname }}-migrate` was
 * release `storefront`.
 */
function findRelease(
  template: ChartTemplate,
  set: ValuesSet,
  context: SourceContext,
  chart: ChartModel,
  values: Record<string, unknown>,
): { render: RenderContext; evaluate: (expression: string) => string | null } | null {
  const words = context.name.split('-');
  const guesses = set.releaseName !== null ? [set.releaseName] : [...context.hints.helmReleases, ...words.map((_, i) => words.slice(0, i + 1).join('-'))];
  for (const releaseName of new Set(guesses)) {
    const render: RenderContext = {
      values,
      releaseName,
      namespace: set.namespace ?? context.namespace,
      chartName: chart.name,
      appVersion: chart.appVersion,
      fullname: fullnameFor(releaseName, chart.name, values),
    };
    const evaluate = expressionEvaluator(render);
    if (rendersName(template, context.name, evaluate) && declaresContainer(template, context.report.failure.container, evaluate)) return { render, evaluate };
  }
  return null;
}

/** The template renders the live name, or its name is templated and the live name carries the chart's. */
function rendersName(template: ChartTemplate, liveName: string, evaluate: (expression: string) => string | null): boolean {
  const metadataName = template.document.match(/^metadata:\s*\n(?:[ \t]+.*\n)*?[ \t]+name:\s*(.+)$/m)?.[1]?.trim() ?? '';
  if (metadataName === '') return false;
  return evaluate(metadataName) === liveName;
}
