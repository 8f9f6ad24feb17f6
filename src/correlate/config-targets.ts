/**
 * Finding the endpoints a configuration value points at: URLs (`postgres://db:5432/app`,
 * `mongodb://a:27017,b:27017`), `host:port` pairs (`redis:6379`) and bare host names
 * (`redis`, `redis.cache`). Values are arbitrary text — flags, JSON, whole `application.properties`
 * files — so a bare word only counts when it is a Service we know of or spelled like one.
 */
import { isClusterLocalName } from './hosts.js';

export interface Endpoint {
  host: string;
  port?: number;
}

const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/?#'"`<>]+)/gi;
const IPV6_AUTHORITY = /^\[([0-9a-f:.]+)\](?::(\d+))?$/i;
/** `host:port` outside URLs; the look-arounds keep it from matching inside longer tokens. */
const HOST_PORT_PATTERN = /(?<![\w.:/@-])((?:[a-z][a-z0-9-]*)(?:\.[a-z0-9-]+)*|\d{1,3}(?:\.\d{1,3}){3}):(\d{2,5})(?!\w|\.\w)/gi;
const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;
/** `key=value`, `key: value` and `key = "value"` lines in properties, YAML or .env text. */
const ASSIGNMENT_VALUE = /^\s*[\w.\-[\]]+\s*[:=]\s*["']?([^\s"'#]+)["']?\s*$/;

/**
 * Ports below 80 are left out on purpose: `postgres:16`, `node:20` and `mysql:8` are image tags,
 * not endpoints, and no workload we would correlate listens on them.
 */
function parsePort(text: string | undefined): number | undefined | null {
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  return Number.isInteger(port) && port >= 80 && port <= 65_535 ? port : null;
}

function endpointFromAuthority(authority: string): Endpoint | null {
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const ipv6 = IPV6_AUTHORITY.exec(hostPort);
  if (ipv6) return { host: ipv6[1]!, port: Number(ipv6[2]) || undefined };
  const [host = '', portText] = hostPort.split(':');
  if (!HOST_NAME.test(host)) return null;
  const port = Number(portText);
  return Number.isInteger(port) && port > 0 && port <= 65_535 ? { host, port } : { host };
}

function urlEndpoints(text: string): Endpoint[] {
  const found: Endpoint[] = [];
  for (const match of text.matchAll(URL_PATTERN)) {
    // `mongodb://a:27017,b:27017/db` names several hosts in one authority.
    for (const authority of match[1]!.split(',')) {
      const endpoint = endpointFromAuthority(authority);
      if (endpoint) found.push(endpoint);
    }
  }
  return found;
}

function hostPortEndpoints(text: string): Endpoint[] {
  const found: Endpoint[] = [];
  for (const match of text.matchAll(HOST_PORT_PATTERN)) {
    const port = parsePort(match[2]);
    if (typeof port === 'number') found.push({ host: match[1]!, port });
  }
  return found;
}

function bareHostEndpoints(text: string, isKnownService: (host: string) => boolean): Endpoint[] {
  const found: Endpoint[] = [];
  for (const line of text.split('\n')) {
    const candidate = (ASSIGNMENT_VALUE.exec(line)?.[1] ?? line).trim();
    if (!HOST_NAME.test(candidate)) continue;
    if (isClusterLocalName(candidate) || isKnownService(candidate)) found.push({ host: candidate });
  }
  return found;
}

/** Every endpoint named in a value, each host:port once. */
export function findConfiguredEndpoints(value: string, isKnownService: (host: string) => boolean): Endpoint[] {
  const withoutUrls = value.replace(URL_PATTERN, ' ');
  const all = [...urlEndpoints(value), ...hostPortEndpoints(withoutUrls), ...bareHostEndpoints(withoutUrls, isKnownService)];
  const seen = new Set<string>();
  return all.filter((endpoint) => {
    const key = `${endpoint.host.toLowerCase()}:${endpoint.port ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
