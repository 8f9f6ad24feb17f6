/**
 * What the repository declares beyond the failing workload: the images other manifests,
 * kustomizations and Helm values use; the ConfigMaps and Secrets that exist (by name, never by
 * content); the env values the same app sets in other environments. Rules ask; this module reads.
 */
import { parseAllDocuments } from 'yaml';
import type { ManifestDocument, RepoIndex } from '../../locate/types.js';
import type { DiagnosisContext } from '../types.js';
import { canonicalRepository, parseImageReference } from './image-reference.js';
import { asArray, asRecord, asString, containersOf, dig, podSpecOf, type Json } from './pod-template.js';
import { dirOf, joinRepoPath } from '../../locate/posix-path.js';

const KUSTOMIZATION_FILE = /(?:^|\/)kustomization\.ya?ml$/i;
const HELM_VALUES_FILE = /(?:^|\/)values[^/]*\.ya?ml$/i;

async function parsedFile(index: RepoIndex, file: string): Promise<Json[]> {
  const text = await index.readFile(file);
  if (text === null) return [];
  try {
    return parseAllDocuments(text)
      .filter((document) => !Array.isArray(document) && document.errors.length === 0)
      .map((document) => asRecord((document as { toJS(): unknown }).toJS()))
      .filter((value): value is Json => value !== null);
  } catch {
    return []; // an unreadable file declares nothing we can rely on
  }
}

export async function kustomizations(index: RepoIndex): Promise<{ file: string; content: Json }[]> {
  const files = index.files.filter((file) => KUSTOMIZATION_FILE.test(file));
  const parsed = await Promise.all(files.map(async (file) => ({ file, documents: await parsedFile(index, file) })));
  return parsed.flatMap(({ file, documents }) => documents.map((content) => ({ file, content })));
}

function directoryOf(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash < 0 ? '' : file.slice(0, slash);
}

// ── Images ──────────────────────────────────────────────────────────────────────────────

export type ImageSource = 'manifest' | 'kustomize-images' | 'helm-values' | 'helmrelease-values';

export interface DeclaredImage {
  file: string;
  source: ImageSource;
  repository: string;
  tag: string | null;
  /** The workload and container for manifests; the values path for Helm. */
  where: string;
}

function imagesInManifest(document: ManifestDocument): DeclaredImage[] {
  return containersOf(podSpecOf(document.object)).flatMap((container) => {
    const image = asString(container.image);
    if (!image) return [];
    const { repository, tag } = parseImageReference(image);
    return [{ file: document.file, source: 'manifest' as const, repository, tag, where: `${document.kind}/${document.name} container ${String(container.name)}` }];
  });
}

function imagesInKustomization(file: string, content: Json): DeclaredImage[] {
  const entries = [...asArray(content.images), ...asArray(dig(content, 'spec', 'images'))];
  return entries.flatMap((entry) => {
    const record = asRecord(entry);
    const name = asString(record?.newName) ?? asString(record?.name);
    if (!record || !name) return [];
    return [{ file, source: 'kustomize-images' as const, repository: name, tag: asString(record.newTag), where: `images[name=${String(record.name)}]` }];
  });
}

/** Helm values hold images as `{registry, repository, tag}` maps or as `image: repo:tag` strings. */
function imagesInValues(file: string, source: ImageSource, values: unknown, path: string[] = []): DeclaredImage[] {
  const record = asRecord(values);
  if (!record) return asArray(values).flatMap((item, i) => imagesInValues(file, source, item, [...path, String(i)]));
  const found: DeclaredImage[] = [];
  const repository = asString(record.repository);
  if (repository && ('tag' in record || path.at(-1) === 'image')) {
    const registry = asString(record.registry);
    found.push({
      file,
      source,
      repository: registry ? `${registry}/${repository}` : repository,
      tag: asString(record.tag) || null,
      where: [...path, 'tag'].join('.'),
    });
  }
  for (const [key, value] of Object.entries(record)) {
    const image = key === 'image' ? asString(value) : null;
    if (image && /[/:]/.test(image)) {
      const reference = parseImageReference(image);
      found.push({ file, source, repository: reference.repository, tag: reference.tag, where: [...path, key].join('.') });
    } else if (typeof value === 'object' && value !== null) {
      found.push(...imagesInValues(file, source, value, [...path, key]));
    }
  }
  return found;
}

/** Directories of the kustomize components some kustomization of the repository includes. */
function includedComponents(all: { file: string; content: Json }[]): Set<string> {
  const included = new Set<string>();
  for (const { file, content } of all) {
    for (const entry of asArray(content.components)) {
      const path = asString(entry);
      if (path && !/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) included.add(joinRepoPath(dirOf(file), path));
    }
  }
  return included;
}

/** Every image the repository declares, wherever it is declared (components no build includes left out). */
export async function declaredImages(index: RepoIndex): Promise<DeclaredImage[]> {
  const fromManifests = index.documents.flatMap((document) =>
    document.kind === 'HelmRelease'
      ? imagesInValues(document.file, 'helmrelease-values', dig(document.object, 'spec', 'values'), ['spec', 'values'])
      : imagesInManifest(document),
  );
  const all = await kustomizations(index);
  const included = includedComponents(all);
  // A component nothing includes is not deployed: its tags (often CI placeholders) run nowhere.
  const fromKustomizations = all
    .filter(({ file, content }) => content.kind !== 'Component' || included.has(dirOf(file)))
    .flatMap(({ file, content }) => imagesInKustomization(file, content));
  const valuesFiles = index.files.filter((file) => HELM_VALUES_FILE.test(file));
  const fromValues = (
    await Promise.all(valuesFiles.map(async (file) => (await parsedFile(index, file)).flatMap((values) => imagesInValues(file, 'helm-values', values))))
  ).flat();
  return [...fromManifests, ...fromKustomizations, ...fromValues];
}

/** Declarations of the same image repository (`nginx` matches `docker.io/library/nginx`). */
export async function imagesOfRepository(index: RepoIndex, repository: string): Promise<DeclaredImage[]> {
  const wanted = canonicalRepository(repository);
  return (await declaredImages(index)).filter((image) => canonicalRepository(image.repository) === wanted);
}

// ── ConfigMaps and Secrets ──────────────────────────────────────────────────────────────

export type ConfigKind = 'ConfigMap' | 'Secret';

export interface DeclaredConfig {
  kind: ConfigKind;
  name: string;
  namespace: string | null;
  file: string;
  /** The keys it holds, or null when they cannot be known from the repository. */
  keys: string[] | null;
  /** How it is declared: "ConfigMap manifest", "kustomize secretGenerator", "SealedSecret"… */
  via: string;
}

function keysOf(...maps: unknown[]): string[] {
  return maps.flatMap((map) => Object.keys(asRecord(map) ?? {}));
}

function configFromDocument(document: ManifestDocument): DeclaredConfig | null {
  const { object, file, namespace } = document;
  switch (document.kind) {
    case 'ConfigMap':
      return { kind: 'ConfigMap', name: document.name, namespace, file, keys: keysOf(object.data, object.binaryData), via: 'ConfigMap manifest' };
    case 'Secret':
      return { kind: 'Secret', name: document.name, namespace, file, keys: keysOf(object.data, object.stringData), via: 'Secret manifest' };
    case 'SealedSecret': {
      const name = asString(dig(object, 'spec', 'template', 'metadata', 'name')) ?? document.name;
      return { kind: 'Secret', name, namespace, file, keys: keysOf(dig(object, 'spec', 'encryptedData')), via: 'SealedSecret' };
    }
    case 'ExternalSecret': {
      const name = asString(dig(object, 'spec', 'target', 'name')) ?? document.name;
      const explicit = asArray(dig(object, 'spec', 'data')).map((item) => asString(asRecord(item)?.secretKey)).filter((key): key is string => key !== null);
      const keys = asArray(dig(object, 'spec', 'dataFrom')).length > 0 ? null : explicit;
      return { kind: 'Secret', name, namespace, file, keys, via: 'ExternalSecret' };
    }
    default:
      return null;
  }
}

async function generatorKeys(index: RepoIndex, directory: string, generator: Json): Promise<string[]> {
  const keys: string[] = [];
  for (const literal of asArray(generator.literals)) {
    const text = asString(literal);
    if (text?.includes('=')) keys.push(text.slice(0, text.indexOf('=')).trim());
  }
  for (const entry of asArray(generator.files)) {
    const text = asString(entry);
    if (!text) continue;
    keys.push(text.includes('=') ? text.slice(0, text.indexOf('=')).trim() : text.slice(text.lastIndexOf('/') + 1));
  }
  for (const entry of [...asArray(generator.envs), generator.env]) {
    const path = asString(entry);
    if (!path) continue;
    const text = await index.readFile(directory ? `${directory}/${path}` : path);
    for (const line of text?.split(/\r?\n/) ?? []) {
      const match = /^\s*([^#=\s][^=]*)=/.exec(line);
      if (match?.[1]) keys.push(match[1].trim());
    }
  }
  return keys;
}

async function configsFromKustomization(index: RepoIndex, file: string, content: Json): Promise<DeclaredConfig[]> {
  const prefix = asString(content.namePrefix) ?? '';
  const suffix = asString(content.nameSuffix) ?? '';
  const namespace = asString(content.namespace);
  const declared: DeclaredConfig[] = [];
  const generators: [ConfigKind, string][] = [['ConfigMap', 'configMapGenerator'], ['Secret', 'secretGenerator']];
  for (const [kind, key] of generators) {
    for (const entry of asArray(content[key])) {
      const generator = asRecord(entry);
      const name = asString(generator?.name);
      if (!generator || !name) continue;
      declared.push({
        kind,
        name: `${prefix}${name}${suffix}`,
        namespace: asString(generator.namespace) ?? namespace,
        file,
        keys: await generatorKeys(index, directoryOf(file), generator),
        via: `kustomize ${key}`,
      });
    }
  }
  return declared;
}

/** Every ConfigMap and Secret the repository declares, by name and keys (never values). */
export async function declaredConfigs(index: RepoIndex): Promise<DeclaredConfig[]> {
  const fromDocuments = index.documents.map(configFromDocument).filter((config): config is DeclaredConfig => config !== null);
  const fromKustomizations = await Promise.all(
    (await kustomizations(index)).map(({ file, content }) => configsFromKustomization(index, file, content)),
  );
  return [...fromDocuments, ...fromKustomizations.flat()];
}

/** Declared in the namespace, or without one (kustomize or Argo CD assigns it at deploy time). */
export function inNamespace(config: DeclaredConfig, namespace: string): boolean {
  return config.namespace === null || config.namespace === namespace;
}

// ── Env values of the same app elsewhere ────────────────────────────────────────────────

export interface DeclaredEnvValue {
  file: string;
  workload: string;
  namespace: string | null;
  value: string;
}

/** Words an environment adds to a workload's name (kustomize namePrefix, one folder per environment). */
const ENVIRONMENT_AFFIX = /^(?:dev|develop|development|test|qa|stage|staging|preprod|uat|prod|production|canary|sandbox)$/;

/** The name without one leading or trailing environment word: `staging-checkout` → `checkout`. */
function withoutEnvironment(name: string): string {
  const parts = name.split('-');
  if (parts.length > 1 && ENVIRONMENT_AFFIX.test(parts[0]!)) return parts.slice(1).join('-');
  if (parts.length > 1 && ENVIRONMENT_AFFIX.test(parts.at(-1)!)) return parts.slice(0, -1).join('-');
  return name;
}

/**
 * `prod-checkout` and `checkout` name the same app; `checkout-admin` and `checkoutv2` do not: a
 * shared prefix is a similar name, not the same app.
 */
function sameAppName(a: string, b: string): boolean {
  return a === b || withoutEnvironment(a) === b || withoutEnvironment(b) === a || withoutEnvironment(a) === withoutEnvironment(b);
}

export interface ContainerElsewhere {
  file: string;
  workload: string;
  namespace: string | null;
  container: Json;
}

/** The image the failing container runs, as the repository declares it or the pod shows it. */
function failingImage(context: DiagnosisContext, containerName: string): string | null {
  const declared = containersOf(podSpecOf(context.location?.workload ?? null)).find((container) => container.name === containerName);
  const running = containersOf(podSpecOf({ kind: 'Pod', spec: context.report.pod.spec })).find((container) => container.name === containerName);
  return asString(declared?.image) ?? asString(running?.image);
}

/** Same program: the same image repository, or a layer (an overlay patch) that does not name one. */
function sameLineage(image: string | null, container: Json): boolean {
  const other = asString(container.image);
  if (image === null || other === null) return true;
  return canonicalRepository(parseImageReference(image).repository) === canonicalRepository(parseImageReference(other).repository);
}

/**
 * The same container of the same app declared by other documents than the failing one: other
 * environment folders, overlay patches. The same app means the same name (give or take an
 * environment word) and the same image: values are only ever copied within one app's lineage.
 */
export function sameContainerElsewhere(context: DiagnosisContext, containerName: string): ContainerElsewhere[] {
  const { workload } = context.report;
  const location = context.location;
  const baseName = location?.name ?? workload.name;
  const image = failingImage(context, containerName);
  return context.index.documents.flatMap((document) => {
    if (location && document.file === location.file && document.documentIndex === location.documentIndex) return [];
    if (document.kind !== workload.kind || !(sameAppName(document.name, baseName) || sameAppName(document.name, workload.name))) return [];
    const container = containersOf(podSpecOf(document.object)).find((candidate) => candidate.name === containerName);
    return container && sameLineage(image, container) ? [{ file: document.file, workload: `${document.kind}/${document.name}`, namespace: document.namespace, container }] : [];
  });
}

/** Literal values the same app's container gives the env var in other environments. */
export function envValuesElsewhere(context: DiagnosisContext, containerName: string, variable: string): DeclaredEnvValue[] {
  return sameContainerElsewhere(context, containerName).flatMap(({ file, workload, namespace, container }) =>
    asArray(container.env).flatMap((entry) => {
      const env = asRecord(entry);
      const value = env?.name === variable ? asString(env.value) : null;
      return value === null ? [] : [{ file, workload, namespace, value }];
    }),
  );
}

/** Length of the common directory prefix: how close two files are in the repository's tree. */
export function pathCloseness(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  let shared = 0;
  while (shared < left.length - 1 && shared < right.length - 1 && left[shared] === right[shared]) shared++;
  return shared;
}
