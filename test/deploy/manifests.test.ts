/**
 * The App's install manifests render with kustomize and say what the README promises: probes on the
 * App's health routes, non-root with a read-only root filesystem, credentials only from Secrets,
 * NetworkPolicies, Redis with an append-only file, and one apply for App + Redis + agent.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function kubectlAvailable(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HAS_KUBECTL = kubectlAvailable();
if (!HAS_KUBECTL) console.warn('kubectl is not installed: skipping the deploy/ rendering tests (.ci/run installs it)');

type Manifest = { kind: string; metadata: { name: string; namespace?: string }; spec?: any };

function render(dir: string): Manifest[] {
  const text = execFileSync('kubectl', ['kustomize', dir], { cwd: ROOT, encoding: 'utf8' });
  return parseAllDocuments(text).map((document) => document.toJS() as Manifest);
}

function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered output`);
  return found;
}

function appContainer(manifests: Manifest[]) {
  return find(manifests, 'Deployment', 'kubecure-app').spec.template.spec.containers[0];
}

describe.skipIf(!HAS_KUBECTL)('deploy/', () => {
  it('deploy/app installs the App non-root, read-only, probed on its health routes, with credentials from Secrets', () => {
    const manifests = render('deploy/app');
    expect(manifests.map((manifest) => manifest.kind).sort()).toEqual(
      ['Deployment', 'Namespace', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount'].sort(),
    );
    for (const manifest of manifests.filter((m) => m.kind !== 'Namespace')) expect(manifest.metadata.namespace).toBe('kubecure-system');
    const deployment = find(manifests, 'Deployment', 'kubecure-app');
    const pod = deployment.spec.template.spec;
    const container = appContainer(manifests);
    expect(container.livenessProbe.httpGet.path).toBe('/kubecure/healthz');
    expect(container.startupProbe.httpGet.path).toBe('/kubecure/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/kubecure/readyz');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.resources.limits.memory).toBeDefined();
    // Credentials come from Secrets only: no literal secret-looking value anywhere in the env.
    expect(container.envFrom).toEqual([{ secretRef: { name: 'kubecure-app' } }]);
    const secretVolumes = pod.volumes.filter((volume: any) => volume.secret).map((volume: any) => volume.secret.secretName);
    expect(secretVolumes.sort()).toEqual(['kubecure-app-private-key', 'kubecure-clusters']);
    for (const entry of container.env) expect(entry.name).not.toMatch(/SECRET|KEY$|TOKEN|PASSWORD/);
    expect(find(manifests, 'NetworkPolicy', 'kubecure-app').spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(find(manifests, 'Service', 'kubecure-app').spec.ports[0].targetPort).toBe('http');
  });

  it('deploy/monitoring renders the alert rules and the dashboard ConfigMap for Grafana\'s sidecar', () => {
    const manifests = render('deploy/monitoring');
    expect(find(manifests, 'PrometheusRule', 'kubecure').metadata.namespace).toBe('kubecure-system');
    const dashboard = find(manifests, 'ConfigMap', 'kubecure-grafana-dashboard') as Manifest & { data: Record<string, string>; metadata: { labels: Record<string, string> } };
    expect(dashboard.metadata.labels.grafana_dashboard).toBe('1');
    expect(JSON.parse(dashboard.data['kubecure-dashboard.json']!).uid).toBe('kubecure');
  });

  it('deploy/all-in-one installs App, Redis and agent with one apply, the agent reporting to the App in-cluster', () => {
    const manifests = render('deploy/all-in-one');
    expect(manifests.filter((manifest) => manifest.kind === 'Namespace')).toHaveLength(1);
    const agent = find(manifests, 'Deployment', 'kubecure-agent').spec.template.spec.containers[0];
    expect(agent.env).toContainEqual({ name: 'KUBECURE_APP_URL', value: 'http://kubecure-app.kubecure-system.svc' });
    expect(appContainer(manifests).env).toContainEqual({ name: 'REDIS_URL', value: 'redis://kubecure-redis:6379' });

    const redis = find(manifests, 'StatefulSet', 'kubecure-redis').spec.template.spec;
    expect(redis.containers[0].args.join(' ')).toContain('--appendonly yes');
    expect(redis.containers[0].args.join(' ')).toContain('--maxmemory-policy noeviction');
    expect(redis.securityContext.runAsNonRoot).toBe(true);
    const redisPolicy = find(manifests, 'NetworkPolicy', 'kubecure-redis').spec;
    expect(redisPolicy.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kubecure-app' } } }], ports: [{ port: 'redis', protocol: 'TCP' }] },
    ]);
  });
});
