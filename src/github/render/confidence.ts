import type { Remediation } from '../../outcome.js';
import { messages } from '../messages.js';

export function renderConfidence(remediation: Remediation): string {
  return messages.confidenceLine(remediation.outcome.confidence, remediation.outcome.diagnosedBy);
}
