/** Building a rule's Diagnosis: the fields every rule sets the same way. */
import type { Diagnosis, DiagnosisContext } from '../types.js';
import { isVerbatim, unique } from './report-text.js';

export type DiagnosisFields = Omit<Diagnosis, 'category' | 'diagnosedBy' | 'ruleId' | 'changes'> &
  Partial<Pick<Diagnosis, 'changes'>>;

/** Whole-number confidence within 0–100. */
export function clampConfidence(confidence: number): number {
  return Math.max(0, Math.min(100, Math.round(confidence)));
}

/**
 * Evidence as the reviewer should read it: only lines the report really contains (a line it does
 * not would mislead), each once, and not again inside a longer quoted line ("X" and "Error: X").
 */
function cleanEvidence(context: DiagnosisContext, lines: string[]): string[] {
  const quoted = unique(lines).filter((line) => isVerbatim(context.report, line));
  return quoted.filter((line) => !quoted.some((other) => other !== line && other.includes(line)));
}

export function ruleDiagnosis(context: DiagnosisContext, ruleId: string, fields: DiagnosisFields): Diagnosis {
  return {
    ...fields,
    category: context.report.failure.category,
    evidence: cleanEvidence(context, fields.evidence),
    confidence: clampConfidence(fields.confidence),
    changes: fields.changes ?? [],
    diagnosedBy: 'rules',
    ruleId,
  };
}

/** "container checkout of Deployment/checkout" — how rules name the failing thing. */
export function describeContainer(context: DiagnosisContext, container = context.report.failure.container): string {
  const workload = `${context.report.workload.kind}/${context.report.workload.name}`;
  return container ? `container ${container} of ${workload}` : workload;
}
