import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASCADE_FIXTURES } from './reports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubecure(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'src/cli.ts', ...args], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      // npm may print its own configuration warnings; they are not the command's.
      const ours = stderr.split('\n').filter((line) => line !== '' && !line.startsWith('npm warn')).join('\n');
      resolve({ code, stdout, stderr: ours });
    });
  });
}

let reportsDir: string;

beforeAll(() => {
  reportsDir = mkdtempSync(join(tmpdir(), 'kubecure-correlate-'));
  for (const scenario of ['three-tier', 'independent']) {
    for (const file of readdirSync(join(CASCADE_FIXTURES, scenario))) cpSync(join(CASCADE_FIXTURES, scenario, file), join(reportsDir, `${scenario}-${file}`));
  }
  writeFileSync(join(reportsDir, 'truncated.json'), '{"apiVersion": "kubecure.dev/v1", "kind": ');
  writeFileSync(join(reportsDir, 'recovery.json'), JSON.stringify({ apiVersion: 'kubecure.dev/v1', kind: 'FailureReport', cluster: 'prod-eu-1' }));
  writeFileSync(join(reportsDir, 'notes.txt'), 'not a report');
});

afterAll(() => rmSync(reportsDir, { recursive: true, force: true }));

// Each run starts a TypeScript process: allow for a slow machine.
describe('kubecure correlate', { timeout: 60_000 }, () => {
  it('prints the graph, the root cause and its dependents, warning once per invalid report', async () => {
    const run = await kubecure('correlate', '--reports', reportsDir, '--window', '24h');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('5 report(s) from 1 cluster(s)');
    expect(run.stdout).toContain('[prod-eu-1] Deployment shop/frontend → Service shop/api → Deployment shop/api  (failed connections)');
    expect(run.stdout).toMatch(/Root causes\n {2}1\. \[prod-eu-1\] StatefulSet cache\/redis: OOMKilled\n {5}dependents \(2\):/);
    expect(run.stdout).toContain('- Deployment shop/frontend: CrashLoopBackOff (Error)');
    expect(run.stdout).toMatch(/Independent failures\n {2}- \[prod-eu-1\] Deployment billing\/worker: ImagePullBackOff\n {2}- \[prod-eu-1\] StatefulSet search\/indexer: OOMKilled/);

    const warnings = run.stderr.split('\n');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^kubecure: warning: skipping recovery\.json: not a valid FailureReport: observedAt: /);
    expect(warnings[1]).toMatch(/^kubecure: warning: skipping truncated\.json: not valid JSON/);
  });

  it('prints JSON for tools, with reports outside the default window set apart', async () => {
    const run = await kubecure('correlate', '--reports', reportsDir, '--format', 'json');

    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout);
    expect(output.rootCauses).toHaveLength(1);
    expect(output.rootCauses[0].root).toMatchObject({ workload: { name: 'redis' }, category: 'OOMKilled', fingerprint: expect.stringMatching(/^[a-f0-9]{16}$/) });
    expect(output.rootCauses[0].dependents.map((d: { workload: { name: string } }) => d.workload.name).sort()).toEqual(['api', 'frontend']);
    expect(output.independent).toEqual([]);
    expect(output.outsideWindow.map((r: { workload: { name: string } }) => r.workload.name).sort()).toEqual(['indexer', 'worker']);
    expect(output.outsideWindow.every((r: { beforeLatestMs: number }) => r.beforeLatestMs > 5 * 60_000)).toBe(true);
    expect(output.includeOutsideWindowWith).toMatch(/^--window \d+m$/);
    expect(output.edges).toHaveLength(2);
  });

  it('says which reports fell outside the window and the --window that takes them in', async () => {
    const run = await kubecure('correlate', '--reports', reportsDir);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Outside the window (not correlated): 2 report(s)');
    expect(run.stdout).toMatch(/ {2}- \[prod-eu-1\] Deployment billing\/worker: ImagePullBackOff, observed \S+ \(.+ before the cluster's latest report\)/);
    const flag = /To correlate them too, widen the window: (--window \d+m)/.exec(run.stdout)?.[1];
    expect(flag).toBeDefined();

    // The suggested flag does what it says: nothing is left outside.
    const widened = await kubecure('correlate', '--reports', reportsDir, ...flag!.split(' '));
    expect(widened.stdout).not.toContain('Outside the window');
    expect(widened.stdout).toMatch(/Independent failures\n {2}- \[prod-eu-1\] Deployment billing\/worker/);
  });

  it('fails with a usage error when the folder is missing', async () => {
    const run = await kubecure('correlate', '--reports', join(reportsDir, 'nope'));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`kubecure: --reports "${join(reportsDir, 'nope')}" is not a directory`);
    expect(run.stdout).toBe('');
  });
});
