/**
 * Naming the Service behind a failed connection to a bare address. `dial tcp 10.96.12.34:7070`
 * names no Service when the ClusterIP is unknown (a report built without the cluster's Services),
 * but when the workload's own configuration points at exactly one Service on port 7070
 * (`CART_SERVICE_ADDR=cartservice:7070`), that Service is the one it failed to reach. Two
 * configured Services on the port leave the address unresolved: a guess is not evidence.
 */
import type { Dependencies } from '../report/schema.js';
import { isIpAddress, serviceKey, serviceRefFromHost, type ServiceRef } from './hosts.js';

type Outbound = Dependencies['outbound'][number];

function configuredServicesByPort(outbound: Outbound[], namespace: string): Map<number, Map<string, ServiceRef>> {
  const byPort = new Map<number, Map<string, ServiceRef>>();
  for (const target of outbound) {
    if (target.failing || target.port === undefined) continue;
    const service = target.service ?? serviceRefFromHost(target.host, namespace);
    if (!service) continue;
    const services = byPort.get(target.port) ?? new Map<string, ServiceRef>();
    services.set(serviceKey(service), service);
    byPort.set(target.port, services);
  }
  return byPort;
}

/** The dependencies with each failed connection to an unmapped address tied to its only configured Service on that port. */
export function linkAddressesByConfiguredPort(dependencies: Dependencies, namespace: string): Dependencies {
  const unresolved = (target: Outbound) => target.failing && !target.service && target.port !== undefined && isIpAddress(target.host);
  if (!dependencies.outbound.some(unresolved)) return dependencies;
  const byPort = configuredServicesByPort(dependencies.outbound, namespace);
  const outbound = dependencies.outbound.map((target) => {
    if (!unresolved(target)) return target;
    const candidates = [...(byPort.get(target.port!)?.values() ?? [])];
    return candidates.length === 1 ? { ...target, service: candidates[0]! } : target;
  });
  return { ...dependencies, outbound };
}
