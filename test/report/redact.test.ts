import { describe, expect, it } from 'vitest';
import { collectSecretValues, REDACTED, redactPodSpec, redactReport, redactText } from '../../src/report/redact.js';
import { parseFailureReport, type FailureReport } from '../../src/report/schema.js';
import { CANARY, leakyLog, PEM_KEY } from './canaries.js';
import { clone, loadJson } from './fixtures.js';

const podSpec = () => clone((loadJson('pod-oomkilled.json') as { spec: Record<string, unknown> }).spec);

describe('redactText', () => {
  it.each([
    ['a bearer token', `Authorization: Bearer ${CANARY.bearer}`, CANARY.bearer],
    ['a JWT', `token=${CANARY.jwt}`, CANARY.jwt],
    ['a JWT on its own', `session ${CANARY.jwt} expired`, CANARY.jwt],
    ['a PEM private key', `key:\n${PEM_KEY}\nnext line`, CANARY.pemBody],
    ['a PEM key cut off by a log tail', PEM_KEY.split('\n').slice(0, 2).join('\n'), CANARY.pemBody],
    ['an AWS access key id', `using ${CANARY.aws} for s3`, CANARY.aws],
    ['an AWS secret key pair', `aws_secret_access_key=${CANARY.awsSecret}`, CANARY.awsSecret],
    ['a password in a URL', `dial postgres://payments:${CANARY.dbPassword}@db:5432/x failed`, CANARY.dbPassword],
    ['a GitHub token', `GITHUB_TOKEN is ${CANARY.github}`, CANARY.github],
    ['a JSON token field', `{"token": "CANARYjsonTok9", "user": "svc"}`, 'CANARYjsonTok9'],
    ['a YAML-style password pair', `password: CANARYyamlPw3`, 'CANARYyamlPw3'],
    ['a query-string api key', `GET /v1/charges?api_key=CANARYqsKey4&limit=10`, 'CANARYqsKey4'],
    ['a Slack token', `slack: ${['xoxb', '1234567890', 'CANARYslack01'].join('-')}`, 'CANARYslack01'],
    ['a Google API key', `key ${'AIza' + 'SyCANARY0123456789abcdefghijklmnopq'}`, 'SyCANARY0123456789abcdefghijklmnopq'],
    ['an Azure storage account key', 'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=CANARYazure+Key/9==;EndpointSuffix=core.windows.net', 'CANARYazure'],
  ])('removes %s', (_what, text, secret) => {
    const redacted = redactText(text);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain(REDACTED);
  });

  it('keeps the parts of a URL a diagnosis needs: scheme, user, host and port', () => {
    expect(redactText('postgres://payments:hunter2@payments-db:5432/payments')).toBe(`postgres://payments:${REDACTED}@payments-db:5432/payments`);
  });

  it('replaces literal known secrets wherever they appear', () => {
    expect(redactText('login failed for password plainword99 (user app)', ['plainword99'])).toBe(`login failed for password ${REDACTED} (user app)`);
  });

  it('leaves ordinary diagnostic text alone', () => {
    const lines = [
      'Readiness probe failed: Get "http://10.244.1.19:8080/ready": dial tcp 10.244.1.19:8080: connect: connection refused',
      'configmap "orders-confg" not found',
      'MountVolume.SetUp failed for volume "tls" : secret "gateway-tls" not found',
      'Error: secret "db-creds" not found',
      '0/3 nodes are available: 3 Insufficient cpu.',
      'missing Bearer authentication header',
      'Basic authentication required',
      'back-off 5m0s restarting failed container=api pod=payments-api-7b4d5f6c8-x2k9p_payments(8e2f1d3c)',
    ];
    for (const line of lines) expect(redactText(line)).toBe(line);
  });

  it('ignores known secrets too short to be told apart from ordinary words', () => {
    expect(redactText('exit code 1 after 30s', ['1', '30s'])).toBe('exit code 1 after 30s');
  });

  it('is idempotent', () => {
    const once = redactText(leakyLog(), [CANARY.dbPassword]);
    expect(redactText(once, [CANARY.dbPassword])).toBe(once);
  });

  it('never throws, whatever it is given', () => {
    expect(redactText('')).toBe('');
    expect(redactText(undefined as unknown as string)).toBe('');
    expect(() => redactText('{"password": "unterminated'.repeat(1000))).not.toThrow();
  });

  it.each([
    ['a long token-like run', 'x'.repeat(200_000) + '=' + 'y'.repeat(200_000)],
    ['dotted words', 'a.'.repeat(200_000)],
    ['dashed words', 'ab-'.repeat(130_000)],
    ['repeated unterminated JSON keys', '"password": "'.repeat(30_000)],
    ['repeated URL prefixes', 'http://a:'.repeat(40_000)],
  ])('redacts 400 KB of adversarial input (%s) without catastrophic backtracking', (_shape, text) => {
    // Linear patterns take well under a second here; a backtracking one took minutes. The bound is
    // loose on purpose so a busy machine cannot fail it.
    const started = performance.now();
    redactText(text, ['known-secret-value']);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('collectSecretValues', () => {
  it('collects literal values of env vars whose names look secret, in containers and init containers', () => {
    const spec = podSpec();
    (spec as { initContainers?: unknown[] }).initContainers = [{ name: 'init', image: 'busybox', env: [{ name: 'MIGRATION_TOKEN', value: 'CANARY-init-tok' }] }];
    expect(collectSecretValues(spec).sort()).toEqual(['CANARY-env-Pw-91f3a', 'CANARY-env-apikey-55d0', 'CANARY-init-tok']);
  });

  it('finds the spec inside a Pod, a Deployment and a CronJob', () => {
    expect(collectSecretValues(loadJson('pod-oomkilled.json'))).toContain('CANARY-env-Pw-91f3a');
    expect(collectSecretValues(loadJson('deployment-payments-api.json'))).toEqual(['CANARY-env-Pw-91f3a']);
    const cronJob = clone(loadJson('cronjob-nightly-report.json')) as { spec: { jobTemplate: { spec: { template: { spec: { containers: Array<{ env?: unknown[] }> } } } } } };
    cronJob.spec.jobTemplate.spec.template.spec.containers[0]!.env = [{ name: 'SLACK_WEBHOOK_SECRET', value: 'CANARY-cron-secret' }];
    expect(collectSecretValues(cronJob)).toEqual(['CANARY-cron-secret']);
  });

  it.each(['DB_PASSWORD', 'MYSQL_ROOT_PASSWD', 'GITHUB_TOKEN', 'JWT_SECRET', 'API_KEY', 'STRIPE_APIKEY', 'AWS_SECRET_ACCESS_KEY', 'GCP_CREDENTIALS', 'PRIVATE_KEY_PEM', 'BASIC_AUTH', 'SIGNING_KEY'])(
    'treats %s as secret',
    (name) => {
      expect(collectSecretValues({ containers: [{ env: [{ name, value: 'CANARY' }] }] })).toEqual(['CANARY']);
    },
  );

  it.each(['LOG_LEVEL', 'JAVA_OPTS', 'DB_HOST', 'AWS_ACCESS_KEY_ID', 'KEYCLOAK_URL', 'MONKEY_MODE', 'TOKEN_URL'])('does not treat %s as secret', (name) => {
    expect(collectSecretValues({ containers: [{ env: [{ name, value: 'value' }] }] })).toEqual([]);
  });

  it('returns nothing for input that is not a spec', () => {
    expect(collectSecretValues(null)).toEqual([]);
    expect(collectSecretValues('spec')).toEqual([]);
    expect(collectSecretValues({ containers: 'no' })).toEqual([]);
  });
});

describe('redactPodSpec', () => {
  it('replaces secret env values, leaves other values and valueFrom references, and does not modify its input', () => {
    const spec = podSpec();
    const before = JSON.stringify(spec);
    const redacted = redactPodSpec(spec) as { containers: Array<{ env: Array<{ name: string; value?: string; valueFrom?: unknown }>; args: string[] }> };
    expect(JSON.stringify(spec)).toBe(before);
    const env = Object.fromEntries(redacted.containers[0]!.env.map((entry) => [entry.name, entry.value ?? entry.valueFrom]));
    expect(env).toEqual({
      DB_PASSWORD: REDACTED,
      STRIPE_API_KEY: REDACTED,
      JAVA_OPTS: '-Xmx384m',
      DB_HOST: 'payments-db.payments.svc',
      DB_PASSWORD_FROM_SECRET: { secretKeyRef: { name: 'payments-db', key: 'password' } },
    });
    expect(redacted.containers[0]!.args).toEqual([`--db-url=postgres://payments:${REDACTED}@payments-db:5432/payments`]);
  });

  it('returns what it cannot read unchanged', () => {
    expect(redactPodSpec(null)).toBeNull();
    expect(redactPodSpec('x')).toBe('x');
  });
});

describe('redactReport', () => {
  function reportWithSecrets(): FailureReport {
    const pod = loadJson('pod-oomkilled.json') as { metadata: { annotations: Record<string, string>; labels: Record<string, string> }; spec: Record<string, unknown>; status: Record<string, unknown> };
    const parsed = parseFailureReport({
      apiVersion: 'kubecure.dev/v1',
      kind: 'FailureReport',
      cluster: 'prod-eu',
      observedAt: '2024-05-14T09:32:00Z',
      failure: { category: 'OOMKilled', reason: 'OOMKilled', message: `OOM; last config CANARY-env-Pw-91f3a`, container: 'api', restartCount: 7, exitCode: 137 },
      pod: { name: 'payments-api-7b4d5f6c8-x2k9p', namespace: 'payments', labels: pod.metadata.labels, annotations: pod.metadata.annotations, spec: pod.spec, status: pod.status },
      workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'payments-api', namespace: 'payments' },
      logs: { previous: `${leakyLog()}\nDB_PASSWORD=CANARY-env-Pw-91f3a` },
      events: [{ type: 'Warning', reason: 'Failed', message: `auth with Bearer ${CANARY.bearer} failed`, involvedObject: { kind: 'Pod', name: 'payments-api-7b4d5f6c8-x2k9p' } }],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return parsed.value;
  }

  const allCanaries = [...Object.values(CANARY), 'CANARY-env-Pw-91f3a', 'CANARY-env-apikey-55d0', 'CANARY-lastapplied-Pw-7c1e', 'CANARY-arg-Pw-0b2c'];

  it('leaves no canary anywhere in the serialized report', () => {
    const json = JSON.stringify(redactReport(reportWithSecrets()));
    for (const canary of allCanaries) expect(json, canary).not.toContain(canary);
  });

  it('withholds the last-applied-configuration annotation, which embeds the whole manifest, and keeps the ones that locate the source', () => {
    const report = reportWithSecrets();
    report.pod.annotations['argocd.argoproj.io/tracking-id'] = 'payments:apps/Deployment:payments/payments-api';
    report.pod.annotations['example.com/owner-notes'] = 'call Bob, door code 4242';
    const annotations = redactReport(report).pod.annotations;
    expect(annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe(REDACTED);
    expect(annotations['example.com/owner-notes']).toBe(REDACTED);
    expect(annotations['argocd.argoproj.io/tracking-id']).toBe('payments:apps/Deployment:payments/payments-api');
  });

  it('keeps what diagnosis needs: the OOM line, the image, the limits and the result still parses', () => {
    const redacted = redactReport(reportWithSecrets());
    expect(redacted.logs.previous).toContain('java.lang.OutOfMemoryError: Java heap space');
    const container = (redacted.pod.spec as { containers: Array<{ image: string; resources: unknown }> }).containers[0]!;
    expect(container.image).toBe('registry.acme.io/payments/api:2024.05.1');
    expect(container.resources).toEqual({ limits: { memory: '512Mi' }, requests: { cpu: '250m', memory: '256Mi' } });
    expect(parseFailureReport(redacted).ok).toBe(true);
  });

  it('does not let a known secret that equals part of an image name mangle the image', () => {
    const report = reportWithSecrets();
    const spec = report.pod.spec as { containers: Array<{ image: string; env: Array<{ name: string; value: string }> }> };
    spec.containers[0]!.image = 'docker.io/library/postgres:16';
    spec.containers[0]!.env.push({ name: 'POSTGRES_PASSWORD', value: 'postgres' });
    const redacted = redactReport(report);
    expect((redacted.pod.spec as typeof spec).containers[0]!.image).toBe('docker.io/library/postgres:16');
  });

  it('is idempotent', () => {
    const once = redactReport(reportWithSecrets());
    expect(redactReport(once)).toEqual(once);
  });

  it('drops free text rather than leak it when a field cannot be read', () => {
    const report = reportWithSecrets();
    const hostile = {
      ...report,
      logs: {
        truncated: false,
        get previous(): string {
          throw new Error('unreadable');
        },
      },
    } as FailureReport;
    const redacted = redactReport(hostile);
    expect(redacted.logs).toEqual({ truncated: true });
    expect(redacted.events).toEqual([]);
    expect(redacted.pod.spec).toEqual({});
    expect(redacted.failure.category).toBe('OOMKilled');
    expect(JSON.stringify(redacted)).not.toContain('CANARY');
  });

  it('never throws on a malformed report', () => {
    const broken = { pod: { spec: null, annotations: null }, events: 'x', logs: null } as unknown as FailureReport;
    expect(() => redactReport(broken)).not.toThrow();
  });
});
