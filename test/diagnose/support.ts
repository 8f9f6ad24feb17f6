/**
 * Building DiagnosisContexts in memory: a RepoView over a map of YAML texts, the index the rules
 * read (one ManifestDocument per Kubernetes-shaped YAML document), a located workload and a
 * report from a JSON fixture.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { DiagnosisContext, DiagnosisLimits, FieldChange } from '../../src/diagnose/types.js';
import type { ManifestDocument, RepoIndex, RepoView, SourceLocation } from '../../src/locate/types.js';
import { parseFailureReport, type FailureReport } from '../../src/report/schema.js';

export const DEFAULT_LIMITS: DiagnosisLimits = { maxMemory: '4Gi', maxIncreaseFactor: 2 };

export function memoryRepo(files: Record<string, string>): RepoView {
  return {
    id: `memory:${Object.keys(files).sort().join(',')}`,
    listFiles: async () => Object.keys(files).sort(),
    readFile: async (path) => files[path] ?? null,
  };
}

function documentsOf(file: string, text: string): ManifestDocument[] {
  return parseAllDocuments(text).flatMap((document, documentIndex) => {
    if (Array.isArray(document) || document.errors.length > 0) return [];
    const object = (document as { toJS(): unknown }).toJS() as Record<string, unknown> | null;
    if (!object || typeof object.kind !== 'string') return [];
    const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
    return [{
      file,
      documentIndex,
      apiVersion: String(object.apiVersion ?? ''),
      kind: object.kind,
      name: metadata.name ?? '',
      namespace: metadata.namespace ?? null,
      object,
    }];
  });
}

export function memoryIndex(files: Record<string, string>): RepoIndex {
  const repo = memoryRepo(files);
  const yamlFiles = Object.keys(files).filter((file) => /\.ya?ml$/.test(file)).sort();
  return {
    repo,
    files: Object.keys(files).sort(),
    documents: yamlFiles.flatMap((file) => documentsOf(file, files[file]!)),
    warnings: [],
    readFile: (path) => repo.readFile(path),
  };
}

/** A location pointing at the document of `kind`/`name` in `file`; resolve is not used by rules. */
export function locate(index: RepoIndex, file: string, kind: string, name: string): SourceLocation {
  const document = index.documents.find((candidate) => candidate.file === file && candidate.kind === kind && candidate.name === name);
  if (!document) throw new Error(`no ${kind}/${name} in ${file}`);
  return {
    form: 'plain',
    file,
    documentIndex: document.documentIndex,
    kind,
    name,
    namespace: document.namespace,
    workload: document.object,
    via: ['test'],
    resolve: (change: FieldChange) => ({ ok: false, reason: `not used by rules (${change.path.join('.')})` }),
  };
}

const FIXTURES = fileURLToPath(new URL('../fixtures/reports/rules/', import.meta.url));

export function loadReport(name: string): FailureReport {
  const parsed = parseFailureReport(JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8')));
  if (!parsed.ok) throw new Error(`fixture ${name}: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return parsed.value;
}

/** A copy of a report with some fields replaced, re-validated so tests only build valid reports. */
export function withReport(report: FailureReport, change: (copy: FailureReport) => void): FailureReport {
  const copy = structuredClone(report);
  change(copy);
  const parsed = parseFailureReport(copy);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  return parsed.value;
}

export interface ContextOptions {
  files?: Record<string, string>;
  /** `[file, kind, name]` of the failing workload's declaration; none means "not located". */
  at?: [string, string, string];
  limits?: Partial<DiagnosisLimits>;
}

export function contextFor(report: FailureReport, options: ContextOptions = {}): DiagnosisContext {
  const index = memoryIndex(options.files ?? {});
  const location = options.at ? locate(index, ...options.at) : null;
  return { report, index, location, limits: { ...DEFAULT_LIMITS, ...options.limits } };
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

/** The report's own text: where every quoted evidence line must be found word for word. */
export function reportTexts(report: FailureReport): string[] {
  return [
    report.failure.message,
    report.failure.reason,
    report.logs.previous ?? '',
    report.logs.current ?? '',
    ...report.events.map((event) => event.message),
    ...stringsIn(report.pod.status),
  ];
}

export function unquotedEvidence(diagnosis: { evidence: string[] }, report: FailureReport): string[] {
  const texts = reportTexts(report);
  return diagnosis.evidence.filter((line) => !texts.some((text) => text.includes(line)));
}
