/**
 * What a report that joins a queued job brings to it. Reports coalesce only into a job that has
 * not started: a job that is running (or finished) has already read its report, so a later
 * report of the same failure becomes a job of its own and is counted. The job that is joined runs
 * with both reports, so nothing the later one said is lost:
 *
 * - a failure keeps the queued job's delivery id (its identity for retries) and takes the later
 *   observation, with the occurrences of both and the earlier first sighting;
 * - a recovery is replaced by the later one: a corrected report supersedes the one it corrects.
 */
import type { ReportJob } from './types.js';

/** The delivery ids a job has absorbed, so joining the same report twice (a retried merge) counts once. */
export type CoalescedJob = ReportJob & { joined?: string[] };

function earlier(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b) return a ?? b;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

export function joinReports(queued: CoalescedJob, later: ReportJob): CoalescedJob {
  const joined = queued.joined ?? [];
  if (later.deliveryId === queued.deliveryId || joined.includes(later.deliveryId)) return queued;
  if (queued.type === 'failure' && later.type === 'failure') {
    const report = {
      ...later.report,
      occurrences: queued.report.occurrences + later.report.occurrences,
      firstSeen: earlier(queued.report.firstSeen ?? queued.report.observedAt, later.report.firstSeen ?? later.report.observedAt),
    };
    return { ...queued, report, joined: [...joined, later.deliveryId] };
  }
  return { ...later, joined: [...joined, queued.deliveryId] };
}

/** The job as its handler sees it: the bookkeeping stays in the queue. */
export function withoutBookkeeping(job: CoalescedJob): ReportJob {
  const { joined: _joined, ...plain } = job;
  return plain as ReportJob;
}
