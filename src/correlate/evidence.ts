/**
 * What links a failing pod to other workloads, gathered by the agent when it builds a report:
 * the Services that select the pod (who depends on it), the endpoints its env and ConfigMaps point
 * at, and the endpoints its logs failed to reach — ClusterIPs mapped back to Service names.
 */
import type { Dependencies } from '../report/schema.js';
import { findConfiguredEndpoints, type Endpoint } from './config-targets.js';
import { isClusterLocalName, isIpAddress, serviceKey, serviceRefFromHost, type ServiceRef } from './hosts.js';
import { findFailedConnections } from './log-targets.js';
import { linkAddressesByConfiguredPort } from './port-links.js';

export interface ServiceInfo {
  name: string;
  namespace: string;
  selector?: Record<string, string>;
  clusterIP?: string;
  /** Accepted as the agent lists them; names and ClusterIPs are what resolve endpoints. */
  ports?: number[];
}

export interface DependencyInput {
  pod: { namespace: string; labels: Record<string, string>; spec: unknown };
  services: ServiceInfo[];
  /** ConfigMap name → its data, for the ConfigMaps the pod uses. */
  configMapData?: Record<string, Record<string, string>>;
  logs?: string;
}

type Outbound = Dependencies['outbound'][number];

/** A Service selects a pod when its (non-empty) selector is a subset of the pod's labels. */
function selects(service: ServiceInfo, namespace: string, labels: Record<string, string>): boolean {
  const selector = Object.entries(service.selector ?? {});
  return service.namespace === namespace && selector.length > 0 && selector.every(([key, value]) => labels[key] === value);
}

interface ContainerEnv {
  container: string;
  env: Array<{ name: string; value: string }>;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Literal env values of every container (valueFrom references are covered by configMapData). */
function literalEnv(spec: unknown): ContainerEnv[] {
  const podSpec = asRecord(spec);
  const containers = [podSpec?.initContainers, podSpec?.containers].flatMap((list) => (Array.isArray(list) ? list : []));
  return containers.flatMap((raw) => {
    const container = asRecord(raw);
    if (!container || !Array.isArray(container.env)) return [];
    const env = container.env
      .map(asRecord)
      .filter((entry): entry is Record<string, unknown> => entry !== null)
      .filter((entry) => typeof entry.name === 'string' && typeof entry.value === 'string' && entry.value !== '')
      .map((entry) => ({ name: entry.name as string, value: entry.value as string }));
    return [{ container: typeof container.name === 'string' ? container.name : '?', env }];
  });
}

class ServiceDirectory {
  private readonly byKey = new Map<string, ServiceInfo>();
  private readonly byClusterIP = new Map<string, ServiceInfo>();
  readonly namespaces = new Set<string>();

  constructor(services: ServiceInfo[], podNamespace: string) {
    this.namespaces.add(podNamespace);
    for (const service of services) {
      this.byKey.set(serviceKey(service), service);
      this.namespaces.add(service.namespace);
      if (service.clusterIP && service.clusterIP !== 'None') this.byClusterIP.set(service.clusterIP, service);
    }
  }

  /** The Service an endpoint designates: by ClusterIP for addresses, by DNS name otherwise. */
  resolve(host: string, podNamespace: string): ServiceRef | null {
    if (isIpAddress(host)) {
      const service = this.byClusterIP.get(host);
      return service ? { name: service.name, namespace: service.namespace } : null;
    }
    return serviceRefFromHost(host, podNamespace, this.namespaces);
  }

  isKnown(ref: ServiceRef | null): boolean {
    return ref !== null && this.byKey.has(serviceKey(ref));
  }
}

/**
 * Configuration may name anything (documentation links, SaaS APIs); only endpoints that can be in
 * this cluster are kept: known Services, their ClusterIPs, `*.svc` names and single-label hosts.
 */
function isInClusterCandidate(endpoint: Endpoint, service: ServiceRef | null, directory: ServiceDirectory): boolean {
  if (directory.isKnown(service)) return true;
  // An unknown Service is still worth naming when spelled like one (`minio`, `x.y.svc`); `localhost` is not.
  return service !== null && (isClusterLocalName(endpoint.host) || !endpoint.host.includes('.'));
}

function configuredOutbound(
  value: string,
  source: 'env' | 'configmap',
  evidence: string,
  namespace: string,
  directory: ServiceDirectory,
): Outbound[] {
  const isKnownService = (host: string) => directory.isKnown(directory.resolve(host, namespace));
  return findConfiguredEndpoints(value, isKnownService).flatMap((endpoint) => {
    const service = directory.resolve(endpoint.host, namespace);
    if (!isInClusterCandidate(endpoint, service, directory)) return [];
    return [{ ...endpoint, host: endpoint.host.toLowerCase(), ...(service ? { service } : {}), source, evidence, failing: false }];
  });
}

function uniqueOutbound(entries: Outbound[]): Outbound[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = `${entry.source}|${entry.host}|${entry.port ?? ''}|${entry.evidence}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function extractDependencies(input: DependencyInput): Dependencies {
  const { namespace, labels } = input.pod;
  const directory = new ServiceDirectory(input.services, namespace);

  const services = input.services
    .filter((service) => selects(service, namespace, labels))
    .map((service) => ({ name: service.name, namespace: service.namespace }));

  const fromEnv = literalEnv(input.pod.spec).flatMap(({ container, env }) =>
    env.flatMap(({ name, value }) => configuredOutbound(value, 'env', `env ${name} of container ${container}`, namespace, directory)),
  );
  const fromConfigMaps = Object.entries(input.configMapData ?? {}).flatMap(([configMap, data]) =>
    Object.entries(data).flatMap(([key, value]) =>
      configuredOutbound(value, 'configmap', `ConfigMap ${configMap} key ${key}`, namespace, directory),
    ),
  );
  const fromLogs: Outbound[] = findFailedConnections(input.logs ?? '').map((connection) => {
    const service = directory.resolve(connection.host, namespace);
    return {
      host: connection.host,
      ...(connection.port !== undefined ? { port: connection.port } : {}),
      ...(service ? { service } : {}),
      source: 'log',
      evidence: connection.line,
      failing: true,
    };
  });

  return linkAddressesByConfiguredPort({ services, outbound: uniqueOutbound([...fromEnv, ...fromConfigMaps, ...fromLogs]) }, namespace);
}
