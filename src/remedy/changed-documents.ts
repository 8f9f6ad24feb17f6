/**
 * The edited files seen as data: each document parsed before and after (with YAML 1.1 rules, as
 * Kubernetes reads them), and the structural difference between the two.
 */
import jsonPatch, { type Operation } from 'fast-json-patch';
import { parseAllDocuments } from 'yaml';

export interface FileEdit {
  file: string;
  before: string;
  after: string;
}

export interface DocumentChange {
  file: string;
  documentIndex: number;
  /** `kind` when the document is a Kubernetes object, else null (Helm values and the like). */
  kind: string | null;
  before: unknown;
  after: unknown;
  /** `compare(before, after)`: every changed path. */
  operations: Operation[];
}

export interface ParsedFile {
  file: string;
  /** Why the edited text does not parse, or why it lost or gained documents; empty when fine. */
  problems: string[];
  documentsBefore: number;
  documentsAfter: number;
  changes: DocumentChange[];
}

function parseDocuments(text: string): { values: unknown[]; errors: string[] } {
  const documents = parseAllDocuments(text, { version: '1.1' });
  if (!Array.isArray(documents)) return { values: [], errors: [] };
  const errors = documents.flatMap((document, index) => document.errors.map((error) => `document ${index}: ${error.message.split('\n')[0]}`));
  const values = documents.map((document) => (document.errors.length > 0 ? undefined : document.toJS({ maxAliasCount: -1 })));
  return { values, errors };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function kubernetesKind(value: unknown): string | null {
  return isObject(value) && typeof value.kind === 'string' && typeof value.apiVersion === 'string' ? value.kind : null;
}

function asComparable(value: unknown): object {
  return isObject(value) || Array.isArray(value) ? value : { value };
}

export function parseFileEdit(edit: FileEdit): ParsedFile {
  const before = parseDocuments(edit.before);
  const after = parseDocuments(edit.after);
  const problems = [...after.errors];
  if (after.errors.length === 0 && before.values.length !== after.values.length) {
    problems.push(`has ${after.values.length} documents instead of ${before.values.length}`);
  }
  const changes: DocumentChange[] = [];
  const count = Math.min(before.values.length, after.values.length);
  for (let index = 0; index < count; index += 1) {
    const old = before.values[index];
    const edited = after.values[index];
    if (edited === undefined || old === undefined) continue;
    const operations = jsonPatch.compare(asComparable(old), asComparable(edited));
    if (operations.length === 0) continue;
    changes.push({ file: edit.file, documentIndex: index, kind: kubernetesKind(edited) ?? kubernetesKind(old), before: old, after: edited, operations });
  }
  return { file: edit.file, problems, documentsBefore: before.values.length, documentsAfter: after.values.length, changes };
}

export function pointerSegments(pointer: string): string[] {
  return pointer.split('/').slice(1).map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function describeDocument(change: DocumentChange): string {
  const name = isObject(change.after) && isObject(change.after.metadata) ? change.after.metadata.name : undefined;
  const label = change.kind && typeof name === 'string' ? ` (${change.kind}/${name})` : '';
  return `${change.file}#${change.documentIndex}${label}`;
}

/** Paths of every scalar an add or replace writes (an added env entry → its name and valueFrom leaves). */
function leafPaths(value: unknown, prefix: string[]): string[][] {
  if (value === null || typeof value !== 'object' || Object.keys(value).length === 0) return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => leafPaths(item, [...prefix, key]));
}

/** The operation's own path first, then the leaves it writes when its value is a collection. */
export function touchedPaths(operation: Operation): string[][] {
  const path = pointerSegments(operation.path);
  if ((operation.op === 'add' || operation.op === 'replace') && operation.value !== null && typeof operation.value === 'object') {
    return [path, ...leafPaths(operation.value, path)];
  }
  return [path];
}
