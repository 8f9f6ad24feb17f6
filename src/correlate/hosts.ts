/**
 * Reading Kubernetes Service names out of host names. In-cluster DNS gives a Service several
 * spellings — `redis`, `redis.cache`, `redis.cache.svc`, `redis.cache.svc.cluster.local` — and a
 * StatefulSet pod behind a headless Service one more (`redis-0.redis.cache.svc.cluster.local`).
 * Anything else with dots is treated as outside the cluster.
 */

export interface ServiceRef {
  name: string;
  namespace: string;
}

/** A DNS-1035 label, the shape every Service name has. */
const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A DNS-1123 label, the shape every namespace name has. */
const NAMESPACE_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function isIpAddress(host: string): boolean {
  return IPV4.test(host) || host.includes(':');
}

export function serviceKey(ref: ServiceRef): string {
  return `${ref.namespace}/${ref.name}`;
}

/** Hosts that name the pod itself or the node, never another workload. */
const LOCAL_HOSTS = new Set(['localhost', 'kubernetes', 'kubernetes.default']);

/**
 * The Service a host name designates, resolved as the pod's resolver would (`redis` is looked up in
 * the pod's own namespace), or null when the host is an IP, external, or not a Service name.
 * `knownNamespaces` decides the ambiguous two-label form: `redis.cache` is a Service only when
 * `cache` is a namespace we know of (otherwise it reads like `example.com`).
 */
export function serviceRefFromHost(
  rawHost: string,
  podNamespace: string,
  knownNamespaces?: ReadonlySet<string>,
): ServiceRef | null {
  const host = rawHost.toLowerCase().replace(/\.$/, '');
  if (host === '' || isIpAddress(host) || LOCAL_HOSTS.has(host)) return null;
  const labels = host.split('.');
  const svcIndex = labels.indexOf('svc');
  if (svcIndex >= 2) {
    const name = labels[svcIndex - 2]!;
    const namespace = labels[svcIndex - 1]!;
    return DNS_LABEL.test(name) && NAMESPACE_LABEL.test(namespace) ? { name, namespace } : null;
  }
  if (labels.length === 1) return DNS_LABEL.test(host) ? { name: host, namespace: podNamespace } : null;
  if (labels.length === 2) {
    const [name, namespace] = labels as [string, string];
    if (!DNS_LABEL.test(name) || !knownNamespaces?.has(namespace)) return null;
    return { name, namespace };
  }
  return null;
}

/** Whether a host is spelled the way only in-cluster names are (`x.y.svc…`), even if unknown to us. */
export function isClusterLocalName(host: string): boolean {
  return /(^|\.)[a-z0-9-]+\.[a-z0-9-]+\.svc(\.|$)/i.test(host);
}

/** Removes `user:password@` from every URL in a text, so evidence never carries credentials. */
export function stripCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]+@/gi, '$1');
}
