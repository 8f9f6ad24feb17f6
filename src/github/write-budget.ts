/**
 * The write budget: how fast KubeCure may make content-creating requests (POST, PATCH, PUT,
 * DELETE) to one installation. GitHub asks for about one such request a second per installation
 * and answers bursts with a secondary rate limit (403/429 with Retry-After) that applies to the
 * whole installation, so the budget is per installation and, with Redis, shared by every replica:
 * replicas add throughput across installations, never within one.
 *
 * The state is two keys per installation, each with a TTL: the next free write slot and a pause
 * set by a secondary rate limit. A key that expired (idle) or vanished (Redis restarted without
 * persistence) simply means "write now", so the budget rebuilds itself; nothing has to be
 * initialised first, unlike a clustered Bottleneck limiter whose settings key can expire.
 */
import type { Redis } from 'ioredis';
import type { GitHub } from './octokit.js';

/** GitHub's guidance for content-creating requests: at least one second apart per installation. */
export const DEFAULT_WRITE_INTERVAL_MS = 1_000;

/**
 * How far away a slot may be and still be waited for inside a job; further, the job is postponed.
 * Refreshes (recurrence counts, sticky comments) wait only for a short backlog: when writes are
 * scarce they yield to new failures, and coalesce meanwhile.
 */
export const MAX_WAIT_MS: Record<WritePriority, (intervalMs: number) => number> = {
  'new-failure': (intervalMs) => Math.max(15_000, 3 * intervalMs),
  refresh: (intervalMs) => 5 * intervalMs,
};

export type WritePriority = 'new-failure' | 'refresh';

export interface WriteSlot {
  /** Milliseconds to wait before making the write (or, when not reserved, before asking again). */
  waitMs: number;
  /**
   * False when no slot was taken: the installation is paused, or its next slot is further away
   * than the priority may wait. The caller postpones its job instead of holding a worker.
   */
  reserved: boolean;
}

/** Thrown instead of a write that must wait longer than a job should hold its worker. */
export class WritesDeferredError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'WritesDeferredError';
  }
}

export interface WriteBacklog {
  /** Writes reserved and not yet due, across every replica. */
  writes: number;
  /** Seconds until the last reserved write is due, including a rate-limit pause. */
  etaSeconds: number;
  /** Seconds left in a secondary-rate-limit pause (0 when none). */
  pausedSeconds: number;
}

export interface WriteBudget {
  readonly intervalMs: number;
  reserve(installation: string, priority: WritePriority): Promise<WriteSlot>;
  /** Stops every replica's writes to the installation for `ms` (GitHub's Retry-After). */
  pause(installation: string, ms: number): Promise<void>;
  backlog(installation: string): Promise<WriteBacklog>;
}

export interface WriteBudgetOptions {
  intervalMs?: number;
  /** How long idle state is kept; short in tests that prove the budget survives expiry. */
  idleTtlMs?: number;
  now?: () => number;
}

/**
 * One atomic step per write, run inside Redis so replicas cannot both take a slot: read the pause
 * and the next free slot, decide, and move the slot one interval on. Time comes from the caller
 * (all replicas use the same clock source: NTP-synced hosts), so a test can reason about it.
 *
 * KEYS: next-slot, paused-until. ARGV: now, interval, idle TTL, longest acceptable wait.
 * Returns { waitMs, reserved (1/0) }.
 */
const RESERVE_SCRIPT = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local maxWait = tonumber(ARGV[4])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return { paused - now, 0 } end
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
if (slot - now) > maxWait then return { slot - now, 0 } end
redis.call('SET', KEYS[1], slot + interval, 'PX', (slot - now) + interval + ttl)
return { slot - now, 1 }
`;

/** Keeps the later of the current pause and the new one: a shorter Retry-After never shortens a pause. */
const PAUSE_SCRIPT = `
local until_ = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[2])) end
return 1
`;

function backlogOf(slot: number, paused: number, now: number, intervalMs: number): WriteBacklog {
  const pausedMs = Math.max(0, paused - now);
  const aheadMs = Math.max(0, slot - now);
  return {
    writes: Math.ceil(aheadMs / intervalMs),
    etaSeconds: Math.max(aheadMs, pausedMs) / 1000,
    pausedSeconds: pausedMs / 1000,
  };
}

export class RedisWriteBudget implements WriteBudget {
  readonly intervalMs: number;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #idleTtlMs: number;
  readonly #now: () => number;

  constructor(redis: Redis, prefix: string, options: WriteBudgetOptions = {}) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.intervalMs = options.intervalMs ?? DEFAULT_WRITE_INTERVAL_MS;
    this.#idleTtlMs = options.idleTtlMs ?? 10 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  #keys(installation: string): [string, string] {
    return [`${this.#prefix}:writes:${installation}:next`, `${this.#prefix}:writes:${installation}:paused`];
  }

  async reserve(installation: string, priority: WritePriority): Promise<WriteSlot> {
    const [waitMs, reserved] = (await this.#redis.eval(
      RESERVE_SCRIPT,
      2,
      ...this.#keys(installation),
      this.#now(),
      this.intervalMs,
      this.#idleTtlMs,
      MAX_WAIT_MS[priority](this.intervalMs),
    )) as [number, number];
    return { waitMs, reserved: reserved === 1 };
  }

  async pause(installation: string, ms: number): Promise<void> {
    await this.#redis.eval(PAUSE_SCRIPT, 1, this.#keys(installation)[1], this.#now() + ms, Math.max(1, Math.ceil(ms)));
  }

  async backlog(installation: string): Promise<WriteBacklog> {
    const [slot, paused] = await this.#redis.mget(...this.#keys(installation));
    return backlogOf(Number(slot ?? 0), Number(paused ?? 0), this.#now(), this.intervalMs);
  }
}

/** The same budget for a single process without Redis (the in-process queue). */
export class MemoryWriteBudget implements WriteBudget {
  readonly intervalMs: number;
  readonly #slots = new Map<string, number>();
  readonly #pauses = new Map<string, number>();
  readonly #now: () => number;

  constructor(options: WriteBudgetOptions = {}) {
    this.intervalMs = options.intervalMs ?? DEFAULT_WRITE_INTERVAL_MS;
    this.#now = options.now ?? Date.now;
  }

  async reserve(installation: string, priority: WritePriority): Promise<WriteSlot> {
    const now = this.#now();
    const paused = this.#pauses.get(installation) ?? 0;
    if (paused > now) return { waitMs: paused - now, reserved: false };
    const slot = Math.max(now, this.#slots.get(installation) ?? 0);
    if (slot - now > MAX_WAIT_MS[priority](this.intervalMs)) return { waitMs: slot - now, reserved: false };
    this.#slots.set(installation, slot + this.intervalMs);
    return { waitMs: slot - now, reserved: true };
  }

  async pause(installation: string, ms: number): Promise<void> {
    const until = this.#now() + ms;
    if (until > (this.#pauses.get(installation) ?? 0)) this.#pauses.set(installation, until);
  }

  async backlog(installation: string): Promise<WriteBacklog> {
    return backlogOf(this.#slots.get(installation) ?? 0, this.#pauses.get(installation) ?? 0, this.#now(), this.intervalMs);
  }
}

/** Content-creating methods: the requests GitHub's secondary rate limits count. */
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export interface BudgetedWrites {
  /** What the job's next writes are for; a recurrence sets `refresh` so new failures go first. */
  priority: WritePriority;
}

export interface ApplyWriteBudgetOptions {
  budget: WriteBudget;
  installation: string;
  /** Told of every write made and every pause set (metrics). */
  onWrite?: (event: { installation: string; waitMs: number }) => void;
  onPause?: (event: { installation: string; ms: number }) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds GitHub asked to wait, or null when the error is not a rate limit. */
  rateLimitDelay: (error: unknown) => number | null;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Routes the client's writes through the installation's budget. Reads pass untouched (Probot's
 * own throttle keeps them within the primary limit). A rate-limited write pauses the
 * installation for every replica before the error reaches the job, which the queue postpones.
 */
export function applyWriteBudget(octokit: GitHub, options: ApplyWriteBudgetOptions): BudgetedWrites {
  const control: BudgetedWrites = { priority: 'new-failure' };
  const { budget, installation } = options;
  const sleep = options.sleep ?? defaultSleep;
  octokit.hook.wrap('request', async (request, requestOptions) => {
    const method = (requestOptions.method ?? 'GET').toUpperCase();
    // Installation tokens are minted through the App's own client; only repository writes count.
    if (!WRITE_METHODS.has(method) || String(requestOptions.url ?? '').startsWith('/app/')) return request(requestOptions);
    const slot = await budget.reserve(installation, control.priority);
    if (!slot.reserved) {
      throw new WritesDeferredError(`writes to installation ${installation} are ${slot.waitMs}ms away (${control.priority})`, Math.max(slot.waitMs, budget.intervalMs));
    }
    if (slot.waitMs > 0) await sleep(slot.waitMs);
    options.onWrite?.({ installation, waitMs: slot.waitMs });
    try {
      return await request(requestOptions);
    } catch (error) {
      const delay = options.rateLimitDelay(error);
      if (delay !== null) {
        await budget.pause(installation, delay);
        options.onPause?.({ installation, ms: delay });
      }
      throw error;
    }
  });
  return control;
}
