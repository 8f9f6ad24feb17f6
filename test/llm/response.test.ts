import { describe, expect, it } from 'vitest';
import { parseModelAnswer, verifyEvidence } from '../../src/diagnose/llm/response.js';

const answer = {
  category: 'CrashLoopBackOff',
  summary: 'bad flag',
  rootCause: 'The binary rejects --listen.',
  evidence: ['flag provided but not defined: -listen'],
  confidence: 140,
  patch: [
    { op: 'replace', path: '/spec/template/spec/containers/0/args/0', valueJson: '"--port=8080"' },
    { op: 'add', path: '/spec/template/spec/containers/0/ports/0/containerPort', valueJson: '8080' },
    { op: 'replace', path: '/spec/template/spec/containers/0/image', valueJson: 'ghcr.io/acme/api:1.2.3' },
    { op: 'remove', path: '/spec/template/spec/containers/0/args/1', valueJson: null },
  ],
  needsHuman: null,
  rationale: '',
};

describe('parseModelAnswer', () => {
  it('decodes valueJson into typed fast-json-patch operations and clamps confidence', () => {
    const parsed = parseModelAnswer(JSON.stringify(answer));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.answer.confidence).toBe(100);
    expect(parsed.answer.patch).toEqual([
      { op: 'replace', path: '/spec/template/spec/containers/0/args/0', value: '--port=8080' },
      { op: 'add', path: '/spec/template/spec/containers/0/ports/0/containerPort', value: 8080 },
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'ghcr.io/acme/api:1.2.3' },
      { op: 'remove', path: '/spec/template/spec/containers/0/args/1' },
    ]);
    expect(parsed.answer.rationale).toBeNull();
  });

  it('accepts JSON wrapped in a Markdown fence', () => {
    const parsed = parseModelAnswer(`\`\`\`json\n${JSON.stringify({ ...answer, patch: null, needsHuman: 'Which port?' })}\n\`\`\``);
    expect(parsed.ok && parsed.answer.needsHuman).toBe('Which port?');
    expect(parsed.ok && parsed.answer.patch).toBeNull();
  });

  it('maps an unknown category to null rather than rejecting the answer', () => {
    const parsed = parseModelAnswer(JSON.stringify({ ...answer, category: 'ConfigError' }));
    expect(parsed.ok && parsed.answer.category).toBeNull();
  });

  it.each([
    ['not JSON', 'The fix is to change the port.', /not JSON/],
    ['an op outside the allowed set', JSON.stringify({ ...answer, patch: [{ op: 'move', path: '/a', valueJson: null }] }), /patch\.0\.op/],
    ['a path that is not a JSON Pointer', JSON.stringify({ ...answer, patch: [{ op: 'replace', path: 'spec.replicas', valueJson: '2' }] }), /JSON Pointer/],
    ['a replace without a value', JSON.stringify({ ...answer, patch: [{ op: 'replace', path: '/spec/replicas', valueJson: null }] }), /has no valueJson/],
    ['a missing summary', JSON.stringify({ ...answer, summary: '' }), /summary/],
  ])('rejects %s', (_, text, error) => {
    const parsed = parseModelAnswer(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });
});

describe('verifyEvidence', () => {
  const shown = 'line one\n2025-06-12T09:13:58Z  ERROR   flag provided but not defined: -listen\nOOMKilled  [×12]';
  it('accepts quotes found verbatim (modulo whitespace) and rejects invented ones', () => {
    expect(
      verifyEvidence(['ERROR flag provided but not defined: -listen', 'OOMKilled [×12]', 'panic: invented', 'one'], shown),
    ).toEqual({ verified: ['ERROR flag provided but not defined: -listen', 'OOMKilled [×12]'], unverified: ['panic: invented', 'one'] });
  });
});
