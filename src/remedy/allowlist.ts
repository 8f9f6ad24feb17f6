/**
 * The patch allowlist: for each failure class, the exact fields of the failing container (or of
 * the values layer that configures it) a fix may change, and the shape the new value must have.
 * Everything not listed is refused with a stable reason id. Rules and the model go through this
 * same gate, so a model talked into "fixing" a crash with an `exec` probe, another registry or an
 * `LD_PRELOAD` gets the same answer as a buggy rule would: no.
 *
 * A change is judged by its exact place in the document (pod spec → container → field), never by
 * a path segment that happens to be called `env` or `resources` somewhere along the way.
 */
import type { FailureCategory } from '../report/categories.js';
import type { FixKind } from '../diagnose/types.js';
import { canonicalRepository, parseImageReference } from '../diagnose/rules/image-reference.js';
import { parseQuantity } from '../kube/quantity.js';
import { isNearName } from '../diagnose/rules/name-similarity.js';
import { isObject } from './changed-documents.js';

/** What a single changed field is, once its exact place is known. */
export type FieldClass = 'memory' | 'cpu' | 'heap' | 'image' | 'probe' | 'env' | 'config-reference' | 'command';

/** Stable ids of every refusal, for the `policy` check, the README and metrics. */
export const REFUSAL_REASONS = {
  'other-document': 'the patch edits a document other than the located workload',
  'several-documents': 'the patch edits more than one document',
  'other-list-item': 'the patch edits another item of a kind: List than the located workload',
  'permission-object': 'RBAC and ServiceAccount objects grant permissions and are never edited',
  'forbidden-field': 'privileges, identity, host access, service accounts, volumes or containers',
  'not-allowlisted': 'the field is not one a fix for this failure class may change',
  'other-container': 'the field belongs to another container than the failing one',
  'container-set-changed': 'containers are never added, removed or renamed',
  'removal': 'a fix sets values; it never removes fields (resources, limits, env entries, probes)',
  'extended-resource': 'only memory and cpu may be sized; extended resources (GPUs, hugepages) are refused',
  'invalid-quantity': 'the new value is not a Kubernetes quantity',
  'image-repository-changed': 'only the tag or digest may change unless the repository already deploys that exact reference',
  'invalid-image-value': 'the new value is not an image reference or pull policy',
  'exec-probe': 'probes never run commands',
  'new-probe-handler': 'only the port, path and timings of an existing httpGet, tcpSocket or grpc probe may change',
  'invalid-probe-value': 'ports are 1–65535 or a port name, paths start with /, timings are small non-negative integers',
  'env-not-named': 'a new variable must be one the container’s own error output names',
  'runtime-injection-variable': 'variables the loader or runtime interprets (LD_PRELOAD, NODE_OPTIONS, JAVA_TOOL_OPTIONS…) are never added; an existing one may only change its heap size flag',
  'invalid-env-value': 'an env value is a literal string',
  'new-config-reference': 'references to ConfigMaps and Secrets are renamed, never added',
  'undeclared-reference': 'a reference may only be renamed to a ConfigMap/Secret the repository declares in that namespace',
  'unrelated-secret': 'a Secret reference may only be corrected to a near-identical name, never pointed at another Secret',
  'scheduling-field': 'nodeSelector, tolerations, affinity and other scheduling constraints are never changed',
  'fix-kind-disabled': 'the repository’s .github/kubecure.yml does not allow this fix kind',
} as const;

export type RefusalReason = keyof typeof REFUSAL_REASONS;

/** The field classes each failure class may change. */
export const CLASS_ALLOWLIST: Record<FailureCategory, readonly FieldClass[]> = {
  OOMKilled: ['memory', 'heap'],
  Evicted: ['memory'],
  Unschedulable: ['memory', 'cpu'],
  FailedCreate: ['memory', 'cpu'],
  ImagePullBackOff: ['image'],
  InvalidImageName: ['image'],
  CreateContainerConfigError: ['config-reference'],
  FailedMount: ['config-reference'],
  ProbeFailure: ['probe'],
  CrashLoopBackOff: ['env', 'config-reference', 'memory', 'cpu', 'heap', 'probe', 'image', 'command'],
  RunContainerError: ['env', 'config-reference', 'memory', 'cpu', 'heap', 'image', 'command'],
  CreateContainerError: ['env', 'config-reference', 'image', 'command'],
  JobFailed: ['env', 'config-reference', 'memory', 'cpu', 'heap', 'image', 'command'],
  DeadlineExceeded: [],
};

const FIX_KIND_OF: Record<FieldClass, FixKind> = {
  memory: 'resources',
  cpu: 'resources',
  heap: 'env',
  image: 'image',
  probe: 'probes',
  env: 'env',
  'config-reference': 'config-reference',
  command: 'command',
};

export function fixKindOf(field: FieldClass): FixKind {
  return FIX_KIND_OF[field];
}

/** What the repository declares, so a renamed reference or a new image can be checked against it. */
export interface RepositoryFacts {
  /** ConfigMap names declared in the report's namespace (or without a namespace). */
  configMaps: ReadonlySet<string>;
  /** Secret names declared in the report's namespace (SealedSecret, ExternalSecret, generators…). */
  secrets: ReadonlySet<string>;
  /** Every image reference the repository deploys, canonical (`repository:tag`, `repository@digest`). */
  images: ReadonlySet<string>;
}

export const NO_FACTS: RepositoryFacts = { configMaps: new Set(), secrets: new Set(), images: new Set() };

/** Everything the gate knows about the failure besides the edit itself. */
export interface GateContext {
  category: FailureCategory;
  /** The failing container; null when the failure is pod-level or unknown. */
  container: string | null;
  facts: RepositoryFacts;
  /** Lines of the failing container's own error output: an env name must appear in them. */
  errorLines: readonly string[];
  /** Fix kinds the repository allows (`.github/kubecure.yml` → fixes.allowed). */
  allowedFixKinds: readonly FixKind[];
}

export type Verdict = { ok: true; field: FieldClass } | { ok: false; reason: RefusalReason };

const refuse = (reason: RefusalReason): Verdict => ({ ok: false, reason });

type Path = readonly string[];
const isIndex = (segment: string | undefined): boolean => segment !== undefined && /^\d+$/.test(segment);

/** The value at a path of keys and sequence indexes (as strings or numbers). */
export function at(value: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((current, key) => (isObject(current) || Array.isArray(current) ? (current as Record<string, unknown>)[key] : undefined), value);
}

// ── value shapes ────────────────────────────────────────────────────────────────────────────────

function quantityVerdict(field: 'memory' | 'cpu', value: unknown): Verdict {
  if ((typeof value === 'string' || typeof value === 'number') && parseQuantity(value) !== null && (parseQuantity(value) ?? -1) > 0) return { ok: true, field };
  return refuse('invalid-quantity');
}

/** `resources.<group>.<resource>`: memory and cpu only; the scheduler reads requests, so that is all an Unschedulable fix sizes. */
function resourceVerdict(group: 'limits' | 'requests', resource: string, value: unknown, context: GateContext): Verdict {
  if (resource !== 'memory' && resource !== 'cpu') return resource.includes('/') || resource.startsWith('hugepages-') ? refuse('extended-resource') : refuse('not-allowlisted');
  if (context.category === 'Unschedulable' && group !== 'requests') return refuse('not-allowlisted');
  return quantityVerdict(resource, value);
}

const PULL_POLICIES = new Set(['Always', 'IfNotPresent', 'Never']);
const IMAGE_REFERENCE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** An image may keep its repository and change tag/digest, or become a reference the repository already deploys. */
function imageVerdict(before: unknown, after: unknown, facts: RepositoryFacts): Verdict {
  if (typeof after !== 'string' || !IMAGE_REFERENCE.test(after.trim().toLowerCase())) return refuse('invalid-image-value');
  if (typeof before === 'string' && canonicalRepository(parseImageReference(before).repository) === canonicalRepository(parseImageReference(after).repository)) {
    return { ok: true, field: 'image' };
  }
  return facts.images.has(canonicalImage(after)) ? { ok: true, field: 'image' } : refuse('image-repository-changed');
}

/** `repository:tag@digest` with Docker Hub's implicit parts removed, so declarations compare equal. */
export function canonicalImage(image: string): string {
  const reference = parseImageReference(image);
  return `${canonicalRepository(reference.repository)}${reference.tag ? `:${reference.tag}` : ''}${reference.digest ? `@${reference.digest}` : ''}`;
}

// ── probes ──────────────────────────────────────────────────────────────────────────────────────

const PROBES = new Set(['livenessProbe', 'readinessProbe', 'startupProbe']);
const HANDLERS = ['httpGet', 'tcpSocket', 'grpc', 'exec'] as const;
const TIMINGS = new Set(['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold', 'terminationGracePeriodSeconds']);
const HANDLER_FIELDS: Record<string, Set<string>> = { httpGet: new Set(['port', 'path']), tcpSocket: new Set(['port']), grpc: new Set(['port', 'service']) };

function handlerOf(probe: unknown): string | null {
  return HANDLERS.find((handler) => isObject(probe) && handler in probe) ?? null;
}

function probeValueOk(field: string, value: unknown): boolean {
  if (field === 'port') return (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535) || (typeof value === 'string' && /^[a-z0-9](?:[a-z0-9-]{0,13}[a-z0-9])?$/.test(value) && /[a-z]/.test(value));
  if (field === 'path') return typeof value === 'string' && /^\/[\x21-\x7e]*$/.test(value);
  if (field === 'service') return typeof value === 'string' && /^[\w.-]{0,253}$/.test(value);
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 3600;
}

/** `rest` starts at the probe key: [livenessProbe, httpGet, port]. */
function probeVerdict(rest: Path, before: unknown, after: unknown, value: unknown): Verdict {
  const [probeKey, first, second, ...more] = rest;
  const probeBefore = at(before, [probeKey!]);
  const probeAfter = at(after, [probeKey!]);
  if (handlerOf(probeAfter) === 'exec' || first === 'exec') return refuse('exec-probe');
  if (!isObject(probeBefore) || handlerOf(probeBefore) === 'exec') return refuse('new-probe-handler');
  if (handlerOf(probeAfter) !== handlerOf(probeBefore)) return refuse('new-probe-handler');
  if (first !== undefined && TIMINGS.has(first) && second === undefined) {
    return probeValueOk(first, value) ? { ok: true, field: 'probe' } : refuse('invalid-probe-value');
  }
  if (first === handlerOf(probeBefore) && second !== undefined && more.length === 0 && HANDLER_FIELDS[first]?.has(second)) {
    return probeValueOk(second, value) ? { ok: true, field: 'probe' } : refuse('invalid-probe-value');
  }
  return refuse('new-probe-handler');
}

// ── references to ConfigMaps and Secrets ────────────────────────────────────────────────────────

/**
 * A reference renamed: to a ConfigMap or Secret the repository declares in the namespace. A
 * Secret's name may only be corrected (a near-identical name, the typo a person makes): pointing
 * the workload at another declared Secret would hand it credentials it never had.
 */
function referenceVerdict(kind: 'ConfigMap' | 'Secret', field: 'name' | 'key', existedBefore: boolean, value: unknown, facts: RepositoryFacts, previous?: unknown): Verdict {
  if (!existedBefore) return refuse('new-config-reference');
  if (typeof value !== 'string' || value === '') return refuse('undeclared-reference');
  if (field === 'key') return /^[-._a-zA-Z0-9]+$/.test(value) ? { ok: true, field: 'config-reference' } : refuse('undeclared-reference');
  const declared = kind === 'ConfigMap' ? facts.configMaps : facts.secrets;
  if (!declared.has(value)) return refuse('undeclared-reference');
  if (kind === 'Secret' && !(typeof previous === 'string' && isNearName(previous, value))) return refuse('unrelated-secret');
  return { ok: true, field: 'config-reference' };
}

// ── env ─────────────────────────────────────────────────────────────────────────────────────────

/** A variable the failing container's own error output names, as a whole word. */
export function namedByError(name: string, errorLines: readonly string[]): boolean {
  const word = new RegExp(`(?:^|[^A-Za-z0-9_])${name.replace(/[^A-Za-z0-9_]/g, '')}(?:[^A-Za-z0-9_]|$)`);
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && errorLines.some((line) => word.test(line));
}

/** Variables the dynamic loader or a language runtime reads as code or flags to run. */
const RUNTIME_VARIABLE = /^(?:LD_\w+|DYLD_\w+|NODE_OPTIONS|NODE_PATH|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|JAVA_OPTS|JVM_OPTS|CATALINA_OPTS|PYTHON\w*|PERL5\w*|PERLLIB|RUBYOPT|RUBYLIB|BASH_ENV|ENV|PATH|GCONV_PATH|MALLOC_\w+|GLIBC_TUNABLES|SSL_CERT_\w+|\w*_PROXY|\w*_proxy)$/;

/** Heap size flags: the one change a runtime variable may take (a Node or JVM heap cap). */
const HEAP_FLAG = /^(?:--max-old-space-size=\d{1,6}|--max-semi-space-size=\d{1,4}|-Xmx\d{1,6}[kKmMgG]?|-Xms\d{1,6}[kKmMgG]?|-XX:(?:Max|Initial|Min)RAMPercentage=\d{1,2}(?:\.\d+)?)$/;
const HEAP_VARIABLES = new Set(['NODE_OPTIONS', 'JAVA_OPTS', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'JVM_OPTS', 'CATALINA_OPTS']);

/** The new value differs from the old only in heap size flags, and each of them has that shape. */
function onlyHeapFlagsChanged(before: unknown, after: unknown): boolean {
  if (typeof before !== 'string' || typeof after !== 'string') return false;
  const split = (value: string) => value.trim().split(/\s+/).filter(Boolean);
  const others = (flags: string[]) => flags.filter((flag) => !HEAP_FLAG.test(flag)).join(' ');
  const [old, next] = [split(before), split(after)];
  return next.some((flag) => HEAP_FLAG.test(flag)) && others(old) === others(next);
}

/**
 * An env value: an existing literal entry may take a new literal value; a new entry (or a
 * renamed one) must be a variable the container's own error output names. Variables the loader
 * or runtime interprets are never added, and an existing one may only change its heap size flag.
 */
function envValueVerdict(name: unknown, value: unknown, previous: unknown, existed: boolean, context: GateContext): Verdict {
  if (typeof name !== 'string') return refuse('env-not-named');
  if (typeof value !== 'string') return refuse('invalid-env-value');
  if (RUNTIME_VARIABLE.test(name)) {
    return existed && HEAP_VARIABLES.has(name) && onlyHeapFlagsChanged(previous, value) ? { ok: true, field: 'heap' } : refuse('runtime-injection-variable');
  }
  if (existed && typeof previous === 'string') return { ok: true, field: 'env' };
  return namedByError(name, context.errorLines) ? { ok: true, field: 'env' } : refuse('env-not-named');
}

// ── a container's fields ────────────────────────────────────────────────────────────────────────

interface Scope {
  before: unknown;
  after: unknown;
}

/** `rest` is the path inside one container: [resources, limits, memory]. */
function containerFieldVerdict(rest: Path, container: Scope, value: unknown, context: GateContext): Verdict {
  const [field, a, b, c, d, e] = rest;
  if (field === 'resources') {
    return (a === 'limits' || a === 'requests') && b !== undefined && c === undefined ? resourceVerdict(a, b, value, context) : refuse('not-allowlisted');
  }
  if (field === 'image' && a === undefined) return imageVerdict(at(container.before, ['image']), value, context.facts);
  if (field === 'imagePullPolicy' && a === undefined) return typeof value === 'string' && PULL_POLICIES.has(value) ? { ok: true, field: 'image' } : refuse('invalid-image-value');
  if (field !== undefined && PROBES.has(field)) return probeVerdict(rest, container.before, container.after, value);
  if (field === 'env' && isIndex(a)) return envEntryVerdict([a!, b, c, d, e], container, value, context);
  if (field === 'envFrom' && isIndex(a)) {
    const kind = b === 'configMapRef' ? 'ConfigMap' : b === 'secretRef' ? 'Secret' : null;
    if (kind === null || c !== 'name' || d !== undefined) return refuse('new-config-reference');
    const existed = isObject(at(container.before, ['envFrom', Number(a), b!]));
    return referenceVerdict(kind, 'name', existed, value, context.facts, at(container.before, ['envFrom', Number(a), b!, 'name']));
  }
  if ((field === 'command' || field === 'args') && (a === undefined || (isIndex(a) && b === undefined))) {
    return typeof value === 'string' || (Array.isArray(value) && value.length === 0) ? { ok: true, field: 'command' } : refuse('not-allowlisted');
  }
  return refuse('not-allowlisted');
}

/** `rest` starts at the entry index: [2, value] or [2, valueFrom, secretKeyRef, name]. */
function envEntryVerdict(rest: readonly (string | undefined)[], container: Scope, value: unknown, context: GateContext): Verdict {
  const [index, field, source, key, extra] = rest;
  const entryBefore = at(container.before, ['env', Number(index)]);
  const entryAfter = at(container.after, ['env', Number(index)]);
  const name = at(entryAfter, ['name']);
  const sameEntry = isObject(entryBefore) && entryBefore.name === name;
  if (field === 'valueFrom') {
    const kind = source === 'configMapKeyRef' ? 'ConfigMap' : source === 'secretKeyRef' ? 'Secret' : null;
    if (kind === null || (key !== 'name' && key !== 'key') || extra !== undefined) return refuse('new-config-reference');
    const existed = sameEntry && isObject(at(entryBefore, ['valueFrom', source!]));
    return referenceVerdict(kind, key, existed, value, context.facts, at(entryBefore, ['valueFrom', source!, key]));
  }
  if (isObject(at(entryAfter, ['valueFrom']))) return refuse('new-config-reference');
  // A new entry is judged by its value; its name comes with it.
  if (field === 'value' || (field === 'name' && !sameEntry)) {
    const previous = sameEntry ? (at(entryBefore, ['value']) ?? (at(entryBefore, ['valueFrom']) === undefined ? '' : undefined)) : undefined;
    return envValueVerdict(name, at(entryAfter, ['value']) ?? '', previous, sameEntry, context);
  }
  return refuse('not-allowlisted');
}

// ── pod spec, workloads, values ─────────────────────────────────────────────────────────────────

const CONTAINER_LISTS = new Set(['containers', 'initContainers']);
const SCHEDULING = new Set(['nodeSelector', 'nodeName', 'tolerations', 'affinity', 'topologySpreadConstraints', 'priorityClassName', 'priority', 'schedulerName', 'runtimeClassName']);
const VOLUME_NAME_FIELD: Record<string, { kind: 'ConfigMap' | 'Secret'; field: string }> = {
  configMap: { kind: 'ConfigMap', field: 'name' },
  secret: { kind: 'Secret', field: 'secretName' },
};

/** `rest` is the path inside the pod spec. */
export function podSpecFieldVerdict(rest: Path, spec: Scope, value: unknown, context: GateContext): Verdict {
  const [list, index, ...inside] = rest;
  if (list !== undefined && CONTAINER_LISTS.has(list) && isIndex(index)) {
    const name = at(spec.after, [list, Number(index), 'name']) ?? at(spec.before, [list, Number(index), 'name']);
    const before = (at(spec.before, [list]) as unknown[] | undefined)?.find((candidate) => isObject(candidate) && candidate.name === name);
    if (inside.length === 0 || inside[0] === 'name' || before === undefined) return refuse('container-set-changed');
    if (context.container !== null && name !== context.container) return refuse('other-container');
    return containerFieldVerdict(inside, { before, after: at(spec.after, [list, Number(index)]) }, value, context);
  }
  if (list !== undefined && (CONTAINER_LISTS.has(list) || list === 'ephemeralContainers')) return refuse('container-set-changed');
  if (list !== undefined && SCHEDULING.has(list)) return refuse('scheduling-field');
  if (list === 'volumes' && isIndex(index)) return volumeVerdict(Number(index), inside, spec, value, context);
  return refuse('not-allowlisted');
}

function volumeVerdict(index: number, inside: Path, spec: Scope, value: unknown, context: GateContext): Verdict {
  const volumeBefore = at(spec.before, ['volumes', index]);
  const volumeAfter = at(spec.after, ['volumes', index]);
  if (!isObject(volumeBefore) || !isObject(volumeAfter) || volumeBefore.name !== volumeAfter.name) return refuse('container-set-changed');
  const [source, field, itemIndex, itemField, extra] = inside;
  const projected = source === 'projected' && field === 'sources' && isIndex(itemIndex);
  const [kindKey, nameField, tail] = projected ? [itemField, extra, inside.slice(5)] : [source, field, inside.slice(2)];
  const prefix = projected ? ['projected', 'sources', Number(itemIndex), kindKey!] : [kindKey!];
  const shape = kindKey === undefined ? undefined : VOLUME_NAME_FIELD[kindKey];
  if (!shape) return refuse('not-allowlisted');
  const existed = isObject(at(volumeBefore, prefix));
  const expectedName = projected ? 'name' : shape.field;
  if (nameField === expectedName && tail.length === 0) return referenceVerdict(shape.kind, 'name', existed, value, context.facts, at(volumeBefore, [...prefix, expectedName]));
  // Keys of an existing items list: `items/0/key` (the rule that fixes a missing key).
  if (nameField === 'items' && isIndex(tail[0]) && (tail[1] === 'key' || tail[1] === 'path') && tail.length === 2) {
    const itemExisted = isObject(at(volumeBefore, [...prefix, 'items', Number(tail[0])]));
    return referenceVerdict(shape.kind, 'key', existed && itemExisted, value, context.facts);
  }
  return refuse('not-allowlisted');
}

/**
 * Values layers (Helm values files, HelmRelease spec.values) have no fixed schema: a field is
 * recognised by the shape at its end (`…/resources/limits/memory`, `…/image/tag`,
 * `…/livenessProbe/httpGet/port`), which is how charts spell the failing container's settings.
 */
export function valuesFieldVerdict(path: Path, before: unknown, after: unknown, value: unknown, context: GateContext): Verdict {
  const last = path.length - 1;
  const key = path[last]!;
  const parent = path[last - 1];
  const grand = path[last - 2];
  if (path.some((segment) => SCHEDULING.has(segment))) return refuse('scheduling-field');
  if ((parent === 'limits' || parent === 'requests') && grand === 'resources') return resourceVerdict(parent, key, value, context);
  if (parent === 'image' && (key === 'tag' || key === 'digest')) {
    const ok = key === 'tag' ? typeof value === 'string' && TAG.test(value) : typeof value === 'string' && DIGEST.test(value);
    return ok ? { ok: true, field: 'image' } : refuse('invalid-image-value');
  }
  if (key === 'imageTag') return typeof value === 'string' && TAG.test(value) ? { ok: true, field: 'image' } : refuse('invalid-image-value');
  if ((parent === 'image' && key === 'pullPolicy') || key === 'imagePullPolicy') {
    return typeof value === 'string' && PULL_POLICIES.has(value) ? { ok: true, field: 'image' } : refuse('invalid-image-value');
  }
  if (parent === 'image' && (key === 'repository' || key === 'registry')) {
    const image = at(after, path.slice(0, -1));
    const reference = isObject(image) && typeof image.repository === 'string'
      ? `${typeof image.registry === 'string' && image.registry ? `${image.registry}/` : ''}${image.repository}${typeof image.tag === 'string' && image.tag ? `:${image.tag}` : ''}`
      : '';
    return context.facts.images.has(canonicalImage(reference)) ? { ok: true, field: 'image' } : refuse('image-repository-changed');
  }
  if (key === 'image' && typeof value === 'string') return imageVerdict(at(before, path), value, context.facts);
  const probeAt = path.findIndex((segment) => PROBES.has(segment));
  if (probeAt >= 0) {
    const owner = path.slice(0, probeAt);
    return probeVerdict(path.slice(probeAt), at(before, owner), at(after, owner), value);
  }
  // `env: {NAME: value}` (map form) or `env: [{name, value}]` (list form) of the configured container.
  if (parent === 'env' && !isIndex(key)) {
    const previous = at(before, path);
    return envValueVerdict(key, value, previous, previous !== undefined, context);
  }
  const envAt = path.lastIndexOf('env');
  if (envAt >= 0 && isIndex(path[envAt + 1])) {
    const owner = path.slice(0, envAt);
    return envEntryVerdict(path.slice(envAt + 1), { before: at(before, owner), after: at(after, owner) }, value, context);
  }
  return refuse('not-allowlisted');
}

/** A kustomization's `images:` entries (`images/0/newTag`, `spec/images/0/newTag`): the tag or digest of an existing entry. */
export function kustomizationFieldVerdict(path: Path, before: unknown, after: unknown, value: unknown, context: GateContext): Verdict {
  const images = path[0] === 'spec' ? path.slice(1) : path;
  const entryPath = path.slice(0, path.length - images.length + 2);
  const [list, index, key, extra] = images;
  if (list !== 'images' || !isIndex(index) || key === undefined || extra !== undefined) return refuse('not-allowlisted');
  const entryBefore = at(before, entryPath);
  const entryAfter = at(after, entryPath);
  if (!isObject(entryBefore) || !isObject(entryAfter) || entryBefore.name !== entryAfter.name) return refuse('image-repository-changed');
  if (key === 'newTag') return typeof value === 'string' && TAG.test(value) ? { ok: true, field: 'image' } : refuse('invalid-image-value');
  if (key === 'digest') return typeof value === 'string' && DIGEST.test(value) ? { ok: true, field: 'image' } : refuse('invalid-image-value');
  if (key === 'newName') {
    const tag = typeof entryAfter.newTag === 'string' ? `:${entryAfter.newTag}` : '';
    return typeof value === 'string' && context.facts.images.has(canonicalImage(`${value}${tag}`)) ? { ok: true, field: 'image' } : refuse('image-repository-changed');
  }
  return refuse('not-allowlisted');
}

/** The reason ids a validation's failed `policy` check names (for metrics and logs). */
export function refusalReasons(validation: { checks: ReadonlyArray<{ name: string; passed: boolean; message: string }> }): RefusalReason[] {
  const policy = validation.checks.find((check) => check.name === 'policy' && !check.passed);
  const named = [...(policy?.message.matchAll(/\[([a-z-]+)\]/g) ?? [])].map((match) => match[1]!);
  return [...new Set(named)].filter((id): id is RefusalReason => id in REFUSAL_REASONS);
}

/** The field class must be one the failure class allows, and one the repository enables. */
export function allowedForClass(field: FieldClass, context: GateContext): Verdict {
  if (!CLASS_ALLOWLIST[context.category].includes(field)) return refuse('not-allowlisted');
  if (!context.allowedFixKinds.includes(fixKindOf(field))) return refuse('fix-kind-disabled');
  return { ok: true, field };
}
