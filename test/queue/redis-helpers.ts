import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { waitFor as waitForCondition } from '../support/wait.js';

export const REDIS_URL = process.env.KUBECURE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test file (or run) shares. */
export function uniquePrefix(name: string): string {
  return `kubecure-test-${name}-${randomUUID().slice(0, 8)}`;
}

export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Queue tests poll Redis-backed state, which settles more slowly than in-process state. */
export function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  return waitForCondition(probe, timeoutMs, 'the queue', 50);
}
