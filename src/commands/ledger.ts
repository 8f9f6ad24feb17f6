/**
 * "Has this comment been handled already?" GitHub redelivers webhooks (timeouts, manual
 * redelivery, several App replicas behind one URL), so a command runs once per comment id: a
 * Redis `SET NX` shared by every replica when `REDIS_URL` is set, else an in-process LRU.
 *
 * A claim is a lease while the work runs, kept for the redelivery horizon once the work is done,
 * and released when it fails: a delivery that failed half-way leaves the comment claimable, so
 * GitHub's redelivery completes it instead of being skipped as "already handled".
 */
import type { Redis } from 'ioredis';

export interface CommandLedger {
  /** True when nobody holds `key`; the caller then holds it for `seconds`. */
  claim(key: string, seconds?: number): Promise<boolean>;
  /** Holds `key` (claimed or not) for `seconds` with `value`: the work behind it is done. */
  keep(key: string, seconds?: number, value?: string): Promise<void>;
  /** The value `key` is held with, or null when nobody holds it. */
  recall(key: string): Promise<string | null>;
  /** Gives `key` back: its work failed and may be tried again. */
  release(key: string): Promise<void>;
}

/** Redeliveries happen within hours; a week is generous. */
export const CLAIM_TTL_SECONDS = 7 * 24 * 3600;

/**
 * How long a command's claim holds while it runs. A replica that dies mid-command loses its claim
 * after this, so a later redelivery can still complete the command; a command takes seconds.
 */
export const LEASE_SECONDS = 10 * 60;

export class MemoryLedger implements CommandLedger {
  /** key → its value and when the claim lapses (ms since the epoch). */
  readonly #keys = new Map<string, { value: string; until: number }>();

  constructor(
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(key: string, seconds = CLAIM_TTL_SECONDS): Promise<boolean> {
    if ((await this.recall(key)) !== null) return false;
    await this.keep(key, seconds);
    return true;
  }

  async keep(key: string, seconds = CLAIM_TTL_SECONDS, value = '1'): Promise<void> {
    this.#keys.delete(key);
    this.#keys.set(key, { value, until: this.now() + seconds * 1000 });
    // Maps keep insertion order: the first key is the oldest.
    if (this.#keys.size > this.maxKeys) this.#keys.delete(this.#keys.keys().next().value!);
  }

  async recall(key: string): Promise<string | null> {
    const entry = this.#keys.get(key);
    if (entry === undefined) return null;
    if (entry.until > this.now()) return entry.value;
    this.#keys.delete(key);
    return null;
  }

  async release(key: string): Promise<void> {
    this.#keys.delete(key);
  }
}

export class RedisLedger implements CommandLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'kubecure:command:',
  ) {}

  async claim(key: string, seconds = CLAIM_TTL_SECONDS): Promise<boolean> {
    const result = await this.redis.set(`${this.prefix}${key}`, '1', 'EX', seconds, 'NX');
    return result === 'OK';
  }

  async keep(key: string, seconds = CLAIM_TTL_SECONDS, value = '1'): Promise<void> {
    await this.redis.set(`${this.prefix}${key}`, value, 'EX', seconds);
  }

  async recall(key: string): Promise<string | null> {
    return this.redis.get(`${this.prefix}${key}`);
  }

  async release(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}${key}`);
  }
}
