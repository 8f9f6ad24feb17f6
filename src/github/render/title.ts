/**
 * Titles that say what changes: "Raise memory limit of checkout to 512Mi after OOMKilled".
 * Built from the first field change; an issue's title names the failure instead.
 */
import type { FieldChange } from '../../diagnose/types.js';
import type { Remediation } from '../../outcome.js';
import { parseQuantity } from '../../kube/quantity.js';
import { messages } from '../messages.js';

const RESOURCE_NAMES: Record<string, string> = { memory: 'memory', cpu: 'CPU', 'ephemeral-storage': 'ephemeral storage' };
const PROBE_NAMES: Record<string, string> = { livenessProbe: 'liveness probe', readinessProbe: 'readiness probe', startupProbe: 'startup probe' };

function verbFor(change: FieldChange): string {
  if (change.previous === undefined || change.previous === null) return 'Set';
  const before = parseQuantity(String(change.previous));
  const after = parseQuantity(String(change.value));
  if (before === null || after === null || before === after) return 'Change';
  return after > before ? 'Raise' : 'Lower';
}

/** "memory limit", "liveness probe initialDelaySeconds", "image", "env LOG_LEVEL"… */
function fieldPhrase(path: (string | number)[]): string {
  const [head, second, third] = path;
  if (head === 'resources' && (second === 'limits' || second === 'requests') && typeof third === 'string') {
    return `${RESOURCE_NAMES[third] ?? third} ${second === 'limits' ? 'limit' : 'request'}`;
  }
  if (typeof head === 'string' && PROBE_NAMES[head]) return `${PROBE_NAMES[head]} ${path.slice(1).filter((part) => typeof part === 'string').join('.')}`.trim();
  if (head === 'image') return 'image';
  if (head === 'env') return 'environment';
  return path.filter((part) => typeof part === 'string').join('.');
}

function subject(change: FieldChange, remediation: Remediation): string {
  const workload = remediation.report.workload.name;
  if (!change.container || change.container === workload) return workload;
  return `${change.container} in ${workload}`;
}

export function actionPhrase(change: FieldChange, remediation: Remediation): string {
  const field = fieldPhrase(change.path);
  const verb = field === 'image' ? 'Change' : verbFor(change);
  return `${verb} ${field} of ${subject(change, remediation)} to ${String(change.value)}`;
}

export function renderTitle(remediation: Remediation, kind: 'pull_request' | 'issue'): string {
  const { outcome, report, diagnosis } = remediation;
  const first = diagnosis.changes[0];
  if (kind === 'pull_request' && first) {
    const more = diagnosis.changes.length > 1 ? ` (+${diagnosis.changes.length - 1} more)` : '';
    return messages.prTitle(actionPhrase(first, remediation) + more, outcome.category);
  }
  return messages.issueTitle(outcome.category, report.workload.name, report.workload.namespace);
}
