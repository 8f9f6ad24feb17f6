import { describe, expect, it } from 'vitest';
import { ignoringThreadFor, readIgnore, withIgnore, withoutIgnore } from '../../src/verify/ignore-list.js';
import type { Thread } from '../../src/github/threads.js';
import { oomReport } from '../app/github-mock.js';

function thread(body: string, fields: Partial<Thread> = {}): Thread {
  return {
    number: 9, kind: 'issue', state: 'closed', merged: false, title: 't', body, url: 'u', createdAt: '2026-11-22T00:10:00Z',
    fingerprint: 'abcdef0123456789',
    marker: { fingerprint: 'abcdef0123456789', thread: 'issue', report: oomReport(), targetFile: 'apps/checkout/deployment.yaml', createdAt: '2026-11-22T00:10:00Z' },
    joined: [],
    ...fields,
  };
}

describe('the ignore record on a thread', () => {
  it('round-trips and can be removed without touching the rest of the body', () => {
    const body = 'Body\n\n<!-- kubecure:fingerprint abcdef0123456789 -->\n';
    const ignored = withIgnore(body, { manifestSha: 'a1b2c3', by: 'alice' });
    expect(readIgnore(ignored)).toEqual({ manifestSha: 'a1b2c3', by: 'alice' });
    expect(withoutIgnore(ignored)).toBe(body);
    expect(readIgnore(withIgnore(ignored, { manifestSha: null, by: 'bob' }))).toEqual({ manifestSha: null, by: 'bob' });
  });

  it('silences the fingerprint while the manifest blob is the one recorded', () => {
    const threads = [thread(withIgnore('Body', { manifestSha: 'a1b2c3', by: 'alice' }))];
    expect(ignoringThreadFor(threads, 'abcdef0123456789', () => 'a1b2c3')?.number).toBe(9);
  });

  it('is lifted by a change to the manifest', () => {
    const threads = [thread(withIgnore('Body', { manifestSha: 'a1b2c3', by: 'alice' }))];
    expect(ignoringThreadFor(threads, 'abcdef0123456789', () => 'ffffff')).toBeNull();
  });

  it('holds until unignore when the manifest was unknown, and never for an open thread or another fingerprint', () => {
    const unknown = [thread(withIgnore('Body', { manifestSha: null, by: 'alice' }))];
    expect(ignoringThreadFor(unknown, 'abcdef0123456789', () => 'anything')?.number).toBe(9);
    expect(ignoringThreadFor([thread(withIgnore('Body', { manifestSha: null, by: 'a' }), { state: 'open' })], 'abcdef0123456789', () => null)).toBeNull();
    expect(ignoringThreadFor(unknown, '0000000000000000', () => null)).toBeNull();
  });
});
