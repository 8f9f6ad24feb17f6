import { describe, expect, it } from 'vitest';
import { MAX_HINT_CHARS, needsWriteAccess, parseCommands } from '../../src/commands/parse.js';

describe('parseCommands', () => {
  it('reads a command that is the first token of a line, case-insensitively', () => {
    expect(parseCommands('/KubeCure Explain')).toEqual([{ name: 'explain' }]);
    expect(parseCommands('  /kubecure help  ')).toEqual([{ name: 'help' }]);
  });

  it('keeps the rest of a retry line as the hint, without surrounding quotes', () => {
    expect(parseCommands('/kubecure retry "the tag is v2.3.1"')).toEqual([{ name: 'retry', hint: 'the tag is v2.3.1' }]);
    expect(parseCommands('/kubecure retry use 1Gi')).toEqual([{ name: 'retry', hint: 'use 1Gi' }]);
    expect(parseCommands('/kubecure retry')).toEqual([{ name: 'retry' }]);
  });

  it('caps a hint at a sentence or two', () => {
    const [command] = parseCommands(`/kubecure retry ${'x'.repeat(2000)}`);
    expect(command).toMatchObject({ name: 'retry' });
    expect((command as { hint: string }).hint).toHaveLength(MAX_HINT_CHARS);
  });

  it('returns several commands in the order written', () => {
    expect(parseCommands('/kubecure explain\nsome words\n/kubecure ignore')).toEqual([{ name: 'explain' }, { name: 'ignore' }]);
  });

  it('treats a bare /kubecure as help and an unknown word as unknown', () => {
    expect(parseCommands('/kubecure')).toEqual([{ name: 'help' }]);
    expect(parseCommands('/kubecure rebase')).toEqual([{ name: 'unknown', word: 'rebase' }]);
  });

  it('ignores commands inside fenced code blocks, quotes and mid-sentence', () => {
    const body = ['```', '/kubecure retry', '```', '~~~yaml', '/kubecure ignore', '~~~', '> /kubecure retry', 'please run `/kubecure retry`', 'or /kubecure explain'].join('\n');
    expect(parseCommands(body)).toEqual([]);
  });

  it('does not read a longer word that starts like the prefix', () => {
    expect(parseCommands('/kubecured retry')).toEqual([]);
  });

  it('asks for write access only for commands that change something', () => {
    expect(needsWriteAccess({ name: 'retry' })).toBe(true);
    expect(needsWriteAccess({ name: 'ignore' })).toBe(true);
    expect(needsWriteAccess({ name: 'unignore' })).toBe(true);
    expect(needsWriteAccess({ name: 'explain' })).toBe(false);
    expect(needsWriteAccess({ name: 'help' })).toBe(false);
  });
});
