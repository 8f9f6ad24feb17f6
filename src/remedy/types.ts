/** Contracts of the remedy stage: edited files and the checks they must pass. */

export interface FileChange {
  file: string;
  before: string;
  after: string;
  /** Unified diff of before → after with the repository path in its headers. */
  diff: string;
}

export interface ValidationCheck {
  name: 'parse' | 'schema' | 'policy' | 'bounds' | 'effective' | string;
  passed: boolean;
  message: string;
}

export interface ValidationResult {
  passed: boolean;
  checks: ValidationCheck[];
}
