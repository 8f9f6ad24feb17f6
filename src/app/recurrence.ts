/**
 * What a repeated failure does to its open thread: the sticky "still happening" comment with the
 * occurrence count and last-seen time, edited in place. A report held back by the cooldown is
 * counted the same way on the thread that holds the cooldown.
 */
import type { FailureReport } from '../report/schema.js';
import type { Thread } from '../github/threads.js';
import { messages } from '../github/messages.js';

export const RECURRENCE_TOPIC = 'recurrence';
const COUNT_PATTERN = /<!-- kubecure:occurrences (\d+) last=(\S+) -->/;

export interface RecurrenceState {
  occurrences: number;
  lastDelivery: string | null;
}

export function readRecurrence(stickyBody: string | null, thread: Thread): RecurrenceState {
  const match = COUNT_PATTERN.exec(stickyBody ?? '');
  if (match) return { occurrences: Number(match[1]), lastDelivery: match[2] ?? null };
  return { occurrences: thread.marker?.report.occurrences ?? 1, lastDelivery: null };
}

/**
 * The sticky comment's next body. A retried job carries the same delivery id, so it does not
 * count the same report twice.
 */
export function renderRecurrence(previous: string | null, thread: Thread, report: FailureReport, deliveryId: string): string {
  const state = readRecurrence(previous, thread);
  const occurrences = state.lastDelivery === deliveryId ? state.occurrences : state.occurrences + report.occurrences;
  const original = thread.marker?.report;
  const firstSeen = original?.firstSeen ?? original?.observedAt ?? thread.createdAt;
  return [
    messages.stickyHeading,
    '',
    messages.stickyBody(occurrences, firstSeen, report.observedAt, report.cluster),
    `<!-- kubecure:occurrences ${occurrences} last=${deliveryId} -->`,
  ].join('\n');
}

export const HELD_BACK_TOPIC = 'held-back';
const HELD_BACK_PATTERN = /<!-- kubecure:held-back (\d+) last=(\S+) -->/;

/** The cooldown holder's sticky comment after one more held-back report (a retried job counts once). */
export function renderHeldBack(previous: string | null, report: FailureReport, deliveryId: string, cooldownMinutes: number): string {
  const match = HELD_BACK_PATTERN.exec(previous ?? '');
  const before = match ? Number(match[1]) : 0;
  const reports = match?.[2] === deliveryId ? before : before + 1;
  return [
    messages.heldBackHeading,
    '',
    messages.heldBackBody(reports, report.failure.category, report.observedAt, cooldownMinutes),
    `<!-- kubecure:held-back ${reports} last=${deliveryId} -->`,
  ].join('\n');
}
