import type { Remediation } from '../../outcome.js';
import { messages } from '../messages.js';
import { Markdown, md, text } from './untrusted.js';

/** The root cause is the model's or a rule's prose: untrusted text. */
export function renderRootCause(remediation: Remediation): Markdown {
  return md`${Markdown.trusted(messages.rootCauseHeading)}\n\n${text(remediation.outcome.rootCause)}`;
}
