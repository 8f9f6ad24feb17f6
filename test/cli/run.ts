/** Runs the `kubecure` command as users do: a separate Node process, arguments and stdin. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** No model key may leak in from the developer's shell: the CLI must run on rules alone here. */
const ENV = { ...process.env, GEMINI_API_KEY: '', OPENAI_API_KEY: '', NO_COLOR: '1' };

export function kubecure(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: ENV, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

export function stderrLines(run: Run): string[] {
  return run.stderr.split('\n').filter((line) => line.length > 0);
}

/** A CLI failure as the issue asks for it: non-zero exit, one line on stderr, nothing on stdout. */
export function expectOneLineFailure(run: Run, message: RegExp): void {
  expect(run.code).not.toBe(0);
  expect(run.stdout).toBe('');
  expect(stderrLines(run)).toHaveLength(1);
  expect(run.stderr).toMatch(message);
}

/** Each run starts a TypeScript process; a busy machine can take several seconds per run. */
export const SUBPROCESS_TIMEOUT = 60_000;
