/**
 * The identity of a change: which lines of which files a fix removes and adds. Two failures that
 * need the same change to the same file (one manifest deployed to several clusters) share it, so
 * they share one branch and one thread; failures that need different changes (other overlays,
 * other values) do not, so no branch is ever pushed with another failure's content.
 *
 * Only changed lines count, not the whole file: a base branch that moved elsewhere between two
 * clusters' reports does not split one change into two.
 */
import { createHash } from 'node:crypto';
import { structuredPatch } from 'diff';
import type { FileChange } from '../remedy/types.js';

/** Bumped if the serialization changes, so identities of different formats never match. */
const IDENTITY_VERSION = 'c1';

function changedLines(change: FileChange): string[] {
  const patch = structuredPatch(change.file, change.file, change.before, change.after, '', '', { context: 0 });
  return patch.hunks.flatMap((hunk) => hunk.lines.filter((line) => line.startsWith('+') || line.startsWith('-')));
}

/** 16 hex characters of sha256 over the files (sorted) and their removed and added lines. */
export function changeIdentityOf(changes: readonly FileChange[]): string {
  const serialized = JSON.stringify([
    IDENTITY_VERSION,
    [...changes].sort((a, b) => a.file.localeCompare(b.file)).map((change) => [change.file, changedLines(change)]),
  ]);
  return createHash('sha256').update(serialized).digest('hex').slice(0, 16);
}
