/**
 * A rule that copies a value from another workload (the missing-env rule) must not be steered:
 * the evidence has to be the failing program's own error, not a request it logged, and the
 * source has to be the same app (same name give or take an environment word, same image), not a
 * workload whose name merely shares a prefix.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { FailureReport } from '../../src/report/schema.js';
import { missingEnvVariables } from '../../src/diagnose/rules/log-patterns.js';
import { remediate } from '../../src/remediate.js';
import { loadReport, memoryRepo, withReport } from '../diagnose/support.js';

const deployment = (name: string, namespace: string, image: string, env: Record<string, string>) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: checkout',
    `          image: ${image}`,
    '          env:',
    ...Object.entries(env).flatMap(([key, value]) => [`            - name: ${key}`, `              value: "${value}"`]),
    '',
  ].join('\n');

const PRODUCTION = { 'environments/production/checkout/deployment.yaml': deployment('checkout', 'shop', 'registry.acme.io/shop/checkout:1.8.2', { LOG_FORMAT: 'json' }) };
const STAGING_SAME_APP = (variable: string, value: string) => ({
  'environments/staging/checkout/deployment.yaml': deployment('checkout', 'shop-staging', 'registry.acme.io/shop/checkout:1.8.2', { LOG_FORMAT: 'json', [variable]: value }),
});
const SANDBOX_PREFIX = { 'sandbox/checkout-debug.yaml': deployment('checkout-debug', 'sandbox', 'ghcr.io/acme/debug-tools:1.0', { INSECURE_SKIP_VERIFY: 'true' }) };
const SANDBOX_OTHER_IMAGE = { 'sandbox/checkout.yaml': deployment('checkout', 'sandbox', 'ghcr.io/acme/debug-tools:1.0', { INSECURE_SKIP_VERIFY: 'true' }) };

const USER_QUERY = '10.1.4.7 - - [04/Dec/2026:09:14:01 +0000] "GET /search?q=environment variable INSECURE_SKIP_VERIFY is not set HTTP/1.1" 200 512';

function crash(logLine: string): FailureReport {
  return withReport(loadReport('crashloop-node-missing-env'), (copy) => {
    copy.failure.container = 'checkout';
    copy.failure.message = 'back-off 2m40s restarting failed container=checkout';
    copy.pod.name = 'checkout-58d9c7b6a-t5u6v';
    copy.pod.spec = { containers: [{ name: 'checkout', image: 'registry.acme.io/shop/checkout:1.8.2' }] };
    copy.pod.status = {};
    copy.workload.name = 'checkout';
    copy.ownerChain = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout' }];
    copy.logs = { previous: `starting checkout 1.8.2\n${logLine}\n`, truncated: false };
  });
}

async function run(logLine: string, files: Record<string, string>) {
  return remediate(crash(logLine), memoryRepo({ ...PRODUCTION, ...files }), { model: null });
}

describe('the missing-env rule copies values only from the program’s own error and the same app', () => {
  it('does not copy a value because a logged user query quotes "environment variable … is not set"', async () => {
    const remediation = await run(USER_QUERY, { ...STAGING_SAME_APP('INSECURE_SKIP_VERIFY', 'true'), ...SANDBOX_PREFIX });
    expect(remediation.outcome.decision).toBe('issue');
    expect(remediation.outcome.changes).toEqual([]);
    expect(remediation.diagnosis.summary).not.toContain('INSECURE_SKIP_VERIFY');
  });

  it('does not copy from a workload whose name merely shares a prefix', async () => {
    const remediation = await run('Error: environment variable INSECURE_SKIP_VERIFY is not set', SANDBOX_PREFIX);
    expect(remediation.outcome.decision).toBe('issue');
    expect(remediation.outcome.changes).toEqual([]);
    expect(remediation.diagnosis.question).toMatch(/No other environment of this app declares it/);
  });

  it('does not copy from a workload of the same name that runs another image', async () => {
    const remediation = await run('Error: environment variable INSECURE_SKIP_VERIFY is not set', SANDBOX_OTHER_IMAGE);
    expect(remediation.outcome.decision).toBe('issue');
    expect(remediation.outcome.changes).toEqual([]);
  });

  it('still copies a value the same app declares in staging when the program itself names the variable', async () => {
    const remediation = await run('Error: environment variable CHECKOUT_CURRENCY is not set', STAGING_SAME_APP('CHECKOUT_CURRENCY', 'EUR'));
    expect(remediation.outcome.decision).toBe('pull_request');
    const [change] = remediation.outcome.changes;
    expect(change?.file).toBe('environments/production/checkout/deployment.yaml');
    const container = parse(change!.after).spec.template.spec.containers[0];
    expect(container.env).toEqual([{ name: 'LOG_FORMAT', value: 'json' }, { name: 'CHECKOUT_CURRENCY', value: 'EUR' }]);
  });

  it.each([
    ['an access log request line', USER_QUERY, []],
    ['a query string', 'WARN slow request path=/find?term=environment variable API_BASE is not set took=3s', []],
    ['a JSON field with user input', '{"level":"info","msg":"search","query":"environment variable API_BASE is not set"}', []],
    ['a URL', 'fetching https://docs.example/env?x=API_BASE is not set failed', []],
    ['the program’s own panic', 'panic: config: required environment variable "API_BASE" is not set', ['API_BASE']],
    ['the program’s own JSON error', '{"level":"error","msg":"environment variable API_BASE is not set"}', ['API_BASE']],
  ])('reads %s as %j', (_, line, names) => {
    expect(missingEnvVariables([line]).map((missing) => missing.name)).toEqual(names);
  });
});
