/**
 * `kubecure report` as a user pipes kubectl into it: the pod JSON on stdin, events and logs from
 * files, a redacted FailureReport on stdout that `kubecure diagnose --report` accepts as is.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalRepoView } from '../../src/locate/local-repo.js';
import { remediate } from '../../src/remediate.js';
import { parseFailureReport } from '../../src/report/schema.js';
import { expectOneLineFailure, kubecure, SUBPROCESS_TIMEOUT } from './run.js';

const kubectl = (name: string) => fileURLToPath(new URL(`../fixtures/kubectl/${name}`, import.meta.url));
const PAYMENTS_FLEET = fileURLToPath(new URL('../fixtures/scenarios/repos/payments-fleet', import.meta.url));

const work = mkdtempSync(join(tmpdir(), 'kubecure-report-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.concurrent('kubecure report (subprocess)', { timeout: SUBPROCESS_TIMEOUT }, () => {
  it('reads the pod from stdin and prints a redacted FailureReport that diagnose accepts', async () => {
    const logs = join(work, 'previous.log');
    writeFileSync(logs, 'INFO  settlement batch loaded\nINFO  Authorization: Bearer CANARYlogBearer0123456789abcdef\n');
    const run = await kubecure(
      ['report', '--pod', '-', '--events', kubectl('events-oomkilled.json'), '--logs', logs, '--cluster', 'prod'],
      readFileSync(kubectl('pod-oomkilled.json'), 'utf8'),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/CANARY/);

    const parsed = parseFailureReport(JSON.parse(run.stdout));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const report = parsed.value;
    expect(report.cluster).toBe('prod');
    expect(report.failure).toMatchObject({ category: 'OOMKilled', container: 'api', exitCode: 137 });
    // No owner JSON was given: the Deployment is inferred from the ReplicaSet's pod-template-hash.
    expect(report.workload).toMatchObject({ kind: 'Deployment', name: 'payments-api', namespace: 'payments' });
    expect(report.logs.previous).toContain('settlement batch loaded');

    const outcome = (await remediate(report, new LocalRepoView(PAYMENTS_FLEET), { model: null })).outcome;
    expect(outcome.target?.file).toBe('apps/payments/payments-api.yaml');
  });

  it('refuses to run without --pod', async () => {
    expectOneLineFailure(await kubecure(['report', '--events', kubectl('events-oomkilled.json')]), /--pod <pod\.json> is required/);
  });

  it('refuses events that are not JSON, naming the file', async () => {
    const events = join(work, 'events.json');
    writeFileSync(events, 'LAST SEEN   TYPE      REASON    OBJECT\n5m          Warning   BackOff   pod/payments-api-7b4d5f6c8-x2k9p\n');
    expectOneLineFailure(await kubecure(['report', '--pod', kubectl('pod-oomkilled.json'), '--events', events]), /events ".*events\.json" is not valid JSON/);
  });

  it('refuses a workload object given as the pod', async () => {
    expectOneLineFailure(await kubecure(['report', '--pod', kubectl('deployment-payments-api.json')]), /not a Pod \(kind: Deployment\)/);
  });
});
