import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFailureReport } from '../../src/report/schema.js';
import { CASCADE_FIXTURES } from './reports.js';

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsonFiles(path) : name.endsWith('.json') ? [path] : [];
  });
}

describe('cascade report fixtures', () => {
  const files = jsonFiles(CASCADE_FIXTURES);

  it('cover every hand-written scenario', () => {
    expect(readdirSync(CASCADE_FIXTURES).sort()).toEqual(['cycle', 'independent', 'own-oom', 'three-tier']);
    expect(files).toHaveLength(8);
  });

  it.each(files.map((file) => [file.slice(CASCADE_FIXTURES.length), file]))('%s is a valid FailureReport', (_name, file) => {
    const parsed = parseFailureReport(JSON.parse(readFileSync(file, 'utf8')));
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
  });
});
