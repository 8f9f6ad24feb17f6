import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { clustersFromEnv, parseClusters } from '../../src/server/clusters.js';
import { MemoryReplayStore, RedisReplayStore } from '../../src/server/replay.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../queue/redis-helpers.js';

describe('cluster registry', () => {
  it('reads clusters from KUBECURE_CLUSTERS or from the file KUBECURE_CLUSTERS_FILE names', () => {
    const json = JSON.stringify({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars', defaultRepository: 'acme/gitops' } });
    expect(clustersFromEnv({ KUBECURE_CLUSTERS: json }).get('prod-eu')).toEqual({ secret: 'a-secret-of-sixteen-chars', defaultRepository: 'acme/gitops' });
    const file = join(mkdtempSync(join(tmpdir(), 'kubecure-')), 'clusters.json');
    writeFileSync(file, json);
    expect(clustersFromEnv({ KUBECURE_CLUSTERS_FILE: file }).get('prod-eu')?.defaultRepository).toBe('acme/gitops');
    expect(clustersFromEnv({}).size).toBe(0);
  });

  it('refuses short secrets and malformed repositories at start, naming the cluster', () => {
    expect(() => parseClusters('{"dev":{"secret":"short"}}', 'KUBECURE_CLUSTERS')).toThrow(/dev\.secret: secrets must be at least 16 characters/);
    expect(() => parseClusters('{"dev":{"secret":"0123456789abcdef","defaultRepository":"gitops"}}', 'KUBECURE_CLUSTERS')).toThrow(/dev\.defaultRepository/);
    expect(() => parseClusters('{not json', 'KUBECURE_CLUSTERS')).toThrow(/not valid JSON/);
  });
});

describe('replay stores', () => {
  it('remember a delivery id once until it expires (memory)', async () => {
    const store = new MemoryReplayStore();
    expect(await store.remember('a', 60)).toBe(true);
    expect(await store.remember('a', 60)).toBe(false);
    expect(await store.remember('b', 0)).toBe(true);
    expect(await store.remember('b', 60)).toBe(true);
  });

  it('keep at most the configured number of ids (memory)', async () => {
    const store = new MemoryReplayStore(2);
    for (const id of ['a', 'b', 'c']) await store.remember(id, 60);
    expect(await store.remember('a', 60)).toBe(true);
    expect(await store.remember('c', 60)).toBe(false);
  });

  const prefix = uniquePrefix('replay');
  const redis = new Redis(REDIS_URL);
  afterAll(async () => {
    await deleteKeys(prefix);
    redis.disconnect();
  });

  it('share one answer across replicas with SET NX EX (Redis)', async () => {
    const replicaA = new RedisReplayStore(redis, `${prefix}:delivery:`);
    const replicaB = new RedisReplayStore(redis, `${prefix}:delivery:`);
    expect(await replicaA.remember('d-1', 60)).toBe(true);
    expect(await replicaB.remember('d-1', 60)).toBe(false);
    expect(await redis.ttl(`${prefix}:delivery:d-1`)).toBeGreaterThan(50);
  });
});
