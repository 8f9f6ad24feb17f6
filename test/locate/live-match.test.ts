import { describe, expect, it } from 'vitest';
import { matchLiveValues } from '../../src/locate/live-match.js';
import { locateWorkload } from '../../src/locate/locate.js';
import { indexRepository } from '../../src/locate/index-repo.js';
import type { RepoView } from '../../src/locate/types.js';
import { expectFound, failureReport } from './support.js';

const deployment = (image: string, memory: string, extra: Record<string, unknown> = {}) => ({
  kind: 'Deployment',
  spec: { template: { spec: { containers: [{ name: 'api', image, resources: { limits: { memory, cpu: '0.5' } }, env: [{ name: 'MODE', value: 'live' }], ...extra }] } } },
});
const live = (image: string, memory: string) => ({ containers: [{ name: 'api', image, resources: { limits: { memory, cpu: '500m' } }, env: [{ name: 'MODE', value: 'live' }] }] });

describe('matching a rendered instance with the live pod', () => {
  it('matches when every observed field renders the same, comparing quantities by amount and images by canonical name', () => {
    expect(matchLiveValues(deployment('nginx', '1Gi'), 'Deployment', live('docker.io/library/nginx:latest', '1024Mi'))).toEqual({ verdict: 'matches', compared: 4 });
  });

  it('names the first field that differs', () => {
    expect(matchLiveValues(deployment('ghcr.io/acme/api:1.2.0', '512Mi'), 'Deployment', live('ghcr.io/acme/api:1.3.0', '512Mi'))).toEqual({
      verdict: 'differs',
      field: 'api.image',
      rendered: 'ghcr.io/acme/api:1.2.0',
      live: 'ghcr.io/acme/api:1.3.0',
    });
  });

  it('knows nothing when the candidate cannot be rendered or shares no container', () => {
    expect(matchLiveValues(null, 'Deployment', live('x', '1Gi'))).toEqual({ verdict: 'unknown' });
    expect(matchLiveValues(deployment('x', '1Gi'), 'Deployment', { containers: [{ name: 'other', image: 'x' }] })).toEqual({ verdict: 'unknown' });
  });
});

function memoryRepo(files: Record<string, string>): RepoView {
  return { id: 'memory', listFiles: async () => Object.keys(files), readFile: async (path) => files[path] ?? null };
}

const manifest = (namespace: string, tag: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: ${namespace}
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:${tag}
`;

describe('live values in ranking', () => {
  it('cannot outrank the namespace: a pod that forges the other copy’s image still gets its own namespace’s manifest', async () => {
    // The pod spec comes from the cluster tenant; it only breaks ties, it never overrides what the
    // report's identity (namespace, hints) already decides.
    const index = await indexRepository(memoryRepo({ 'prod/api.yaml': manifest('api-prod', '1.0.0'), 'staging/api.yaml': manifest('api-staging', '2.0.0') }));
    const report = failureReport({ name: 'api', namespace: 'api-prod', container: 'api' });
    const forged = { ...report, pod: { ...report.pod, spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/api:2.0.0' }] } } };
    expect(expectFound(await locateWorkload(forged, index)).file).toBe('prod/api.yaml');
  });

  it('breaks the tie between copies that the report’s identity cannot tell apart', async () => {
    const index = await indexRepository(memoryRepo({ 'a/api.yaml': manifest('shop', '1.0.0'), 'b/api.yaml': manifest('shop', '2.0.0') }));
    const report = failureReport({ name: 'api', namespace: 'shop', container: 'api' });
    const running = { ...report, pod: { ...report.pod, spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/api:2.0.0' }] } } };
    const result = await locateWorkload(running, index);
    expect(expectFound(result).file).toBe('b/api.yaml');
    expect(result.found ? result.ambiguousWith : []).toBeUndefined();
    expect(expectFound(result).via).toContain('renders the live values of the pod (1 observed field)');
  });
});
