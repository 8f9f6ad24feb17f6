/**
 * `kubecure config validate [file]`: checks a `.github/kubecure.yml` offline, with the same checker
 * as the pull request check run, and prints each problem as `file:line:column: key: message`.
 */
import { checkConfigText } from '../config/check-file.js';
import { parseArgs } from 'node:util';
import { CliError, parseChoice, readInput, type CliCommand } from './io.js';

const FORMATS = ['text', 'json'] as const;
const DEFAULT_FILE = '.github/kubecure.yml';

const USAGE = `usage: kubecure config validate [file] [--format text|json]

Checks a KubeCure repository configuration (default: ${DEFAULT_FILE}; - reads standard input)
against the schema the App uses. Prints one line per problem with its line and column and exits 1
when the file is invalid, 0 when it is valid.`;

const OPTIONS = {
  format: { type: 'string', default: 'text' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseValidateArgs(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (see "kubecure config --help")`);
  }
}

export const configCommand: CliCommand = {
  name: 'config',
  summary: 'check a .github/kubecure.yml (config validate [file])',
  async run(argv) {
    const [action, ...rest] = argv;
    if (action === undefined || action === '--help' || action === '-h') {
      process.stdout.write(USAGE + '\n');
      return action === undefined ? 2 : 0;
    }
    if (action !== 'validate') throw new CliError(`unknown config action "${action}" (expected: validate)`);
    const { values, positionals } = parseValidateArgs(rest);
    if (values.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (positionals.length > 1) throw new CliError(`config validate takes one file, got ${positionals.length}`);
    const format = parseChoice(values.format, FORMATS, 'format');
    const file = positionals[0] ?? DEFAULT_FILE;
    const check = checkConfigText(await readInput(file, 'config file'));
    if (format === 'json') {
      process.stdout.write(JSON.stringify({ file, ...check }, null, 2) + '\n');
    } else if (check.ok) {
      process.stdout.write(`${file}: valid\n`);
    } else {
      for (const problem of check.problems) {
        process.stdout.write(`${file}:${problem.line}:${problem.column}: ${problem.path}: ${problem.message}\n`);
      }
    }
    return check.ok ? 0 : 1;
  },
};
