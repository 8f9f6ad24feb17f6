/**
 * Cluster → agent → App → GitHub, with nothing replaced but GitHub and the model: a failure on
 * the fake API server ends as a pull request or an issue in the fake repository.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decodeMarker } from '../../src/github/marker.js';
import { addWorkload, CANARY, imageNotFound, missingSecret, oomKill, type Workload } from '../support/e2e/cluster.js';
import { startWorld, waitUntil, type World } from '../support/e2e/world.js';

let world: World | null = null;

afterEach(async () => {
  if (!world) return;
  const current = world;
  world = null;
  try {
    // Every scenario plants the canary in env values, logs and events: it must come out nowhere.
    expect(current.outputs().filter((text) => text.includes(CANARY))).toEqual([]);
    expect(current.github.unhandled).toEqual([]);
  } finally {
    await current.stop();
  }
});

const CHECKOUT = { namespace: 'shop', name: 'checkout', container: 'checkout', image: 'ghcr.io/acme-shop/checkout:1.8.2', memoryLimit: '256Mi' };

describe('an OOMKilled Deployment from a plain-manifest repository', () => {
  it('becomes a pull request raising the memory limit in the file that declares it', async () => {
    let checkout!: Workload;
    world = await startWorld({ repo: 'plain-multi-service', seed: (kube) => (checkout = addWorkload(kube, CHECKOUT)) });
    const { kube, github } = world;

    oomKill(kube, checkout, { usageMemory: '251Mi' });
    await waitUntil(() => github.pullRequests().length > 0, 'the pull request');
    await world.settled();
    const [pull] = github.pullRequests();

    expect(pull!.head).toMatch(/^kubecure\/shop\/checkout-oomkilled-[0-9a-f]{8}$/);
    expect(pull!.base).toBe('main');
    expect(pull!.title).toBe('Raise memory limit of checkout to 384Mi after OOMKilled');
    for (const section of ['### Failure', '### Root cause', '<summary>Evidence', '### The change', '### Validation', '<summary>Commands']) {
      expect(pull!.body).toContain(section);
    }
    expect(pull!.body).toContain(`| ${'prod-eu-west-1'} | shop | Deployment/checkout | checkout | OOMKilled (exit 137) |`);
    expect(pull!.labels).toEqual(expect.arrayContaining(['kubecure', 'kubecure:OOMKilled', 'ops']));
    expect(decodeMarker(pull!.body)).toMatchObject({ thread: 'pull_request', targetFile: 'apps/checkout/deployment.yaml' });

    // One commit on the branch, changing one line of one file.
    const [commit] = github.commitsOn(pull!.head!);
    expect(github.commitsOn(pull!.head!)).toHaveLength(1);
    const before = github.filesAt('main');
    const after = github.filesAt(pull!.head!);
    const changed = [...after].filter(([path, content]) => before.get(path) !== content).map(([path]) => path);
    expect(changed).toEqual(['apps/checkout/deployment.yaml']);
    const manifest = after.get('apps/checkout/deployment.yaml')!;
    expect(manifest).toBe(before.get('apps/checkout/deployment.yaml')!.replace('memory: 256Mi   # raised', 'memory: 384Mi   # raised'));
    expect(parse(manifest).spec.template.spec.containers[0].resources.limits.memory).toBe('384Mi');
    expect(commit!.message).toContain('KubeCure-Fingerprint:');
    expect(github.issues()).toEqual([]);
    // What carried the canary reached GitHub redacted (the canary check after each test is not vacuous).
    expect(world.outputs().filter((text) => text.includes('PAYMENTS_API_TOKEN') && text.includes('[REDACTED]')).length).toBeGreaterThan(0);
  }, 30_000);
});

describe('a bad image tag in a kustomize overlay', () => {
  it('becomes a pull request that edits the images: entry of the overlay that set the tag', async () => {
    let canary!: Workload;
    world = await startWorld({
      repo: 'kustomize-overlays',
      seed: (kube) =>
        (canary = addWorkload(kube, { namespace: 'shop-prod', name: 'canary-prod-checkout-v2', container: 'checkout', image: 'registry.acme.io/shop/checkout:1.9.0', memoryLimit: '512Mi', labels: { app: 'checkout' } })),
    });
    const { kube, github } = world;

    imageNotFound(kube, canary);
    await waitUntil(() => github.pullRequests().length > 0, 'the pull request');
    await world.settled();
    const [pull] = github.pullRequests();

    expect(pull!.head).toMatch(/^kubecure\/shop-prod\/canary-prod-checkout-v2-imagepullbackoff-[0-9a-f]{8}$/);
    const before = github.filesAt('main');
    const after = github.filesAt(pull!.head!);
    const changed = [...after].filter(([path, content]) => before.get(path) !== content).map(([path]) => path);
    expect(changed).toEqual(['overlays/prod-canary/kustomization.yaml']);
    const overlay = after.get('overlays/prod-canary/kustomization.yaml')!;
    expect(parse(overlay).images).toEqual([{ name: 'registry.acme.io/shop/checkout', newTag: '1.8.2' }]);
    expect(overlay).toBe(before.get('overlays/prod-canary/kustomization.yaml')!.replace('  newTag: 1.9.0', '  newTag: 1.8.2'));
    expect(pull!.body).toContain('-  newTag: 1.9.0\n+  newTag: 1.8.2');
    expect(pull!.labels).toContain('kubecure:ImagePullBackOff');
  }, 30_000);
});

describe('a reference to a Secret that does not exist', () => {
  it('becomes an issue for a human, with no pull request and no branch', async () => {
    let postgres!: Workload;
    world = await startWorld({
      repo: 'plain-multi-service',
      seed: (kube) => (postgres = addWorkload(kube, { namespace: 'shop', name: 'postgres', kind: 'StatefulSet', container: 'postgres', image: 'postgres:16.4', memoryLimit: '1Gi', labels: { app: 'postgres' } })),
    });
    const { kube, github } = world;

    missingSecret(kube, postgres, 'postgres-credentials');
    await waitUntil(() => github.issues().length > 0, 'the issue');
    await world.settled();
    const [issue] = github.issues();

    expect(issue!.title).toContain('postgres');
    expect(issue!.body).toContain('postgres-credentials');
    expect(issue!.body).toContain('### What a human must decide');
    expect(issue!.labels).toEqual(expect.arrayContaining(['kubecure', 'kubecure:CreateContainerConfigError']));
    expect(decodeMarker(issue!.body)).toMatchObject({ thread: 'issue' });
    expect(github.pullRequests()).toEqual([]);
    expect([...github.refs.keys()]).toEqual(['main']);
    expect(github.issues()).toHaveLength(1);

    // The rules could not decide, so the model was asked: its prompt carried the logs and events
    // the canary was planted in, redacted; and both sides logged, so the canary check saw them.
    const prompts = world.model.prompts();
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toContain('Error: secret "postgres-credentials" not found');
    expect(prompts[0]).toContain('[REDACTED]');
    expect(world.logs.count('agent')).toBeGreaterThan(0);
    expect(world.logs.count('app')).toBeGreaterThan(0);
  }, 30_000);
});
