/**
 * How many reports one cluster may deliver: a token bucket per cluster. A burst (a rollout that
 * breaks thirty pods at once) passes; a cluster that keeps sending faster than the sustained rate
 * gets 429 with the seconds to wait, and its agent retries. In Redis when `REDIS_URL` is set, so
 * every replica draws from the same bucket; in memory otherwise.
 */
import type { Redis } from 'ioredis';

export interface IntakeRate {
  /** Reports a cluster may send at once. */
  burst: number;
  /** Reports per minute a cluster may send on average. */
  perMinute: number;
}

export const DEFAULT_INTAKE_RATE: IntakeRate = { burst: 60, perMinute: 120 };

export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface IntakeLimiter {
  take(cluster: string): Promise<TakeResult>;
}

function result(allowed: boolean, waitMs: number): TakeResult {
  return allowed ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

export class MemoryIntakeLimiter implements IntakeLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: IntakeRate = DEFAULT_INTAKE_RATE,
    private readonly now: () => number = Date.now,
  ) {}

  async take(cluster: string): Promise<TakeResult> {
    const perMs = this.rate.perMinute / 60_000;
    const now = this.now();
    const bucket = this.#buckets.get(cluster) ?? { tokens: this.rate.burst, at: now };
    bucket.tokens = Math.min(this.rate.burst, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(cluster, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return result(true, 0);
    }
    return result(false, (1 - bucket.tokens) / perMs);
  }
}

/** Refill and take in one script, timed by the Redis server's clock so replicas' clocks do not matter. */
const TAKE_SCRIPT = `
local burst = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * perMs)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / perMs)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / perMs) + 1000)
return {allowed, wait}
`;

export class RedisIntakeLimiter implements IntakeLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly rate: IntakeRate = DEFAULT_INTAKE_RATE,
    private readonly prefix = 'kubecure:intake-rate:',
  ) {}

  async take(cluster: string): Promise<TakeResult> {
    const [allowed, wait] = (await this.redis.eval(TAKE_SCRIPT, 1, this.prefix + cluster, this.rate.burst, this.rate.perMinute / 60_000)) as [number, number];
    return result(allowed === 1, wait);
  }
}

/** `KUBECURE_INTAKE_BURST` and `KUBECURE_INTAKE_PER_MINUTE`, each falling back to its default. */
export function intakeRateFromEnv(env: NodeJS.ProcessEnv): IntakeRate {
  const read = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
    return value;
  };
  return { burst: read('KUBECURE_INTAKE_BURST', DEFAULT_INTAKE_RATE.burst), perMinute: read('KUBECURE_INTAKE_PER_MINUTE', DEFAULT_INTAKE_RATE.perMinute) };
}
