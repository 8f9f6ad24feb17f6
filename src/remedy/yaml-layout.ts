/**
 * The indentation habits of a document, read from its own text so that inserted lines look like
 * their neighbours: the indent step of nested mappings and whether `- ` items sit flush under
 * their key (`containers:\n- name`) or indented (`containers:\n  - name`).
 */
import { isMap, isScalar, isSeq, visit, type Document, type Pair, type YAMLMap } from 'yaml';
import { columnOf } from './yaml-text.js';

export interface Layout {
  indentStep: number;
  indentedSequences: boolean;
}

/** Column of the `-` that introduces a block sequence item starting at `itemStart`. */
export function dashColumn(text: string, itemStart: number): number {
  const lineStart = text.lastIndexOf('\n', itemStart - 1) + 1;
  const dash = text.lastIndexOf('-', itemStart - 1);
  return dash >= lineStart ? columnOf(text, dash) : columnOf(text, itemStart) - 2;
}

function keyColumn(text: string, pair: Pair): number | null {
  return isScalar(pair.key) && pair.key.range ? columnOf(text, pair.key.range[0]) : null;
}

function sequenceStyle(text: string, pair: Pair): boolean | null {
  const value = pair.value;
  const column = keyColumn(text, pair);
  if (!isSeq(value) || value.flow || column === null) return null;
  const first = value.items[0] as { range?: [number, number, number] } | undefined;
  if (!first?.range) return null;
  return dashColumn(text, first.range[0]) > column;
}

function indentStepOf(text: string, pair: Pair): number | null {
  const value = pair.value;
  const column = keyColumn(text, pair);
  if (!isMap(value) || value.flow || column === null) return null;
  const first = value.items[0];
  if (!first) return null;
  const inner = keyColumn(text, first);
  return inner !== null && inner > column ? inner - column : null;
}

/** Prefers the habits of `near` (the mapping being edited) over those of the whole document. */
export function layoutOf(document: Document, text: string, near?: YAMLMap): Layout {
  let indentStep: number | null = null;
  let indentedSequences: boolean | null = null;
  for (const pair of near?.items ?? []) indentedSequences ??= sequenceStyle(text, pair);
  visit(document, {
    Pair(_, pair) {
      indentStep ??= indentStepOf(text, pair);
      indentedSequences ??= sequenceStyle(text, pair);
      if (indentStep !== null && indentedSequences !== null) return visit.BREAK;
      return undefined;
    },
  });
  return { indentStep: indentStep ?? 2, indentedSequences: indentedSequences ?? true };
}
