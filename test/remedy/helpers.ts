import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { unifiedDiff } from '../../src/remedy/diff.js';

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/yaml/${name}`, import.meta.url)), 'utf8');
}

const withoutBom = (text: string) => text.replace(/^\uFEFF/, '');

/**
 * The removed and added lines of a unified diff, line breaks (and CRs) stripped. A byte-order
 * mark is set aside (callers check it separately): it would make the first line look changed
 * whenever the line under it moves up.
 */
export function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const lines = unifiedDiff('file.yaml', withoutBom(before), withoutBom(after)).split('\n');
  const body = lines.filter((line) => !line.startsWith('--- ') && !line.startsWith('+++ '));
  const strip = (line: string) => line.slice(1).replace(/\r$/, '');
  return {
    removed: body.filter((line) => line.startsWith('-')).map(strip),
    added: body.filter((line) => line.startsWith('+')).map(strip),
  };
}

/** The value at a path after a fresh parse, as a YAML 1.1 (Kubernetes) or 1.2 reader sees it. */
export function readBack(text: string, documentIndex: number, path: (string | number)[], version: '1.1' | '1.2' = '1.2'): unknown {
  const documents = parseAllDocuments(text, { version });
  if (!Array.isArray(documents)) throw new Error('no documents');
  const document = documents[documentIndex];
  if (!document || document.errors.length > 0) throw new Error(`document ${documentIndex} does not parse`);
  return path.reduce<unknown>((current, key) => (current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key as string] : undefined), document.toJS());
}
