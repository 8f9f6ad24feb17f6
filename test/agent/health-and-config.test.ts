import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { refreshGauges } from '../../agent/agent.js';
import { createMetrics } from '../../agent/serve/metrics.js';
import { CONFIG_DEFAULTS, ConfigError, loadConfig } from '../../agent/config.js';
import { makeKubeConfig, SERVICE_ACCOUNT_DIR } from '../../agent/kubeconfig.js';
import { ListenError, startHealthServer } from '../../agent/serve/health-server.js';
import { slimPod } from '../../agent/watch/slim-pod.js';
import { classifyPod } from '../../src/report/classify.js';
import { crashLooping, makePod } from '../support/fake-kube/objects.js';
import { startHarness, type Harness } from './harness.js';

describe('health, readiness and metrics endpoints', () => {
  let harness: Harness | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    await harness?.stop();
    harness = undefined;
  });

  it('is live at once, ready after the first list, and exposes watch, cache and outbox metrics', async () => {
    harness = await startHarness({ start: false, seed: (api) => api.upsertPod(makePod({ name: 'web-1', deployment: 'web' })) });
    const { agent } = harness;
    const server = await startHealthServer({ port: 0, host: '127.0.0.1', isReady: () => agent.isReady(), registry: agent.metrics.registry, beforeScrape: () => refreshGauges(agent) });
    close = server.close;
    const base = `http://127.0.0.1:${server.port}`;

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    agent.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('kubecure_agent_pods_cached 1');
    expect(metrics).toContain('kubecure_agent_outbox_depth 0');
    for (const name of ['kubecure_agent_watch_restarts_total', 'kubecure_agent_reports_sent_total', 'kubecure_agent_reports_failed_total', 'kubecure_agent_reports_dropped_total']) {
      expect(metrics).toContain(`# TYPE ${name} counter`);
    }
  });
});

describe('the health server address', () => {
  it('binds the configured address and turns a taken port into an error naming the variables', async () => {
    const first = await startHealthServer({ port: 0, host: '127.0.0.1', isReady: () => true, registry: createMetrics().registry });
    try {
      expect((first.server.address() as { address: string }).address).toBe('127.0.0.1');
      const second = startHealthServer({ port: first.port, host: '127.0.0.1', isReady: () => true, registry: createMetrics().registry });
      await expect(second).rejects.toThrow(ListenError);
      await expect(second).rejects.toThrow(/KUBECURE_BIND_ADDRESS, KUBECURE_PORT.*already in use/);
    } finally {
      await first.close();
    }
  });
});

describe('configuration from the environment', () => {
  const required = { KUBECURE_CLUSTER: 'prod-eu', KUBECURE_APP_URL: 'https://kubecure.example.com/', KUBECURE_CLUSTER_SECRET: 's3cret-s3cret-s3cret' };

  it('applies the documented defaults when only the cluster identity is set', () => {
    const config = loadConfig(required);
    expect(config).toMatchObject({
      cluster: 'prod-eu',
      appUrl: 'https://kubecure.example.com',
      namespaces: [],
      debounceWindowMs: CONFIG_DEFAULTS.debounceWindowSeconds * 1000,
      settleMs: CONFIG_DEFAULTS.settleSeconds * 1000,
      logBytes: CONFIG_DEFAULTS.logBytes,
      collectConcurrency: 4,
      outboxMax: 1000,
      outboxFile: undefined,
      kubeApiUrl: undefined,
      logLevel: 'info',
    });
  });

  it('reads namespaces and limits, and names the variable that is missing or wrong', () => {
    expect(loadConfig({ ...required, KUBECURE_NAMESPACES: 'shop, payments ,', KUBECURE_DEBOUNCE_WINDOW_SECONDS: '30' })).toMatchObject({
      namespaces: ['shop', 'payments'],
      debounceWindowMs: 30_000,
    });
    expect(() => loadConfig({ ...required, KUBECURE_CLUSTER: '' })).toThrow(new ConfigError('KUBECURE_CLUSTER is required'));
    expect(() => loadConfig({ ...required, KUBECURE_OUTBOX_MAX: 'lots' })).toThrow(/KUBECURE_OUTBOX_MAX must be a positive number/);
  });

  it.each([
    ['KUBECURE_APP_URL', 'kubecure.example.com', /KUBECURE_APP_URL must be an absolute http\(s\) URL/],
    ['KUBECURE_APP_URL', 'ftp://kubecure.example.com', /KUBECURE_APP_URL must use http or https/],
    ['KUBECURE_APP_URL', 'https://user:pw@kubecure.example.com', /KUBECURE_APP_URL must not contain credentials/],
    ['KUBECURE_APP_URL', 'https://kubecure.example.com/?x=1', /KUBECURE_APP_URL must be a base URL without query/],
    ['KUBECURE_CLUSTER_SECRET', 'fifteen-chars!!', /KUBECURE_CLUSTER_SECRET must be at least 16 characters/],
    ['KUBECURE_CLUSTER', 'c'.repeat(101), /KUBECURE_CLUSTER must be at most 100 characters/],
    ['KUBECURE_PORT', '70000', /KUBECURE_PORT must be a port number from 1 to 65535, got "70000"/],
    ['KUBECURE_PORT', '80.5', /KUBECURE_PORT must be a port number/],
    ['KUBECURE_BIND_ADDRESS', 'localhost', /KUBECURE_BIND_ADDRESS must be an IP address/],
    ['KUBECURE_NAMESPACES', 'shop,Payments', /KUBECURE_NAMESPACES must list namespace names .* got "Payments"/],
    ['KUBECURE_KUBE_API_URL', 'kubernetes:6443', /KUBECURE_KUBE_API_URL must be an absolute http\(s\) URL/],
    ['KUBECURE_OUTBOX_MAX_BYTES', '-1', /KUBECURE_OUTBOX_MAX_BYTES must be a positive number/],
  ])('refuses %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ ...required, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...required, [name]: value })).toThrow(message);
  });

  it('accepts a secret of exactly the App minimum and a chosen bind address', () => {
    expect(loadConfig({ ...required, KUBECURE_CLUSTER_SECRET: 'x'.repeat(16), KUBECURE_BIND_ADDRESS: '::' })).toMatchObject({ bindAddress: '::' });
    expect(loadConfig(required)).toMatchObject({ bindAddress: '0.0.0.0', port: 8080, outboxMaxBytes: CONFIG_DEFAULTS.outboxMaxBytes });
  });
});

describe('finding the API server', () => {
  const empty = () => mkdtempSync(join(tmpdir(), 'kubeconfig-'));

  it('names the missing service-account token in a cluster instead of falling back to localhost:8080', () => {
    const root = empty();
    expect(() => makeKubeConfig({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, home: root, root })).toThrow(
      new RegExp(`service account token is missing at ${root}/var/run/secrets/kubernetes.io/serviceaccount/token`),
    );
  });

  it('uses the in-cluster service account when its files are there', () => {
    const root = empty();
    const dir = join(root, SERVICE_ACCOUNT_DIR);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'token'), 'sa-token');
    writeFileSync(join(dir, 'ca.crt'), 'not checked until a request');
    const previous = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    try {
      const kc = makeKubeConfig({ env: process.env, home: root, root });
      expect(kc.getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
    } finally {
      for (const [name, value] of [['KUBERNETES_SERVICE_HOST', previous.host], ['KUBERNETES_SERVICE_PORT', previous.port]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('names a KUBECONFIG file that does not exist, and refuses to guess when nothing is configured', () => {
    const root = empty();
    expect(() => makeKubeConfig({ env: { KUBECONFIG: join(root, 'nope.yaml') }, home: root })).toThrow(/KUBECONFIG names ".*nope.yaml", which does not exist/);
    expect(() => makeKubeConfig({ env: {}, home: root })).toThrow(/no Kubernetes API server configured/);
    const broken = join(root, 'broken.yaml');
    writeFileSync(broken, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    expect(() => makeKubeConfig({ env: { KUBECONFIG: broken }, home: root })).toThrow(/from KUBECONFIG has no current cluster/);
  });
});

describe('the slim pod projection', () => {
  it('is a small fraction of the pod and classifies exactly like the full pod', () => {
    const full = crashLooping(makePod({ name: 'web-1', deployment: 'web', annotations: { 'argocd.argoproj.io/tracking-id': 'web:apps/Deployment:default/web' } }), { reason: 'OOMKilled', exitCode: 137 });
    const slim = slimPod(full);
    expect(JSON.stringify(slim).length * 3).toBeLessThan(JSON.stringify(full).length);
    expect(classifyPod(slim)).toEqual(classifyPod(full as never));
    expect(slim.metadata.annotations).toEqual({ 'argocd.argoproj.io/tracking-id': 'web:apps/Deployment:default/web' });
    expect(slim).not.toHaveProperty('metadata.managedFields');
  });
});
