import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.js';
import { computeFingerprint, fingerprintOf, type FingerprintParts } from '../../src/report/fingerprint.js';
import { clone, loadJson } from './fixtures.js';

const parts: FingerprintParts = { cluster: 'prod-eu', namespace: 'payments', kind: 'Deployment', name: 'payments-api', container: 'api', category: 'OOMKilled' };

describe('computeFingerprint', () => {
  it('is 16 lowercase hex characters and the same for the same parts', () => {
    const fingerprint = computeFingerprint(parts);
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(computeFingerprint({ ...parts })).toBe(fingerprint);
  });

  it('does not depend on the order the parts object was written in', () => {
    const reordered: FingerprintParts = { category: 'OOMKilled', container: 'api', name: 'payments-api', kind: 'Deployment', namespace: 'payments', cluster: 'prod-eu' };
    expect(computeFingerprint(reordered)).toBe(computeFingerprint(parts));
  });

  it.each<[string, Partial<FingerprintParts>]>([
    ['container', { container: 'sidecar' }],
    ['pod-level container', { container: null }],
    ['category', { category: 'CrashLoopBackOff' }],
    ['cluster', { cluster: 'prod-us' }],
    ['namespace', { namespace: 'payments-staging' }],
    ['kind', { kind: 'StatefulSet' }],
    ['name', { name: 'payments-worker' }],
  ])('changes when the %s changes', (_part, change) => {
    expect(computeFingerprint({ ...parts, ...change })).not.toBe(computeFingerprint(parts));
  });

  it('cannot be forged by moving text between parts', () => {
    expect(computeFingerprint({ ...parts, namespace: 'a/b', name: 'c' })).not.toBe(computeFingerprint({ ...parts, namespace: 'a', name: 'b/c' }));
  });
});

describe('fingerprintOf', () => {
  it('is the same for two pods of the same Deployment failing the same way', () => {
    const first = buildReport({ cluster: 'prod-eu', pod: loadJson('pod-oomkilled.json'), observedAt: new Date('2024-05-14T09:32:00Z') });
    const otherPod = clone(loadJson('pod-oomkilled.json')) as { metadata: { name: string; uid: string } };
    otherPod.metadata.name = 'payments-api-7b4d5f6c8-zz9yy';
    otherPod.metadata.uid = '00000000-0000-4000-8000-000000000001';
    const second = buildReport({ cluster: 'prod-eu', pod: otherPod, observedAt: new Date('2024-05-14T10:00:00Z') });
    expect(fingerprintOf(second)).toBe(fingerprintOf(first));
    expect(fingerprintOf(first)).toBe(computeFingerprint(parts));
  });
});
