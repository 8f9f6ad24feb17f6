import type { Remediation } from '../../outcome.js';
import { messages } from '../messages.js';

export function renderValidation(remediation: Remediation): string {
  const checks = remediation.outcome.validation.checks;
  if (checks.length === 0) return '';
  const lines = checks.map((check) => `- [${check.passed ? 'x' : ' '}] **${check.name}**${check.message ? `: ${check.message}` : ''}`);
  return [messages.validationHeading, '', ...lines].join('\n');
}
