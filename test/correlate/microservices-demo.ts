/**
 * Reports of the microservices-demo shop as the agent (or `kubecure report --services`) builds them:
 * real pod env, real log lines, dependencies extracted by the same code from the cluster's Services.
 * `withServices: false` is a report built without the Service list (ClusterIPs unknown).
 */
import { extractDependencies, type ServiceInfo } from '../../src/correlate/evidence.js';
import type { FailureReport } from '../../src/report/schema.js';
import { parseOrThrow } from './reports.js';

export const CLUSTER = 'prod-eu-west-1';
export const NAMESPACE = 'shop';
export const STACKEXCHANGE_REDIS_LINE =
  'StackExchange.Redis.RedisConnectionException: It was not possible to connect to the redis server(s). UnableToConnect on redis-cart:6379/Interactive, Initializing/NotStarted, last: NONE, origin: BeginConnectAsync, outstanding: 0, last-read: 0s ago, last-write: 0s ago, keep-alive: 60s, state: Connecting, mgr: 10 of 10 available, last-heartbeat: never, global: 0s ago, v: 2.2.4.27433';
export const GRPC_DIAL_LINE =
  'failed to get cart: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.96.12.34:7070: connect: connection refused"';

export const SERVICES: ServiceInfo[] = [
  { name: 'redis-cart', namespace: NAMESPACE, selector: { app: 'redis-cart' }, clusterIP: '10.96.44.2', ports: [6379] },
  { name: 'cartservice', namespace: NAMESPACE, selector: { app: 'cartservice' }, clusterIP: '10.96.12.34', ports: [7070] },
  { name: 'frontend', namespace: NAMESPACE, selector: { app: 'frontend' }, clusterIP: '10.96.20.1', ports: [80] },
  { name: 'adservice', namespace: NAMESPACE, selector: { app: 'adservice' }, clusterIP: '10.96.30.9', ports: [9555] },
  { name: 'productcatalogservice', namespace: NAMESPACE, selector: { app: 'productcatalogservice' }, clusterIP: '10.96.31.4', ports: [3550] },
];

interface Workload {
  name: string;
  image: string;
  env?: Record<string, string>;
  failure: FailureReport['failure'];
  previous?: string;
  current?: string;
  observedAt?: string;
}

function report(workload: Workload, withServices: boolean): FailureReport {
  const labels = { app: workload.name, 'pod-template-hash': '7d9f8c6b5' };
  const spec = {
    containers: [
      {
        name: workload.failure.container ?? workload.name,
        image: workload.image,
        env: Object.entries(workload.env ?? {}).map(([name, value]) => ({ name, value })),
        resources: { limits: { memory: '256Mi' }, requests: { memory: '128Mi', cpu: '100m' } },
      },
    ],
  };
  const logs = [workload.previous, workload.current].filter(Boolean).join('\n');
  const dependencies = extractDependencies({ pod: { namespace: NAMESPACE, labels, spec }, services: withServices ? SERVICES : [], logs });
  return parseOrThrow({
    apiVersion: 'kubecure.dev/v1',
    kind: 'FailureReport',
    cluster: CLUSTER,
    observedAt: workload.observedAt ?? '2026-11-22T00:06:00Z',
    failure: workload.failure,
    pod: { name: `${workload.name}-7d9f8c6b5-x2x9q`, namespace: NAMESPACE, labels, spec, status: {} },
    workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: workload.name, namespace: NAMESPACE },
    ownerChain: [],
    logs: { ...(workload.previous ? { previous: workload.previous } : {}), ...(workload.current ? { current: workload.current } : {}), truncated: false },
    events: [],
    dependencies,
  });
}

export function redisCart(options: { withServices?: boolean } = {}): FailureReport {
  return report(
    {
      name: 'redis-cart',
      image: 'redis:7.2-alpine',
      failure: { category: 'OOMKilled', reason: 'OOMKilled', message: 'container redis was OOMKilled', container: 'redis', restartCount: 4, exitCode: 137 },
      previous: '1:M 22 Nov 2026 00:05:58.101 * Background saving started by pid 27\n',
    },
    options.withServices ?? true,
  );
}

export function cartservice(options: { withServices?: boolean } = {}): FailureReport {
  return report(
    {
      name: 'cartservice',
      image: 'gcr.io/google-samples/microservices-demo/cartservice:v0.10.1',
      env: { REDIS_ADDR: 'redis-cart:6379' },
      failure: { category: 'ProbeFailure', reason: 'Unhealthy', message: 'Liveness probe failed: timeout: failed to connect service ":7070" within 1s', container: 'server', restartCount: 3, exitCode: 137 },
      previous: `Checking cart service health\n${STACKEXCHANGE_REDIS_LINE}\n   at StackExchange.Redis.ConnectionMultiplexer.ConnectImpl(ConfigurationOptions configuration, TextWriter log)\n`,
    },
    options.withServices ?? true,
  );
}

export function frontend(options: { withServices?: boolean } = {}): FailureReport {
  return report(
    {
      name: 'frontend',
      image: 'gcr.io/google-samples/microservices-demo/frontend:v0.10.1',
      env: { CART_SERVICE_ADDR: 'cartservice:7070', AD_SERVICE_ADDR: 'adservice:9555', PRODUCT_CATALOG_SERVICE_ADDR: 'productcatalogservice:3550' },
      failure: { category: 'CrashLoopBackOff', reason: 'Error', message: 'back-off 40s restarting failed container', container: 'server', restartCount: 5, exitCode: 2 },
      previous: `{"message":"starting server on :8080","severity":"info"}\n{"message":"${GRPC_DIAL_LINE.replace(/"/g, '\\"')}","severity":"error"}\npanic: could not retrieve cart\n`,
    },
    options.withServices ?? true,
  );
}

/** A failure of its own, in the same window, that nothing depends on through a failed connection. */
export function adserviceOom(): FailureReport {
  return report(
    {
      name: 'adservice',
      image: 'gcr.io/google-samples/microservices-demo/adservice:v0.10.1',
      failure: { category: 'OOMKilled', reason: 'OOMKilled', message: 'container server was OOMKilled', container: 'server', restartCount: 2, exitCode: 137 },
      previous: 'INFO AdService starting\n',
      observedAt: '2026-11-22T00:05:30Z',
    },
    true,
  );
}
