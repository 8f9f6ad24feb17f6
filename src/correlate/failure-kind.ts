/**
 * Telling a failure of a workload's own making from a symptom of another's. OOMKilled, image and
 * configuration errors, scheduling and mounts are the workload's own, whatever its logs say. A crash
 * loop, a failing probe or a failed Job is a symptom only when the logs show failed connections:
 * without them it is the workload's own bug or a misconfigured probe.
 */
import type { FailureCategory } from '../report/categories.js';
import type { Dependencies, FailureReport } from '../report/schema.js';

const ALWAYS_SELF_CONTAINED: ReadonlySet<FailureCategory> = new Set<FailureCategory>([
  'OOMKilled',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'Unschedulable',
  'Evicted',
  'FailedMount',
  'FailedCreate',
]);

export type FailureKind = 'self-contained' | 'symptom';

export function failingOutbound(dependencies: Dependencies | undefined): Dependencies['outbound'] {
  return (dependencies?.outbound ?? []).filter((target) => target.failing);
}

export function failureKind(report: FailureReport, dependencies: Dependencies | undefined = report.dependencies): FailureKind {
  // A crash loop whose last termination was an OOM kill is the workload's own, like OOMKilled.
  if (ALWAYS_SELF_CONTAINED.has(report.failure.category) || report.failure.reason === 'OOMKilled') return 'self-contained';
  return failingOutbound(dependencies).length > 0 ? 'symptom' : 'self-contained';
}
