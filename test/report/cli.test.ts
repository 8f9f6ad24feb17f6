/** `kubecure report` run as users run it: a subprocess reading kubectl output from files and stdin. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CliError } from '../../src/cli/io.js';
import { reportCommand } from '../../src/cli/report.js';
import { reportFromKubectlFiles } from '../../src/cli/report-input.js';
import { parseFailureReport } from '../../src/report/schema.js';
import { CANARY, leakyLog } from './canaries.js';
import { fixturePath } from './fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const work = mkdtempSync(join(tmpdir(), 'kubecure-report-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubecure(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(TSX, ['src/cli.ts', ...args], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

function stderrLines(run: Run): string[] {
  return run.stderr.split('\n').filter((line) => line.length > 0);
}

/** Each run starts a TypeScript process; a busy machine can take several seconds per run. */
const SUBPROCESS_TIMEOUT = 60_000;

describe('kubecure report (subprocess)', { timeout: SUBPROCESS_TIMEOUT }, () => {
  it('prints a valid, redacted report built from pod, events, logs and owner files', async () => {
    const logs = join(work, 'previous.log');
    writeFileSync(logs, leakyLog());
    const run = await kubecure([
      'report',
      '--pod', fixturePath('pod-oomkilled.json'),
      '--events', fixturePath('events-oomkilled.json'),
      '--logs', logs,
      '--workload', fixturePath('replicaset-payments-api.json'),
      '--cluster', 'prod-eu',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const parsed = parseFailureReport(JSON.parse(run.stdout));
    expect(parsed.ok && parsed.value.failure.category).toBe('OOMKilled');
    expect(parsed.ok && parsed.value.workload).toMatchObject({ kind: 'Deployment', name: 'payments-api', namespace: 'payments' });
    expect(run.stdout.startsWith('{\n  "apiVersion": "kubecure.dev/v1"')).toBe(true);
    for (const canary of [...Object.values(CANARY), 'CANARY-env-Pw-91f3a', 'CANARY-lastapplied-Pw-7c1e']) expect(run.stdout).not.toContain(canary);
  });

  it('reads the pod from standard input with "-"', async () => {
    const run = await kubecure(['report', '--pod', '-'], readFileSync(fixturePath('pod-invalidimagename.json'), 'utf8'));
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ cluster: 'default', failure: { category: 'InvalidImageName' } });
  });

  const invalidJson = join(work, 'invalid.json');
  writeFileSync(invalidJson, '{"kind": "Pod", ');

  it.each([
    ['a missing pod file', ['--pod', join(work, 'absent.json')], /^kubecure: cannot read pod ".*absent\.json": no such file$/],
    ['invalid JSON', ['--pod', invalidJson], /^kubecure: pod ".*invalid\.json" is not valid JSON: /],
    ['a Service instead of a Pod', ['--pod', fixturePath('service-web.json')], /^kubecure: pod ".*service-web\.json": not a Pod \(kind: Service\)$/],
  ])('fails on %s with a non-zero exit and exactly one line on stderr', async (_case, args, message) => {
    const run = await kubecure(['report', ...args]);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(stderrLines(run)).toHaveLength(1);
    expect(stderrLines(run)[0]).toMatch(message);
  });
});

describe('kubecure report (in process)', () => {
  it('prints usage with --help and exits 0', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await reportCommand.run(['--help'])).toBe(0);
      expect(String(write.mock.calls[0]?.[0])).toContain('usage: kubecure report --pod <pod.json>');
    } finally {
      write.mockRestore();
    }
  });

  it.each([
    ['no --pod', [], /^--pod <pod\.json> is required/],
    ['an unknown option', ['--pod', fixturePath('pod-crashloopbackoff.json'), '--format', 'yaml'], /^Unknown option '--format'/],
  ])('rejects %s with a CliError', async (_case, args, message) => {
    await expect(reportCommand.run(args)).rejects.toThrow(expect.objectContaining({ name: 'CliError', message: expect.stringMatching(message) }));
  });
});

describe('reportFromKubectlFiles', () => {
  it('builds the same report the command prints, attributed to the given cluster', async () => {
    const report = await reportFromKubectlFiles({
      pod: fixturePath('pod-unschedulable.json'),
      events: fixturePath('events-unschedulable.events-k8s-io.json'),
      cluster: 'gpu-west',
    });
    expect(report).toMatchObject({ cluster: 'gpu-west', failure: { category: 'Unschedulable' }, workload: { kind: 'Deployment', name: 'trainer' } });
    expect(report.events).toHaveLength(2);
  });

  it.each([
    ['a healthy pod', { pod: fixturePath('pod-healthy.json') }, /^pod ".*pod-healthy\.json": pod checkout-7d8e9f6a5b-abcde shows no failure$/],
    ['a missing events file', { pod: fixturePath('pod-crashloopbackoff.json'), events: join(work, 'none.json') }, /^cannot read events ".*none\.json": no such file$/],
    ['a missing log file', { pod: fixturePath('pod-crashloopbackoff.json'), logs: join(work, 'none.log') }, /^cannot read logs ".*none\.log": no such file$/],
    ['invalid workload JSON', { pod: fixturePath('pod-crashloopbackoff.json'), workload: invalidJsonPath() }, /^workload ".*" is not valid JSON/],
    ['two inputs from stdin', { pod: '-', events: '-' }, /^only one input can be read from standard input/],
    ['an empty cluster name', { pod: fixturePath('pod-crashloopbackoff.json'), cluster: ' ' }, /^--cluster must not be empty$/],
  ])('throws a one-line CliError for %s', async (_case, files, message) => {
    const error = await reportFromKubectlFiles(files).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(message);
    expect((error as CliError).message).not.toContain('\n');
  });
});

function invalidJsonPath(): string {
  const path = join(work, 'invalid-workload.json');
  writeFileSync(path, '{"kind": ');
  return path;
}
