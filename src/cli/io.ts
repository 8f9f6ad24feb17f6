/** Input helpers shared by the CLI subcommands: reading files or stdin, parsing JSON with a clear error. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFile } from 'node:fs/promises';

/** An error the user can fix; printed as one line, exit code 2 by default. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Returns the process exit code. */
  run(argv: string[]): Promise<number>;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a file, or standard input when the path is `-`. */
export async function readInput(path: string, what: string): Promise<string> {
  if (path === '-') return readStdin();
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new CliError(`cannot read ${what} "${path}": ${reason}`);
  }
}

export async function readJsonInput(path: string, what: string): Promise<unknown> {
  const text = await readInput(path, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${what} "${path}" is not valid JSON: ${(error as Error).message}`);
  }
}

/** Parses a subcommand's options strictly; a mistake becomes one line that points at its --help. */
export function parseCommandOptions<const T extends NonNullable<ParseArgsConfig['options']>>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw new CliError(`${(error as Error).message} (see "kubecure ${command} --help")`);
  }
}

/** The value when it is one of `choices`, else a clear error naming them. */
export function parseChoice<const T extends string>(value: string, choices: readonly T[], what: string): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new CliError(`unknown ${what} "${value}" (expected one of: ${choices.join(', ')})`);
}
