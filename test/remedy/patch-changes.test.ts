import { describe, expect, it } from 'vitest';
import { fieldChangesFromPatch } from '../../src/remedy/patch-changes.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'checkout' },
  spec: {
    template: {
      spec: {
        initContainers: [{ name: 'migrate', image: 'ghcr.io/acme/migrate:1.0.0' }],
        containers: [
          { name: 'proxy', image: 'envoyproxy/envoy:v1.30.1' },
          { name: 'checkout', image: 'ghcr.io/acme/checkout:1.4.2', resources: { limits: { memory: '256Mi' } } },
        ],
      },
    },
  },
};

describe('reading a model patch back as field changes', () => {
  it('names the container a workload patch addresses and keeps the previous value', () => {
    const changes = fieldChangesFromPatch(deployment, [{ op: 'replace', path: '/spec/template/spec/containers/1/resources/limits/memory', value: '1Gi' }], 'checkout');
    expect(changes).toEqual([{ fixKind: 'resources', container: 'checkout', path: ['resources', 'limits', 'memory'], value: '1Gi', previous: '256Mi' }]);
  });

  it('reads init containers and fields that did not exist before', () => {
    const changes = fieldChangesFromPatch(deployment, [{ op: 'add', path: '/spec/template/spec/initContainers/0/image', value: 'ghcr.io/acme/migrate:1.0.1' }], 'checkout');
    expect(changes).toEqual([{ fixKind: 'image', container: 'migrate', path: ['image'], value: 'ghcr.io/acme/migrate:1.0.1', previous: 'ghcr.io/acme/migrate:1.0.0' }]);
  });

  it('attributes Helm values paths to the failing container', () => {
    const values = { image: { repository: 'ghcr.io/acme/storefront', tag: '3.5.0-rc.2' } };
    expect(fieldChangesFromPatch(values, [{ op: 'replace', path: '/image/tag', value: '3.4.1' }], 'storefront')).toEqual([
      { fixKind: 'image', container: 'storefront', path: ['image', 'tag'], value: '3.4.1', previous: '3.5.0-rc.2' },
    ]);
  });

  it('describes nothing it would not allow: forbidden, unknown, removed and structured values are left out', () => {
    const changes = fieldChangesFromPatch(
      deployment,
      [
        { op: 'add', path: '/spec/template/spec/containers/1/securityContext/privileged', value: true },
        { op: 'replace', path: '/spec/replicas', value: 5 },
        { op: 'remove', path: '/spec/template/spec/containers/0' },
        { op: 'add', path: '/spec/template/spec/containers/1/env', value: [{ name: 'A', value: 'b' }] },
      ],
      'checkout',
    );
    expect(changes).toEqual([]);
  });
});
