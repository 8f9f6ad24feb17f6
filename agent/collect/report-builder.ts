/**
 * Assembling a FailureReport from what was collected, then validating it against the shared
 * schema (so the agent never sends what the App would reject) and redacting it (so nothing
 * secret leaves the cluster, and nothing unredacted is ever queued).
 */
import { toReportEvent, sortEventsByTime } from '../../src/report/events.js';
import type { EventLike } from '../../src/report/kube-types.js';
import { redactReport } from '../../src/report/redact.js';
import {
  REPORT_API_VERSION,
  describeFieldErrors,
  parseFailureReport,
  type Dependencies,
  type Failure,
  type FailureReport,
  type ObjectRef,
  type SourceHints,
  type WorkloadRef,
} from '../../src/report/schema.js';
import type { LogTails } from './logs.js';
import type { ContainerUsage } from './usage.js';

/** The newest events are the ones that explain the failure; older ones only repeat it. */
const MAX_EVENTS = 20;

export interface ReportParts {
  cluster: string;
  agentVersion: string;
  failure: Failure;
  occurrences: number;
  firstSeen: Date;
  pod: {
    name: string;
    namespace: string;
    uid?: string | undefined;
    nodeName?: string | undefined;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    spec: Record<string, unknown>;
    status: Record<string, unknown>;
  };
  workload: WorkloadRef;
  ownerChain: ObjectRef[];
  logs: LogTails | undefined;
  events: EventLike[];
  usage: ContainerUsage[] | undefined;
  sourceHints: SourceHints;
  dependencies: Dependencies | undefined;
  now?: Date;
}

export type BuiltReport = { ok: true; report: FailureReport } | { ok: false; error: string };

export function buildFailureReport(parts: ReportParts): BuiltReport {
  const events = sortEventsByTime(dedupeEvents(parts.events)).slice(-MAX_EVENTS).map(toReportEvent);
  const draft = {
    apiVersion: REPORT_API_VERSION,
    kind: 'FailureReport',
    cluster: parts.cluster,
    observedAt: (parts.now ?? new Date()).toISOString(),
    firstSeen: parts.firstSeen.toISOString(),
    occurrences: parts.occurrences,
    failure: parts.failure,
    pod: withoutUndefined(parts.pod),
    workload: parts.workload,
    ownerChain: parts.ownerChain,
    logs: parts.logs ?? { truncated: false },
    events,
    ...(parts.usage && parts.usage.length > 0 ? { usage: { containers: parts.usage } } : {}),
    sourceHints: parts.sourceHints,
    ...(parts.dependencies ? { dependencies: parts.dependencies } : {}),
    agent: { version: parts.agentVersion },
  };
  const parsed = parseFailureReport(draft);
  if (!parsed.ok) return { ok: false, error: describeFieldErrors(parsed.errors) };
  return { ok: true, report: redactReport(parsed.value) };
}

/** The watch and the on-demand list can both bring the same event. */
function dedupeEvents(events: EventLike[]): EventLike[] {
  const byKey = new Map<string, EventLike>();
  for (const event of events) {
    const key = `${event.involvedObject?.kind}/${event.involvedObject?.name}/${event.reason}/${event.message}`;
    const known = byKey.get(key);
    if (!known || (event.count ?? 1) >= (known.count ?? 1)) byKey.set(key, event);
  }
  return [...byKey.values()];
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
