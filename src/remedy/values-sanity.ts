/**
 * Type sanity for files that are not Kubernetes objects (Helm values, HelmRelease `spec.values`,
 * kustomize `images:`): their shape belongs to a chart we cannot see, so only the fields whose
 * meaning is universal are checked wherever they appear.
 */
import { parseQuantity } from '../kube/quantity.js';
import { isImageReference } from './kube-schema.js';

type Issue = string;

const PROBE_KEYS = new Set(['livenessProbe', 'readinessProbe', 'startupProbe']);
const ENV_KEYS = new Set(['env', 'extraEnv', 'extraEnvs', 'extraEnvVars']);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function hasWhitespace(value: unknown): boolean {
  return typeof value === 'string' && /\s/.test(value);
}

function resourceIssues(resources: Record<string, unknown>, at: string): Issue[] {
  return ['limits', 'requests'].flatMap((group) => {
    const values = resources[group];
    if (values === undefined || values === null) return [];
    if (!isObject(values)) return [`${at}.${group}: must be a mapping of resource quantities`];
    return Object.entries(values)
      .filter(([, quantity]) => quantity !== null && (typeof quantity !== 'string' && typeof quantity !== 'number' || parseQuantity(quantity) === null))
      .map(([name, quantity]) => `${at}.${group}.${name}: ${JSON.stringify(quantity)} is not a Kubernetes quantity`);
  });
}

function imageIssues(image: unknown, at: string): Issue[] {
  if (typeof image === 'string') {
    return image === '' || isImageReference(image) || image.includes('{{') || image.includes('${') ? [] : [`${at}: "${image}" is not a valid image reference`];
  }
  if (!isObject(image)) return [];
  const issues: Issue[] = [];
  for (const field of ['tag', 'repository', 'registry', 'digest', 'name', 'newTag', 'newName']) {
    const value = image[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number') issues.push(`${at}.${field}: must be a string`);
    else if (hasWhitespace(value)) issues.push(`${at}.${field}: "${value}" contains whitespace`);
  }
  return issues;
}

function probeIssues(probe: unknown, at: string): Issue[] {
  if (!isObject(probe)) return [];
  const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((handler) => probe[handler] !== undefined);
  if (handlers.length > 1) return [`${at}: has more than one handler (${handlers.join(', ')})`];
  const handler = handlers[0] ? probe[handlers[0]] : undefined;
  if (isObject(handler) && 'port' in handler) {
    const port = handler.port;
    const valid = (typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535) || (typeof port === 'string' && port.length > 0);
    if (!valid) return [`${at}.${handlers[0]}.port: ${JSON.stringify(port)} is not a port`];
  }
  return [];
}

function envIssues(env: unknown, at: string): Issue[] {
  if (!Array.isArray(env)) return [];
  return env.flatMap((entry, index) => {
    if (!isObject(entry)) return [];
    const issues: Issue[] = [];
    if (typeof entry.name !== 'string' || entry.name === '') issues.push(`${at}.${index}.name: must be a non-empty string`);
    if (entry.value !== undefined && entry.value !== null && typeof entry.value !== 'string') {
      issues.push(`${at}.${index}.value: must be a string (quote numbers and yes/no/on/off)`);
    }
    return issues;
  });
}

/** Walks a values tree and reports ill-typed resources, images, probes and env lists. */
export function valuesIssues(values: unknown, at = ''): Issue[] {
  if (Array.isArray(values)) return values.flatMap((item, index) => valuesIssues(item, at ? `${at}.${index}` : String(index)));
  if (!isObject(values)) return [];
  return Object.entries(values).flatMap(([key, value]) => {
    const here = at ? `${at}.${key}` : key;
    const own =
      key === 'resources' && isObject(value) ? resourceIssues(value, here)
      : key === 'image' ? imageIssues(value, here)
      : key === 'images' && Array.isArray(value) ? value.flatMap((entry, index) => imageIssues(entry, `${here}.${index}`))
      : PROBE_KEYS.has(key) ? probeIssues(value, here)
      : ENV_KEYS.has(key) ? envIssues(value, here)
      : [];
    return [...own, ...valuesIssues(value, here)];
  });
}
