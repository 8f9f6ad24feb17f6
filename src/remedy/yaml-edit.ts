/**
 * Surgical YAML editing: the edited scalar's text is replaced, missing keys are inserted as new
 * lines indented like their siblings, and every other byte of the file stays as it was. The
 * `yaml` package is used to find nodes and their source ranges, never to re-serialize a document
 * (that reflows lines, rewrites `0755`, moves comments and re-indents sequences).
 */
import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import { dashColumn, layoutOf, type Layout } from './yaml-layout.js';
import { formatPath, locate, YamlEditError, type EditTarget, type PathSegment } from './yaml-locate.js';
import { renderKey, renderLiteralBlock, renderNewScalar, renderReplacement, type YamlScalarValue } from './yaml-scalar.js';
import { columnOf, endOfLineAfter, insertLines, isLineIndentationBefore, lineEndingOf, lineStartOf, spaces, splice } from './yaml-text.js';

export { YamlEditError, formatPath, type PathSegment } from './yaml-locate.js';
export type { YamlScalarValue } from './yaml-scalar.js';

/** A value the editor can write: a scalar, or an empty mapping/sequence (`{}` / `[]`). */
export type YamlLeafValue = YamlScalarValue | Record<string, never> | never[];

export interface YamlValueEdit {
  documentIndex: number;
  path: PathSegment[];
  value: YamlLeafValue;
}

type Range = [number, number, number];

function rangeOf(node: unknown): Range | null {
  return (node as { range?: Range | null } | null)?.range ?? null;
}

function loadDocuments(text: string, path: PathSegment[], documentIndex: number): Document[] {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) throw new YamlEditError(path, 'the file holds no YAML document');
  const document = documents[documentIndex];
  if (!document) throw new YamlEditError(path, `document ${documentIndex} does not exist (the file has ${documents.length})`);
  if (document.errors.length > 0) {
    throw new YamlEditError(path, `document ${documentIndex} does not parse: ${document.errors[0]?.message ?? ''}`);
  }
  return documents;
}

function leafText(value: YamlLeafValue, inFlow: boolean): string {
  if (Array.isArray(value)) return '[]';
  if (value !== null && typeof value === 'object') return '{}';
  return renderNewScalar(value, inFlow);
}

function asScalar(path: PathSegment[], value: YamlLeafValue): YamlScalarValue {
  if (value !== null && typeof value === 'object') {
    throw new YamlEditError(path, 'an existing value can only be replaced by a scalar');
  }
  return value;
}

/** Lines (without indentation beyond `column`) declaring `rest` → value in block style. */
function blockLines(rest: PathSegment[], value: YamlLeafValue, column: number, layout: Layout): string[] {
  const [head, ...tail] = rest;
  if (typeof head === 'number') return sequenceItemLines(tail, value, column, layout);
  const key = `${spaces(column)}${renderKey(String(head))}:`;
  if (tail.length === 0) return [`${key} ${leafText(value, false)}`];
  if (typeof tail[0] === 'number') {
    return [key, ...blockLines(tail, value, column + (layout.indentedSequences ? layout.indentStep : 0), layout)];
  }
  return [key, ...blockLines(tail, value, column + layout.indentStep, layout)];
}

/** A new `- ` item at `dashAt` holding `tail` → value. */
function sequenceItemLines(tail: PathSegment[], value: YamlLeafValue, dashAt: number, layout: Layout): string[] {
  if (tail.length === 0) return [`${spaces(dashAt)}- ${leafText(value, false)}`];
  const lines = blockLines(tail, value, dashAt + 2, layout);
  lines[0] = `${spaces(dashAt)}- ${(lines[0] ?? '').slice(dashAt + 2)}`;
  return lines;
}

/** `rest` → value as a flow-style fragment: `limits: {memory: 1Gi}`, `[x]`. */
function flowEntry(rest: PathSegment[], value: YamlLeafValue): string {
  const [head, ...tail] = rest;
  const inner = tail.length === 0 ? leafText(value, true) : flowValue(tail, value);
  return typeof head === 'number' ? inner : `${renderKey(String(head))}: ${inner}`;
}

function flowValue(rest: PathSegment[], value: YamlLeafValue): string {
  return typeof rest[0] === 'number' ? `[${flowEntry(rest, value)}]` : `{${flowEntry(rest, value)}}`;
}

/** Where the last entry of a collection ends (its value, or the key of a `key:` with no value). */
function endOfEntry(entry: unknown): number {
  const pair = entry as Pair;
  if (pair && typeof pair === 'object' && 'key' in pair) {
    const valueRange = rangeOf(pair.value);
    if (valueRange) return valueRange[1];
    return rangeOf(pair.key)?.[1] ?? 0;
  }
  return rangeOf(entry)?.[1] ?? 0;
}

function startOfEntry(entry: unknown): number {
  const pair = entry as Pair;
  if (pair && typeof pair === 'object' && 'key' in pair) return rangeOf(pair.key)?.[0] ?? 0;
  return rangeOf(entry)?.[0] ?? 0;
}

function flowPadding(text: string, collection: YAMLMap | YAMLSeq): string {
  const range = rangeOf(collection);
  return range && /^[{[][ ]/.test(text.slice(range[0], range[0] + 2)) ? ' ' : '';
}

function appendToFlow(text: string, collection: YAMLMap | YAMLSeq, fragment: string): string {
  const last = collection.items[collection.items.length - 1];
  if (last !== undefined) {
    const end = endOfEntry(last);
    return splice(text, end, end, `, ${fragment}`);
  }
  const range = rangeOf(collection);
  if (!range) throw new Error('flow collection without a source range');
  const [open, close] = isMap(collection) ? ['{', '}'] : ['[', ']'];
  const pad = flowPadding(text, collection);
  return splice(text, range[0], range[1], `${open}${pad}${fragment}${pad}${close}`);
}

function insertKey(text: string, document: Document, map: YAMLMap, rest: PathSegment[], value: YamlLeafValue): string {
  if (map.flow) return appendToFlow(text, map, flowEntry(rest, value));
  const first = map.items[0];
  const last = map.items[map.items.length - 1];
  if (!first || !last) throw new YamlEditError(rest, 'cannot add a key to an empty block mapping');
  const column = columnOf(text, startOfEntry(first));
  const lines = blockLines(rest, value, column, layoutOf(document, text, map));
  return insertLines(text, endOfLineAfter(text, endOfEntry(last)), lines, lineEndingOf(text));
}

function appendItem(text: string, document: Document, seq: YAMLSeq, rest: PathSegment[], value: YamlLeafValue): string {
  if (seq.flow) return appendToFlow(text, seq, flowEntry(rest, value));
  const last = seq.items[seq.items.length - 1];
  const lastRange = rangeOf(last);
  if (!lastRange) throw new YamlEditError(rest, 'cannot append to a sequence whose last item has no source');
  const lines = sequenceItemLines(rest.slice(1), value, dashColumn(text, lastRange[0]), layoutOf(document, text));
  return insertLines(text, endOfLineAfter(text, lastRange[1]), lines, lineEndingOf(text));
}

/** Offset just after the `:` that follows a pair's key. */
function afterColon(text: string, pair: Pair): number {
  const keyEnd = rangeOf(pair.key)?.[1];
  if (keyEnd === undefined) throw new Error('key without a source range');
  const colon = text.indexOf(':', keyEnd);
  return colon + 1;
}

/**
 * Creates `rest` under a key whose value is empty: `limits:`, `limits: ~`, `resources: {}`,
 * `args: []`. The empty value's text is removed and a block is written on the following lines.
 */
function fillEmptyValue(text: string, document: Document, target: Extract<EditTarget, { kind: 'empty-value' }>, value: YamlLeafValue): string {
  const { pair, rest } = target;
  const keyStart = rangeOf(pair.key)?.[0];
  if (keyStart === undefined) throw new Error('key without a source range');
  const layout = layoutOf(document, text);
  const keyColumn = columnOf(text, keyStart);
  const childColumn = keyColumn + (typeof rest[0] === 'number' && !layout.indentedSequences ? 0 : layout.indentStep);
  const lines = blockLines(rest, value, childColumn, layout);
  const valueRange = rangeOf(target.value);
  let edited = text;
  if (valueRange && valueRange[1] > valueRange[0]) {
    const colon = afterColon(text, pair);
    edited = splice(text, colon, valueRange[1], '');
  }
  const lineEnd = endOfLineAfter(edited, afterColon(edited, pair));
  return insertLines(edited, lineEnd, lines, lineEndingOf(edited));
}

function indentOfBlockContent(text: string, scalarRange: Range): number {
  const source = text.slice(scalarRange[0], scalarRange[1]);
  const contentLine = source.split('\n').slice(1).find((line) => line.trim() !== '');
  return contentLine ? contentLine.length - contentLine.trimStart().length : 2;
}

function replaceScalar(text: string, path: PathSegment[], target: Extract<EditTarget, { kind: 'existing' }>, newValue: YamlScalarValue): string {
  const scalar = target.node as Scalar;
  const range = rangeOf(scalar);
  if (!range) throw new YamlEditError(path, 'the value has no source position');
  if (range[0] === range[1] && target.pair) {
    // `key:` with nothing after it: write the value after the colon, keeping any comment.
    const colon = afterColon(text, target.pair);
    return splice(text, colon, colon, ` ${renderNewScalar(newValue, target.inFlow)}`);
  }
  if (scalar.type === 'BLOCK_LITERAL' || scalar.type === 'BLOCK_FOLDED') {
    const eol = lineEndingOf(text);
    const source = text.slice(range[0], range[1]);
    const trailingBreak = source.endsWith('\n') ? eol : '';
    const block = typeof newValue === 'string' && newValue.includes('\n')
      ? renderLiteralBlock(newValue, indentOfBlockContent(text, range), eol)
      : null;
    return splice(text, range[0], range[1], block ?? `${renderNewScalar(newValue, false)}${trailingBreak}`);
  }
  return splice(text, range[0], range[1], renderReplacement(scalar, newValue, target.inFlow));
}

function editOnce(text: string, documentIndex: number, path: PathSegment[], value: YamlLeafValue): { text: string; written: YamlLeafValue } {
  const documents = loadDocuments(text, path, documentIndex);
  const document = documents[documentIndex] as Document;
  const target = locate(document, path);
  return { text: editTarget(text, document, path, target, value), written: valueAsWritten(target, value) };
}

function editTarget(text: string, document: Document, path: PathSegment[], target: EditTarget, value: YamlLeafValue): string {
  switch (target.kind) {
    case 'existing': {
      if (isMap(target.node) || isSeq(target.node)) {
        throw new YamlEditError(path, `${formatPath(path)} is a ${isMap(target.node) ? 'mapping' : 'sequence'}, not a scalar`);
      }
      if (!isScalar(target.node)) throw new YamlEditError(path, 'the value is not a scalar');
      if (target.node.value === null && value !== null && typeof value === 'object') {
        // An empty `key:` (or `key: ~`) becomes an explicit `{}` / `[]`.
        const range = rangeOf(target.node);
        const at = range && range[1] > range[0] ? range : null;
        const colon = target.pair ? afterColon(text, target.pair) : null;
        if (at) return splice(text, at[0], at[1], leafText(value, target.inFlow));
        if (colon !== null) return splice(text, colon, colon, ` ${leafText(value, target.inFlow)}`);
      }
      return replaceScalar(text, path, target, asScalar(path, value));
    }
    case 'missing-key':
      return insertKey(text, document, target.map, target.rest, value);
    case 'missing-item':
      return appendItem(text, document, target.seq, target.rest, value);
    case 'empty-value':
      return fillEmptyValue(text, document, target, value);
  }
}

/** Sets `path` in a plain JS copy of a document, creating what is missing (the expected result). */
function setInPlain(root: unknown, path: PathSegment[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...tail] = path as [PathSegment, ...PathSegment[]];
  if (typeof head === 'number') {
    const list = Array.isArray(root) ? [...(root as unknown[])] : [];
    list[head] = setInPlain(list[head], tail, value);
    return list;
  }
  const object = root !== null && typeof root === 'object' && !Array.isArray(root) ? { ...(root as Record<string, unknown>) } : {};
  object[head] = setInPlain(object[head], tail, value);
  return object;
}

function removeInPlain(root: unknown, path: PathSegment[]): unknown {
  const [head, ...tail] = path as [PathSegment, ...PathSegment[]];
  if (Array.isArray(root)) {
    const list = [...(root as unknown[])];
    if (tail.length === 0) list.splice(Number(head), 1);
    else list[Number(head)] = removeInPlain(list[Number(head)], tail);
    return list;
  }
  const object = { ...(root as Record<string, unknown>) };
  if (tail.length === 0) delete object[String(head)];
  else object[String(head)] = removeInPlain(object[String(head)], tail);
  return object;
}

function plainDocuments(text: string): { values: unknown[]; errors: number } | null {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return null;
  return {
    values: documents.map((document) => (document.errors.length > 0 ? undefined : document.toJS({ maxAliasCount: -1 }))),
    errors: documents.reduce((count, document) => count + document.errors.length, 0),
  };
}

/**
 * The safety net: the edited text must parse, keep its document count, and differ from the
 * original only by the intended change. Anything else is a bug in the editor, and the file is
 * left alone rather than written damaged.
 */
function assertOnlyIntendedChange(before: string, after: string, documentIndex: number, path: PathSegment[], expect: (old: unknown) => unknown): void {
  const old = plainDocuments(before);
  const edited = plainDocuments(after);
  if (!old || !edited || edited.errors > old.errors || edited.values.length !== old.values.length) {
    throw new YamlEditError(path, 'the edit would break the file (it no longer parses the same way); nothing was changed');
  }
  const expected = old.values.map((value, index) => (index === documentIndex ? expect(value) : value));
  if (!isDeepStrictEqual(expected, edited.values)) {
    throw new YamlEditError(path, 'the edit would change more than the intended value; nothing was changed');
  }
}

/** A quoted scalar stays quoted, so a number or boolean written over one is read back as a string. */
function valueAsWritten(target: EditTarget, value: YamlLeafValue): YamlLeafValue {
  const quoted = target.kind === 'existing' && isScalar(target.node) && (target.node.type === 'QUOTE_DOUBLE' || target.node.type === 'QUOTE_SINGLE');
  return quoted && (typeof value === 'number' || typeof value === 'boolean') ? String(value) : value;
}

/** Sets one value, creating missing keys and items, and checks the result before returning it. */
export function setYamlValue(text: string, documentIndex: number, path: PathSegment[], value: YamlLeafValue): string {
  if (path.length === 0) throw new YamlEditError(path, 'the document root cannot be replaced');
  const { text: after, written } = editOnce(text, documentIndex, path, value);
  assertOnlyIntendedChange(text, after, documentIndex, path, (old) => setInPlain(old, path, written));
  return after;
}

/** Applies edits in order; each one sees the text left by the previous ones. */
export function applyYamlEdits(text: string, edits: Array<{ documentIndex: number; path: PathSegment[]; value: YamlLeafValue }>): string {
  return edits.reduce((current, edit) => setYamlValue(current, edit.documentIndex, edit.path, edit.value), text);
}

function removeFromFlow(text: string, collection: YAMLMap | YAMLSeq, position: number): string {
  const items = collection.items as unknown[];
  const entry = items[position];
  const next = items[position + 1];
  const previous = items[position - 1];
  if (next !== undefined) return splice(text, startOfEntry(entry), startOfEntry(next), '');
  if (previous !== undefined) return splice(text, endOfEntry(previous), endOfEntry(entry), '');
  return splice(text, startOfEntry(entry), endOfEntry(entry), '');
}

function removeFromBlock(text: string, path: PathSegment[], collection: YAMLMap | YAMLSeq, position: number): string {
  const items = collection.items as unknown[];
  const entry = items[position];
  const entryEnd = endOfEntry(entry);
  const isMapping = isMap(collection);
  const start = isMapping ? startOfEntry(entry) : lineStartOf(text, dashOffset(text, startOfEntry(entry)));
  if (items.length === 1) {
    // The collection becomes empty: say so explicitly rather than turning it into null.
    const from = isMapping ? start : dashOffset(text, startOfEntry(entry));
    return splice(text, from, withoutTrailingBreaks(text, from, entryEnd), isMapping ? '{}' : '[]');
  }
  if (isMapping && !isLineIndentationBefore(text, start)) {
    // First key of a sequence item (`- name: x`): keep the dash, pull the next key up to it.
    return splice(text, start, startOfEntry(items[position + 1]), '');
  }
  if (!isLineIndentationBefore(text, isMapping ? start : dashOffset(text, startOfEntry(entry)))) {
    throw new YamlEditError(path, 'the item shares its line with another node');
  }
  return splice(text, lineStartOf(text, start), endOfLineAfter(text, entryEnd), '');
}

/** Nested block collections end after their last line break; the break belongs to the parent. */
function withoutTrailingBreaks(text: string, start: number, end: number): number {
  let trimmed = end;
  while (trimmed > start && /[\r\n ]/.test(text[trimmed - 1] ?? '')) trimmed -= 1;
  return trimmed;
}

function dashOffset(text: string, itemStart: number): number {
  const dash = text.lastIndexOf('-', itemStart - 1);
  return dash >= lineStartOf(text, itemStart) ? dash : itemStart;
}

/** Removes the key or sequence item at `path` (JSON Patch `remove`), leaving the rest untouched. */
export function removeYamlPath(text: string, documentIndex: number, path: PathSegment[]): string {
  if (path.length === 0) throw new YamlEditError(path, 'removing a whole document is not supported');
  const documents = loadDocuments(text, path, documentIndex);
  const parentTarget = locate(documents[documentIndex] as Document, path.slice(0, -1));
  const parent = parentTarget.kind === 'existing' ? parentTarget.node : null;
  const last = path[path.length - 1] as PathSegment;
  let position = -1;
  if (isMap(parent)) position = parent.items.findIndex((pair) => isScalar(pair.key) && String(pair.key.value) === String(last));
  else if (isSeq(parent) && typeof last === 'number') position = last < parent.items.length ? last : -1;
  else throw new YamlEditError(path, `${formatPath(path.slice(0, -1))} is not a mapping or sequence`);
  if (position < 0) throw new YamlEditError(path, `${formatPath(path)} does not exist`);
  const collection = parent as YAMLMap | YAMLSeq;
  const after = collection.flow ? removeFromFlow(text, collection, position) : removeFromBlock(text, path, collection, position);
  assertOnlyIntendedChange(text, after, documentIndex, path, (old) => removeInPlain(old, path));
  return after;
}
