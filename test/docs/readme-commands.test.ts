/**
 * The README's command table, read as a reviewer would: every command it lists and every example
 * it gives is parsed by KubeCure as that command, value hints are read as values, and the help
 * reply lists the same commands in the same order.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommands } from '../../src/commands/parse.js';
import { readReviewerValue } from '../../src/diagnose/reviewer-value.js';
import { reviewMessages } from '../../src/github/messages.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SECTION = README.slice(README.indexOf('<!-- commands:start -->'));
const ROWS = SECTION.split('\n')
  .slice(SECTION.split('\n').findIndex((line) => line.startsWith('| Command |')) + 2)
  .filter((line, index, lines) => lines.slice(0, index + 1).every((previous) => previous.startsWith('|')));

const commandColumn = (rows: string[]) => rows.map((row) => /^\| `([^`]+)` \|/.exec(row)![1]!);

describe("the README's command table", () => {
  it('lists the commands KubeCure understands, as the help reply lists them', () => {
    const listed = commandColumn(ROWS);
    expect(listed).toEqual(['/kubecure retry [hint]', '/kubecure explain', '/kubecure ignore', '/kubecure unignore', '/kubecure help']);
    const help = reviewMessages.help.split('\n').filter((line) => line.startsWith('| `'));
    expect(commandColumn(help)).toEqual(listed);
    for (const command of listed) {
      const [parsed] = parseCommands(command.replace(' [hint]', ''));
      expect(parsed?.name).toBe(command.split(' ')[1]);
    }
  });

  it('gives retry examples that parse as written: values for the rules, words for the model', () => {
    const retryRow = ROWS.find((row) => row.startsWith('| `/kubecure retry [hint]`'))!;
    const examples = [...retryRow.matchAll(/`(\/kubecure retry [^`[]+)`/g)].map((match) => match[1]!);
    expect(examples).toEqual(['/kubecure retry use 1Gi', '/kubecure retry use tag 1.4.2', '/kubecure retry use port 8080', '/kubecure retry the tag is v2.3.1']);
    const hints = examples.map((example) => {
      const [command] = parseCommands(example);
      expect(command).toMatchObject({ name: 'retry' });
      return (command as { hint: string }).hint;
    });
    expect(hints.map(readReviewerValue)).toEqual([
      { kind: 'memory', value: '1Gi' },
      { kind: 'tag', value: '1.4.2' },
      { kind: 'port', value: 8080 },
      null,
    ]);
  });
});
