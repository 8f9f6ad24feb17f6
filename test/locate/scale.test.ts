import { describe, expect, it } from 'vitest';
import { indexRepository } from '../../src/locate/index-repo.js';
import { locateWorkload } from '../../src/locate/locate.js';
import type { RepoView } from '../../src/locate/types.js';
import { expectFound, failureReport } from './support.js';

/** 2,500 services, each a base (Deployment + Service) and a prod overlay: 5,000 manifests. */
function generatedFleet(): RepoView {
  const files = new Map<string, string>();
  for (let i = 0; i < 2500; i += 1) {
    const name = `svc-${i}`;
    files.set(`apps/${name}/base/kustomization.yaml`, 'resources:\n  - deployment.yaml\n  - service.yaml\n');
    files.set(
      `apps/${name}/base/deployment.yaml`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: ghcr.io/acme/${name}:1.0.${i}\n        resources:\n          limits: {memory: 256Mi}\n`,
    );
    files.set(`apps/${name}/base/service.yaml`, `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports:\n  - port: 80\n`);
    files.set(`apps/${name}/overlays/prod/kustomization.yaml`, `namespace: team-${i % 50}\nnamePrefix: prod-\nresources:\n- ../../base\n`);
  }
  return { id: 'generated', listFiles: async () => [...files.keys()], readFile: async (path) => files.get(path) ?? null };
}

describe('scale', () => {
  // Speed is measured by test/bench/locate.ts; this checks correctness at that size.
  it('indexes 5,000 manifests and locates one workload through its overlay', async () => {
    const index = await indexRepository(generatedFleet());
    const result = await locateWorkload(failureReport({ name: 'prod-svc-1234', namespace: 'team-34', container: 'app' }), index);

    expect(index.documents.filter((document) => document.kind === 'Deployment' || document.kind === 'Service')).toHaveLength(5000);
    expect(expectFound(result).file).toBe('apps/svc-1234/base/deployment.yaml');
  });
});
