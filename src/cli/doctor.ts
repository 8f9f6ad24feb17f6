/**
 * `kubecure doctor`: checks an App installation's environment (the process environment, plus a
 * `.env` file the way `probot run` reads one) and prints what is wrong and how to fix it, so a first
 * install fails loudly and clearly instead of at the first webhook.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { runDoctor, type CheckResult } from './doctor-checks.js';
import { CliError, parseCommandOptions, type CliCommand } from './io.js';

const USAGE = `usage: kubecure doctor [--env-file <path>] [--timeout <ms>]

Checks the App's environment: APP_ID and the private key, the webhook secret, GitHub reached with
the App's JWT (and its permissions), KUBECURE_CLUSTERS, Redis (and whether it keeps an append-only
file) and the configured model. Reads .env from the current folder when present, as the App does;
variables already set in the environment win. Exits 1 when a check fails.`;

const OPTIONS = {
  'env-file': { type: 'string' },
  timeout: { type: 'string', default: '5000' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const SYMBOL: Record<CheckResult['status'], string> = { ok: '✓', warn: '!', fail: '✗' };

/** The environment the App would run with: the file's values under the process's own. */
function environment(envFile: string | undefined): NodeJS.ProcessEnv {
  const path = envFile ?? (existsSync('.env') ? '.env' : undefined);
  if (!path) return { ...process.env };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read env file "${path}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return { ...parseEnv(text), ...process.env };
}

export function formatResults(results: CheckResult[]): string {
  const lines = results.map((result) => {
    const fix = result.fix ? `\n    fix: ${result.fix}` : '';
    return `${SYMBOL[result.status]} ${result.name}: ${result.message}${fix}`;
  });
  const failed = results.filter((result) => result.status === 'fail').length;
  const warned = results.filter((result) => result.status === 'warn').length;
  return `${lines.join('\n')}\n\n${failed} failed, ${warned} warning${warned === 1 ? '' : 's'}`;
}

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'check the App\'s credentials, GitHub, clusters, Redis and model',
  async run(argv) {
    const values = parseCommandOptions('doctor', argv, OPTIONS);
    if (values.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    const timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new CliError(`--timeout must be a positive number of milliseconds, got "${values.timeout}"`);
    const results = await runDoctor({ env: environment(values['env-file']), timeoutMs });
    process.stdout.write(formatResults(results) + '\n');
    return results.some((result) => result.status === 'fail') ? 1 : 0;
  },
};
