import { describe, expect, it } from 'vitest';
import { changedLineCount, unifiedDiff } from '../../src/remedy/diff.js';

describe('unifiedDiff', () => {
  it('writes git-style headers and three lines of context', () => {
    const before = ['a: 1', 'b: 2', 'c: 3', 'd: 4', 'e: 5', 'f: 6', 'g: 7', 'h: 8', ''].join('\n');
    const after = before.replace('e: 5', 'e: 50');
    expect(unifiedDiff('apps/web.yaml', before, after)).toBe(
      [
        'diff --git a/apps/web.yaml b/apps/web.yaml',
        '--- a/apps/web.yaml',
        '+++ b/apps/web.yaml',
        '@@ -2,7 +2,7 @@',
        ' b: 2',
        ' c: 3',
        ' d: 4',
        '-e: 5',
        '+e: 50',
        ' f: 6',
        ' g: 7',
        ' h: 8',
        '',
      ].join('\n'),
    );
  });

  it('is empty when nothing changed', () => {
    expect(unifiedDiff('x.yaml', 'a: 1\n', 'a: 1\n')).toBe('');
  });

  it('marks a missing final newline as git does', () => {
    const diff = unifiedDiff('x.yaml', 'a: 1\n', 'a: 1\nb: 2');
    expect(diff).toContain('+b: 2\n\\ No newline at end of file\n');
  });

  it('numbers the empty side of a new file from 0', () => {
    expect(unifiedDiff('new.yaml', '', 'a: 1\n')).toContain('@@ -0,0 +1 @@\n+a: 1\n');
  });
});

describe('changedLineCount', () => {
  it('counts added and removed lines but not the file headers', () => {
    const diff = unifiedDiff('x.yaml', 'a: 1\nb: 2\n', 'a: 2\nb: 2\nc: 3\n');
    expect(changedLineCount(diff)).toBe(3);
  });

  it('counts lines whose content starts with dashes', () => {
    const diff = unifiedDiff('x.yaml', 'args:\n- --- a\n', 'args:\n- --- b\n');
    expect(changedLineCount(diff)).toBe(2);
  });

  it('is zero for an empty diff', () => {
    expect(changedLineCount('')).toBe(0);
  });
});
