/**
 * Each edited document is still valid for its kind. Only problems the edit introduced count:
 * a repository's pre-existing oddities (a `${TAG}` placeholder, say) are not this fix's to judge.
 */
import type { ValidationCheck } from '../types.js';
import { describeDocument, isObject, type DocumentChange } from '../changed-documents.js';
import { kubernetesObjectIssues } from '../kube-schema.js';
import { valuesIssues } from '../values-sanity.js';

function issuesOf(document: unknown, kind: string | null): string[] {
  if (kind === null) return valuesIssues(document);
  if (!isObject(document)) return ['(root): not a mapping'];
  const own = kubernetesObjectIssues(document);
  if (kind === 'HelmRelease' && isObject(document.spec)) return [...own, ...valuesIssues(document.spec.values, 'spec.values')];
  if (kind === 'Kustomization') return [...own, ...valuesIssues({ images: document.images })];
  return own;
}

export function schemaCheck(changes: DocumentChange[]): ValidationCheck {
  const problems = changes.flatMap((change) => {
    const existing = new Set(issuesOf(change.before, change.kind));
    return issuesOf(change.after, change.kind)
      .filter((issue) => !existing.has(issue))
      .map((issue) => `${describeDocument(change)} ${issue}`);
  });
  if (problems.length === 0) {
    return { name: 'schema', passed: true, message: `${changes.length} edited document(s) are still valid for their kind` };
  }
  return { name: 'schema', passed: false, message: `the edit makes the manifest invalid: ${problems.join('; ')}` };
}
