/**
 * Reading `/kubecure …` commands out of a comment. A command is the first token of a line;
 * several commands run in the order written. The comment is read the way GitHub renders it
 * (CommonMark): text in fenced code blocks (``` or ~~~, closed only by a fence of the same
 * character at least as long), in indented code blocks (four spaces or a tab) and on block
 * quote lines is never a command — a reviewer quoting someone else's command must not run it
 * again. (A line right after a quote is read as the commenter's own, although CommonMark would
 * continue the quote with it: it is text they typed, and replies are often written that way.)
 *
 * One comment runs a bounded number of commands: repeats of the same command run once, and past
 * MAX_COMMANDS_PER_COMMENT the rest are left out with a note, so a comment of 300 lines cannot
 * queue 300 replies.
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
/** A hint is prose for the model, not a document: long enough for a sentence or two. */
export const MAX_HINT_CHARS = 500;
/** Distinct commands one comment may run; each gets a reply. */
export const MAX_COMMANDS_PER_COMMENT = 5;

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

/** Columns of leading whitespace, a tab advancing to the next multiple of four (CommonMark). */
function indentOf(line: string): number {
  let columns = 0;
  for (const character of line) {
    if (character === ' ') columns += 1;
    else if (character === '\t') columns += 4 - (columns % 4);
    else break;
  }
  return columns;
}

interface Fence {
  character: '`' | '~';
  length: number;
}

/** An opening fence: up to three spaces, then three or more backticks (no backtick after) or tildes. */
function openingFence(line: string): Fence | null {
  const match = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
  if (!match) return null;
  const run = match[1]!;
  const character = run[0] as Fence['character'];
  if (character === '`' && match[2]!.includes('`')) return null;
  return { character, length: run.length };
}

function closesFence(line: string, fence: Fence): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return match !== null && match[1]![0] === fence.character && match[1]!.length >= fence.length;
}

const BLOCK_QUOTE = /^ {0,3}>/;
const BLANK = /^[ \t]*$/;

/** The commands of a comment, bounded, and how many were left out. */
export function readCommands(body: string | null | undefined): { commands: Command[]; omitted: number } {
  const found: Command[] = [];
  let fence: Fence | null = null;
  for (const line of (body ?? '').split(/\r?\n/)) {
    if (fence) {
      if (closesFence(line, fence)) fence = null;
      continue;
    }
    if (BLANK.test(line) || BLOCK_QUOTE.test(line)) continue;
    const opening = openingFence(line);
    if (opening) {
      fence = opening;
      continue;
    }
    // Four columns in: indented code, or the continuation of a paragraph; never the start of a command.
    if (indentOf(line) >= 4) continue;
    const command = lineCommand(line);
    if (command) found.push(command);
  }
  const distinct: Command[] = [];
  const seen = new Set<string>();
  for (const command of found) {
    const key = JSON.stringify(command);
    if (seen.has(key)) continue;
    seen.add(key);
    distinct.push(command);
  }
  const commands = distinct.slice(0, MAX_COMMANDS_PER_COMMENT);
  return { commands, omitted: found.length - commands.length };
}

export function parseCommands(body: string | null | undefined): Command[] {
  return readCommands(body).commands;
}

/** The note that tells the commenter some commands of the comment did not run. */
export function omittedCommandsNote(omitted: number): string {
  return `${omitted} more command${omitted === 1 ? ' was' : 's were'} not run: a comment runs each command once, and at most ${MAX_COMMANDS_PER_COMMENT} different commands.`;
}

/** Commands that change the repository or what KubeCure reports: write access needed. */
export function needsWriteAccess(command: Command): boolean {
  return command.name === 'retry' || command.name === 'ignore' || command.name === 'unignore';
}
