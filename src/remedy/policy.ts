/**
 * The repository's patch policy (fix kinds and bounds), and the coarse reading of a changed path:
 * the fix kind it names, or forbidden for fields that widen privileges (securityContext, host
 * namespaces, service accounts, host volumes) or change identity (names, kind). The allowlist
 * that decides what a fix may change per failure class, field by field, is allowlist.ts.
 */
import type { FixKind } from '../diagnose/types.js';

export interface PatchPolicy {
  allowedFixKinds: FixKind[];
  /** Highest memory a fix may set (limit or request). */
  maxMemory: string;
  /** Highest cpu a fix may set (limit or request). */
  maxCpu: string;
  /** A fix may multiply a resource by at most this factor. */
  maxIncreaseFactor: number;
}

export const DEFAULT_POLICY: PatchPolicy = {
  allowedFixKinds: ['resources', 'image', 'env', 'probes', 'config-reference'],
  maxMemory: '4Gi',
  maxCpu: '4',
  maxIncreaseFactor: 2,
};

export type PathClass = FixKind | 'forbidden' | 'unknown';

/** Keys whose change is never a fix, wherever they appear (manifests and Helm values alike). */
const FORBIDDEN_KEYS = new Set([
  'securitycontext', 'podsecuritycontext', 'containersecuritycontext', 'privileged', 'capabilities',
  'allowprivilegeescalation', 'runasuser', 'runasnonroot', 'runasgroup', 'procmount', 'seccompprofile',
  'apparmorprofile', 'selinuxoptions', 'hostnetwork', 'hostpid', 'hostipc', 'hostpath', 'hostport',
  'hostaliases', 'hostusers', 'shareprocessnamespace', 'serviceaccount', 'serviceaccountname',
  'deprecatedserviceaccount', 'automountserviceaccounttoken', 'rbac', 'podsecuritypolicy', 'psp',
]);

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const PROBES = new Set(['livenessProbe', 'readinessProbe', 'startupProbe']);
const CONFIG_REFERENCES = new Set(['configMapKeyRef', 'secretKeyRef', 'configMapRef', 'secretRef']);
const IMAGE_FIELDS = new Set(['tag', 'repository', 'registry', 'digest', 'name', 'newTag', 'newName', 'pullPolicy']);
const IMAGE_KEYS = new Set(['image', 'images', 'imageTag', 'imageRepository', 'imageName', 'imageDigest', 'imagePullPolicy']);
const ENV_KEYS = new Set(['env', 'extraEnv', 'extraEnvs', 'extraEnvVars', 'envVars', 'environment']);
const COMMAND_KEYS = new Set(['command', 'args', 'extraArgs']);
const SCHEDULING_KEYS = new Set(['nodeSelector', 'tolerations', 'affinity', 'topologySpreadConstraints', 'priorityClassName']);
/** Fields of a volume that only name the ConfigMap or Secret it mounts, or its keys. */
const VOLUME_REFERENCE = /^volumes\/\d+\/(?:configMap\/(?:name|items(?:\/\d+\/(?:key|path))?)|secret\/(?:secretName|items(?:\/\d+\/(?:key|path))?)|projected\/sources\/\d+\/(?:configMap|secret)\/(?:name|items(?:\/\d+\/(?:key|path))?))$/;

const isIndex = (segment: string | undefined): boolean => segment !== undefined && /^\d+$/.test(segment);

function isForbiddenKey(segment: string): boolean {
  const key = segment.toLowerCase();
  return FORBIDDEN_KEYS.has(key) || (key.startsWith('host') && key !== 'hostname' && key !== 'hosts') || key.endsWith('securitycontext');
}

function volumeClass(path: string[]): PathClass | null {
  const at = path.lastIndexOf('volumes');
  if (at < 0) return null;
  return VOLUME_REFERENCE.test(path.slice(at).join('/')) ? 'config-reference' : 'forbidden';
}

/** The kind of fix a changed path belongs to, judged from the path alone. */
export function classifyChangedPath(path: string[], op?: 'add' | 'remove' | 'replace'): PathClass {
  if (path.length === 0) return 'forbidden';
  const [root, second] = path;
  if (root === 'kind' || root === 'apiVersion') return 'forbidden';
  // RBAC objects keep their grants at the root (Role/ClusterRole rules, binding subjects and roleRef).
  if (root === 'rules' || root === 'subjects' || root === 'roleRef' || root === 'aggregationRule') return 'forbidden';
  if (root === 'metadata' && (second === 'name' || second === 'namespace' || second === undefined)) return 'forbidden';
  if (path.some(isForbiddenKey)) return 'forbidden';
  const volume = volumeClass(path);
  if (volume) return volume;

  const last = path[path.length - 1] as string;
  const containerAt = path.findIndex((segment, index) => CONTAINER_LISTS.has(segment) && isIndex(path[index + 1]));
  if (containerAt >= 0) {
    const inContainer = path.slice(containerAt + 2);
    // Adding, removing or renaming a container is never a fix: it is how sidecars get injected.
    if (inContainer.length === 0 || (inContainer.length === 1 && inContainer[0] === 'name')) return 'forbidden';
  } else if (op !== undefined && op !== 'replace' && CONTAINER_LISTS.has(last)) {
    return 'forbidden';
  }

  // Scheduling keys first: a `nodeSelector: {env: prod}` is a scheduling change, not an env fix.
  if (path.some((segment) => SCHEDULING_KEYS.has(segment))) return 'scheduling';
  if (path.some((segment) => PROBES.has(segment))) return 'probes';
  if (path.some((segment) => CONFIG_REFERENCES.has(segment))) return 'config-reference';
  if (path.includes('envFrom')) return 'config-reference';
  if (path.includes('resources')) return 'resources';
  const imageAt = path.findIndex((segment) => IMAGE_KEYS.has(segment));
  if (imageAt >= 0 && path.slice(imageAt + 1).every((segment) => isIndex(segment) || IMAGE_FIELDS.has(segment))) return 'image';
  if (path.some((segment) => ENV_KEYS.has(segment))) return 'env';
  if (path.some((segment) => COMMAND_KEYS.has(segment))) return 'command';
  return 'unknown';
}

/** Kinds whose every change is forbidden: they grant permissions. */
export const PRIVILEGE_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ServiceAccount', 'PodSecurityPolicy']);
