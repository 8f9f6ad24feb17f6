/**
 * The Outcome contract: what `remediate` decides, exactly as `kubecure diagnose --format json`
 * prints it. Everything the App needs beyond it travels in `Remediation`.
 */
import type { FailureCategory } from './report/categories.js';
import type { FailureReport } from './report/schema.js';
import type { Diagnosis } from './diagnose/types.js';
import type { SourceLocation } from './locate/types.js';
import type { FileChange, ValidationResult } from './remedy/types.js';

export type Decision = 'pull_request' | 'issue';

export interface OutcomeTarget {
  file: string;
  kind: string;
  name: string;
  namespace: string | null;
}

export interface Outcome {
  decision: Decision;
  confidence: number;
  category: FailureCategory;
  summary: string;
  rootCause: string;
  evidence: string[];
  target: OutcomeTarget | null;
  changes: FileChange[];
  validation: ValidationResult;
  diagnosedBy: string;
}

/** The Outcome plus what rendering and follow-up commands need. */
export interface Remediation {
  outcome: Outcome;
  report: FailureReport;
  fingerprint: string;
  diagnosis: Diagnosis;
  location: SourceLocation | null;
  /** Why the decision is an issue, in words a reviewer understands (empty for a PR). */
  reasons: string[];
  /** Facts worth telling the reader: ambiguity, skipped files, model unavailable… */
  notes: string[];
  /** Why a reviewer's hint was not applied (free text without a model, no field for its value). */
  hintNotApplied?: string;
  /** Token usage when a model was asked. */
  usage?: { promptTokens: number; completionTokens: number; model: string };
}

const OUTCOME_KEYS = [
  'decision', 'confidence', 'category', 'summary', 'rootCause', 'evidence',
  'target', 'changes', 'validation', 'diagnosedBy',
] as const satisfies readonly (keyof Outcome)[];

/** The Outcome with exactly the contract's keys, in the contract's order. */
export function outcomeJson(outcome: Outcome): Outcome {
  return Object.fromEntries(OUTCOME_KEYS.map((key) => [key, outcome[key]])) as unknown as Outcome;
}
