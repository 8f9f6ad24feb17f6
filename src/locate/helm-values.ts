/**
 * Helm values as layers (chart `values.yaml`, environment files, a HelmRelease's `spec.values`)
 * and the translation of a container change into edits of the layer that decides it. Templates
 * are read to learn which `.Values` path feeds a field; they are never edited.
 */
import type { FieldChange } from '../diagnose/types.js';
import type { RepoIndex, Resolution, YamlEdit } from './types.js';
import { parseImage } from './images.js';
import { bindField, type Binding, containerSegment, type RenderContext, renderTemplate, templateDocuments, templateKind, toLines } from './helm-template.js';
import { concreteEdits, deepClone, getIn, type Path } from './pod-template.js';
import { joinRepoPath } from './posix-path.js';
import { asString, isRecord, readYamlMap } from './yaml-read.js';

export interface ValuesLayer {
  file: string;
  documentIndex: number;
  /** Where the values map sits in its document: [] for a values file, ['spec', 'values'] in a HelmRelease. */
  prefix: Path;
  values: Record<string, unknown>;
}

export interface ChartTemplate {
  file: string;
  document: string;
  kind: string;
}

export interface ChartModel {
  dir: string;
  name: string;
  appVersion: string;
  templates: ChartTemplate[];
}

export async function readChart(index: RepoIndex, dir: string): Promise<ChartModel | null> {
  const chart = await readYamlMap(index, joinRepoPath(dir, 'Chart.yaml'));
  if (!chart) return null;
  const prefix = dir === '' ? 'templates/' : `${dir}/templates/`;
  const templates: ChartTemplate[] = [];
  for (const file of index.files.filter((path) => path.startsWith(prefix) && /\.ya?ml$/.test(path))) {
    const text = await index.readFile(file);
    for (const document of templateDocuments(text ?? '')) {
      const kind = templateKind(document);
      if (kind) templates.push({ file, document, kind });
    }
  }
  return { dir, name: asString(chart.name) ?? dir, appVersion: String(chart.appVersion ?? chart.version ?? ''), templates };
}

/** Helm merges maps key by key; any other value (lists included) replaces the lower layer's. */
export function mergeValues(layers: ValuesLayer[]): Record<string, unknown> {
  const merge = (base: unknown, over: unknown): unknown => {
    if (!isRecord(base) || !isRecord(over)) return over === undefined ? base : deepClone(over);
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) {
      if (key !== '__proto__') merged[key] = value === null ? undefined : merge(base[key], value);
    }
    return merged;
  };
  return layers.reduce<Record<string, unknown>>((merged, layer) => merge(merged, layer.values) as Record<string, unknown>, {});
}

/** A layer decides a path when it sets it, or sets a list on the way (lists replace wholesale). */
function decides(values: unknown, path: Path): boolean {
  let current = values;
  for (const segment of path) {
    if (Array.isArray(current)) return true;
    if (!isRecord(current) || !(String(segment) in current)) return false;
    current = current[String(segment)];
  }
  return current !== undefined;
}

function throughList(values: unknown, path: Path): boolean {
  let current = values;
  for (const segment of path) {
    if (Array.isArray(current)) return true;
    if (!isRecord(current)) return false;
    current = current[String(segment)];
  }
  return Array.isArray(current);
}

/** Highest-precedence layer that decides the path, else the fallback layer. */
function decidingLayer(layers: ValuesLayer[], path: Path, fallback: ValuesLayer): ValuesLayer {
  return [...layers].reverse().find((layer) => decides(layer.values, path)) ?? fallback;
}

function editAt(layer: ValuesLayer, path: Path, value: YamlEdit['value']): YamlEdit {
  return { file: layer.file, documentIndex: layer.documentIndex, path: [...layer.prefix, ...path], value };
}

/** Which values feed the changed field: read from the template, or the usual chart layout when the chart is remote. */
export function bindChange(change: FieldChange, template: ChartTemplate | null, nameOf: (expression: string) => string | null, merged: Record<string, unknown>): Binding & { assumed?: boolean } {
  const field = String(change.path[0] ?? '');
  const rest = change.path.slice(1);
  const isImage = change.container !== null && field === 'image' && rest.length === 0;
  if (!template) return conventionalBinding(change, merged, isImage);
  const segment = change.container === null ? toLines(template.document) : containerSegment(template.document, change.container, nameOf);
  if (!segment) return { ok: false, reason: `no container named ${change.container} in ${template.file}` };
  return bindField(segment, field, rest, change.container === null);
}

/**
 * Remote charts: the container's own values key when there is one (`api.resources`), else the
 * only place the merged values hold that field (`master.resources` in Bitnami charts), else the
 * usual top-level `image.repository`/`image.tag` and `resources`.
 */
function conventionalBinding(change: FieldChange, merged: Record<string, unknown>, isImage: boolean): Binding & { assumed: boolean } {
  const field = String(change.path[0] ?? '');
  const ownKey = change.container !== null && isRecord(merged[change.container]) ? [change.container] : null;
  const places = findKey(merged, field, 3);
  const scope: Path = ownKey ?? (places.length === 1 ? (places[0] as Path) : []);
  if (isImage) {
    const image = getIn(merged, [...scope, 'image']);
    if (typeof image === 'string') return { ok: true, kind: 'image', parts: { registry: null, repository: null, tag: null, whole: [...scope, 'image'] }, assumed: true };
    return { ok: true, kind: 'image', parts: { registry: null, repository: [...scope, 'image', 'repository'], tag: [...scope, 'image', 'tag'], whole: null }, assumed: true };
  }
  return { ok: true, kind: 'field', valuesPath: [...scope, field], rest: change.path.slice(1), assumed: true };
}

/** Paths of the maps (up to `depth` levels down) that hold `key`. */
function findKey(values: unknown, key: string, depth: number, at: Path = []): Path[] {
  if (!isRecord(values) || depth < 0) return [];
  const here = key in values ? [at] : [];
  return [...here, ...Object.entries(values).flatMap(([name, inner]) => (name === key ? [] : findKey(inner, key, depth - 1, [...at, name])))];
}

/**
 * `pinned`: every edit goes to the fallback layer (a HelmRelease's `spec.values`, which beats the
 * chart's files and belongs to one environment) instead of the layer that currently decides it.
 */
export function resolveValuesChange(
  change: FieldChange,
  binding: Binding & { assumed?: boolean },
  layers: ValuesLayer[],
  fallback: ValuesLayer,
  pinned = false,
): Resolution {
  if (!binding.ok) return binding;
  const merged = mergeValues(layers);
  const owningLayer = (candidates: ValuesLayer[], path: Path, last: ValuesLayer): ValuesLayer => (pinned ? last : decidingLayer(candidates, path, last));
  const assumed = binding.assumed ? ' (the chart is not in this repository: assuming the usual values layout)' : '';
  if (binding.kind === 'field') {
    const layer = owningLayer(layers, [...binding.valuesPath, ...binding.rest], fallback);
    const listOwner = decidingLayer(layers, [...binding.valuesPath, ...binding.rest], fallback);
    if (pinned && listOwner !== layer && throughList(listOwner.values, [...binding.valuesPath, ...binding.rest])) {
      // Helm replaces lists whole: a list written only in spec.values would drop the chart's items.
      return { ok: false, reason: `values ${binding.valuesPath.join('.')} is a list declared in ${listOwner.file}; adding to it from ${layer.file} would replace the whole list` };
    }
    const parentKey = binding.valuesPath[binding.valuesPath.length - 1];
    const edits = concreteEdits(getIn(layer.values, binding.valuesPath), binding.rest, change.value, typeof parentKey === 'string' ? parentKey : undefined).map((edit) =>
      editAt(layer, [...binding.valuesPath, ...edit.path], edit.value),
    );
    return { ok: true, edits, note: `values ${binding.valuesPath.join('.')} in ${layer.file} decide this field${assumed}` };
  }
  if (typeof change.value !== 'string') return { ok: false, reason: 'an image must be a string' };
  const { parts } = binding;
  if (parts.whole) {
    const layer = owningLayer(layers, parts.whole, fallback);
    return { ok: true, edits: [editAt(layer, parts.whole, change.value)], note: `values ${parts.whole.join('.')} in ${layer.file} hold the image${assumed}` };
  }
  const wanted = parseImage(change.value);
  if (!wanted.tag) return { ok: false, reason: `the chart takes an image tag, and ${change.value} has none` };
  const edits: YamlEdit[] = [];
  if (parts.repository) {
    const registry = parts.registry ? asString(getIn(merged, parts.registry)) : null;
    const repository = registry && wanted.name.startsWith(`${registry}/`) ? wanted.name.slice(registry.length + 1) : wanted.name;
    if (registry && repository === wanted.name) return { ok: false, reason: `${change.value} is not in the chart's registry ${registry}` };
    if (asString(getIn(merged, parts.repository)) !== repository) edits.push(editAt(owningLayer(layers, parts.repository, fallback), parts.repository, repository));
  }
  if (parts.tag) edits.push(editAt(owningLayer(layers, parts.tag, fallback), parts.tag, wanted.tag));
  const files = [...new Set(edits.map((edit) => edit.file))].join(', ');
  return { ok: true, edits, note: `the image comes from values ${[parts.repository, parts.tag].filter(Boolean).map((path) => path?.join('.')).join(' and ')} in ${files}${assumed}` };
}

/** The workload rendered from the template, or built from the values when the chart is remote. */
export function workloadFromValues(
  template: ChartTemplate | null,
  context: RenderContext,
  identity: { kind: string; name: string; namespace: string | null; container: string | null },
): Record<string, unknown> | null {
  if (template) {
    const rendered = renderTemplate(template.document, context);
    if (rendered) {
      const metadata = isRecord(rendered.metadata) ? rendered.metadata : {};
      return { ...rendered, metadata: { ...metadata, name: identity.name, ...(identity.namespace ? { namespace: identity.namespace } : {}) } };
    }
  }
  if (!identity.container) return null;
  const values = context.values;
  const scope = isRecord(values[identity.container]) ? (values[identity.container] as Record<string, unknown>) : values;
  const image = scope.image;
  const container: Record<string, unknown> = { name: identity.container };
  if (typeof image === 'string') container.image = image;
  else if (isRecord(image) && typeof image.repository === 'string') {
    container.image = `${image.repository}:${String(image.tag ?? context.appVersion)}`;
  }
  for (const field of ['resources', 'env', 'envFrom', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (scope[field] !== undefined) container[field] = deepClone(scope[field]);
  }
  const podSpec = { containers: [container] };
  const spec = identity.kind === 'CronJob' ? { jobTemplate: { spec: { template: { spec: podSpec } } } } : { template: { spec: podSpec } };
  return { apiVersion: 'apps/v1', kind: identity.kind, metadata: { name: identity.name, ...(identity.namespace ? { namespace: identity.namespace } : {}) }, spec };
}

/** True when the template declares the container (by a name that renders to it), or when no container is involved. */
export function declaresContainer(template: ChartTemplate, container: string | null, nameOf: (expression: string) => string | null): boolean {
  return container === null || containerSegment(template.document, container, nameOf, true) !== null;
}

/** Evaluates the name expression of a container or object with the release's context. */
export function expressionEvaluator(context: RenderContext): (expression: string) => string | null {
  return (expression) => {
    const trimmed = expression.replace(/^["']|["']$/g, '');
    if (!trimmed.includes('{{')) return trimmed;
    const rendered = renderTemplate(`value: ${JSON.stringify(trimmed)}`, context);
    const value = rendered?.value;
    return typeof value === 'string' && value.length > 0 ? value : null;
  };
}

/** `{{ include "x.fullname" . }}`: the release name when it contains the chart name, else release-chart. */
export function fullnameFor(releaseName: string, chartName: string, values: Record<string, unknown>): string {
  const override = asString(values.fullnameOverride);
  if (override) return override;
  const name = asString(values.nameOverride) ?? chartName;
  return releaseName.includes(name) ? releaseName : `${releaseName}-${name}`;
}
