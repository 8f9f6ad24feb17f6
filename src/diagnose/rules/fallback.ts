/**
 * The diagnosis when no rule applies: no change, a low confidence and a question, but still a
 * plain account of what the report shows so the issue is useful on its own.
 */
import type { Diagnosis, DiagnosisContext } from '../types.js';
import { describeContainer, ruleDiagnosis } from './diagnosis.js';
import { decisiveLines, errorLines } from './log-patterns.js';
import { logLines, messageLines } from './report-text.js';

export const FALLBACK_RULE_ID = 'fallback';

export function fallbackDiagnosis(context: DiagnosisContext): Diagnosis {
  const { failure } = context.report;
  const logs = logLines(context.report);
  const messages = messageLines(context.report).slice(0, 3);
  const fromLogs = [...new Set([...decisiveLines(logs), ...errorLines(logs)])].slice(0, 3);
  const facts = [
    `reason ${failure.reason}`,
    failure.exitCode !== null ? `exit code ${failure.exitCode}` : null,
    failure.restartCount > 0 ? `${failure.restartCount} restart(s)` : null,
  ].filter(Boolean);
  return ruleDiagnosis(context, FALLBACK_RULE_ID, {
    summary: `${describeContainer(context)} is failing with ${failure.category}`,
    rootCause: `The report shows ${failure.category} (${facts.join(', ')})${failure.message ? `: ${failure.message.split('\n')[0]}` : ''}. No rule recognises the cause with enough certainty to propose a change.`,
    evidence: [...messages, ...fromLogs],
    confidence: 20,
    question: 'What changed before this started failing (image, configuration, dependencies)? The evidence below is what the cluster reported.',
  });
}
