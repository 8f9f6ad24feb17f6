import { describe, expect, it } from 'vitest';
import { extractDependencies, type ServiceInfo } from '../../src/correlate/evidence.js';

const services: ServiceInfo[] = [
  { name: 'api', namespace: 'shop', selector: { app: 'api' }, clusterIP: '10.96.14.7', ports: [8080] },
  { name: 'api-metrics', namespace: 'shop', selector: { app: 'api', tier: 'backend' }, clusterIP: '10.96.14.8', ports: [9090] },
  { name: 'frontend', namespace: 'shop', selector: { app: 'frontend' }, clusterIP: '10.96.14.9', ports: [80] },
  { name: 'redis', namespace: 'cache', selector: { 'app.kubernetes.io/name': 'redis' }, clusterIP: '10.96.0.12', ports: [6379] },
  { name: 'db', namespace: 'shop', selector: { app: 'postgres' }, clusterIP: '10.96.3.3', ports: [5432] },
  { name: 'external-db', namespace: 'shop' },
  { name: 'api', namespace: 'staging', selector: { app: 'api' }, clusterIP: '10.96.99.1' },
];

function podWithEnv(env: Record<string, string>, labels: Record<string, string> = { app: 'frontend' }) {
  return {
    namespace: 'shop',
    labels,
    spec: { containers: [{ name: 'web', env: Object.entries(env).map(([name, value]) => ({ name, value })) }] },
  };
}

describe('extractDependencies', () => {
  it('lists the Services whose selector matches the pod, in its own namespace only', () => {
    const deps = extractDependencies({ pod: podWithEnv({}, { app: 'api', tier: 'backend', 'pod-template-hash': 'x' }), services });
    expect(deps.services).toEqual([
      { name: 'api', namespace: 'shop' },
      { name: 'api-metrics', namespace: 'shop' },
    ]);
  });

  it('ignores Services without a selector, which select no pod', () => {
    const deps = extractDependencies({ pod: podWithEnv({}, {}), services });
    expect(deps.services).toEqual([]);
  });

  it('reads Service host names and URLs out of env values, in every spelling', () => {
    const deps = extractDependencies({
      pod: podWithEnv({
        REDIS_ADDR: 'redis.cache:6379',
        API_URL: 'http://api.shop.svc.cluster.local:8080/v1',
        DATABASE_URL: 'postgres://db:5432/shop?sslmode=disable',
        CACHE_HOST: 'redis.cache.svc',
        API_HOST: 'api',
        LOG_LEVEL: 'info',
        NODE_ENV: 'production',
      }),
      services,
    });
    const targets = deps.outbound.map((t) => `${t.service?.namespace}/${t.service?.name}:${t.port ?? ''} ${t.evidence}`);
    expect(targets).toEqual([
      'cache/redis:6379 env REDIS_ADDR of container web',
      'shop/api:8080 env API_URL of container web',
      'shop/db:5432 env DATABASE_URL of container web',
      'cache/redis: env CACHE_HOST of container web',
      'shop/api: env API_HOST of container web',
    ]);
    expect(deps.outbound.every((target) => target.source === 'env' && target.failing === false)).toBe(true);
  });

  it('never keeps credentials from URLs', () => {
    const deps = extractDependencies({
      pod: podWithEnv({ DATABASE_URL: 'postgres://shop:hunter2@db:5432/shop' }),
      services,
      logs: 'FATAL: could not connect to postgres://shop:hunter2@db:5432/shop: connection refused',
    });
    expect(JSON.stringify(deps)).not.toContain('hunter2');
    expect(deps.outbound.map((t) => t.service?.name)).toEqual(['db', 'db']);
    expect(deps.outbound[1]!.evidence).toBe('FATAL: could not connect to postgres://db:5432/shop: connection refused');
  });

  it('leaves out external hosts and image-like values from configuration', () => {
    const deps = extractDependencies({
      pod: podWithEnv({
        STRIPE_API: 'https://api.stripe.com/v1',
        DOCS: 'see https://example.com/docs',
        BASE_IMAGE: 'postgres:16',
        TIME: '12:30',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4317',
        UNMAPPED: '10.20.30.40:9000',
      }),
      services,
    });
    expect(deps.outbound).toEqual([]);
  });

  it('names Services it was not told about when the value is spelled like one', () => {
    const deps = extractDependencies({ pod: podWithEnv({ S3_ENDPOINT: 'http://minio:9000', VAULT_ADDR: 'https://vault.vault.svc:8200' }), services });
    expect(deps.outbound.map((t) => t.service)).toEqual([
      { name: 'minio', namespace: 'shop' },
      { name: 'vault', namespace: 'vault' },
    ]);
  });

  it('reads targets from the ConfigMaps the pod uses, whole files included', () => {
    const deps = extractDependencies({
      pod: podWithEnv({}),
      services,
      configMapData: {
        'frontend-config': {
          'application.properties': 'spring.redis.host=redis.cache\nspring.redis.port=6379\nserver.port=8080\n',
          UPSTREAM: 'api:8080',
        },
      },
    });
    expect(deps.outbound.map((t) => [t.service?.name, t.source, t.evidence])).toEqual([
      ['redis', 'configmap', 'ConfigMap frontend-config key application.properties'],
      ['api', 'configmap', 'ConfigMap frontend-config key UPSTREAM'],
    ]);
  });

  it('maps the ClusterIPs of failed connections in the logs back to Service names', () => {
    const deps = extractDependencies({
      pod: podWithEnv({}),
      services,
      logs: [
        '2026-11-21T14:02:01Z INFO starting',
        '2026-11-21T14:02:02Z ERROR dial tcp 10.96.0.12:6379: connect: connection refused',
        'Error: connect ECONNREFUSED 10.96.14.7:8080',
      ].join('\n'),
    });
    expect(deps.outbound).toEqual([
      {
        host: '10.96.0.12',
        port: 6379,
        service: { name: 'redis', namespace: 'cache' },
        source: 'log',
        evidence: '2026-11-21T14:02:02Z ERROR dial tcp 10.96.0.12:6379: connect: connection refused',
        failing: true,
      },
      {
        host: '10.96.14.7',
        port: 8080,
        service: { name: 'api', namespace: 'shop' },
        source: 'log',
        evidence: 'Error: connect ECONNREFUSED 10.96.14.7:8080',
        failing: true,
      },
    ]);
  });

  it('keeps failed connections to addresses it cannot map, without a Service', () => {
    const deps = extractDependencies({ pod: podWithEnv({}), services, logs: 'dial tcp 10.1.2.3:9000: i/o timeout' });
    expect(deps.outbound).toEqual([{ host: '10.1.2.3', port: 9000, source: 'log', evidence: 'dial tcp 10.1.2.3:9000: i/o timeout', failing: true }]);
  });

  it('accepts a pod spec of any shape without throwing', () => {
    for (const spec of [null, 'x', { containers: 'nope' }, { containers: [null, { env: [{ name: 1 }] }] }]) {
      expect(extractDependencies({ pod: { namespace: 'shop', labels: {}, spec }, services })).toEqual({ services: [], outbound: [] });
    }
  });
});
