/**
 * `kubecure diagnose` run as a user runs it: a subprocess printing the Outcome JSON, the PR/issue
 * body or the diff, reading the report from a file, from kubectl output or from stdin, and
 * refusing bad input with one line on stderr. Runs are concurrent: each costs a Node start-up.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRepoView } from '../../src/locate/local-repo.js';
import { outcomeJson, type Outcome } from '../../src/outcome.js';
import { remediate } from '../../src/remediate.js';
import { loadScenarioReport, repoPath, scenarioReportPath } from '../scenarios/support.js';
import { expectOneLineFailure, kubecure, SUBPROCESS_TIMEOUT } from './run.js';

const PLAIN = repoPath('plain-multi-service');
const REPORT = scenarioReportPath('plain-oom-checkout');
const PAYMENTS_FLEET = fileURLToPath(new URL('../fixtures/scenarios/repos/payments-fleet', import.meta.url));
const kubectl = (name: string) => fileURLToPath(new URL(`../fixtures/kubectl/${name}`, import.meta.url));

const CONTRACT_KEYS = ['decision', 'confidence', 'category', 'summary', 'rootCause', 'evidence', 'target', 'changes', 'validation', 'diagnosedBy'];

const work = mkdtempSync(join(tmpdir(), 'kubecure-diagnose-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The same report through the library: what every format must agree with. */
let expected: Outcome;
beforeAll(async () => {
  expected = (await remediate(loadScenarioReport('plain-oom-checkout'), new LocalRepoView(PLAIN), { model: null })).outcome;
});

describe.concurrent('kubecure diagnose (subprocess)', { timeout: SUBPROCESS_TIMEOUT }, () => {
  it('prints the Outcome JSON with exactly the contract keys, in order, as the library decides it', async () => {
    const run = await kubecure(['diagnose', '--repo', PLAIN, '--report', REPORT]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(CONTRACT_KEYS);
    expect(printed).toEqual(JSON.parse(JSON.stringify(outcomeJson(expected))));
    expect(printed.decision).toBe('pull_request');
    expect(printed.target).toEqual({ file: 'apps/checkout/deployment.yaml', kind: 'Deployment', name: 'checkout', namespace: 'shop' });
  });

  it('prints the pull request title and body in Markdown, with the diff and the hidden marker', async () => {
    const run = await kubecure(['diagnose', '--repo', PLAIN, '--report', REPORT, '--format', 'markdown', '--rules-only']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^# .*checkout.*384Mi/);
    expect(run.stdout).toContain('### Root cause');
    expect(run.stdout).toContain('```diff');
    expect(run.stdout).toContain('+              memory: 384Mi   # raised from 192Mi after the Black Friday incident');
    expect(run.stdout).toMatch(/<!-- kubecure:fingerprint [a-f0-9]+ -->/);
  });

  it('reads the report from stdin with "-" and prints exactly the unified diff', async () => {
    const run = await kubecure(['diagnose', '--repo', PLAIN, '--report', '-', '--format', 'diff', '--rules-only'], readFileSync(REPORT, 'utf8'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(expected.changes.map((change) => change.diff).join(''));
    expect(run.stdout.split('\n').filter((line) => /^[-+][^-+]/.test(line))).toEqual([
      '-              memory: 256Mi   # raised from 192Mi after the Black Friday incident',
      '+              memory: 384Mi   # raised from 192Mi after the Black Friday incident',
    ]);
  });

  it('builds the report from kubectl pod, events and previous-log files, redacts it and suggests the fix in an issue', async () => {
    const logs = join(work, 'previous.log');
    writeFileSync(logs, 'Picked up JAVA_OPTS: -Xmx384m\nINFO  connecting to postgres://payments:CANARY-log-Pw-77aa@payments-db:5432/payments\nINFO  settlement batch 2024-05-14 loaded (412,993 rows)\n');
    const run = await kubecure([
      'diagnose', '--repo', PAYMENTS_FLEET,
      '--pod', kubectl('pod-oomkilled.json'), '--events', kubectl('events-oomkilled.json'), '--logs', logs,
      '--cluster', 'prod', '--rules-only',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const outcome = JSON.parse(run.stdout) as Outcome;
    expect(outcome.category).toBe('OOMKilled');
    // JAVA_OPTS caps the heap at 384m: a larger container limit may not help, so a human decides.
    expect(outcome.decision).toBe('issue');
    expect(outcome.confidence).toBeLessThan(80);
    expect(outcome.target?.file).toBe('apps/payments/payments-api.yaml');
    expect(outcome.changes.map((change) => change.file)).toEqual(['apps/payments/payments-api.yaml']);
    expect(outcome.changes[0]?.diff).toContain('+              memory: 1Gi');
    // Secrets planted in the pod spec, the events and the log never reach the output.
    expect(run.stdout).not.toMatch(/CANARY/);
  });

  describe('bad input: non-zero exit, one line on stderr, nothing on stdout', () => {
    it('a report file that does not exist', async () => {
      expectOneLineFailure(await kubecure(['diagnose', '--repo', PLAIN, '--report', join(work, 'missing.json')]), /cannot read report ".*missing\.json": no such file/);
    });

    it('a report that is not JSON', async () => {
      const path = join(work, 'broken.json');
      writeFileSync(path, '{"apiVersion": "kubecure.dev/v1", ');
      expectOneLineFailure(await kubecure(['diagnose', '--repo', PLAIN, '--report', path]), /report ".*broken\.json" is not valid JSON/);
    });

    it('a report with an invalid field, naming the field', async () => {
      const report = JSON.parse(readFileSync(REPORT, 'utf8')) as { failure: { category: string } };
      report.failure.category = 'Exploded';
      expectOneLineFailure(await kubecure(['diagnose', '--repo', PLAIN, '--report', '-'], JSON.stringify(report)), /not a valid FailureReport: failure\.category: /);
    });

    it('a --pod file that holds another kind of object', async () => {
      expectOneLineFailure(await kubecure(['diagnose', '--repo', PLAIN, '--pod', kubectl('service-web.json')]), /not a Pod \(kind: Service\)/);
    });

    it('an unknown output format', async () => {
      expectOneLineFailure(await kubecure(['diagnose', '--repo', PLAIN, '--report', REPORT, '--format', 'yaml']), /unknown format "yaml" \(expected one of: json, markdown, diff\)/);
    });

    it('no --repo', async () => {
      expectOneLineFailure(await kubecure(['diagnose', '--report', REPORT]), /--repo <dir> is required/);
    });
  });
});
