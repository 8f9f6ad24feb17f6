import { describe, expect, it } from 'vitest';
import { crashloopRule } from '../../../src/diagnose/rules/crashloop.js';
import { missingEnvVariables, decisiveLines } from '../../../src/diagnose/rules/log-patterns.js';
import { contextFor, loadReport, unquotedEvidence, withReport } from '../support.js';

function cart(namespace: string, env: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: ${namespace}
spec:
  template:
    spec:
      containers:
        - name: cart
          image: ghcr.io/acme/cart:2.2.0
          env:
            - name: PORT
              value: "8080"
${env}`;
}
const PROD = 'deploy/prod/cart.yaml';
const AT: [string, string, string] = [PROD, 'Deployment', 'cart'];

describe('missing environment variables', () => {
  const report = loadReport('crashloop-node-missing-env');

  it('adds the variable with the literal value the same app uses in another environment', async () => {
    const files = {
      [PROD]: cart('shop', ''),
      'deploy/staging/cart.yaml': cart('shop-staging', '            - name: REDIS_URL\n              value: redis://redis:6379/0\n'),
    };
    const diagnosis = await crashloopRule.diagnose(contextFor(report, { files, at: AT }));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'env', container: 'cart', path: ['env', 'REDIS_URL', 'value'], value: 'redis://redis:6379/0', previous: null },
    ]);
    expect(diagnosis?.confidence).toBeGreaterThanOrEqual(80);
    expect(diagnosis?.evidence).toEqual(['Error: environment variable REDIS_URL is not set']);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('fills a variable declared empty with the value of another environment', async () => {
    const files = {
      [PROD]: cart('shop', '            - name: REDIS_URL\n              value: ""\n'),
      'deploy/staging/cart.yaml': cart('shop-staging', '            - name: REDIS_URL\n              value: redis://redis:6379/0\n'),
    };
    const diagnosis = await crashloopRule.diagnose(contextFor(report, { files, at: AT }));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'env', container: 'cart', path: ['env', 'REDIS_URL', 'value'], value: 'redis://redis:6379/0', previous: '' },
    ]);
    expect(diagnosis?.rootCause).toMatch(/declared empty/);
  });

  it('is not confident when the other environment\'s value names that environment', async () => {
    const files = {
      [PROD]: cart('shop', ''),
      'deploy/staging/cart.yaml': cart('shop-staging', '            - name: REDIS_URL\n              value: redis://redis.shop-staging.svc:6379/0\n'),
    };
    const diagnosis = await crashloopRule.diagnose(contextFor(report, { files, at: AT }));
    expect(diagnosis?.changes).toHaveLength(1);
    expect(diagnosis?.confidence).toBeLessThan(80);
    expect(diagnosis?.question).toMatch(/REDIS_URL/);
  });

  it('is not confident when environments disagree on the value', async () => {
    const files = {
      [PROD]: cart('shop', ''),
      'deploy/staging/cart.yaml': cart('shop', '            - name: REDIS_URL\n              value: redis://redis:6379/0\n'),
      'deploy/qa/cart.yaml': cart('shop', '            - name: REDIS_URL\n              value: redis://redis:6379/1\n'),
    };
    const diagnosis = await crashloopRule.diagnose(contextFor(report, { files, at: AT }));
    expect(diagnosis?.confidence).toBeLessThan(80);
    expect(diagnosis?.alternatives).toHaveLength(1);
  });

  it('names the variable in an issue when no environment declares it', async () => {
    const diagnosis = await crashloopRule.diagnose(contextFor(report, { files: { [PROD]: cart('shop', '') }, at: AT }));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.summary).toContain('REDIS_URL');
  });

  it('never copies a secret-looking variable, even when another environment has it', async () => {
    const secret = loadReport('crashloop-go-secret-env');
    const notifier = (ns: string, env: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: notifier, namespace: ${ns}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: notifier\n          image: ghcr.io/acme/notifier:1.3.0\n${env}`;
    const files = {
      'deploy/prod/notifier.yaml': notifier('shop', ''),
      'deploy/dev/notifier.yaml': notifier('shop-dev', '          env:\n            - name: SMTP_PASSWORD\n              value: devpass\n'),
    };
    const diagnosis = await crashloopRule.diagnose(contextFor(secret, { files, at: ['deploy/prod/notifier.yaml', 'Deployment', 'notifier'] }));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.question).toMatch(/secretKeyRef/);
    expect(JSON.stringify(diagnosis)).not.toContain('devpass');
  });

  it('points at the ConfigMap the container imports when the variable may be missing there', async () => {
    const withEnvFrom = cart('shop', '').replace('          env:', '          envFrom:\n            - configMapRef: {name: cart-settings}\n          env:');
    const diagnosis = await crashloopRule.diagnose(contextFor(report, { files: { [PROD]: withEnvFrom }, at: AT }));
    expect(diagnosis?.question).toContain('ConfigMap cart-settings');
  });

  it('reads a Python KeyError for os.environ', async () => {
    const python = loadReport('crashloop-python-keyerror');
    const diagnosis = await crashloopRule.diagnose(contextFor(python));
    expect(diagnosis?.summary).toContain('DATABASE_URL');
    expect(diagnosis?.evidence).toEqual(["KeyError: 'DATABASE_URL'"]);
  });

  it.each([
    ['Error: environment variable REDIS_URL is not set', 'REDIS_URL'],
    ["KeyError: 'DATABASE_URL'", 'DATABASE_URL'],
    ['KeyError: key not found: "SECRET_KEY_BASE"', 'SECRET_KEY_BASE'],
    ['env: required environment variable "SMTP_PASSWORD" is not set', 'SMTP_PASSWORD'],
    ['Error processing env: required key API_BASE missing value', 'API_BASE'],
    ["Caused by: java.lang.IllegalArgumentException: Could not resolve placeholder 'DB_HOST' in value \"${DB_HOST}\"", 'DB_HOST'],
    ['FATAL: missing required env QUEUE_NAME', 'QUEUE_NAME'],
    ['STRIPE_WEBHOOK_URL must be set', 'STRIPE_WEBHOOK_URL'],
    ['/entrypoint.sh: line 4: UPSTREAM: unbound variable', 'UPSTREAM'],
    ['Missing environment variable: KAFKA_BROKERS', 'KAFKA_BROKERS'],
  ])('recognises "%s"', (line, name) => {
    expect(missingEnvVariables([line]).map((found) => found.name)).toEqual([name]);
  });

  it('does not mistake log levels for variables', () => {
    expect(missingEnvVariables(['ERROR is not set up yet, retrying', 'INFO server started'])).toEqual([]);
  });
});

describe('other crash causes', () => {
  it('opens an issue for a command that does not exist in the image', async () => {
    const report = loadReport('crashloop-command-typo');
    const diagnosis = await crashloopRule.diagnose(contextFor(report));
    expect(diagnosis?.summary).toContain('"pyhton"');
    expect(diagnosis?.rootCause).toContain('pyhton -m worker');
    expect(diagnosis?.changes).toEqual([]);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('opens an issue for a refused connection, naming the failing dependency as a possible cascade', async () => {
    const report = loadReport('crashloop-connection-refused');
    const diagnosis = await crashloopRule.diagnose(contextFor(report));
    expect(diagnosis?.rootCause).toContain('postgres.data.svc.cluster.local:5432');
    expect(diagnosis?.rootCause).toMatch(/cascade/);
    expect(diagnosis?.evidence).toContain('Error: connect ECONNREFUSED 10.96.14.3:5432');
    expect(diagnosis?.changes).toEqual([]);
  });

  it('quotes the decisive lines of a Go panic', async () => {
    const report = loadReport('crashloop-go-panic');
    const diagnosis = await crashloopRule.diagnose(contextFor(report));
    expect(diagnosis?.evidence[0]).toBe('panic: runtime error: index out of range [0] with length 0');
    expect(diagnosis?.confidence).toBeLessThan(80);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('picks the raised exception and the root cause from a Java stack trace', () => {
    const lines = [
      'Exception in thread "main" org.springframework.beans.factory.BeanCreationException: Error creating bean',
      '\tat org.springframework.beans.factory.support.AbstractBeanFactory.getBean(AbstractBeanFactory.java:208)',
      'Caused by: java.net.UnknownHostException: kafka',
    ];
    expect(decisiveLines(lines)).toEqual([lines[0], lines[2]]);
  });

  it('explains a process that exits successfully under restartPolicy Always', async () => {
    const report = withReport(loadReport('crashloop-unexplained'), (copy) => {
      copy.failure.exitCode = 0;
    });
    const diagnosis = await crashloopRule.diagnose(contextFor(report));
    expect(diagnosis?.summary).toMatch(/exit code 0/);
    expect(diagnosis?.question).toMatch(/Job/);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('does not answer for logs that explain nothing', async () => {
    expect(await crashloopRule.diagnose(contextFor(loadReport('crashloop-unexplained')))).toBeNull();
  });
});
