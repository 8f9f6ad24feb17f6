/**
 * Reads the kustomizations of a repository into layers and builds, without running kustomize,
 * the list of resources each top-level kustomization renders, with the chain of layers
 * (innermost first) each resource passes through.
 */
import type { ManifestDocument, RepoIndex } from '../types.js';
import { baseName, dirOf, joinRepoPath } from '../posix-path.js';
import { type ImageOverride, toImageOverride } from '../images.js';
import { asArray, asRecord, asString, isRecord, parseYamlText, readYamlDocuments } from '../yaml-read.js';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface PatchTarget {
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
}

export interface KustomizePatch {
  /** Strategic merge documents, or a JSON 6902 operation list. */
  type: 'strategic' | 'json6902';
  /** The patch file, or null for a patch written inline in the kustomization. */
  file: string | null;
  /** For inline patches: where in the kustomization the patch text sits. */
  inlineAt: (string | number)[] | null;
  target: PatchTarget | null;
  /** Strategic: one value per document. JSON 6902: a single value, the operation list. */
  documents: unknown[];
}

export interface KustomizationLayer {
  file: string;
  dir: string;
  /** `Component` kustomizations only apply inside the kustomization that lists them. */
  isComponent: boolean;
  namePrefix: string;
  nameSuffix: string;
  namespace: string | null;
  /** Resource, base and component entries resolved to repository paths; remote ones are dropped. */
  resources: string[];
  components: string[];
  images: ImageOverride[];
  patches: KustomizePatch[];
}

export interface BuiltResource {
  document: ManifestDocument;
  /** Layers the resource passes through, innermost first; the last one is the build root. */
  layers: KustomizationLayer[];
}

export interface KustomizeAnalysis {
  layers: Map<string, KustomizationLayer>;
  /** Kustomizations no other kustomization includes: what Argo CD or Flux would build. */
  roots: string[];
  /** Manifest files some kustomization lists as a resource. */
  builtFiles: Set<string>;
  /** Files used as patches: partial objects, never workloads on their own. */
  patchFiles: Set<string>;
  documentsByFile: Map<string, ManifestDocument[]>;
  /** For a file or kustomization directory: the kustomizations that list it. */
  includedBy: Map<string, string[]>;
}

const analyses = new WeakMap<RepoIndex, Promise<KustomizeAnalysis>>();

export function analyzeKustomizations(index: RepoIndex): Promise<KustomizeAnalysis> {
  let analysis = analyses.get(index);
  if (!analysis) {
    analysis = analyze(index);
    analyses.set(index, analysis);
  }
  return analysis;
}

async function analyze(index: RepoIndex): Promise<KustomizeAnalysis> {
  const files = new Set(index.files);
  const layers = new Map<string, KustomizationLayer>();
  for (const file of index.files.filter((path) => KUSTOMIZATION_FILES.includes(baseName(path)))) {
    const layer = await readLayer(index, file, files);
    if (layer) layers.set(layer.dir, layer);
  }
  const included = new Set<string>();
  const builtFiles = new Set<string>();
  const patchFiles = new Set<string>();
  const includedBy = new Map<string, string[]>();
  for (const layer of layers.values()) {
    for (const entry of [...layer.resources, ...layer.components]) {
      includedBy.set(entry, [...(includedBy.get(entry) ?? []), layer.dir]);
      if (layers.has(entry)) included.add(entry);
      else if (files.has(entry)) builtFiles.add(entry);
    }
    for (const patch of layer.patches) if (patch.file) patchFiles.add(patch.file);
  }
  const roots = [...layers.values()].filter((layer) => !layer.isComponent && !included.has(layer.dir)).map((layer) => layer.dir);
  const documentsByFile = new Map<string, ManifestDocument[]>();
  for (const document of index.documents) {
    if (builtFiles.has(document.file)) documentsByFile.set(document.file, [...(documentsByFile.get(document.file) ?? []), document]);
  }
  return { layers, roots, builtFiles, patchFiles, documentsByFile, includedBy };
}

async function readLayer(index: RepoIndex, file: string, files: Set<string>): Promise<KustomizationLayer | null> {
  const documents = await readYamlDocuments(index, file);
  const spec = documents?.[0];
  if (!isRecord(spec)) return null;
  const dir = dirOf(file);
  const local = (entry: unknown): string[] => {
    const path = asString(entry);
    // Remote bases (URLs, `github.com/…?ref=`) are not part of this repository.
    if (path === null || /^[a-z]+:\/\//i.test(path) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(path) || path.includes('?ref=')) return [];
    return [joinRepoPath(dir, path)];
  };
  const patches: KustomizePatch[] = [];
  for (const [position, entry] of asArray(spec.patchesStrategicMerge).entries()) {
    patches.push(await readPatch(index, dir, entry, null, ['patchesStrategicMerge', position], files));
  }
  for (const [position, entry] of asArray(spec.patches).entries()) {
    const record = asRecord(entry);
    patches.push(await readPatch(index, dir, record.path ?? record.patch, toTarget(record.target), ['patches', position, 'patch'], files));
  }
  for (const [position, entry] of asArray(spec.patchesJson6902).entries()) {
    const record = asRecord(entry);
    patches.push(await readPatch(index, dir, record.path ?? record.patch, toTarget(record.target), ['patchesJson6902', position, 'patch'], files));
  }
  return {
    file,
    dir,
    isComponent: spec.kind === 'Component',
    namePrefix: asString(spec.namePrefix) ?? '',
    nameSuffix: asString(spec.nameSuffix) ?? '',
    namespace: asString(spec.namespace),
    resources: [...asArray(spec.resources), ...asArray(spec.bases)].flatMap(local),
    components: asArray(spec.components).flatMap(local),
    images: asArray(spec.images).flatMap((entry) => toImageOverride(entry) ?? []),
    patches: patches.filter((patch) => patch.documents.length > 0),
  };
}

/** An entry is a file path when such a file exists; otherwise it is the patch itself, inline. */
async function readPatch(
  index: RepoIndex,
  dir: string,
  entry: unknown,
  target: PatchTarget | null,
  inlineAt: (string | number)[],
  files: Set<string>,
): Promise<KustomizePatch> {
  const text = asString(entry);
  const path = text !== null && !text.includes('\n') ? joinRepoPath(dir, text) : null;
  let documents: unknown[] = [];
  let file: string | null = null;
  if (path !== null && files.has(path)) {
    file = path;
    documents = (await readYamlDocuments(index, path)) ?? [];
  } else if (text !== null) {
    const parsed = parseYamlText(text);
    documents = parsed.ok ? parsed.documents : [];
  } else if (isRecord(entry)) {
    documents = [entry];
  }
  const isJson6902 = documents.length === 1 && Array.isArray(documents[0]);
  return {
    type: isJson6902 ? 'json6902' : 'strategic',
    file,
    inlineAt: file === null ? inlineAt : null,
    target,
    documents: documents.filter((document) => document !== null && document !== undefined),
  };
}

function toTarget(value: unknown): PatchTarget | null {
  if (!isRecord(value)) return null;
  const target: PatchTarget = {};
  for (const key of ['kind', 'name', 'namespace', 'labelSelector'] as const) {
    const field = asString(value[key]);
    if (field !== null) target[key] = field;
  }
  return target;
}

/** Every resource a kustomization renders, with its chain of layers. Cycles and missing paths are skipped. */
export function buildResources(
  index: RepoIndex,
  analysis: KustomizeAnalysis,
  dir: string,
  visiting: Set<string> = new Set(),
): BuiltResource[] {
  const layer = analysis.layers.get(dir);
  if (!layer || visiting.has(dir)) return [];
  visiting.add(dir);
  const built: BuiltResource[] = [];
  for (const entry of layer.resources) {
    if (analysis.layers.has(entry)) built.push(...buildResources(index, analysis, entry, visiting));
    else built.push(...(analysis.documentsByFile.get(entry) ?? []).map((document) => ({ document, layers: [] })));
  }
  const components: KustomizationLayer[] = [];
  for (const entry of layer.components) {
    const component = analysis.layers.get(entry);
    if (!component) continue;
    // A component's own resources join the build; its patches apply to everything built so far.
    built.push(...buildResources(index, analysis, entry, visiting).map((resource) => ({ ...resource, layers: resource.layers.slice(0, -1) })));
    components.push(component);
  }
  visiting.delete(dir);
  return built.map((resource) => ({ ...resource, layers: [...resource.layers, ...components, layer] }));
}

/** Every kustomization that renders `file`, directly or through others. */
export function layersRendering(analysis: KustomizeAnalysis, file: string): Set<string> {
  const found = new Set<string>();
  const pending = [...(analysis.includedBy.get(file) ?? [])];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    if (found.has(dir)) continue;
    found.add(dir);
    pending.push(...(analysis.includedBy.get(dir) ?? []));
  }
  return found;
}

/** The names a resource carries on its way up: original, then after each layer's prefix/suffix. */
export function namesThroughLayers(original: string, layers: KustomizationLayer[]): string[] {
  const names = [original];
  let name = original;
  for (const layer of layers) {
    name = `${layer.namePrefix}${name}${layer.nameSuffix}`;
    names.push(name);
  }
  return names;
}

export function namespaceThroughLayers(original: string | null, layers: KustomizationLayer[]): string | null {
  return layers.reduce<string | null>((namespace, layer) => layer.namespace ?? namespace, original);
}

/** Whether a patch of `layer` applies to a resource that carries `names` below that layer. */
export function patchTargets(patch: KustomizePatch, document: unknown, kind: string, namesBelow: string[], labels: Record<string, unknown>): boolean {
  if (patch.target) {
    const { target } = patch;
    if (target.kind && target.kind !== kind) return false;
    if (target.name && !namesBelow.some((name) => matchesName(target.name as string, name))) return false;
    if (target.labelSelector && !selectorMatches(target.labelSelector, labels)) return false;
    return true;
  }
  const patchObject = asRecord(document);
  const metadata = asRecord(patchObject.metadata);
  return patchObject.kind === kind && namesBelow.includes(asString(metadata.name) ?? '');
}

/** kustomize treats a target name as an anchored regular expression. */
function matchesName(pattern: string, name: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(name);
  } catch {
    return pattern === name;
  }
}

function selectorMatches(selector: string, labels: Record<string, unknown>): boolean {
  return selector.split(',').every((term) => {
    const [key, value] = term.split('=').map((part) => part.trim());
    return key !== undefined && (value === undefined ? key in labels : labels[key] === value);
  });
}

/**
 * Kustomizations that are built on their own: top-level ones, directories a Flux or Argo CD object
 * deploys (`deployedPaths`), and inner ones that make an environment of their own (they rename or
 * re-namespace what they build). Components never are.
 */
export function standaloneBuilds(analysis: KustomizeAnalysis, deployedPaths: string[]): string[] {
  const renaming = [...analysis.layers.values()].filter((layer) => layer.namespace !== null || layer.namePrefix !== '' || layer.nameSuffix !== '').map((layer) => layer.dir);
  const dirs = new Set([...analysis.roots, ...deployedPaths.filter((path) => analysis.layers.has(path)), ...renaming]);
  return [...dirs].filter((dir) => !analysis.layers.get(dir)?.isComponent);
}
