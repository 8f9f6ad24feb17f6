/**
 * Reading `/kubecure …` commands out of a comment. A command is the first token of a line;
 * several commands run in the order written; text inside fenced code blocks and quoted lines is
 * never a command (a reviewer quoting someone else's command must not run it again).
 */

export type Command =
  | { name: 'retry'; hint?: string }
  | { name: 'explain' }
  | { name: 'help' }
  | { name: 'ignore' }
  | { name: 'unignore' }
  | { name: 'unknown'; word: string };

export type CommandName = Command['name'];

const PREFIX = '/kubecure';
const FENCE = /^\s{0,3}(```|~~~)/;
/** A hint is prose for the model, not a document: long enough for a sentence or two. */
export const MAX_HINT_CHARS = 500;

function lineCommand(line: string): Command | null {
  const trimmed = line.trim();
  const [first, word, ...rest] = trimmed.split(/\s+/);
  if (first?.toLowerCase() !== PREFIX) return null;
  const name = (word ?? 'help').toLowerCase();
  switch (name) {
    case 'retry': {
      const hint = trimmed.slice(trimmed.toLowerCase().indexOf('retry') + 'retry'.length).trim().replace(/^["'](.*)["']$/, '$1').slice(0, MAX_HINT_CHARS);
      return hint && rest.length > 0 ? { name: 'retry', hint } : { name: 'retry' };
    }
    case 'explain':
    case 'help':
    case 'ignore':
    case 'unignore':
      return { name };
    default:
      return { name: 'unknown', word: word ?? '' };
  }
}

export function parseCommands(body: string | null | undefined): Command[] {
  const commands: Command[] = [];
  let inFence = false;
  for (const line of (body ?? '').split(/\r?\n/)) {
    if (FENCE.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence || /^\s*>/.test(line)) continue;
    const command = lineCommand(line);
    if (command) commands.push(command);
  }
  return commands;
}

/** Commands that change the repository or what KubeCure reports: write access needed. */
export function needsWriteAccess(command: Command): boolean {
  return command.name === 'retry' || command.name === 'ignore' || command.name === 'unignore';
}
