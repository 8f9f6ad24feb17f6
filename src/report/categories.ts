/**
 * The closed set of failure categories a FailureReport may carry.
 * Agent, CLI and App share this list; adding a category is a schema change.
 */
export const FAILURE_CATEGORIES = [
  'CrashLoopBackOff',
  'OOMKilled',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'ProbeFailure',
  'Unschedulable',
  'Evicted',
  'FailedMount',
  'FailedCreate',
  'JobFailed',
  'DeadlineExceeded',
] as const;

export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

