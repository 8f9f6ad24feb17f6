/**
 * Sweeps every scalar and every mapping of the fixture files: each replacement must change exactly
 * the scalar's line, and each new key exactly one added line, wherever it sits in the file.
 */
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, parseAllDocuments, type Node as YamlNode } from 'yaml';
import { applyYamlEdits, removeYamlPath, YamlEditError } from '../../src/remedy/yaml-edit.js';
import { changedLines, fixture, readBack } from './helpers.js';

type Path = (string | number)[];
const FIXTURES = ['mixed-indentation-deployment.yaml', 'cronjob-octal.yaml', 'chart-values.yaml', 'anchors.yaml'];
/** Each fixture as written, and again with Windows line endings and a byte-order mark. */
const FILES = FIXTURES.flatMap((name) => [
  { name, source: fixture(name) },
  { name: `${name} (CRLF + BOM)`, source: `\uFEFF${fixture(name).replace(/\n/g, '\r\n')}` },
]);

function expectLineEndingsOf(source: string, after: string): void {
  if (source.includes('\r\n')) expect(after.replace(/\r\n/g, '')).not.toContain('\n');
  expect(after.startsWith('\uFEFF')).toBe(source.startsWith('\uFEFF'));
}

function collect(node: unknown, path: Path, scalars: Path[], maps: Array<{ path: Path; flow: boolean }>): void {
  if (isMap(node)) {
    maps.push({ path, flow: node.flow === true });
    for (const pair of node.items) {
      if (isScalar(pair.key)) collect(pair.value, [...path, String(pair.key.value)], scalars, maps);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => collect(item, [...path, index], scalars, maps));
  } else if (isScalar(node) && node.value !== null && !String(node.source ?? node.value).includes('\n')) {
    const range = (node as YamlNode).range;
    if (range && range[1] > range[0]) scalars.push(path);
  }
}

function inventory(text: string) {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return [];
  return documents.map((document, documentIndex) => {
    const scalars: Path[] = [];
    const maps: Array<{ path: Path; flow: boolean }> = [];
    collect(document.contents, [], scalars, maps);
    return { documentIndex, scalars, maps };
  });
}

function newValueFor(current: unknown): string | number {
  return typeof current === 'number' ? current + 1 : 'changed-by-sweep';
}

describe.each(FILES)('every edit of $name stays on its lines', ({ source }) => {
  it('replacing any scalar changes exactly one line and reads back', () => {
    let edited = 0;
    for (const { documentIndex, scalars } of inventory(source)) {
      for (const path of scalars) {
        const value = newValueFor(readBack(source, documentIndex, path));
        let after: string;
        try {
          after = applyYamlEdits(source, [{ documentIndex, path, value }]);
        } catch (error) {
          // Only nodes shared through anchors may be refused.
          expect(error).toBeInstanceOf(YamlEditError);
          expect((error as Error).message).toMatch(/alias|anchor/);
          continue;
        }
        const { removed, added } = changedLines(source, after);
        expect({ path, removed: removed.length, added: added.length }).toEqual({ path, removed: 1, added: 1 });
        expectLineEndingsOf(source, after);
        expect(readBack(after, documentIndex, path, '1.1')).toEqual(value);
        edited += 1;
      }
    }
    expect(edited).toBeGreaterThan(5);
  });

  it('adding a key to any mapping adds one line (or rewrites one flow line)', () => {
    for (const { documentIndex, maps } of inventory(source)) {
      for (const { path, flow } of maps) {
        if (path.length === 0 && documentIndex > 0) continue;
        const keyPath = [...path, 'added-by-sweep'];
        let after: string;
        try {
          after = applyYamlEdits(source, [{ documentIndex, path: keyPath, value: 'on' }]);
        } catch (error) {
          expect((error as Error).message).toMatch(/alias|anchor/);
          continue;
        }
        const { removed, added } = changedLines(source, after);
        expect(added.length, JSON.stringify(keyPath)).toBeGreaterThanOrEqual(1);
        expect(removed.length, JSON.stringify(keyPath)).toBeLessThanOrEqual(flow ? 2 : 0);
        expect(readBack(after, documentIndex, keyPath, '1.1')).toBe('on');
        expectLineEndingsOf(source, after);
      }
    }
  });

  it('removing any key or item removes only its own lines', () => {
    let removedCount = 0;
    for (const { documentIndex, scalars } of inventory(source)) {
      for (const path of scalars) {
        const parent = readBack(source, documentIndex, path.slice(0, -1));
        const siblings = Array.isArray(parent) ? parent.length : Object.keys(parent as object).length;
        let after: string;
        try {
          after = removeYamlPath(source, documentIndex, path);
        } catch (error) {
          expect((error as Error).message).toMatch(/alias|anchor|shares its line/);
          continue;
        }
        const { removed, added } = changedLines(source, after);
        expect(removed.length, JSON.stringify(path)).toBeGreaterThanOrEqual(1);
        // A flow collection is rewritten on its line; an emptied block collection becomes `{}`/`[]`.
        expect(added.length, JSON.stringify(path)).toBeLessThanOrEqual(1);
        if (added.length === 1 && siblings > 1) expect(added[0]).toMatch(/[{[]|^\s*- /);
        expect(readBack(after, documentIndex, path.slice(0, -1))).not.toEqual(parent);
        expectLineEndingsOf(source, after);
        removedCount += 1;
      }
    }
    expect(removedCount).toBeGreaterThan(5);
  });
});
