/**
 * Secret canaries: credentials planted in every place a cluster can put text (env values, args,
 * commands, annotations, events, logs, the status message), in the forms real systems write them.
 * None may reach the report that leaves redaction, the model's prompt, the pull request (title,
 * body, commit message, hidden marker), a command reply or a log line, while what diagnosis and
 * correlation need (heap flags, hosts, the OOM line) survives.
 *
 * Canaries are assembled at run time so no credential-shaped string is stored in the repository.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remediate } from '../../src/remediate.js';
import { ReportProcessor } from '../../src/app/process-report.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { AppMetrics } from '../../src/server/metrics.js';
import type { Logger } from '../../src/logger.js';
import { redactReport } from '../../src/report/redact.js';
import { parseFailureReport, type FailureReport } from '../../src/report/schema.js';
import { createModelFromEnv } from '../../src/diagnose/llm/providers.js';
import type { RepoView } from '../../src/locate/types.js';
import { CHECKOUT_MANIFEST, GitHubMock, OWNER, REPO, configFixture, oomReport, testProbot } from '../app/github-mock.js';
import { BRANCH, MANIFEST, commentPayload, loadCommands, threadBody, token } from '../commands/helpers.js';

const join = (...parts: string[]) => parts.join('');
const REPO_PATH = `/repos/${OWNER}/${REPO}`;
const LLM = 'https://llm.internal.example:8443';

/** Each value is what must never appear; every one carries the word CANARY and a number. */
const C = {
  envPass: join('CANARY01', 'dbpassX'),
  envCookie: join('CANARY02', 'cookieX'),
  envUrlPassword: join('CANARY03', '/sl@sh'),
  envGoDsn: join('CANARY04', 'godsnX'),
  envPlainValue: join('CANARY05', 'plainword'),
  envJavaTrust: join('CANARY06', 'truststore'),
  envSlackApp: join('xapp-1-A0', 'CANARY07', '-1234567890-abcdef0123456789'),
  envQueryToken: join('CANARY08', 'querytok'),
  argFlagSeparate: join('CANARY09', 'argsep'),
  argFlagEquals: join('CANARY10', 'argeq'),
  argMysql: join('CANARY11', 'mysqlp'),
  annotationLastApplied: join('CANARY12', 'lastapplied'),
  annotationFreeform: join('CANARY13', 'freeform'),
  eventAuthToken: join('CANARY14', 'authtoken'),
  eventCookie: join('CANARY15', 'cookiehdr'),
  eventAwsKeyId: join('AKIA', 'CANARY16EXAMPLE1'),
  eventAwsSecret: join('CANARY17', 'wJalrXUtnFEMIK7MDENGbPxRfiCY'),
  logGithubClassic: join('ghp_', 'CANARY18', 'aB3dE5fG7hJ9kL1mN3pQ5rS7tV9x'),
  logGithubFine: join('github_pat_', 'CANARY19', '_11ABCDEFG0123456789abcdef'),
  logGithubOauth: join('gho_', 'CANARY20', 'aB3dE5fG7hJ9kL1mN3pQ5rS7tV9x'),
  logSlackBot: join('xoxb-', '1234567890-', 'CANARY21', 'slackbot'),
  logStripe: join('sk_live_', 'CANARY22', 'aB3dE5fG7hJ9kL1m'),
  logNpm: join('npm_', 'CANARY23', 'aB3dE5fG7hJ9kL1mN3pQ5rS7tV9x'),
  logJwt: join('eyJhbGciOiJIUzI1NiJ9', '.', 'eyJzdWIiOiJDQU5BUlkifQ', '.', 'CANARY24', 'sig'),
  logPemHeader: join('CANARY25', 'pemWithHeaderAAAA'),
  logPemBare: join('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'CANARY26', 'barePemBody0123456789'),
  logProxyAuth: join('CANARY27', 'proxyauth'),
  logPassEquals: join('CANARY28', 'passeq'),
  logJsonPassword: join('CANARY29', 'jsonpw'),
  logSessionCookie: join('CANARY30', 'sesscookie'),
  logFlagSeparate: join('CANARY31', 'logflag'),
  logGoDsn: join('CANARY32', 'logdsn'),
  logUrlSlashAt: join('CANARY33', '/with@at'),
  logGoogleKey: join('AIza', 'SyCANARY34', 'abcdefghijklmnopqrstuvwxy'),
  logGoogleAccess: join('ya29.', 'CANARY35', 'a0AfH6SMBx9Qk'),
  logHighEntropy: join('CANARY36', 'q8Zr4Wn2Xv7Tb5Lm9Kp3Hd6Fj1Gs0YcUe'),
  logSetCookie: join('CANARY37', 'setcookie'),
  logMysqlCli: join('CANARY38', 'mysqlcli'),
  statusBearer: join('CANARY39', 'bearerTokenValue1234'),
  logGitlab: join('glpat-', 'CANARY40', 'abcdefghijklmn'),
} as const;

const PEM = [join('-----BEGIN ', 'PRIVATE KEY-----'), C.logPemHeader, 'Zm9vYmFyYmF6', join('-----END ', 'PRIVATE KEY-----')].join('\n');

function leakyReport(): FailureReport {
  const report = oomReport();
  report.failure.message = `probe sent Authorization: Bearer ${C.statusBearer}`;
  report.pod.spec = {
    containers: [
      {
        name: 'checkout',
        image: 'ghcr.io/acme/checkout:1.4.2',
        command: ['sh', '-c', `mysql -h db -uroot -p${C.argMysql} shop < init.sql && exec java -jar app.jar`],
        args: ['--db-password', C.argFlagSeparate, `--api-token=${C.argFlagEquals}`, '--port=8080'],
        env: [
          { name: 'DB_PASS', value: C.envPass },
          { name: 'SESSION_COOKIE', value: C.envCookie },
          { name: 'DATABASE_URL', value: `postgres://app:${C.envUrlPassword}@orders-db.shop.svc:5432/orders` },
          { name: 'ORDERS_STORE', value: `app:${C.envGoDsn}@tcp(mysql.shop.svc:3306)/orders` },
          { name: 'FEATURE_BLOB', value: C.envPlainValue },
          { name: 'JAVA_OPTS', value: `-Xmx384m -Djavax.net.ssl.trustStorePassword=${C.envJavaTrust}` },
          { name: 'NOTIFIER', value: C.envSlackApp },
          { name: 'CATALOG_URL', value: `https://catalog.shop.svc:8443/v1?token=${C.envQueryToken}` },
          { name: 'REDIS_HOST', value: 'redis.cache' },
          { name: 'LOG_LEVEL', value: 'debug' },
          { name: 'DB_PASSWORD_FROM_SECRET', valueFrom: { secretKeyRef: { name: 'orders-db', key: 'password' } } },
        ],
        resources: { requests: { memory: '128Mi' }, limits: { memory: '256Mi' } },
      },
    ],
  };
  report.pod.annotations = {
    'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ kind: 'Deployment', spec: { template: { spec: { containers: [{ name: 'checkout', env: [{ name: 'X', value: C.annotationLastApplied }] }] } } } }),
    'example.com/runbook-notes': `rotate with ${C.annotationFreeform}`,
    'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:shop/checkout',
  };
  report.events = [
    { type: 'Warning', reason: 'Unhealthy', message: `Liveness probe failed: HTTP 401, sent Authorization: token ${C.eventAuthToken}`, count: 2, involvedObject: { kind: 'Pod', name: 'checkout-7d9f8c6b5-x2x9q', namespace: 'shop' } },
    { type: 'Warning', reason: 'Unhealthy', message: `Readiness probe header Cookie: sid=${C.eventCookie}; theme=dark`, count: 1, involvedObject: { kind: 'Pod', name: 'checkout-7d9f8c6b5-x2x9q', namespace: 'shop' } },
    { type: 'Warning', reason: 'BackOff', message: `s3 sync with ${C.eventAwsKeyId} ${C.eventAwsSecret.padEnd(40, 'Q').slice(0, 40)} failed`, count: 9, involvedObject: { kind: 'Pod', name: 'checkout-7d9f8c6b5-x2x9q', namespace: 'shop' } },
  ];
  report.logs = {
    previous: [
      '{"level":"info","msg":"warming product cache","items":184220}',
      `git clone https://x-access-token:${C.logGithubClassic}@github.com/acme/catalog`,
      `using fine-grained ${C.logGithubFine} and oauth ${C.logGithubOauth}`,
      `slack ${C.logSlackBot}`,
      `stripe key ${C.logStripe}; npm ${C.logNpm}`,
      `session ${C.logJwt}`,
      PEM,
      C.logPemBare,
      `> Proxy-Authorization: Basic ${C.logProxyAuth}`,
      `connecting pass=${C.logPassEquals} user=app`,
      `{"user":"app","password": "${C.logJsonPassword}"}`,
      `SESSION_COOKIE: ${C.logSessionCookie}`,
      `exec migrate --db-password ${C.logFlagSeparate} --verbose`,
      `dsn app:${C.logGoDsn}@tcp(mysql:3306)/orders`,
      `fetch https://svc:${C.logUrlSlashAt}@files.shop.svc:8080/a failed`,
      `maps key ${C.logGoogleKey} access ${C.logGoogleAccess}`,
      `cache key ${C.logHighEntropy}`,
      `< Set-Cookie: session=${C.logSetCookie}; HttpOnly`,
      `+ mysql -u root -p${C.logMysqlCli} -e "select 1"`,
      `gitlab ${C.logGitlab}`,
      'java.lang.OutOfMemoryError: Java heap space',
    ].join('\n'),
    truncated: false,
  };
  const parsed = parseFailureReport(report);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

function expectNoCanary(where: string, text: string): void {
  for (const [name, canary] of Object.entries(C)) expect(text, `${name} in ${where}`).not.toContain(canary.replace(/^.*?(CANARY\d\d)/, '$1'));
  expect(text, `a canary in ${where}`).not.toMatch(/CANARY\d\d/);
}

function captureLogger(lines: string[]): Logger {
  const write = (level: string) => (obj: object | string, msg?: string) => lines.push(`${level} ${JSON.stringify(obj)} ${msg ?? ''}`);
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function memoryView(files: Record<string, string>): RepoView {
  return { id: 'memory', listFiles: async () => Object.keys(files), readFile: async (path) => files[path] ?? null };
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('secret canaries', () => {
  it('plants at least 30 distinct forms across env, args, annotations, events and logs', () => {
    expect(Object.keys(C).length).toBeGreaterThanOrEqual(30);
    const raw = JSON.stringify(leakyReport());
    for (const canary of Object.values(C)) expect(raw).toContain(canary);
  });

  it('leaves none in the redacted report, and keeps what diagnosis and correlation need', () => {
    const redacted = redactReport(leakyReport());
    expectNoCanary('the report', JSON.stringify(redacted));
    const env = Object.fromEntries(((redacted.pod.spec.containers as any[])[0].env as any[]).map((entry) => [entry.name, entry.value ?? entry.valueFrom]));
    expect(env).toMatchObject({
      DB_PASS: '[REDACTED]',
      FEATURE_BLOB: '[REDACTED]',
      JAVA_OPTS: '-Xmx384m [REDACTED]',
      DATABASE_URL: 'postgres://orders-db.shop.svc:5432',
      ORDERS_STORE: '[REDACTED]',
      CATALOG_URL: 'https://catalog.shop.svc:8443',
      REDIS_HOST: 'redis.cache',
      LOG_LEVEL: 'debug',
      DB_PASSWORD_FROM_SECRET: { secretKeyRef: { name: 'orders-db', key: 'password' } },
    });
    expect(redacted.logs.previous).toContain('java.lang.OutOfMemoryError: Java heap space');
    expect(redacted.pod.annotations['argocd.argoproj.io/tracking-id']).toBe('shop:apps/Deployment:shop/checkout');
    expect(redactReport(redacted)).toEqual(redacted);
  });

  it('sends none to the model: the prompt built from the report is checked at the HTTP boundary', async () => {
    const prompts: string[] = [];
    const llm = nock(LLM)
      .post('/v1/chat/completions', (body) => (prompts.push(JSON.stringify(body)), true))
      .times(3)
      .reply(200, {
        id: 'chatcmpl-canary',
        object: 'chat.completion',
        model: 'gpt-4.1-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: '{"not":"a diagnosis"}', refusal: null }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1800, completion_tokens: 10, total_tokens: 1810 },
      });
    const model = createModelFromEnv({ OPENAI_BASE_URL: `${LLM}/v1`, OPENAI_API_KEY: 'test-key', KUBECURE_LLM_MAX_RETRIES: '1' });
    await remediate(redactReport(leakyReport()), memoryView({ [MANIFEST]: CHECKOUT_MANIFEST }), { model, hint: 'the cache grew' });
    expect(prompts.length).toBeGreaterThan(0);
    for (const prompt of prompts) expectNoCanary('the prompt', prompt);
    expect(prompts.join('')).toContain('OutOfMemoryError');
    llm.persist(false);
  });

  it('writes none to GitHub (title, body, hidden marker) or to the log through the report processor', async () => {
    const github = new GitHubMock().installation().config(configFixture('opted-in.yml')).threads([]).repository({ [MANIFEST]: CHECKOUT_MANIFEST }, [MANIFEST]);
    const sent: string[] = [];
    const keep = (body: unknown) => (sent.push(JSON.stringify(body)), true);
    // The heap flag the OOM rule reads (-Xmx384m) survives redaction: the rule raises the limit past
    // the fixed heap, so this failure becomes a pull request, and every write is checked for canaries.
    github.scope
      .post(`${REPO_PATH}/git/trees`, keep).reply(201, { sha: 'newtree' })
      .post(`${REPO_PATH}/git/commits`, keep).reply(201, { sha: 'newcommit' })
      .post(`${REPO_PATH}/git/refs`, keep).reply(201, {})
      .post(`${REPO_PATH}/pulls`, keep).reply(201, { number: 9, html_url: `https://github.com/${OWNER}/${REPO}/pull/9` })
      .post(`${REPO_PATH}/issues/9/labels`, keep).reply(200, [])
      .post(`${REPO_PATH}/pulls/9/requested_reviewers`, keep).reply(201, {});
    const lines: string[] = [];
    const probot = testProbot();
    const processor = new ReportProcessor({
      auth: probot.auth.bind(probot),
      clusters: new ClusterRegistry({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars', defaultRepository: `${OWNER}/${REPO}` } }),
      metrics: new AppMetrics(),
      logger: captureLogger(lines),
      remediate,
      now: () => new Date('2026-11-22T00:10:00Z'),
    });

    // As the intake does: redaction before the job is queued.
    const result = await processor.process({ report: redactReport(leakyReport()), deliveryId: 'd-canary' }, { id: 'job-1', attempt: 1 });

    expect(result).toMatchObject({ outcome: 'pull_request', number: 9 });
    expect(github.scope.pendingMocks()).toEqual([]);
    const pull = sent.map((body) => JSON.parse(body)).find((body) => typeof body.title === 'string' && typeof body.head === 'string')!;
    expect(pull.body).toContain('-Xmx384m');
    const marker = Buffer.from(/<!-- kubecure:marker v2 ([A-Za-z0-9+/=]+) -->/.exec(pull.body)![1]!, 'base64').toString('utf8');
    expectNoCanary('the marker', marker);
    expectNoCanary('requests to GitHub', sent.join('\n'));
    expectNoCanary('log lines', lines.join('\n'));
  });

  it('replies to /kubecure explain without any', async () => {
    const github = new GitHubMock();
    token(github);
    let reply = '';
    github.scope
      .post(`${REPO_PATH}/issues/comments/3100000001/reactions`, (body) => body.content === 'eyes')
      .reply(201, {})
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, { number: 7, head: { ref: BRANCH, repo: { full_name: `${OWNER}/${REPO}` } }, base: { ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } } });
    github.config(configFixture('opted-in.yml')).repository({ [MANIFEST]: CHECKOUT_MANIFEST }, [MANIFEST]);
    github.scope
      .post(`${REPO_PATH}/issues/7/comments`, (body) => ((reply = body.body), true))
      .reply(201, {})
      .post(`${REPO_PATH}/issues/comments/3100000001/reactions`, (body) => body.content === 'rocket')
      .reply(201, {});

    const payload = commentPayload({ body: '/kubecure explain', threadBody: threadBody('pull_request', redactReport(leakyReport())) });
    await loadCommands().receive({ id: 'd-explain-canary', name: 'issue_comment', payload });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(reply).toContain('Why KubeCure proposes this');
    expectNoCanary('the explain reply', reply);
    expectNoCanary('the thread body', payload.issue.body);
  });
});
