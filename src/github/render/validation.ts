import type { Remediation } from '../../outcome.js';
import { messages } from '../messages.js';
import { Markdown, inlineText, joinMarkdown, md } from './untrusted.js';

/** A check's name and message may quote the patched manifest or a validator's output: escaped. */
export function renderValidation(remediation: Remediation): Markdown {
  const checks = remediation.outcome.validation.checks;
  if (checks.length === 0) return md``;
  const lines = checks.map((check) => md`- [${Markdown.trusted(check.passed ? 'x' : ' ')}] **${inlineText(check.name)}**${check.message ? md`: ${inlineText(check.message)}` : md``}`);
  return joinMarkdown([Markdown.trusted(messages.validationHeading), md``, ...lines]);
}
