import { afterEach, describe, expect, it } from 'vitest';
import { crashLooping, deployment, makePod, replicaSet, waiting, warningEvent } from '../support/fake-kube/objects.js';
import { startHarness, waitFor, type Harness } from './harness.js';

const HASH = '5c7f9d8b4';
const POD = `api-${HASH}-q8w2e`;

describe('collecting context for a detected failure', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('sends the previous log tail, the pod events, the full spec and the owner chain ReplicaSet → Deployment', async () => {
    harness = await startHarness({
      seed: (api) => {
        api.setObject('apps/v1', 'replicasets', replicaSet('api', HASH));
        api.setObject('apps/v1', 'deployments', deployment('api'));
        api.setLogs('default', POD, 'app', { previous: 'starting api\nError: connect ECONNREFUSED 10.0.0.7:5432\nexiting' });
      },
    });
    const { api, sink } = harness;
    api.addEvent(warningEvent({ reason: 'BackOff', name: POD, message: 'Back-off restarting failed container app in pod ' + POD, count: 7 }));
    api.upsertPod(crashLooping(makePod({ name: POD, deployment: 'api', templateHash: HASH }), { reason: 'Error', exitCode: 1 }, 4));

    const report = await waitFor(() => sink.failures[0], 5000, 'report');
    expect(report.failure).toMatchObject({ category: 'CrashLoopBackOff', container: 'app', restartCount: 4, exitCode: 1 });
    expect(report.ownerChain.map((ref) => `${ref.kind}/${ref.name}`)).toEqual([`ReplicaSet/api-${HASH}`, 'Deployment/api']);
    expect(report.workload).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', namespace: 'default' });
    // The previous instance explains the crash; the current one is waiting, which the kubelet answers with a 400.
    expect(report.logs.previous).toContain('ECONNREFUSED 10.0.0.7:5432');
    expect(report.logs.current).toBeUndefined();
    expect(report.events).toEqual([expect.objectContaining({ reason: 'BackOff', count: 7, involvedObject: { kind: 'Pod', name: POD, namespace: 'default' } })]);
    // The full spec was fetched on demand (the cache holds only the slim projection).
    expect((report.pod.spec as { containers: Array<{ image: string }> }).containers[0]?.image).toBe('registry.example.com/team/api:1.4.2');
    expect(report.pod.labels['pod-template-hash']).toBe(HASH);
    expect(report.occurrences).toBe(1);
    const previousLogRequest = api.requests.find((request) => request.path.endsWith(`/pods/${POD}/log`) && request.query.previous === 'true');
    expect(previousLogRequest?.query).toMatchObject({ container: 'app', limitBytes: '4096', tailLines: '50' });
    expect(await harness.agent.metrics.registry.getSingleMetricAsString('kubecure_agent_collect_errors_total')).not.toContain('step="logs"');
  });

  it('reads the Argo CD Application source and the Services that select the pod', async () => {
    harness = await startHarness({
      seed: (api) => {
        api.setObject('apps/v1', 'replicasets', replicaSet('api', HASH, 'shop'));
        api.setObject('apps/v1', 'deployments', deployment('api', 'shop', { annotations: { 'argocd.argoproj.io/tracking-id': 'shop-api:apps/Deployment:shop/api' } }));
        api.setObject('argoproj.io/v1alpha1', 'applications', {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Application',
          metadata: { name: 'shop-api', namespace: 'argocd' },
          spec: { source: { repoURL: 'https://github.com/acme/gitops.git', path: 'apps/shop/api', targetRevision: 'main' } },
        });
        api.setObject('metrics.k8s.io/v1beta1', 'pods', {
          apiVersion: 'metrics.k8s.io/v1beta1',
          kind: 'PodMetrics',
          metadata: { name: POD, namespace: 'shop' },
          containers: [{ name: 'app', usage: { cpu: '12m', memory: '250Mi' } }],
        });
        api.addService({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop' }, spec: { selector: { 'app.kubernetes.io/name': 'api' }, clusterIP: '10.96.0.20', ports: [{ port: 80 }] } });
      },
    });
    const { api, sink } = harness;
    api.upsertPod(crashLooping(makePod({ name: POD, namespace: 'shop', deployment: 'api', templateHash: HASH }), { reason: 'OOMKilled', exitCode: 137 }));

    const report = await waitFor(() => sink.failures[0], 5000, 'report');
    expect(report.sourceHints.argocd).toMatchObject({
      trackingId: 'shop-api:apps/Deployment:shop/api',
      repoURL: 'https://github.com/acme/gitops.git',
      path: 'apps/shop/api',
      targetRevision: 'main',
    });
    expect(report.usage).toEqual({ containers: [{ name: 'app', cpu: '12m', memory: '250Mi' }] });
    expect(report.dependencies?.services).toEqual([{ name: 'api', namespace: 'shop' }]);
  });

  it('follows Job → CronJob and reads the Flux Kustomization source when the labels name it', async () => {
    harness = await startHarness({
      seed: (api) => {
        api.setObject('batch/v1', 'jobs', {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: 'report-29100000', namespace: 'default', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', controller: true }] },
        });
        api.setObject('batch/v1', 'cronjobs', {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: 'report', namespace: 'default', labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } },
        });
        api.setObject('kustomize.toolkit.fluxcd.io/v1', 'kustomizations', {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name: 'apps', namespace: 'flux-system' },
          spec: { path: './clusters/prod/apps', sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
        });
        api.setObject('source.toolkit.fluxcd.io/v1', 'gitrepositories', {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'GitRepository',
          metadata: { name: 'flux-system', namespace: 'flux-system' },
          spec: { url: 'ssh://git@github.com/acme/fleet' },
        });
      },
    });
    const { api, sink } = harness;
    api.upsertPod(waiting(makePod({ name: 'report-29100000-zz9x1', job: 'report-29100000' }), 'CreateContainerConfigError', 'secret "report-db" not found'));

    const report = await waitFor(() => sink.failures[0], 5000, 'report');
    expect(report.ownerChain.map((ref) => `${ref.kind}/${ref.name}`)).toEqual(['Job/report-29100000', 'CronJob/report']);
    expect(report.workload).toMatchObject({ kind: 'CronJob', name: 'report' });
    expect(report.sourceHints.flux).toMatchObject({
      kustomization: { name: 'apps', namespace: 'flux-system' },
      path: './clusters/prod/apps',
      sourceURL: 'ssh://git@github.com/acme/fleet',
    });
  });

  it('still reports, with the owner chain it could read, when an owner is forbidden or missing', async () => {
    harness = await startHarness();
    const { api, sink } = harness;
    api.upsertPod(waiting(makePod({ name: POD, deployment: 'api', templateHash: HASH }), 'ImagePullBackOff', 'Back-off pulling image "x"'));

    const report = await waitFor(() => sink.failures[0], 5000, 'report');
    // Without the ReplicaSet object the Deployment is inferred from the pod-template-hash naming.
    expect(report.workload).toMatchObject({ kind: 'Deployment', name: 'api' });
    expect(await harness.agent.metrics.registry.getSingleMetricAsString('kubecure_agent_collect_errors_total')).toContain('step="owners"');
  });
});
