#!/usr/bin/env node
/**
 * The `kubecure` command: a thin dispatcher. Each subcommand lives in `src/cli/<name>.ts` and
 * exports a `CliCommand`; this file only picks one and turns thrown `UsageError`s into one line on
 * stderr and a non-zero exit.
 */
import { commands } from './cli/commands.js';
import { CliError } from './cli/io.js';

const USAGE = `usage: kubecure <command> [options]

commands:
${commands.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`).join('\n')}

Run "kubecure <command> --help" for the options of one command.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`kubecure: unknown command "${name}" (expected one of: ${commands.map((c) => c.name).join(', ')})\n`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof CliError ? error.message : error instanceof Error ? error.message : String(error);
    process.stderr.write(`kubecure: ${message}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  },
);
