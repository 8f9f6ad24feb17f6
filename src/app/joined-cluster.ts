/**
 * A failure that needs the same change as an open pull request joins that thread: one thread per
 * change, listing every cluster it fixes. Each joined cluster has its own sticky comment with its
 * own counts and evidence, edited in place as it recurs (the thread's own cluster keeps the
 * `recurrence` comment).
 */
import type { FailureReport } from '../report/schema.js';
import { messages } from '../github/messages.js';
import { cell, codeCell, fence, inlineText } from '../github/render/untrusted.js';

export function clusterTopic(cluster: string): string {
  return `cluster ${cluster}`;
}

const STATE_PATTERN = /<!-- kubecure:cluster-occurrences (\d+) first=(\S+) last=(\S+) -->/;
const MAX_EVENTS = 3;

/**
 * The joined cluster's comment body. A retried job carries the same delivery id, so it does not
 * count the same report twice.
 */
export function renderJoinedCluster(previous: string | null, report: FailureReport, deliveryId: string): string {
  const state = STATE_PATTERN.exec(previous ?? '');
  const counted = state?.[3] === deliveryId;
  const occurrences = (state ? Number(state[1]) : 0) + (counted ? 0 : report.occurrences);
  const firstSeen = state?.[2] ?? report.firstSeen ?? report.observedAt;
  const failure = `${report.failure.reason}${report.failure.exitCode !== null ? ` (exit ${report.failure.exitCode})` : ''}`;
  const columns = messages.failureColumns;
  // Names come from the cluster: code spans. Counts are KubeCure's own numbers; times are text.
  const cells = [
    ...[report.cluster, report.workload.namespace, `${report.workload.kind}/${report.workload.name}`, report.failure.container ?? '(pod)', failure].map((value) => codeCell(value).text),
    String(report.failure.restartCount),
    String(occurrences),
    ...[firstSeen, report.observedAt].map((value) => cell(inlineText(value)).text),
  ];
  const events = report.events.slice(-MAX_EVENTS).map((event) => `${event.type} ${event.reason}: ${event.message}`);
  return [
    messages.joinedClusterHeading(report.cluster),
    '',
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    `| ${cells.join(' | ')} |`,
    ...(events.length > 0 ? ['', fence(events.join('\n')).text] : []),
    `<!-- kubecure:cluster-occurrences ${occurrences} first=${firstSeen} last=${deliveryId} -->`,
  ].join('\n');
}
