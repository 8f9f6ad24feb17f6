/**
 * Contracts of the diagnose stage: what a rule (or the model) concludes about a failure and the
 * change it proposes, expressed against the workload's pod template, not against a file.
 */
import type { FailureCategory } from '../report/categories.js';
import type { FailureReport } from '../report/schema.js';
import type { RepoIndex, SourceLocation } from '../locate/types.js';

/** The kinds of fix a repository may allow (`.github/kubecure.yml` → fixes.allowed). */
export const FIX_KINDS = ['resources', 'image', 'env', 'probes', 'config-reference', 'command', 'scheduling'] as const;
export type FixKind = (typeof FIX_KINDS)[number];

/** A change to the pod template of the failing workload. */
export interface FieldChange {
  fixKind: FixKind;
  /** The container the change applies to; null for pod-level fields (nodeSelector, tolerations). */
  container: string | null;
  /** Path inside the container (or the pod spec when container is null): ['resources', 'limits', 'memory']. */
  path: (string | number)[];
  value: string | number | boolean;
  /** The value before the change, as declared in the repository, when known. */
  previous?: string | number | boolean | null;
}

export interface Diagnosis {
  category: FailureCategory;
  /** One line: "checkout was OOMKilled at its 256Mi memory limit". */
  summary: string;
  rootCause: string;
  /** Log or event lines quoted verbatim from the report. */
  evidence: string[];
  /** 0–100; a PR needs at least the repository's threshold. */
  confidence: number;
  changes: FieldChange[];
  /** Why the change fixes the failure, for the PR body and `/kubecure explain`. */
  rationale?: string;
  /** What a human must decide when no safe change exists. */
  question?: string;
  alternatives?: string[];
  risks?: string[];
  /** `rules` or `llm:<model>`. */
  diagnosedBy: string;
  /** The rule that produced it, for explain and metrics. */
  ruleId?: string;
}

/** Bounds that rules must respect when they size a change. */
export interface DiagnosisLimits {
  /** Highest memory limit a fix may set (a Kubernetes quantity), default 4Gi. */
  maxMemory: string;
  /** Highest factor by which a fix may multiply a resource, default 2. */
  maxIncreaseFactor: number;
}

export interface DiagnosisContext {
  report: FailureReport;
  index: RepoIndex;
  /** Where the workload is declared; null when it could not be found. */
  location: SourceLocation | null;
  limits: DiagnosisLimits;
}

/** One failure class. Returns null when the failure is not its to explain. */
export interface Rule {
  id: string;
  categories: readonly FailureCategory[];
  diagnose(context: DiagnosisContext): Diagnosis | null | Promise<Diagnosis | null>;
}
