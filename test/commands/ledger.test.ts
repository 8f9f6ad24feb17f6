import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM_TTL_SECONDS, LEASE_SECONDS, MemoryLedger, RedisLedger } from '../../src/commands/ledger.js';
import { REDIS_URL, deleteKeys, uniquePrefix } from '../queue/redis-helpers.js';

describe('MemoryLedger', () => {
  it('grants a comment id once', async () => {
    const ledger = new MemoryLedger();
    expect(await ledger.claim('issue_comment:1')).toBe(true);
    expect(await ledger.claim('issue_comment:1')).toBe(false);
    expect(await ledger.claim('review:1')).toBe(true);
  });

  it('gives a released claim to the next claimant, and a lapsed lease too', async () => {
    let clock = 0;
    const ledger = new MemoryLedger(100, () => clock);
    expect(await ledger.claim('issue_comment:1', LEASE_SECONDS)).toBe(true);
    await ledger.release('issue_comment:1');
    expect(await ledger.claim('issue_comment:1', LEASE_SECONDS)).toBe(true);
    clock += LEASE_SECONDS * 1000 + 1;
    expect(await ledger.claim('issue_comment:1', LEASE_SECONDS)).toBe(true);
    await ledger.keep('issue_comment:1', CLAIM_TTL_SECONDS, 'done');
    clock += LEASE_SECONDS * 1000 + 1;
    expect(await ledger.claim('issue_comment:1', LEASE_SECONDS)).toBe(false);
    expect(await ledger.recall('issue_comment:1')).toBe('done');
  });

  it('forgets the oldest ids past its size, keeping memory bounded', async () => {
    const ledger = new MemoryLedger(2);
    await ledger.claim('a');
    await ledger.claim('b');
    await ledger.claim('c');
    expect(await ledger.claim('a')).toBe(true);
    expect(await ledger.claim('c')).toBe(false);
  });
});

describe('RedisLedger', () => {
  const prefix = uniquePrefix('ledger');
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(prefix);
  });

  it('grants a comment id to exactly one of several replicas racing for it', async () => {
    const other = new Redis(REDIS_URL);
    const replicas = [new RedisLedger(redis, `${prefix}:`), new RedisLedger(other, `${prefix}:`), new RedisLedger(redis, `${prefix}:`)];
    const claims = await Promise.all(replicas.map((ledger) => ledger.claim('issue_comment:42')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const ttl = await redis.ttl(`${prefix}:issue_comment:42`);
    expect(ttl).toBeGreaterThan(CLAIM_TTL_SECONDS - 60);
    other.disconnect();
  });

  it('holds a lease only for its seconds, keeps a done claim with its value, and releases a failed one', async () => {
    const ledger = new RedisLedger(redis, `${prefix}:`);
    expect(await ledger.claim('review:7', LEASE_SECONDS)).toBe(true);
    expect(await redis.ttl(`${prefix}:review:7`)).toBeLessThanOrEqual(LEASE_SECONDS);
    await ledger.release('review:7');
    expect(await ledger.recall('review:7')).toBeNull();
    expect(await ledger.claim('review:7', LEASE_SECONDS)).toBe(true);
    await ledger.keep('review:7', CLAIM_TTL_SECONDS, '{"ok":true}');
    expect(await ledger.recall('review:7')).toBe('{"ok":true}');
    expect(await redis.ttl(`${prefix}:review:7`)).toBeGreaterThan(CLAIM_TTL_SECONDS - 60);
    expect(await ledger.claim('review:7', LEASE_SECONDS)).toBe(false);
  });
});
