/**
 * The checks a proposed edit must pass before it may become a pull request: it parses, it is
 * still valid for its kind, it only touches what the failure class's allowlist allows, resources
 * stay in bounds, it addresses the failure, and (when the environments were rendered) it reaches
 * only the environment that failed. Every check explains itself to the reviewer.
 */
import type { FailureCategory } from '../report/categories.js';
import type { ValidationCheck, ValidationResult } from './types.js';
import { parseFileEdit, type FileEdit } from './changed-documents.js';
import type { PatchPolicy } from './policy.js';
import { NO_FACTS, type RepositoryFacts } from './allowlist.js';
import { parseCheck } from './checks/parse.js';
import { schemaCheck } from './checks/schema.js';
import { policyCheck, type PatchTarget } from './checks/policy.js';
import { boundsCheck } from './checks/bounds.js';
import { effectiveCheck } from './checks/effective.js';
import { scopeCheck, type ScopeInput } from './checks/scope.js';

export interface ValidationInput {
  category: FailureCategory;
  /** The failing container; null when the failure is pod-level or unknown. */
  container: string | null;
  files: FileEdit[];
  policy: PatchPolicy;
  /** What the repository declares; without it no reference or image may be renamed. */
  facts?: RepositoryFacts;
  /** The failing container's own error lines; without them no env variable may be set. */
  errorLines?: readonly string[];
  /** The located workload, the one document the edit may touch. */
  target?: PatchTarget;
  /** Which environments the edit changes, rendered before and after; absent when not rendered. */
  scope?: ScopeInput;
}

function skipped(name: string): ValidationCheck {
  return { name, passed: false, message: 'not checked: the edited files do not parse' };
}

export function validateEdits(input: ValidationInput): ValidationResult {
  const files = input.files.map(parseFileEdit);
  const parse = parseCheck(files);
  const checks: ValidationCheck[] = [parse];
  if (!parse.passed) {
    checks.push(...['schema', 'policy', 'bounds', 'effective', ...(input.scope ? ['scope'] : [])].map(skipped));
  } else {
    const changes = files.flatMap((file) => file.changes);
    const gate = { category: input.category, container: input.container, facts: input.facts ?? NO_FACTS, errorLines: input.errorLines ?? [] };
    checks.push(
      schemaCheck(changes),
      policyCheck({ changes, policy: input.policy, gate, target: input.target }),
      boundsCheck(changes, input.policy),
      effectiveCheck(input.category, input.container, changes, input.policy),
    );
    if (input.scope) checks.push(scopeCheck(input.scope));
  }
  return { passed: checks.every((check) => check.passed), checks };
}
