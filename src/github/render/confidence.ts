import type { Remediation } from '../../outcome.js';
import { messages } from '../messages.js';
import { Markdown } from './untrusted.js';

export function renderConfidence(remediation: Remediation): Markdown {
  // confidenceLine escapes what it quotes (`diagnosedBy` names a model).
  return Markdown.trusted(messages.confidenceLine(remediation.outcome.confidence, remediation.outcome.diagnosedBy));
}
