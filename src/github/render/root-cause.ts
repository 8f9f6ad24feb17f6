import type { Remediation } from '../../outcome.js';
import { messages } from '../messages.js';

export function renderRootCause(remediation: Remediation): string {
  return [messages.rootCauseHeading, '', remediation.outcome.rootCause].join('\n');
}
