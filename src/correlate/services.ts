/**
 * Services as the cluster lists them (`kubectl get svc -A -o json`, or the API's list), reduced to
 * what resolves endpoints: name, namespace, selector, ClusterIP and ports. The agent and
 * `kubecure report --services` read them with this one function, so a ClusterIP in a log maps to
 * the same Service whichever built the report.
 */
import type { ServiceInfo } from './evidence.js';

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function stringMap(value: unknown): Record<string, string> | undefined {
  const record = asRecord(value);
  if (!record) return undefined;
  return Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** One Service object, or null when it has no name or namespace to be found by. */
export function serviceInfoFrom(object: unknown): ServiceInfo | null {
  const service = asRecord(object);
  const metadata = asRecord(service?.metadata);
  const spec = asRecord(service?.spec);
  if (typeof metadata?.name !== 'string' || typeof metadata.namespace !== 'string') return null;
  const ports = Array.isArray(spec?.ports)
    ? spec.ports.map((port) => asRecord(port)?.port).filter((port): port is number => typeof port === 'number')
    : [];
  const selector = stringMap(spec?.selector);
  return {
    name: metadata.name,
    namespace: metadata.namespace,
    ...(selector ? { selector } : {}),
    ...(typeof spec?.clusterIP === 'string' ? { clusterIP: spec.clusterIP } : {}),
    ports,
  };
}

export class ServiceListError extends Error {}

/**
 * The Services of a `kind: List`/`ServiceList` or a single Service. Items without a name or
 * namespace are skipped (the count is returned so the caller can say so); anything that is not a
 * Service list is an error naming the field.
 */
export function servicesFromList(json: unknown): { services: ServiceInfo[]; skipped: number } {
  const root = asRecord(json);
  if (!root) throw new ServiceListError('expected a Service or a list of Services (kubectl get svc -A -o json), got no object');
  if (root.kind === 'Service') {
    const service = serviceInfoFrom(root);
    if (!service) throw new ServiceListError('metadata.name and metadata.namespace are required');
    return { services: [service], skipped: 0 };
  }
  if (!Array.isArray(root.items)) throw new ServiceListError(`items: expected the list of Services kubectl prints, got ${root.items === undefined ? 'nothing' : typeof root.items}`);
  const services: ServiceInfo[] = [];
  let skipped = 0;
  for (const item of root.items) {
    const kind = asRecord(item)?.kind;
    const service = kind === undefined || kind === 'Service' ? serviceInfoFrom(item) : null;
    if (service) services.push(service);
    else skipped++;
  }
  return { services, skipped };
}
