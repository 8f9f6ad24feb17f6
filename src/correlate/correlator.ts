/**
 * The App's view of cascades, one report at a time. Each report joins its cluster's sliding window;
 * the window is correlated and the report gets a verdict: act on it (it is a root cause, or stands
 * alone), treat it as a dependent of another report's root cause, or wait — a report that only
 * says "cannot reach X" is held for a grace period so X's own report can arrive first.
 * No GitHub here: the caller turns verdicts into threads.
 */
import type { FailureReport, WorkloadRef } from '../report/schema.js';
import { failingOutbound, failureKind } from './failure-kind.js';
import { correlationFingerprint, workloadKey, type Fingerprinter } from './fingerprint.js';
import { dependenciesOf } from './graph.js';
import { isClusterLocalName, serviceKey, serviceRefFromHost } from './hosts.js';
import { correlate, DEFAULT_WINDOW_MS, type CorrelationGroup, type Dependent } from './rank.js';
import { failureOf, groupMemberOf } from './render.js';
import { MemoryWindowStore, type GroupMember, type ReportWindowStore, type VerifiedRoot } from './window-store.js';

export { MemoryWindowStore, type GroupMember, type ReportWindowStore, type VerifiedRoot, type WindowEntry } from './window-store.js';
export { RedisWindowStore, type RedisWindowStoreOptions } from './redis-window-store.js';
export type { Dependent } from './rank.js';

export const DEFAULT_GRACE_MS = 60_000;
/** Long enough for a fix to be merged and rolled out, so recovery can name who came back with the root. */
export const DEFAULT_GROUP_TTL_MS = 7 * 24 * 60 * 60_000;

/**
 * `group` is every dependent remembered for the root so far (this window's and earlier ones'):
 * what its Blast radius lists, the same whatever order the reports came in.
 */
export type CorrelationVerdict =
  | { action: 'act'; dependents: Dependent[]; group: GroupMember[] }
  | { action: 'wait'; retryInMs: number; reason: string }
  | { action: 'dependent'; rootFingerprint: string; root: WorkloadRef; rootFailure: string; evidence: string[]; group: GroupMember[] };

export interface CorrelatorOptions {
  store?: ReportWindowStore;
  /** Sliding window per cluster (default 5 minutes). */
  windowMs?: number;
  /** How long a "cannot reach X" report waits for X's own report (default 60 s). */
  graceMs?: number;
  /** How long group membership is remembered after its last change (default 7 days). */
  groupTtlMs?: number;
  /** The App's fingerprint, so verdicts name the fingerprints its threads carry. */
  fingerprint?: Fingerprinter;
  now?: () => number;
}

export interface RecoveryWithRoot {
  /** Dependents of the root whose failures recovered too. */
  recovered: GroupMember[];
  /** Dependents still failing (or whose recovery was not reported). */
  stillFailing: GroupMember[];
}

/**
 * The window holds only what correlation reads: dependencies are resolved once, on arrival, and
 * logs, spec, status and events are dropped so a storm of reports stays small in Redis.
 */
function slim(report: FailureReport): FailureReport {
  const { usage: _usage, ...rest } = report;
  return {
    ...rest,
    dependencies: dependenciesOf(report),
    pod: { ...report.pod, annotations: {}, spec: {}, status: {} },
    logs: { truncated: report.logs.truncated },
    events: [],
  };
}

/** The in-cluster Services a symptom failed to reach: the reports worth waiting for. */
function awaitedServices(report: FailureReport): string[] {
  const services = failingOutbound(report.dependencies).flatMap((target) => {
    const inClusterName = isClusterLocalName(target.host) || !target.host.includes('.');
    const service = target.service ?? (inClusterName ? serviceRefFromHost(target.host, report.workload.namespace) : null);
    return service ? [serviceKey(service)] : [];
  });
  return [...new Set(services)];
}

export class Correlator {
  private readonly store: ReportWindowStore;
  private readonly windowMs: number;
  private readonly graceMs: number;
  private readonly groupTtlMs: number;
  private readonly fingerprint: Fingerprinter;
  private readonly now: () => number;

  constructor(options: CorrelatorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.store = options.store ?? new MemoryWindowStore(this.now);
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.groupTtlMs = options.groupTtlMs ?? DEFAULT_GROUP_TTL_MS;
    this.fingerprint = options.fingerprint ?? correlationFingerprint;
  }

  async observe(report: FailureReport): Promise<CorrelationVerdict> {
    const now = this.now();
    await this.store.put(report.cluster, { fingerprint: this.fingerprint(report), report: slim(report) }, now, this.windowMs);
    const entries = await this.store.recent(report.cluster, now - this.windowMs);

    const fingerprints = new Map(entries.map((entry) => [entry.report, entry.fingerprint]));
    const result = correlate(
      entries.map((entry) => entry.report),
      { windowMs: this.windowMs, fingerprint: (stored) => fingerprints.get(stored) ?? this.fingerprint(stored) },
    );
    const key = workloadKey(report);
    const firstArrival = (node: FailureReport) => entries.find((entry) => entry.report === node)?.firstArrivedAt ?? now;

    for (const group of result.groups) {
      const dependent = group.dependents.find((candidate) => workloadKey(candidate.report) === key);
      if (dependent) return this.dependentVerdict(group, dependent, firstArrival(group.root), now);
      if (workloadKey(group.root) === key) return this.rootVerdict(group.root, group, firstArrival(group.root), now);
    }
    const own = result.independent.find((candidate) => workloadKey(candidate) === key) ?? slim(report);
    return this.rootVerdict(own, null, firstArrival(own), now);
  }

  /** Which of a root's dependents were reported recovered (in this replica or any other). */
  async recoveredWithRoot(rootFingerprint: string): Promise<RecoveryWithRoot> {
    const members = await this.store.dependentsOf(rootFingerprint);
    const recoveredSet = await this.store.recoveredAmong(members.map((member) => member.fingerprint));
    return {
      recovered: members.filter((member) => recoveredSet.has(member.fingerprint)),
      stillFailing: members.filter((member) => !recoveredSet.has(member.fingerprint)),
    };
  }

  /** Remaining grace for a symptom that points at in-cluster Services, or null when it should not wait. */
  private remainingGrace(report: FailureReport, firstArrivedAt: number, now: number): { ms: number; services: string[] } | null {
    if (failureKind(report) !== 'symptom') return null;
    const services = awaitedServices(report);
    const ms = firstArrivedAt + this.graceMs - now;
    return services.length > 0 && ms > 0 ? { ms, services } : null;
  }

  private async rootVerdict(report: FailureReport, group: CorrelationGroup | null, firstArrivedAt: number, now: number): Promise<CorrelationVerdict> {
    const grace = this.remainingGrace(report, firstArrivedAt, now);
    if (grace) {
      const targets = grace.services.map((service) => `Service ${service}`).join(', ');
      return { action: 'wait', retryInMs: grace.ms, reason: `cannot reach ${targets}; waiting for its own failure report` };
    }
    const dependents = group?.dependents ?? [];
    const rootFingerprint = group?.rootFingerprint ?? this.fingerprint(report);
    await this.remember(rootFingerprint, dependents);
    return { action: 'act', dependents, group: await this.store.dependentsOf(rootFingerprint) };
  }

  private async dependentVerdict(group: CorrelationGroup, dependent: Dependent, rootFirstArrivedAt: number, now: number): Promise<CorrelationVerdict> {
    // The root itself only says "cannot reach …" and is still waiting: so does its dependent.
    const grace = this.remainingGrace(group.root, rootFirstArrivedAt, now);
    if (grace) {
      const root = `${group.root.workload.kind} ${group.root.workload.namespace}/${group.root.workload.name}`;
      return { action: 'wait', retryInMs: grace.ms, reason: `depends on ${root}, which is waiting for the report of what it cannot reach` };
    }
    await this.remember(group.rootFingerprint, [dependent]);
    return {
      action: 'dependent',
      rootFingerprint: group.rootFingerprint,
      root: group.root.workload,
      rootFailure: failureOf(group.root),
      evidence: dependent.evidence,
      group: await this.store.dependentsOf(group.rootFingerprint),
    };
  }

  private async remember(rootFingerprint: string, dependents: Dependent[]): Promise<void> {
    if (dependents.length === 0) return;
    await this.store.rememberDependents(rootFingerprint, dependents.map(groupMemberOf), this.groupTtlMs);
  }

  /** The root a dependent was grouped under, while the group is remembered. */
  async rootOf(dependentFingerprint: string): Promise<string | null> {
    return this.store.rootOf(dependentFingerprint);
  }

  /** Recoveries are remembered as long as groups, so a root verified later still names them. */
  async noteRecovered(fingerprints: string[]): Promise<void> {
    await this.store.markRecovered(fingerprints, this.groupTtlMs);
  }

  async recoveredAmong(fingerprints: string[]): Promise<Set<string>> {
    return this.store.recoveredAmong(fingerprints);
  }

  async rememberVerifiedRoot(rootFingerprint: string, root: VerifiedRoot): Promise<void> {
    await this.store.rememberVerifiedRoot(rootFingerprint, root, this.groupTtlMs);
  }

  async verifiedRoot(rootFingerprint: string): Promise<VerifiedRoot | null> {
    return this.store.verifiedRoot(rootFingerprint);
  }
}
