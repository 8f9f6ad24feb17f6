/**
 * Finding failed connections in log tails and the endpoint each one was aimed at. A line counts
 * when it carries a connection-failure signature (refused, timed out, name not resolved, TLS
 * handshake failed, upstream 5xx) as client libraries print them — Redis, PostgreSQL, MySQL, gRPC,
 * HTTP, Kafka, AMQP and MongoDB clients of Go, Node.js, Python, Java and .NET, curl, nginx, Envoy;
 * test/correlate/connection-failures.corpus.ts holds the shapes this is built from. The endpoint
 * comes from the library's own phrasing first (`lookup redis on …`, `getaddrinfo ENOTFOUND redis`,
 * `redis/10.96.0.12:6379`, `host='api', port=8080`, `UnableToConnect on redis:6379/Interactive`),
 * then from any URL or `host:port` on the line.
 */
import { findConfiguredEndpoints, type Endpoint } from './config-targets.js';
import { stripCredentials } from './hosts.js';

export interface FailedConnection extends Endpoint {
  /** The log line, credentials removed and shortened. */
  line: string;
}

const CONNECTION_FAILURE_SIGNATURES: RegExp[] = [
  /connection refused|\bconnection to \S+ refused/i,
  /\bE(?:CONNREFUSED|NOTFOUND|AI_AGAIN|TIMEDOUT|HOSTUNREACH|CONNRESET)\b/,
  /no such host|server misbehaving|\bNXDOMAIN\b|name resolution failed|DNS resolution failed|could not resolve host|unable to resolve host/i,
  /i\/o timeout/i,
  /name or service not known|temporary failure in name resolution|nodename nor servname|could not translate host name|unknown MySQL server host/i,
  /(?:Unknown ?Host|Connect|SocketTimeout|NoRouteToHost|SocketOpen)Exception/,
  /connect(?:ion)? timed out|timed out (?:while )?connecting|connection timeout|timeout connecting to|waiting to connect/i,
  /(?:could not|unable to|failed to|cannot|can't|not possible to) connect|failed connecting to|error \S+ connecting to|\b(?:UnableToConnect|ConnectTimeout) on /i,
  /connection reset by peer|host is unreachable|no route to host|network is unreachable/i,
  /communications link failure|could not be established|none of the specified endpoints were reachable|connect call failed|connection attempt failed|dial error/i,
  /\b50[234]\b.{0,40}\bupstream\b|\bupstream\b.{0,60}\b50[234]\b/i,
  /no healthy upstream|upstream connect error|no live upstreams|connect\(\) failed/i,
  /NewConnectionError|Max retries exceeded|server selection (?:error|timeout)|ServerSelection|selecting a server/i,
  // TLS failures of outgoing connections; `TLS handshake error from <client>` is a server's own log and stays out.
  /tls: handshake failure|SSLHandshakeException|terminated the handshake|before secure TLS connection was established|SSL_connect|\bSSLError\b/i,
];

/** Runtime-specific phrasings that name the endpoint more precisely than a generic scan. */
const SPECIFIC_ENDPOINTS: Array<{ pattern: RegExp; host: number; port?: number }> = [
  // Go: `dial tcp: lookup redis on 10.96.0.10:53: no such host` (the `on …:53` is the resolver).
  { pattern: /\blookup ([a-z0-9][a-z0-9.-]*?)(?: on \S+)?: /gi, host: 1 },
  // Node.js: `getaddrinfo ENOTFOUND redis`.
  { pattern: /\bgetaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([a-z0-9][a-z0-9.-]*)/gi, host: 1 },
  // Java: `java.net.UnknownHostException: redis`, `UnknownHostException: redis: Name or service not known`.
  { pattern: /UnknownHostException: ([a-z0-9][a-z0-9.-]*[a-z0-9])/gi, host: 1 },
  // Netty/Lettuce/OkHttp/Kafka: `Connection refused: redis/10.96.0.12:6379`, `redis/<unresolved>:6379`.
  { pattern: /(?<![\w/])([a-z][a-z0-9.-]*)\/(?:<unresolved>|[\d.]+):(\d+)/gi, host: 1, port: 2 },
  // MongoDB .NET driver: `EndPoint: "Unspecified/mongo:27017"`.
  { pattern: /\bUnspecified\/([a-z][a-z0-9.-]*):(\d+)/gi, host: 1, port: 2 },
  // Python urllib3/requests: `HTTPConnectionPool(host='api', port=8080)`.
  { pattern: /host=['"]([^'"]+)['"],\s*port=(\d+)/gi, host: 1, port: 2 },
  // Python asyncio/pika: `Connect call failed ('10.96.5.5', 8080)`, `('10.96.6.6', 5672)`.
  { pattern: /\('(\d{1,3}(?:\.\d{1,3}){3})', (\d+)\)/g, host: 1, port: 2 },
  // libpq: `connection to server at "db" (10.96.0.5), port 5432 failed`, `on host "db" … on port 5432`.
  { pattern: /(?:server at|on host) "([^"]+)"(?: \([^)]*\))?,?[^"]*?port (\d+)/gi, host: 1, port: 2 },
  // libpq: `could not translate host name "db" to address`.
  { pattern: /host name "([^"]+)"/gi, host: 1 },
  // pgx: `host=db user=app` (connection string) and `10.96.3.3:5432 (db): dial error`.
  { pattern: /\bhost=([a-z0-9][a-z0-9.-]*)(?=[\s`'"])/gi, host: 1 },
  { pattern: /\b\d{1,3}(?:\.\d{1,3}){3}:(\d+) \(([a-z][a-z0-9.-]*)\)/gi, host: 2, port: 1 },
  // MySQL: `Can't connect to MySQL server on 'db:3306'`, `Unknown MySQL server host 'db'`.
  { pattern: /MySQL server (?:on|host) '([a-z0-9][a-z0-9.-]*)(?::(\d+))?'/gi, host: 1, port: 2 },
  // gRPC: `ipv4:10.96.12.34:7070`, `dns:cartservice:7070`, `dns:///cartservice:7070`.
  { pattern: /\b(?:ipv4|dns):(?:\/\/\/)?([a-z0-9][a-z0-9.-]*):(\d+)/gi, host: 1, port: 2 },
  // grpc-java and curl: `Unable to resolve host cartservice`, `Could not resolve host: payments`.
  { pattern: /resolve host:? ([a-z0-9][a-z0-9.-]*[a-z0-9])/gi, host: 1 },
  // curl: `Failed to connect to payments port 8080`.
  { pattern: /connect to ([a-z0-9][a-z0-9.-]*) port (\d+)/gi, host: 1, port: 2 },
  // nslookup: `server can't find payments: NXDOMAIN`.
  { pattern: /can't find ([a-z0-9][a-z0-9.-]*[a-z0-9]): NXDOMAIN/gi, host: 1 },
];

const MAX_LINE_CHARS = 300;
const MAX_ENDPOINTS = 20;

/** All signatures in one pass: most log lines are not failures, and this is their whole cost. */
const ANY_CONNECTION_FAILURE = new RegExp(CONNECTION_FAILURE_SIGNATURES.map((signature) => `(?:${signature.source})`).join('|'), 'i');

function isConnectionFailure(line: string): boolean {
  return ANY_CONNECTION_FAILURE.test(line);
}

function shorten(line: string): string {
  const clean = stripCredentials(line.trim());
  return clean.length <= MAX_LINE_CHARS ? clean : `${clean.slice(0, MAX_LINE_CHARS - 1)}…`;
}

function endpointsOnLine(line: string): Endpoint[] {
  const found: Endpoint[] = [];
  let rest = line;
  for (const { pattern, host, port } of SPECIFIC_ENDPOINTS) {
    for (const match of line.matchAll(pattern)) {
      const portNumber = port === undefined || match[port] === undefined ? undefined : Number(match[port]);
      found.push({ host: match[host]!, port: portNumber });
      rest = rest.replace(match[0], ' ');
    }
  }
  // Bare words never count here: a log line is prose, not a configuration value.
  return [...found, ...findConfiguredEndpoints(rest, () => false)];
}

/**
 * The endpoints of failed connections in a log tail, each once, with the last line that names it
 * (the most recent failure is the most telling).
 */
export function findFailedConnections(logs: string): FailedConnection[] {
  const byEndpoint = new Map<string, FailedConnection>();
  for (const line of logs.split('\n')) {
    if (!isConnectionFailure(line)) continue;
    for (const endpoint of endpointsOnLine(line)) {
      const key = `${endpoint.host.toLowerCase()}:${endpoint.port ?? ''}`;
      if (!byEndpoint.has(key) && byEndpoint.size >= MAX_ENDPOINTS) continue;
      byEndpoint.set(key, { ...endpoint, host: endpoint.host.toLowerCase(), line: shorten(line) });
    }
  }
  return [...byEndpoint.values()];
}
