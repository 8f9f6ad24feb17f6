/**
 * Remembers the delivery ids of accepted reports so a captured request cannot be sent twice.
 * Ids need only be kept as long as their timestamp would still pass the freshness check.
 */
import type { Redis } from 'ioredis';

export interface ReplayStore {
  /** True the first time an id is seen within `ttlSeconds`, false for a replay. */
  remember(deliveryId: string, ttlSeconds: number): Promise<boolean>;
}

/** One replica: an insertion-ordered map that forgets expired ids and caps its size. */
export class MemoryReplayStore implements ReplayStore {
  readonly #seen = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {}

  async remember(deliveryId: string, ttlSeconds: number): Promise<boolean> {
    const now = Date.now();
    const expiresAt = this.#seen.get(deliveryId);
    if (expiresAt !== undefined && expiresAt > now) return false;
    this.#seen.delete(deliveryId);
    this.#seen.set(deliveryId, now + ttlSeconds * 1000);
    this.#evict(now);
    return true;
  }

  #evict(now: number): void {
    for (const [id, expiresAt] of this.#seen) {
      if (expiresAt > now && this.#seen.size <= this.maxEntries) break;
      this.#seen.delete(id);
    }
  }
}

/** Several replicas: `SET NX EX` makes the first replica to see an id its only owner. */
export class RedisReplayStore implements ReplayStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'kubecure:delivery:',
  ) {}

  async remember(deliveryId: string, ttlSeconds: number): Promise<boolean> {
    const result = await this.redis.set(this.prefix + deliveryId, '1', 'EX', ttlSeconds, 'NX');
    return result === 'OK';
  }
}
