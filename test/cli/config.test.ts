import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configCommand } from '../../src/cli/config.js';
import { CliError } from '../../src/cli/io.js';
import { ROOT, SUBPROCESS_TIMEOUT } from './run.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** Runs the subcommand in this process and collects what it prints. */
async function validate(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  try {
    return { code: await configCommand.run(argv), stdout };
  } finally {
    write.mockRestore();
  }
}

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubecure-config-'));
  const file = join(dir, 'kubecure.yml');
  writeFileSync(file, text);
  return file;
}

afterEach(() => vi.restoreAllMocks());

describe('kubecure config validate', () => {
  it('prints each problem with its line and column and exits 1', async () => {
    const file = configFile('clusters: [prod-eu]\nfixes:\n  maxMemory: lots\n  colour: red\n');
    const run = await validate(['validate', file]);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      `${file}:3:14: fixes.maxMemory: expected a Kubernetes quantity such as 4Gi or 2`,
      `${file}:4:3: fixes.colour: unknown key "colour"`,
    ]);
  });

  it('says a valid file is valid and exits 0', async () => {
    const file = configFile('clusters: [prod-eu]\nthreshold: 90\n');
    expect(await validate(['validate', file])).toEqual({ code: 0, stdout: `${file}: valid\n` });
  });

  it('prints the problems as JSON with --format json', async () => {
    const file = configFile('clusters: prod-eu\n');
    const run = await validate(['validate', '--format', 'json', file]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ file, ok: false, problems: [{ path: 'clusters', line: 1, column: 11 }] });
  });

  it('reports a YAML syntax error at its line instead of failing', async () => {
    const file = configFile('clusters: [prod-eu\n');
    const run = await validate(['validate', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^${file}:2:1: \\(file\\): `));
  });

  it('rejects an unknown action, a missing file and a second file with one clear error', async () => {
    await expect(validate(['check'])).rejects.toThrow(new CliError('unknown config action "check" (expected: validate)'));
    await expect(validate(['validate', '/nonexistent/kubecure.yml'])).rejects.toThrow(/cannot read config file "\/nonexistent\/kubecure.yml": no such file/);
    await expect(validate(['validate', 'a.yml', 'b.yml'])).rejects.toThrow(/takes one file, got 2/);
    await expect(validate(['validate', '--colour'])).rejects.toThrow(/see "kubecure config --help"/);
  });

  it('prints what the README shows for the README\'s example file, run as the README runs it', async () => {
    const section = readme.slice(readme.indexOf('<!-- config-validate:start -->'), readme.indexOf('<!-- config-validate:end -->'));
    const [, command, expected] = /```console\n\$ (npx kubecure [^\n]+)\n([\s\S]*?)```/.exec(section)!;
    const example = /for this file[^\n]*\n\n```yaml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('<!-- config-validate:end -->')))![1]!;
    const dir = mkdtempSync(join(tmpdir(), 'kubecure-readme-'));
    mkdirSync(join(dir, '.github'));
    writeFileSync(join(dir, '.github', 'kubecure.yml'), example);

    const args = command!.split(' ').slice(2);
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      // Run from the example repository's folder, as a user would; tsx is loaded from this project.
      const tsx = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
      execFile(process.execPath, ['--import', tsx, join(ROOT, 'src/cli.ts'), ...args], { cwd: dir, timeout: SUBPROCESS_TIMEOUT }, (error, out) =>
        resolve({ code: error ? Number(error.code) : 0, stdout: out }),
      );
    });
    expect(code).toBe(1);
    expect(stdout).toBe(expected);
  }, SUBPROCESS_TIMEOUT);
});
