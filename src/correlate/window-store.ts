/**
 * Where the Correlator keeps the recent reports of each cluster (the sliding window) and, for
 * longer, which dependents were grouped under each root (to say who recovered with it). In memory
 * for one replica; in Redis when several App replicas must see the same window.
 */
import type { FailureReport, WorkloadRef } from '../report/schema.js';

export interface WindowEntry {
  fingerprint: string;
  report: FailureReport;
  /** When this failure first arrived in the current window (epoch ms): the grace period starts there. */
  firstArrivedAt: number;
}

export interface GroupMember {
  fingerprint: string;
  workload: WorkloadRef;
  evidence: string[];
  /** `CrashLoopBackOff (Error)`; absent in members remembered by older versions. */
  failure?: string;
  /** The chain from the dependent to the root. */
  via?: string[];
}

/** Where a root's fix was verified, so the verified comment can be updated as dependents recover. */
export interface VerifiedRoot {
  installationId: number;
  owner: string;
  repo: string;
  number: number;
  /** The root's recovery report, as JSON: the comment is rendered from it again. */
  recovery: unknown;
}

export interface ReportWindowStore {
  /**
   * Records a report under its fingerprint (a later report of the same failure replaces it, keeping
   * the first arrival time) and forgets the cluster's entries that arrived before `now - windowMs`.
   */
  put(cluster: string, entry: { fingerprint: string; report: FailureReport }, now: number, windowMs: number): Promise<void>;
  /** The cluster's entries that arrived at or after `since`. */
  recent(cluster: string, since: number): Promise<WindowEntry[]>;
  /** Adds dependents to a root's group; the group is forgotten `ttlMs` after its last change. */
  rememberDependents(rootFingerprint: string, members: GroupMember[], ttlMs: number): Promise<void>;
  dependentsOf(rootFingerprint: string): Promise<GroupMember[]>;
  /** The root a dependent was last grouped under (remembered as long as the group). */
  rootOf(dependentFingerprint: string): Promise<string | null>;
  /** Records that these failures recovered; remembered for `ttlMs`. */
  markRecovered(fingerprints: string[], ttlMs: number): Promise<void>;
  /** Which of these fingerprints were reported recovered. */
  recoveredAmong(fingerprints: string[]): Promise<Set<string>>;
  rememberVerifiedRoot(rootFingerprint: string, root: VerifiedRoot, ttlMs: number): Promise<void>;
  verifiedRoot(rootFingerprint: string): Promise<VerifiedRoot | null>;
}

/** Expiring values of one replica. */
class ExpiringMap<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  constructor(private readonly now: () => number) {}
  set(key: string, value: T, ttlMs: number): void {
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }
  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) this.entries.delete(key);
    return entry && entry.expiresAt > this.now() ? entry.value : undefined;
  }
}

interface StoredEntry extends WindowEntry {
  lastArrivedAt: number;
}

/** A single replica's window; not shared, not durable. */
export class MemoryWindowStore implements ReportWindowStore {
  private readonly windows = new Map<string, Map<string, StoredEntry>>();
  private readonly groups = new Map<string, { expiresAt: number; members: Map<string, GroupMember> }>();
  private readonly roots: ExpiringMap<string>;
  private readonly recovered: ExpiringMap<true>;
  private readonly verified: ExpiringMap<VerifiedRoot>;

  constructor(private readonly now: () => number = Date.now) {
    this.roots = new ExpiringMap(now);
    this.recovered = new ExpiringMap(now);
    this.verified = new ExpiringMap(now);
  }

  async put(cluster: string, entry: { fingerprint: string; report: FailureReport }, now: number, windowMs: number): Promise<void> {
    const window = this.windows.get(cluster) ?? new Map<string, StoredEntry>();
    for (const [fingerprint, stored] of window) {
      if (stored.lastArrivedAt < now - windowMs) window.delete(fingerprint);
    }
    const firstArrivedAt = window.get(entry.fingerprint)?.firstArrivedAt ?? now;
    window.set(entry.fingerprint, { ...entry, firstArrivedAt, lastArrivedAt: now });
    this.windows.set(cluster, window);
  }

  async recent(cluster: string, since: number): Promise<WindowEntry[]> {
    return [...(this.windows.get(cluster)?.values() ?? [])]
      .filter((entry) => entry.lastArrivedAt >= since)
      .map(({ fingerprint, report, firstArrivedAt }) => ({ fingerprint, report, firstArrivedAt }));
  }

  async rememberDependents(rootFingerprint: string, members: GroupMember[], ttlMs: number): Promise<void> {
    const group = this.liveGroup(rootFingerprint) ?? { expiresAt: 0, members: new Map<string, GroupMember>() };
    for (const member of members) {
      group.members.set(member.fingerprint, member);
      this.roots.set(member.fingerprint, rootFingerprint, ttlMs);
    }
    group.expiresAt = this.now() + ttlMs;
    this.groups.set(rootFingerprint, group);
  }

  async rootOf(dependentFingerprint: string): Promise<string | null> {
    return this.roots.get(dependentFingerprint) ?? null;
  }

  async markRecovered(fingerprints: string[], ttlMs: number): Promise<void> {
    for (const fingerprint of fingerprints) this.recovered.set(fingerprint, true, ttlMs);
  }

  async recoveredAmong(fingerprints: string[]): Promise<Set<string>> {
    return new Set(fingerprints.filter((fingerprint) => this.recovered.get(fingerprint)));
  }

  async rememberVerifiedRoot(rootFingerprint: string, root: VerifiedRoot, ttlMs: number): Promise<void> {
    this.verified.set(rootFingerprint, root, ttlMs);
  }

  async verifiedRoot(rootFingerprint: string): Promise<VerifiedRoot | null> {
    return this.verified.get(rootFingerprint) ?? null;
  }

  async dependentsOf(rootFingerprint: string): Promise<GroupMember[]> {
    return [...(this.liveGroup(rootFingerprint)?.members.values() ?? [])];
  }

  private liveGroup(rootFingerprint: string) {
    const group = this.groups.get(rootFingerprint);
    if (group && group.expiresAt <= this.now()) {
      this.groups.delete(rootFingerprint);
      return undefined;
    }
    return group;
  }
}
