/**
 * Issue item 6: the manifests render with `kubectl kustomize`, grant exactly what the agent reads,
 * keep the optional sources role opt-in, offer a namespace-scoped install, and fence the agent
 * with a NetworkPolicy. Skipped (with a message) where kubectl is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { RecordedRequest } from '../support/fake-kube-api.js';
import { crashLooping, deployment, makePod, replicaSet } from '../support/fake-kube/objects.js';
import { startHarness, waitFor, type Harness } from './harness.js';

const DEPLOY = fileURLToPath(new URL('../../agent/deploy/', import.meta.url));
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
if (!hasKubectl) console.warn('kubectl not found: skipping the agent manifest rendering tests (install kubectl to run them)');

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
type Manifest = { kind: string; metadata: { name: string; namespace?: string }; rules?: Rule[]; [key: string]: any };

function render(overlay: string): Manifest[] {
  const text = execFileSync('kubectl', ['kustomize', `${DEPLOY}${overlay}`], { encoding: 'utf8' });
  return parseAllDocuments(text).map((document) => document.toJS() as Manifest);
}

const of = (manifests: Manifest[], kind: string) => manifests.filter((manifest) => manifest.kind === kind);

/** The permission one request needs: `<group>/<resource> <verb>`. */
function permissionOf(request: RecordedRequest): string {
  const parts = request.path.split('/').filter(Boolean);
  const core = parts[0] === 'api';
  const group = core ? '' : parts[1]!;
  const rest = parts.slice(core ? 2 : 3);
  const namespaced = rest[0] === 'namespaces';
  const [resource, name, sub] = namespaced ? rest.slice(2) : rest;
  const verb = name === undefined ? (request.query.watch === 'true' ? 'watch' : 'list') : 'get';
  return `${group}/${resource}${sub ? `/${sub}` : ''} ${verb}`;
}

function granted(rules: Rule[]): Set<string> {
  const permissions = new Set<string>();
  for (const rule of rules) for (const group of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) permissions.add(`${group}/${resource} ${verb}`);
  return permissions;
}

describe.skipIf(!hasKubectl)('the agent manifests', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('grant cluster-wide exactly what the agent reads, with the sources role left out by default', async () => {
    const manifests = render('');
    expect(of(manifests, 'ClusterRole').map((role) => role.metadata.name)).toEqual(['kubecure-agent']);
    const rules = of(manifests, 'ClusterRole')[0]!.rules!;
    expect([...granted(rules)].sort()).toEqual(
      [
        '/pods get', '/pods list', '/pods watch', '/pods/log get', '/events list', '/events watch', '/services list',
        'apps/replicasets get', 'apps/deployments get', 'apps/statefulsets get', 'apps/daemonsets get', 'batch/jobs get', 'batch/cronjobs get',
      ].sort(),
    );
    expect(JSON.stringify(rules)).not.toMatch(/endpointslices|secrets|configmaps|create|update|patch|delete/);

    // Every request the agent makes while detecting and collecting a failure is one of those grants.
    harness = await startHarness({
      seed: (api) => {
        api.setObject('apps/v1', 'replicasets', replicaSet('web', 'ab12'));
        api.setObject('apps/v1', 'deployments', deployment('web'));
      },
    });
    harness.api.upsertPod(crashLooping(makePod({ name: 'web-ab12-x1', deployment: 'web', templateHash: 'ab12' }), { reason: 'OOMKilled', exitCode: 137 }));
    await waitFor(() => harness!.sink.failures[0], 5000, 'report');
    const needed = new Set(harness.api.requests.map(permissionOf).filter((permission) => !permission.startsWith('metrics.k8s.io/')));
    const allowed = granted(rules);
    expect([...needed].filter((permission) => !allowed.has(permission))).toEqual([]);
    for (const used of ['/pods get', '/pods list', '/pods watch', '/pods/log get', '/events list', '/events watch', '/services list', 'apps/replicasets get', 'apps/deployments get']) {
      expect(needed).toContain(used);
    }
  });

  it('offer the sources role as an opt-in component', () => {
    const manifests = render('with-sources');
    expect(of(manifests, 'ClusterRole').map((role) => role.metadata.name).sort()).toEqual(['kubecure-agent', 'kubecure-agent-sources']);
    expect(of(manifests, 'ClusterRoleBinding').map((binding) => binding.metadata.name).sort()).toEqual(['kubecure-agent', 'kubecure-agent-sources']);
    const sources = of(manifests, 'ClusterRole').find((role) => role.metadata.name === 'kubecure-agent-sources')!;
    expect(sources.rules!.every((rule) => rule.verbs.length === 1 && rule.verbs[0] === 'get')).toBe(true);
  });

  it('install namespace-scoped with Roles only, watching just the namespaces it is granted', () => {
    const manifests = render('namespaced');
    expect(of(manifests, 'ClusterRole')).toEqual([]);
    expect(of(manifests, 'ClusterRoleBinding')).toEqual([]);
    const [role] = of(manifests, 'Role');
    const [binding] = of(manifests, 'RoleBinding');
    const clusterRules = of(render(''), 'ClusterRole')[0]!.rules!;
    expect(role!.rules).toEqual(clusterRules);
    expect(binding!.metadata.namespace).toBe(role!.metadata.namespace);
    expect(binding!.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kubecure-agent', namespace: 'kubecure-system' }]);
    const env = of(manifests, 'Deployment')[0]!.spec.template.spec.containers[0].env as Array<{ name: string; value?: string }>;
    expect(env.find((variable) => variable.name === 'KUBECURE_NAMESPACES')?.value).toBe(role!.metadata.namespace);
  });

  it('fence the agent with a NetworkPolicy: probes and scrapes in, DNS, API server and App out', () => {
    const manifests = render('');
    const [policy] = of(manifests, 'NetworkPolicy');
    const [agentDeployment] = of(manifests, 'Deployment');
    expect(policy!.metadata.namespace).toBe('kubecure-system');
    expect(policy!.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': agentDeployment!.spec.template.metadata.labels['app.kubernetes.io/name'] });
    expect(policy!.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy!.spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 8080 }] }]);
    const egressPorts = (policy!.spec.egress as Array<{ ports: Array<{ port: number }> }>).flatMap((rule) => rule.ports.map((port) => port.port));
    expect([...new Set(egressPorts)].sort((a, b) => a - b)).toEqual([53, 443, 6443]);
  });
});
