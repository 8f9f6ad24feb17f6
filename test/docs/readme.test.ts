import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configReferenceMarkdown, REFERENCE_END, REFERENCE_START } from '../../src/config/reference.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the README', () => {
  it('documents every configuration key exactly as the schema defines it (run `npm run docs` after changing the schema)', () => {
    const block = readme.slice(readme.indexOf(REFERENCE_START) + REFERENCE_START.length, readme.indexOf(REFERENCE_END)).trim();
    expect(block).toBe(configReferenceMarkdown().trim());
  });

  it('gives the same test command that CI runs', () => {
    const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
    expect(readme).toContain('npm ci && npm test');
    expect(ci).toMatch(/^npm ci\b.*\nnpm test$/m);
  });
});
