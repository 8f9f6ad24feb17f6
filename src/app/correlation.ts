/**
 * The App's correlator from the environment. With Redis the sliding window, the groups of each
 * root cause and the recoveries of their dependents are shared by every replica and survive a
 * restart; without it each replica correlates, and remembers, what it receives.
 *
 * | Variable | Default | Meaning |
 * | --- | --- | --- |
 * | `KUBECURE_CORRELATION` | `on` | `off` acts on every report alone (no cascade detection). |
 * | `KUBECURE_CORRELATION_WINDOW_SECONDS` | `300` | Reports of one cluster within this window are correlated. |
 * | `KUBECURE_CORRELATION_GRACE_SECONDS` | `60` | How long a "cannot reach X" report waits for X's own report. |
 */
import type { Redis } from 'ioredis';
import { Correlator, MemoryWindowStore, RedisWindowStore } from '../correlate/correlator.js';

function seconds(value: string | undefined, fallback: number): number {
  const number = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(number) && number >= 0 ? number : fallback;
}

export function correlatorFromEnv(env: NodeJS.ProcessEnv, redis: Redis | null, keyPrefix: string): Correlator | null {
  if ((env.KUBECURE_CORRELATION ?? 'on').toLowerCase() === 'off') return null;
  return new Correlator({
    store: redis ? new RedisWindowStore(redis, { keyPrefix: `${keyPrefix}:correlation:` }) : new MemoryWindowStore(),
    windowMs: seconds(env.KUBECURE_CORRELATION_WINDOW_SECONDS, 300) * 1000,
    graceMs: seconds(env.KUBECURE_CORRELATION_GRACE_SECONDS, 60) * 1000,
  });
}
