import { describe, expect, it } from 'vitest';
import { findFailedConnections } from '../../src/correlate/log-targets.js';

const endpoints = (logs: string) => findFailedConnections(logs).map((c) => `${c.host}${c.port ? `:${c.port}` : ''}`);

describe('findFailedConnections', () => {
  it.each([
    ['Go connection refused', 'dial tcp 10.96.0.12:6379: connect: connection refused', ['10.96.0.12:6379']],
    ['Go i/o timeout', 'error: dial tcp 10.96.0.12:5432: i/o timeout', ['10.96.0.12:5432']],
    ['Go DNS failure, resolver excluded', 'dial tcp: lookup redis on 10.96.0.10:53: no such host', ['redis']],
    ['Go DNS failure with FQDN', 'dial tcp: lookup redis.cache.svc.cluster.local: no such host', ['redis.cache.svc.cluster.local']],
    ['Node ECONNREFUSED', 'Error: connect ECONNREFUSED 10.96.0.12:6379', ['10.96.0.12:6379']],
    ['Node ENOTFOUND', 'Error: getaddrinfo ENOTFOUND redis', ['redis']],
    ['Node EAI_AGAIN', 'getaddrinfo EAI_AGAIN api.shop.svc.cluster.local', ['api.shop.svc.cluster.local']],
    ['Node ETIMEDOUT', 'Error: connect ETIMEDOUT 10.96.3.3:5432', ['10.96.3.3:5432']],
    [
      'Python requests',
      "requests.exceptions.ConnectionError: HTTPConnectionPool(host='api', port=8080): Max retries exceeded with url: /v1 (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))",
      ['api:8080'],
    ],
    ['Python redis', 'redis.exceptions.ConnectionError: Error 111 connecting to redis:6379. Connection refused.', ['redis:6379']],
    ['Python DNS', 'redis.exceptions.ConnectionError: Error -2 connecting to redis:6379. Name or service not known.', ['redis:6379']],
    [
      'libpq',
      'psycopg2.OperationalError: connection to server at "db" (10.96.3.3), port 5432 failed: Connection refused',
      ['db:5432'],
    ],
    ['Java UnknownHostException', 'java.net.UnknownHostException: redis: Name or service not known', ['redis']],
    [
      'Netty via Lettuce',
      'io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused: redis/10.96.0.12:6379',
      ['redis:6379'],
    ],
    ['Lettuce unresolved', 'RedisConnectionException: Unable to connect to redis/<unresolved>:6379', ['redis:6379']],
    ['Spring', 'I/O error on GET request for "http://payments:8080/health": Connection refused', ['payments:8080']],
    [
      'nginx',
      '2026/11/21 14:03:01 [error] 29#29: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.5, server: _, request: "GET / HTTP/1.1", upstream: "http://10.96.14.7:8080/", host: "shop.example.com"',
      ['10.96.14.7:8080'],
    ],
    ['Envoy 503', 'upstream connect error or disconnect/reset before headers. reset reason: connection failure, cluster: api.shop.svc.cluster.local:8080', ['api.shop.svc.cluster.local:8080']],
    ['503 from upstream', 'proxy: got 503 from upstream http://api:8080/catalog', ['api:8080']],
  ])('finds the endpoint in a %s line', (_runtime, line, expected) => {
    expect(endpoints(line)).toEqual(expected);
  });

  it('ignores lines that are not connection failures, even when they name endpoints', () => {
    expect(endpoints('listening on 0.0.0.0:8080\nconnected to redis:6379\nGET http://api:8080/health 200')).toEqual([]);
  });

  it('reports each endpoint once, with the most recent line that names it', () => {
    const found = findFailedConnections('t=1 dial tcp 10.96.0.12:6379: connect: connection refused\nt=2 dial tcp 10.96.0.12:6379: connect: connection refused');
    expect(found).toEqual([{ host: '10.96.0.12', port: 6379, line: 't=2 dial tcp 10.96.0.12:6379: connect: connection refused' }]);
  });

  it('shortens very long lines', () => {
    const [found] = findFailedConnections(`ECONNREFUSED 10.96.0.12:6379 ${'x'.repeat(1000)}`);
    expect(found!.line.length).toBeLessThanOrEqual(300);
  });
});
