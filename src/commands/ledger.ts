/**
 * "Has this comment been handled already?" GitHub redelivers webhooks (timeouts, manual
 * redelivery, several App replicas behind one URL), so a command runs once per comment id: a
 * Redis `SET NX` shared by every replica when `REDIS_URL` is set, else an in-process LRU.
 */
import type { Redis } from 'ioredis';

export interface CommandLedger {
  /** True the first time a key is claimed, false on every later claim. */
  claim(key: string): Promise<boolean>;
}

/** Redeliveries happen within hours; a week is generous. */
export const CLAIM_TTL_SECONDS = 7 * 24 * 3600;

export class MemoryLedger implements CommandLedger {
  readonly #keys = new Set<string>();

  constructor(private readonly maxKeys = 10_000) {}

  async claim(key: string): Promise<boolean> {
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    // Sets keep insertion order: the first key is the oldest.
    if (this.#keys.size > this.maxKeys) this.#keys.delete(this.#keys.values().next().value!);
    return true;
  }
}

export class RedisLedger implements CommandLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'kubecure:command:',
  ) {}

  async claim(key: string): Promise<boolean> {
    const result = await this.redis.set(`${this.prefix}${key}`, '1', 'EX', CLAIM_TTL_SECONDS, 'NX');
    return result === 'OK';
  }
}
