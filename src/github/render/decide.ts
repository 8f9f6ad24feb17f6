/** For issues: why KubeCure did not act, and the question a person has to answer. */
import type { Remediation } from '../../outcome.js';
import { messages } from '../messages.js';

export function renderDecision(remediation: Remediation): string {
  const { reasons, diagnosis } = remediation;
  const lines = [messages.decideHeading, ''];
  for (const reason of reasons) lines.push(`- ${reason}`);
  // The question is often the reason itself (no safe change): say it once.
  if (diagnosis.question && !reasons.includes(diagnosis.question)) lines.push('', diagnosis.question);
  if (diagnosis.alternatives?.length) lines.push('', messages.alternativesLabel, ...diagnosis.alternatives.map((item) => `- ${item}`));
  if (diagnosis.risks?.length) lines.push('', messages.risksLabel, ...diagnosis.risks.map((item) => `- ${item}`));
  return lines.join('\n').trimEnd();
}

export function renderNotes(remediation: Remediation): string {
  if (remediation.notes.length === 0) return '';
  return ['<details>', `<summary>${messages.notesHeading}</summary>`, '', ...remediation.notes.map((note) => `- ${note}`), '', '</details>'].join('\n');
}
