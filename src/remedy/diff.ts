/** Unified diffs in the shape reviewers know from `git diff`, for PR bodies and the CLI. */
import { structuredPatch } from 'diff';
import type { FileChange } from './types.js';

const CONTEXT_LINES = 3;

function hunkRange(start: number, count: number): string {
  // An empty side starts one line earlier, as git prints it (`-0,0`).
  const first = count === 0 ? start - 1 : start;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/** `diff --git a/<file> b/<file>` with 3 lines of context; empty when nothing changed. */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) return '';
  const patch = structuredPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: CONTEXT_LINES });
  const lines = [`diff --git a/${file} b/${file}`, `--- a/${file}`, `+++ b/${file}`];
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${hunkRange(hunk.oldStart, hunk.oldLines)} +${hunkRange(hunk.newStart, hunk.newLines)} @@`);
    lines.push(...hunk.lines);
  }
  return `${lines.join('\n')}\n`;
}

/** Added plus removed lines of a unified diff (headers not counted). */
export function changedLineCount(diff: string): number {
  return diff
    .split('\n')
    .filter((line) => (line.startsWith('+') && !line.startsWith('+++ ')) || (line.startsWith('-') && !line.startsWith('--- ')))
    .length;
}

/** A changed file as the rest of the pipeline carries it: both texts and their diff. */
export function fileChange(file: string, before: string, after: string): FileChange {
  return { file, before, after, diff: unifiedDiff(file, before, after) };
}
