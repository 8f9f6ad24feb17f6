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
}

interface StoredEntry extends WindowEntry {
  lastArrivedAt: number;
}

/** A single replica's window; not shared, not durable. */
export class MemoryWindowStore implements ReportWindowStore {
  private readonly windows = new Map<string, Map<string, StoredEntry>>();
  private readonly groups = new Map<string, { expiresAt: number; members: Map<string, GroupMember> }>();

  constructor(private readonly now: () => number = Date.now) {}

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
    for (const member of members) group.members.set(member.fingerprint, member);
    group.expiresAt = this.now() + ttlMs;
    this.groups.set(rootFingerprint, group);
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
