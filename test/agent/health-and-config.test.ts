import { afterEach, describe, expect, it } from 'vitest';
import { refreshGauges } from '../../agent/agent.js';
import { CONFIG_DEFAULTS, ConfigError, loadConfig } from '../../agent/config.js';
import { startHealthServer } from '../../agent/serve/health-server.js';
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

describe('configuration from the environment', () => {
  const required = { KUBECURE_CLUSTER: 'prod-eu', KUBECURE_APP_URL: 'https://kubecure.example.com/', KUBECURE_CLUSTER_SECRET: 's3cret' };

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
