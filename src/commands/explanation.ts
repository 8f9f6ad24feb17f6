/**
 * The long answer to `/kubecure explain`, built from the diagnosis itself: what failed, the
 * evidence, why the change fixes it, what else was considered, the risks. A model's prose, when
 * one is configured, is added on top; it never replaces the facts.
 */
import type { Remediation } from '../outcome.js';
import { reviewMessages as text } from '../github/messages.js';
import { code, fence, inlineText, text as prose } from '../github/render/untrusted.js';

/** Alternatives, risks and reasons quote the model and the report: one escaped item each. */
function bullets(items: string[] | undefined, none: string): string {
  return items && items.length > 0 ? items.map((item) => `- ${inlineText(item)}`).join('\n') : none;
}

function quoted(lines: string[]): string {
  if (lines.length === 0) return text.explainNoEvidence;
  return fence(lines.join('\n'), 'text').text;
}

function changeLines(remediation: Remediation): string[] {
  return remediation.diagnosis.changes.map(
    (change) => `${code(`${change.container ? `${change.container}: ` : ''}${change.path.join('.')}`)} ${code(String(change.previous ?? '(unset)'))} → ${code(String(change.value))}`,
  );
}

export function renderExplanation(remediation: Remediation, options: { modelExplanation?: string | null; rulesOnly: boolean }): string {
  const { diagnosis, outcome } = remediation;
  const why =
    diagnosis.changes.length > 0
      ? [changeLines(remediation).map((line) => `- ${line}`).join('\n'), '', prose(diagnosis.rationale ?? outcome.rootCause).text].join('\n')
      : [text.explainNoChange, prose(diagnosis.question ?? '').text].filter(Boolean).join(' ');
  const sections = [
    text.explainHeading,
    options.modelExplanation ? `${text.explainInPlainWords}\n\n${prose(options.modelExplanation.trim())}` : '',
    `${text.explainWhatFailed} ${inlineText(outcome.summary)}\n\n${prose(outcome.rootCause)}`,
    `${text.explainEvidence}\n\n${quoted(outcome.evidence)}`,
    `${text.explainWhy}\n\n${why}`,
    `${text.explainAlternatives}\n\n${bullets(diagnosis.alternatives, text.explainNoAlternatives)}`,
    `${text.explainRisks}\n\n${bullets(diagnosis.risks, text.explainNoRisks)}`,
    remediation.reasons.length > 0 ? bullets(remediation.reasons, '') : '',
    text.explainFooter(outcome.diagnosedBy, outcome.confidence, diagnosis.ruleId),
    options.rulesOnly ? `_${text.explainRulesOnly}_` : '',
  ];
  return sections.filter((section) => section !== '').join('\n\n');
}
