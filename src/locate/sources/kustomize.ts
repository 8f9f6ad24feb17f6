/**
 * kustomize: the workload is declared in a base and reshaped by overlays. Candidates are the
 * resources of every top-level kustomization whose final name (prefixes and suffixes applied)
 * is the live name. A change lands in the layer that sets the field: the outermost `images:`
 * entry for an image, the patch that sets a field, else the base manifest.
 */
import type { FieldChange } from '../../diagnose/types.js';
import type { Candidate, SourceContext, SourceModule } from '../candidate.js';
import { applyOverride, overrideMatches, parseImage, type ImageOverride } from '../images.js';
import { changeTargetPath, concreteEdits, deepClone, editsAgainstWorkload, getIn, isNamedList, podSpecOf, type Path } from '../pod-template.js';
import { applyJson6902, pointerSegments, strategicMerge } from '../strategic-merge.js';
import type { Resolution, YamlEdit } from '../types.js';
import { asArray, asRecord, isRecord } from '../yaml-read.js';
import {
  analyzeKustomizations,
  buildResources,
  type BuiltResource,
  type KustomizationLayer,
  type KustomizePatch,
  layersRendering,
  namespaceThroughLayers,
  namesThroughLayers,
  patchTargets,
} from './kustomize-tree.js';

export const kustomizeOverlays: SourceModule = {
  form: 'kustomize',
  async findCandidates(context: SourceContext): Promise<Candidate[]> {
    const analysis = await analyzeKustomizations(context.index);
    // Prefixes and suffixes only add to a name, so only bases whose name is part of the live name
    // matter, and only the kustomizations above them need building.
    const baseFiles = new Set(
      [...analysis.documentsByFile.values()]
        .flat()
        .filter((document) => document.kind === context.kind && document.name !== '' && context.name.includes(document.name))
        .map((document) => document.file),
    );
    const relevant = new Set([...baseFiles].flatMap((file) => [...layersRendering(analysis, file)]));
    // Which deployed builds include each base file: a shared base must not be edited for one
    // environment without saying so. Deployed builds are the top-level kustomizations, and inner
    // ones that make an environment of their own (they rename or re-namespace what they deploy).
    const usersOfFile = new Map<string, string[]>();
    for (const dir of relevant) {
      const layer = analysis.layers.get(dir);
      if (!layer || layer.isComponent) continue;
      if (!analysis.roots.includes(dir) && layer.namespace === null && layer.namePrefix === '' && layer.nameSuffix === '') continue;
      for (const resource of buildResources(context.index, analysis, dir)) {
        if (baseFiles.has(resource.document.file)) usersOfFile.set(resource.document.file, [...(usersOfFile.get(resource.document.file) ?? []), dir]);
      }
    }
    // Any kustomization may be built on its own (an overlay others extend is often deployed too),
    // so each one whose output carries the live name is a candidate.
    const matches: { dir: string; resource: BuiltResource }[] = [];
    for (const dir of relevant) {
      const layer = analysis.layers.get(dir);
      if (!layer || layer.isComponent) continue;
      for (const resource of buildResources(context.index, analysis, layer.dir)) {
        if (resource.document.kind !== context.kind || !baseFiles.has(resource.document.file)) continue;
        const names = namesThroughLayers(resource.document.name, resource.layers);
        if (names[names.length - 1] === context.name) matches.push({ dir: layer.dir, resource });
      }
    }
    // A kustomization that only passes the resource through to an outer one with the same result is
    // the same source: keep the outermost.
    const outermost = matches.filter(
      (match) => !matches.some((other) => other !== match && other.resource.document === match.resource.document && other.resource.layers.some((layer) => layer.dir === match.dir) && other.dir !== match.dir),
    );
    return outermost.map(({ dir, resource }) => kustomizeCandidate(dir, resource, usersOfFile.get(resource.document.file) ?? [dir]));
  },
};

/** The environment a kustomization directory builds, as the scope check names it. */
export function kustomizeEnvironment(dir: string): string {
  return `kustomize build ${dir || '.'}`;
}

interface LayerState {
  layer: KustomizationLayer;
  /** The workload as it enters this layer. */
  before: Record<string, unknown>;
  /** Names the workload carries below this layer: what this layer's patches may refer to. */
  namesBelow: string[];
}

/** What `kustomize build` of the resource's root emits for it: final name, namespace and object. */
export function renderBuiltResource(resource: BuiltResource): { name: string; namespace: string | null; object: Record<string, unknown> } {
  const { document, layers } = resource;
  const names = namesThroughLayers(document.name, layers);
  const name = names[names.length - 1] ?? document.name;
  const namespace = namespaceThroughLayers(document.namespace, layers);
  return { name, namespace, object: finalWorkload(replayLayers(resource), resource, name, namespace) };
}

function kustomizeCandidate(root: string, resource: BuiltResource, users: string[]): Candidate {
  const { document, layers } = resource;
  const names = namesThroughLayers(document.name, layers);
  const finalName = names[names.length - 1] ?? document.name;
  const namespace = namespaceThroughLayers(document.namespace, layers);
  const states = replayLayers(resource);
  const workload = finalWorkload(states, resource, finalName, namespace);
  const rootLayer = layers[layers.length - 1];
  const via = [`kustomize build ${root || '.'} renders ${document.kind}/${finalName} from ${document.file}`];
  for (const layer of layers) {
    const adds = [layer.namePrefix && `namePrefix ${layer.namePrefix}`, layer.nameSuffix && `nameSuffix ${layer.nameSuffix}`, layer.namespace && `namespace ${layer.namespace}`].filter(Boolean);
    if (adds.length > 0) via.push(`${layer.file} sets ${adds.join(', ')}`);
  }
  const files = [document.file, ...layers.map((layer) => layer.file), ...layers.flatMap((layer) => layer.patches.flatMap((patch) => patch.file ?? []))];
  return {
    environment: kustomizeEnvironment(root),
    renderRoot: root,
    files: [...new Set(files)],
    environmentPath: rootLayer?.file ?? root,
    namespace,
    location: {
      form: 'kustomize',
      file: document.file,
      documentIndex: document.documentIndex,
      kind: document.kind,
      name: finalName,
      namespace,
      workload,
      via,
      resolve: (change) => resolveKustomizeChange(change, resource, states, users),
    },
  };
}

/** Applies each layer's patches and images in order, remembering the workload as it enters each layer. */
function replayLayers(resource: BuiltResource): LayerState[] {
  const { document, layers } = resource;
  const names = namesThroughLayers(document.name, layers);
  let current = deepClone(document.object);
  const states: LayerState[] = [];
  layers.forEach((layer, position) => {
    const namesBelow = names.slice(0, position + 1);
    states.push({ layer, before: current, namesBelow });
    current = applyLayer(current, layer, document.kind, namesBelow);
  });
  return states;
}

function applyLayer(object: Record<string, unknown>, layer: KustomizationLayer, kind: string, namesBelow: string[]): Record<string, unknown> {
  let current = object;
  for (const patch of layer.patches) {
    for (const patchDocument of patch.documents) {
      if (!patchTargets(patch, patchDocument, kind, namesBelow, asRecord(asRecord(current.metadata).labels))) continue;
      if (patch.type === 'json6902') current = applyJson6902(deepClone(current), asArray(patchDocument));
      else current = mergeKeepingIdentity(current, patchDocument);
    }
  }
  return applyImages(current, layer.images, kind);
}

/** A strategic merge patch names its target; the name and kind must not change the workload. */
function mergeKeepingIdentity(object: Record<string, unknown>, patch: unknown): Record<string, unknown> {
  const merged = asRecord(strategicMerge(object, patch));
  return { ...merged, kind: object.kind, metadata: { ...asRecord(merged.metadata), name: asRecord(object.metadata).name } };
}

function applyImages(object: Record<string, unknown>, images: ImageOverride[], kind: string): Record<string, unknown> {
  if (images.length === 0) return object;
  const copy = deepClone(object);
  const podSpec = podSpecOf(copy, kind);
  for (const list of ['containers', 'initContainers']) {
    for (const container of asArray(podSpec?.[list])) {
      if (!isRecord(container) || typeof container.image !== 'string') continue;
      const override = images.find((entry) => overrideMatches(entry, container.image as string));
      if (override) container.image = applyOverride(override, container.image);
    }
  }
  return copy;
}

function finalWorkload(states: LayerState[], resource: BuiltResource, name: string, namespace: string | null): Record<string, unknown> {
  const last = states[states.length - 1];
  const object = last ? applyLayer(last.before, last.layer, resource.document.kind, last.namesBelow) : deepClone(resource.document.object);
  const metadata: Record<string, unknown> = { ...asRecord(object.metadata), name };
  if (namespace !== null) metadata.namespace = namespace;
  return { ...object, metadata };
}

function resolveKustomizeChange(change: FieldChange, resource: BuiltResource, states: LayerState[], users: string[]): Resolution {
  if (change.container !== null && change.path.length === 1 && change.path[0] === 'image' && typeof change.value === 'string') {
    const viaImages = resolveThroughImages(change, resource, states);
    if (viaImages) return viaImages;
  }
  for (const state of [...states].reverse()) {
    for (const patch of [...state.layer.patches].reverse()) {
      const resolution = resolveInPatch(change, patch, state, resource.document.kind);
      if (resolution) return resolution;
    }
  }
  if (new Set(users).size > 1) {
    const extended = extendOwnPatch(change, states, resource.document.kind, users);
    if (extended) return extended;
  }
  return resolveInBase(change, resource, users);
}

/**
 * The base is shared, so the fix belongs to the failing environment's own overlay: a strategic
 * merge patch file of the build root that already patches this container gets the field added,
 * in the overlay's existing style. Null when the overlay has no such patch.
 */
function extendOwnPatch(change: FieldChange, states: LayerState[], kind: string, users: string[]): Resolution | null {
  const own = states[states.length - 1];
  // A strategic merge replaces lists without a merge key (`envFrom`, `args`) wholesale: writing one
  // item of such a list into a patch would drop the others, so only keyed paths are added.
  if (!own || change.path.some((segment) => typeof segment === 'number')) return null;
  for (const patch of own.layer.patches) {
    if (patch.type !== 'strategic' || patch.file === null) continue;
    for (const [documentIndex, patchDocument] of patch.documents.entries()) {
      if (!isRecord(patchDocument) || !patchTargets(patch, patchDocument, kind, own.namesBelow, asRecord(asRecord(own.before.metadata).labels))) continue;
      const edits = editsAgainstWorkload(patchDocument, kind, change);
      if (!edits) continue;
      const file = patch.file;
      const others = [...new Set(users)].filter((dir) => dir !== own.layer.dir);
      return {
        ok: true,
        edits: edits.map((edit) => ({ file, documentIndex, ...edit })),
        note: `the base is shared with ${others.join(', ')}; the field is added to ${file}, the patch ${own.layer.file} already applies to this workload`,
      };
    }
  }
  return null;
}

/** The outermost `images:` entry that applies to the container's image wins; edit it. */
function resolveThroughImages(change: FieldChange, resource: BuiltResource, states: LayerState[]): Resolution | null {
  const baseContainer = getIn(resource.document.object, changeTargetPath(resource.document.object, resource.document.kind, change) ?? []);
  let image = isRecord(baseContainer) && typeof baseContainer.image === 'string' ? baseContainer.image : null;
  if (image === null) return null;
  let winner: { layer: KustomizationLayer; position: number; override: ImageOverride } | null = null;
  for (const state of states) {
    const position = state.layer.images.findIndex((entry) => overrideMatches(entry, image as string));
    const override = state.layer.images[position];
    if (override) {
      winner = { layer: state.layer, position, override };
      image = applyOverride(override, image);
    }
  }
  if (!winner) return null;
  const wanted = parseImage(change.value as string);
  const { layer, position, override } = winner;
  const at = (field: string): YamlEdit['path'] => ['images', position, field];
  const edits: YamlEdit[] = [];
  if (wanted.name !== (override.newName ?? override.name)) edits.push({ file: layer.file, documentIndex: 0, path: at('newName'), value: wanted.name });
  if (wanted.digest) edits.push({ file: layer.file, documentIndex: 0, path: at('digest'), value: wanted.digest });
  else if (override.digest) {
    return { ok: false, reason: `${layer.file} pins ${override.name} by digest; replacing a digest with a tag needs a human` };
  }
  if (wanted.tag) edits.push({ file: layer.file, documentIndex: 0, path: at('newTag'), value: wanted.tag });
  if (edits.length === 0) return { ok: false, reason: `image ${change.value} has neither tag nor digest` };
  return { ok: true, edits, note: `the images: entry for ${override.name} in ${layer.file} is the outermost one, so it decides the image` };
}

/** Returns the edits when this patch sets the changed field for the workload, else null. */
function resolveInPatch(change: FieldChange, patch: KustomizePatch, state: LayerState, kind: string): Resolution | null {
  const labels = asRecord(asRecord(state.before.metadata).labels);
  for (const [documentIndex, patchDocument] of patch.documents.entries()) {
    if (!patchTargets(patch, patchDocument, kind, state.namesBelow, labels)) continue;
    const edits =
      patch.type === 'json6902'
        ? json6902Edits(change, asArray(patchDocument), state.before, kind)
        : strategicEdits(change, patchDocument, kind);
    if (!edits) continue;
    if (patch.file === null) {
      return { ok: false, reason: `the field is set by an inline patch in ${state.layer.file}; inline patch text is not edited automatically` };
    }
    const file = patch.file;
    // Multi-document strategic patches are files of several documents; JSON 6902 is one list.
    const index = patch.type === 'json6902' ? 0 : documentIndex;
    return { ok: true, edits: edits.map((edit) => ({ file, documentIndex: index, ...edit })), note: `${file} (a patch in ${state.layer.file}) sets this field` };
  }
  return null;
}

function strategicEdits(change: FieldChange, patchDocument: unknown, kind: string): { path: Path; value: YamlEdit['value'] }[] | null {
  if (!isRecord(patchDocument)) return null;
  const edits = editsAgainstWorkload(patchDocument, kind, change);
  const main = edits?.[edits.length - 1];
  if (!edits || !main) return null;
  // The patch sets the field only when the exact path already exists in it.
  return getIn(patchDocument, main.path) === undefined ? null : edits;
}

function json6902Edits(change: FieldChange, operations: unknown[], before: Record<string, unknown>, kind: string): { path: Path; value: YamlEdit['value'] }[] | null {
  const target = changeTargetPath(before, kind, change);
  if (!target) return null;
  const appended = appendedItemEdits(change, operations, target);
  if (appended) return appended;
  const relative = concreteEdits(getIn(before, target), change.path, change.value);
  const main = relative[relative.length - 1];
  if (!main || relative.length > 1) return null;
  const full = [...target, ...main.path].map(String);
  for (const [position, operation] of operations.entries()) {
    if (!isRecord(operation) || (operation.op !== 'add' && operation.op !== 'replace') || typeof operation.path !== 'string') continue;
    const opPath = pointerSegments(operation.path).map(String);
    if (opPath.length > full.length || !opPath.every((segment, i) => segment === full[i])) continue;
    const rest = full.slice(opPath.length);
    const inside = getIn(operation.value, rest.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment)));
    if (rest.length > 0 && inside === undefined) continue;
    return [{ path: [position, 'value', ...rest.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment))], value: main.value }];
  }
  return null;
}

/**
 * `add …/env/-` with `{name: X, …}` declares the item X: a change to env X belongs in that
 * operation's value, even though X does not exist before the patch runs.
 */
function appendedItemEdits(change: FieldChange, operations: unknown[], target: Path): { path: Path; value: YamlEdit['value'] }[] | null {
  const named = change.path.findIndex((segment, i) => i > 0 && typeof segment === 'string' && !/^\d+$/.test(segment) && isNamedList(change.path[i - 1]));
  if (named < 0) return null;
  const listPath = [...target, ...change.path.slice(0, named)].map(String);
  for (const [position, operation] of operations.entries()) {
    if (!isRecord(operation) || operation.op !== 'add' || typeof operation.path !== 'string') continue;
    const opPath = pointerSegments(operation.path).map(String);
    const intoList = opPath.length === listPath.length + 1 && listPath.every((segment, i) => segment === opPath[i]);
    if (!intoList || !isRecord(operation.value) || operation.value.name !== change.path[named]) continue;
    const rest = change.path.slice(named + 1);
    return [{ path: [position, 'value', ...(rest.length > 0 ? rest : ['value'])], value: change.value }];
  }
  return null;
}

function resolveInBase(change: FieldChange, resource: BuiltResource, users: string[]): Resolution {
  const { document } = resource;
  const prefix = document.listItemIndex === undefined ? [] : ['items', document.listItemIndex];
  const edits = editsAgainstWorkload(document.object, document.kind, change, prefix);
  if (!edits) return { ok: false, reason: `container ${change.container} is not declared in ${document.file}` };
  const shared = [...new Set(users)];
  const note =
    shared.length > 1
      ? `no overlay sets this field; the base ${document.file} is shared by ${shared.join(', ')}, so the change reaches all of them`
      : `no overlay sets this field; editing the base ${document.file}`;
  return { ok: true, edits: edits.map((edit) => ({ file: document.file, documentIndex: document.documentIndex, ...edit })), note };
}
