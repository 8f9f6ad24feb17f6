/**
 * Where each merged fix lives, by fingerprint, so a recovery report (which names fingerprints,
 * not repositories) finds the pull request to verify. In Redis when `REDIS_URL` is set, shared by
 * every replica; in memory otherwise (single replica, forgotten on restart, like the queue).
 */
import type { Redis } from 'ioredis';

export interface MergedFix {
  owner: string;
  repo: string;
  number: number;
  installationId: number;
}

export interface MergedFixStore {
  remember(fingerprint: string, fix: MergedFix): Promise<void>;
  find(fingerprint: string): Promise<MergedFix | null>;
  forget(fingerprint: string): Promise<void>;
}

/** A fix that has not recovered within a month will not be verified by a recovery report. */
export const MERGED_FIX_TTL_SECONDS = 30 * 24 * 3600;

export class MemoryMergedFixStore implements MergedFixStore {
  readonly #fixes = new Map<string, MergedFix>();

  constructor(private readonly maxEntries = 10_000) {}

  async remember(fingerprint: string, fix: MergedFix): Promise<void> {
    this.#fixes.delete(fingerprint);
    this.#fixes.set(fingerprint, fix);
    if (this.#fixes.size > this.maxEntries) this.#fixes.delete(this.#fixes.keys().next().value!);
  }

  async find(fingerprint: string): Promise<MergedFix | null> {
    return this.#fixes.get(fingerprint) ?? null;
  }

  async forget(fingerprint: string): Promise<void> {
    this.#fixes.delete(fingerprint);
  }
}

export class RedisMergedFixStore implements MergedFixStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'kubecure:merged:',
  ) {}

  async remember(fingerprint: string, fix: MergedFix): Promise<void> {
    await this.redis.set(`${this.prefix}${fingerprint}`, JSON.stringify(fix), 'EX', MERGED_FIX_TTL_SECONDS);
  }

  async find(fingerprint: string): Promise<MergedFix | null> {
    const raw = await this.redis.get(`${this.prefix}${fingerprint}`);
    if (!raw) return null;
    try {
      const fix = JSON.parse(raw) as Partial<MergedFix>;
      const valid = typeof fix.owner === 'string' && typeof fix.repo === 'string' && typeof fix.number === 'number' && typeof fix.installationId === 'number';
      return valid ? (fix as MergedFix) : null;
    } catch {
      return null;
    }
  }

  async forget(fingerprint: string): Promise<void> {
    await this.redis.del(`${this.prefix}${fingerprint}`);
  }
}
