/**
 * RFC 6902 JSON Patches (what a model proposes) applied to YAML text through the surgical editor.
 * The patch is first applied to the parsed document, which validates it (including `test` ops);
 * each operation's effect is then expressed as leaf edits (set one scalar, remove one entry) so
 * that only the lines it touches change.
 */
import jsonPatch, { type Operation } from 'fast-json-patch';
import { parseAllDocuments } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import { removeYamlPath, setYamlValue, YamlEditError, type PathSegment, type YamlLeafValue } from './yaml-edit.js';

export type { Operation } from 'fast-json-patch';

/** One step of a patch as the editor performs it. */
export type YamlPatchEdit = { path: PathSegment[]; value: YamlLeafValue } | { path: PathSegment[]; remove: true };

export function isRemoval(edit: YamlPatchEdit): edit is { path: PathSegment[]; remove: true } {
  return 'remove' in edit;
}

function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** JSON Pointer → path segments, with numbers where the document holds sequences. */
export function pointerToPath(pointer: string, document: unknown): PathSegment[] {
  if (pointer === '') return [];
  let current: unknown = document;
  return pointer.split('/').slice(1).map((token) => {
    const key = unescapeToken(token);
    if (Array.isArray(current)) {
      const index = key === '-' ? current.length : Number(key);
      current = current[index];
      return index;
    }
    current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    return key;
  });
}

function isCollection(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === 'object';
}

function isEmptyCollection(value: unknown): boolean {
  return isCollection(value) && Object.keys(value).length === 0;
}

/** Every scalar (or empty collection) inside a value, with its path relative to the value. */
function leaves(value: unknown, prefix: PathSegment[] = []): Array<{ path: PathSegment[]; value: YamlLeafValue }> {
  if (!isCollection(value) || isEmptyCollection(value)) {
    if (value === undefined) return [];
    return [{ path: prefix, value: value as YamlLeafValue }];
  }
  const entries: Array<[PathSegment, unknown]> = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  return entries.flatMap(([key, item]) => leaves(item, [...prefix, key]));
}

function valueAt(document: unknown, path: PathSegment[]): unknown {
  return path.reduce<unknown>((current, segment) => (isCollection(current) ? (current as Record<string, unknown>)[segment as string] : undefined), document);
}

/** Leaf edits for one operation of a structural diff (`compare` output). */
function editsForDiffOperation(operation: Operation, before: unknown, after: unknown): YamlPatchEdit[] {
  if (operation.op === 'remove') return [{ path: pointerToPath(operation.path, before), remove: true }];
  if (operation.op !== 'add' && operation.op !== 'replace') return [];
  const path = pointerToPath(operation.path, after);
  const previous = valueAt(before, path);
  const next = operation.value as unknown;
  const sets = leaves(next).map((leaf) => ({ path: [...path, ...leaf.path], value: leaf.value }));
  // A scalar or a collection of another shape cannot be edited in place: remove it, then write.
  const replacesInPlace = previous === undefined || previous === null || !isCollection(next) || isEmptyCollection(previous)
    || (isCollection(previous) && Array.isArray(previous) === Array.isArray(next));
  return replacesInPlace ? sets : [{ path, remove: true }, ...sets];
}

function describe(operation: Operation, index: number): string {
  return `operation ${index} (${operation.op} ${operation.path})`;
}

/**
 * Validates a patch against the parsed document and turns it into editor steps. On a patch that
 * does not apply (missing path, failed `test`, malformed op) returns no edits and the reason.
 */
export function jsonPatchToEdits(document: unknown, ops: Operation[]): { edits: YamlPatchEdit[]; error?: string } {
  let working: unknown = jsonPatch.deepClone(document);
  const edits: YamlPatchEdit[] = [];
  for (const [index, operation] of ops.entries()) {
    if (operation.op === '_get') return { edits: [], error: `${describe(operation, index)}: "_get" is not a JSON Patch operation` };
    const before = working;
    try {
      working = jsonPatch.applyOperation(jsonPatch.deepClone(before), operation, true, true, true, index).newDocument;
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return { edits: [], error: `${describe(operation, index)} does not apply: ${reason}` };
    }
    if (operation.op === 'test') continue;
    if (operation.op === 'remove') {
      edits.push({ path: pointerToPath(operation.path, before), remove: true });
      continue;
    }
    const diff = jsonPatch.compare(before as object, working as object);
    edits.push(...diff.flatMap((step) => editsForDiffOperation(step, before, working)));
  }
  return { edits };
}

function parsedDocument(text: string, documentIndex: number): unknown {
  const documents = parseAllDocuments(text);
  const document = Array.isArray(documents) ? documents[documentIndex] : undefined;
  if (!document) throw new YamlEditError([], `document ${documentIndex} does not exist`);
  if (document.errors.length > 0) throw new YamlEditError([], `document ${documentIndex} does not parse: ${document.errors[0]?.message ?? ''}`);
  return document.toJS({ maxAliasCount: -1 });
}

/** Applies a JSON Patch to one document of a YAML file, changing only the lines it touches. */
export function applyJsonPatchToText(text: string, documentIndex: number, ops: Operation[]): string {
  const document = parsedDocument(text, documentIndex);
  const { edits, error } = jsonPatchToEdits(document, ops);
  if (error !== undefined) throw new YamlEditError([], error);
  const after = edits.reduce(
    (current, edit) => (isRemoval(edit) ? removeYamlPath(current, documentIndex, edit.path) : setYamlValue(current, documentIndex, edit.path, edit.value)),
    text,
  );
  const expected = jsonPatch.applyPatch(jsonPatch.deepClone(document), ops, false, true).newDocument;
  if (!isDeepStrictEqual(parsedDocument(after, documentIndex), expected)) {
    throw new YamlEditError([], 'the patched file does not hold the patched document; nothing was changed');
  }
  return after;
}
