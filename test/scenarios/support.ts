/**
 * Helpers of the scenario table: loading a scenario's report and repository, reading a field of
 * an edited file back, and the line-level comparison behind the byte-identical guarantee.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { diffArrays } from 'diff';
import { parseAllDocuments } from 'yaml';
import { LocalRepoView } from '../../src/locate/local-repo.js';
import { parseFailureReport, type FailureReport } from '../../src/report/schema.js';

/** The fixture repositories shared with the locate tests, and the one written for these scenarios. */
const REPOS = {
  'plain-multi-service': '../fixtures/repos/plain-multi-service',
  'kustomize-overlays': '../fixtures/repos/kustomize-overlays',
  'helm-chart': '../fixtures/repos/helm-chart',
  'flux-helmreleases': '../fixtures/repos/flux-helmreleases',
  'argocd-apps': '../fixtures/repos/argocd-apps',
  'ledger-platform': '../fixtures/scenarios/repos/ledger-platform',
} as const;

export type RepoName = keyof typeof REPOS;

export function repoPath(name: RepoName): string {
  return fileURLToPath(new URL(REPOS[name], import.meta.url));
}

export function repoView(name: RepoName): LocalRepoView {
  return new LocalRepoView(repoPath(name));
}

export function scenarioReportPath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/scenarios/${name}.json`, import.meta.url));
}

export function loadScenarioReport(name: string): FailureReport {
  const parsed = parseFailureReport(JSON.parse(readFileSync(scenarioReportPath(name), 'utf8')));
  if (!parsed.ok) throw new Error(`scenario ${name}: ${parsed.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`);
  return parsed.value;
}

/** A step into a YAML value: a key, a sequence index, or the sequence item with that `name`. */
export type Step = string | number | { name: string };

/** Which document of a multi-document file holds the field; the first one when absent. */
export interface DocumentSelector {
  kind: string;
  name: string;
}

function step(value: unknown, next: Step): unknown {
  if (typeof next === 'object') {
    return Array.isArray(value) ? value.find((item) => (item as { name?: unknown } | null)?.name === next.name) : undefined;
  }
  if (Array.isArray(value) && typeof next === 'number') return value[next];
  return typeof value === 'object' && value !== null ? (value as Record<string | number, unknown>)[next] : undefined;
}

/**
 * Re-parses a file and reads one field, the way the cluster would: Kubernetes reads manifests as
 * YAML 1.1, where `0400` is octal and `yes` a boolean.
 */
export function readField(text: string, path: Step[], document?: DocumentSelector): unknown {
  const documents = parseAllDocuments(text, { version: '1.1' });
  if (!Array.isArray(documents)) throw new Error('not a YAML stream');
  const objects = documents.map((parsed) => {
    if (parsed.errors.length > 0) throw new Error(`does not re-parse: ${parsed.errors[0]?.message}`);
    return parsed.toJS() as unknown;
  });
  const root = document
    ? objects.find((object) => {
        const candidate = object as { kind?: unknown; metadata?: { name?: unknown } } | null;
        return candidate?.kind === document.kind && candidate.metadata?.name === document.name;
      })
    : objects[0];
  if (root === undefined) throw new Error(`no ${document?.kind}/${document?.name} in the file`);
  return path.reduce<unknown>(step, root);
}

/** The lines an edit removed and added, from a line-by-line comparison of before and after. */
export function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const parts = diffArrays(before.split('\n'), after.split('\n'));
  return {
    removed: parts.filter((part) => part.removed).flatMap((part) => part.value),
    added: parts.filter((part) => part.added).flatMap((part) => part.value),
  };
}
