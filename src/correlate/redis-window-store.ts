/**
 * The sliding window in Redis, shared by every App replica. Per cluster: a sorted set of
 * fingerprints scored by last arrival, a hash of the reports and a hash of first arrivals, all three
 * under one hash tag (`{cluster}`) so the Lua script that writes and trims them runs on one node of
 * a Redis Cluster, and all three expiring on their own when a cluster goes quiet.
 */
import type { Redis } from 'ioredis';
import { parseFailureReport, type FailureReport } from '../report/schema.js';
import type { GroupMember, ReportWindowStore, VerifiedRoot, WindowEntry } from './window-store.js';

/** Adds or refreshes one entry, keeps its first arrival, drops entries older than the cutoff. */
const PUT_SCRIPT = `
local window, reports, first = KEYS[1], KEYS[2], KEYS[3]
local fingerprint, now, json, cutoff, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local stale = redis.call('ZRANGEBYSCORE', window, '-inf', '(' .. cutoff)
for _, old in ipairs(stale) do
  redis.call('HDEL', reports, old)
  redis.call('HDEL', first, old)
end
redis.call('ZREMRANGEBYSCORE', window, '-inf', '(' .. cutoff)
redis.call('ZADD', window, now, fingerprint)
redis.call('HSET', reports, fingerprint, json)
redis.call('HSETNX', first, fingerprint, now)
redis.call('PEXPIRE', window, ttl)
redis.call('PEXPIRE', reports, ttl)
redis.call('PEXPIRE', first, ttl)
return #stale
`;

export interface RedisWindowStoreOptions {
  /** Prefix of every key, so several installations (or test runs) can share a Redis. */
  keyPrefix?: string;
}

export class RedisWindowStore implements ReportWindowStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    options: RedisWindowStoreOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? 'kubecure:correlate:';
  }

  private windowKeys(cluster: string): [string, string, string] {
    const base = `${this.prefix}{${cluster}}`;
    return [`${base}:window`, `${base}:reports`, `${base}:first`];
  }

  private groupKey(rootFingerprint: string): string {
    return `${this.prefix}group:${rootFingerprint}`;
  }

  private rootKey(dependentFingerprint: string): string {
    return `${this.prefix}root-of:${dependentFingerprint}`;
  }

  private recoveredKey(fingerprint: string): string {
    return `${this.prefix}recovered:${fingerprint}`;
  }

  private verifiedKey(rootFingerprint: string): string {
    return `${this.prefix}verified:${rootFingerprint}`;
  }

  async put(cluster: string, entry: { fingerprint: string; report: FailureReport }, now: number, windowMs: number): Promise<void> {
    // Keys outlive the window a little so a slow replica still finds what a fast one wrote.
    const ttlMs = Math.ceil(windowMs * 2);
    await this.redis.eval(PUT_SCRIPT, 3, ...this.windowKeys(cluster), entry.fingerprint, now, JSON.stringify(entry.report), now - windowMs, ttlMs);
  }

  async recent(cluster: string, since: number): Promise<WindowEntry[]> {
    const [window, reports, first] = this.windowKeys(cluster);
    const fingerprints = await this.redis.zrangebyscore(window, since, '+inf');
    if (fingerprints.length === 0) return [];
    const [jsons, arrivals] = await Promise.all([this.redis.hmget(reports, ...fingerprints), this.redis.hmget(first, ...fingerprints)]);
    return fingerprints.flatMap((fingerprint, index) => {
      const parsed = parseStoredReport(jsons[index]);
      if (!parsed) return [];
      return [{ fingerprint, report: parsed, firstArrivedAt: Number(arrivals[index] ?? since) }];
    });
  }

  async rememberDependents(rootFingerprint: string, members: GroupMember[], ttlMs: number): Promise<void> {
    const key = this.groupKey(rootFingerprint);
    const pipeline = this.redis.multi();
    for (const member of members) pipeline.hset(key, member.fingerprint, JSON.stringify(member));
    pipeline.pexpire(key, ttlMs);
    await pipeline.exec();
    // Separate keys, separate commands: they need not share a Redis Cluster slot.
    await Promise.all(members.map((member) => this.redis.set(this.rootKey(member.fingerprint), rootFingerprint, 'PX', ttlMs)));
  }

  async rootOf(dependentFingerprint: string): Promise<string | null> {
    return this.redis.get(this.rootKey(dependentFingerprint));
  }

  async markRecovered(fingerprints: string[], ttlMs: number): Promise<void> {
    await Promise.all(fingerprints.map((fingerprint) => this.redis.set(this.recoveredKey(fingerprint), '1', 'PX', ttlMs)));
  }

  async recoveredAmong(fingerprints: string[]): Promise<Set<string>> {
    if (fingerprints.length === 0) return new Set();
    // One key per fingerprint (not one hash) so each expires on its own.
    const values = await Promise.all(fingerprints.map((fingerprint) => this.redis.exists(this.recoveredKey(fingerprint))));
    return new Set(fingerprints.filter((_fingerprint, index) => values[index] === 1));
  }

  async rememberVerifiedRoot(rootFingerprint: string, root: VerifiedRoot, ttlMs: number): Promise<void> {
    await this.redis.set(this.verifiedKey(rootFingerprint), JSON.stringify(root), 'PX', ttlMs);
  }

  async verifiedRoot(rootFingerprint: string): Promise<VerifiedRoot | null> {
    const json = await this.redis.get(this.verifiedKey(rootFingerprint));
    if (!json) return null;
    try {
      return JSON.parse(json) as VerifiedRoot;
    } catch {
      return null;
    }
  }

  async dependentsOf(rootFingerprint: string): Promise<GroupMember[]> {
    const stored = await this.redis.hgetall(this.groupKey(rootFingerprint));
    return Object.values(stored).flatMap((json) => {
      try {
        return [JSON.parse(json) as GroupMember];
      } catch {
        return [];
      }
    });
  }
}

/** A report written by another replica, or by an older version: validated, skipped when unreadable. */
function parseStoredReport(json: string | null | undefined): FailureReport | null {
  if (!json) return null;
  try {
    const parsed = parseFailureReport(JSON.parse(json));
    return parsed.ok ? parsed.value : null;
  } catch {
    return null;
  }
}
