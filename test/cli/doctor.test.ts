import { createPublicKey, createVerify, generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDoctor, type CheckResult } from '../../src/cli/doctor-checks.js';
import { formatResults } from '../../src/cli/doctor.js';
import { testPrivateKey } from '../app/github-mock.js';
import { fixture, GEMINI_HOST, GEMINI_PATH } from '../llm/helpers.js';

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const HEALTHY_ENV = {
  APP_ID: '123456',
  PRIVATE_KEY: testPrivateKey().replace(/\n/g, '\\n'), // as a one-line .env value
  WEBHOOK_SECRET: 'a-webhook-secret-of-32-characters!!',
  KUBECURE_CLUSTERS: JSON.stringify({ 'prod-eu': { secret: 'a-secret-of-sixteen-chars', defaultRepository: 'acme/gitops' } }),
  REDIS_URL: 'redis://127.0.0.1:6379',
  GEMINI_API_KEY: 'test-gemini-key',
};

const byName = (results: CheckResult[]) => Object.fromEntries(results.map((result) => [result.name, result]));

function verifyJwt(token: string): Record<string, unknown> {
  const [header, payload, signature] = token.split('.');
  const publicKey = createPublicKey(testPrivateKey());
  const valid = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, Buffer.from(signature!, 'base64url'));
  expect(valid).toBe(true);
  return JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
}

beforeEach(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('kubecure doctor', () => {
  it('passes a healthy installation, reaching GitHub with a JWT signed by the App\'s key and asking the model once', async () => {
    let authorization = '';
    const github = nock('https://api.github.com')
      .get('/app')
      .reply(function () {
        authorization = String(this.req.headers.authorization);
        return [200, { slug: 'kubecure-acme', permissions: { contents: 'write', pull_requests: 'write', issues: 'write', checks: 'write', metadata: 'read' } }];
      });
    const gemini = nock(GEMINI_HOST).post(GEMINI_PATH).reply(200, fixture('gemini-success.json'));

    const results = byName(await runDoctor({ env: HEALTHY_ENV, now: () => NOW, timeoutMs: 2_000 }));

    expect(github.pendingMocks()).toEqual([]);
    expect(gemini.pendingMocks()).toEqual([]);
    expect(authorization).toMatch(/^Bearer /);
    const claims = verifyJwt(authorization.slice('Bearer '.length));
    expect(claims).toEqual({ iss: '123456', iat: NOW / 1000 - 60, exp: NOW / 1000 + 540 });
    expect(results['App credentials']).toMatchObject({ status: 'ok', message: 'APP_ID 123456, RSA private key' });
    expect(results.GitHub).toMatchObject({ status: 'ok', message: 'authenticated as kubecure-acme at https://api.github.com' });
    expect(results.Clusters).toMatchObject({ status: 'ok', message: '1 cluster, every secret at least 16 characters' });
    // The local test Redis keeps nothing on disk: the doctor says what that costs.
    expect(results.Redis!.status).toMatch(/ok|warn/);
    if (results.Redis!.status === 'warn') expect(results.Redis!.message).toContain('append-only file is off');
    expect(results.Model).toMatchObject({ status: 'ok', message: 'gemini model gemini-2.5-flash answered' });
  });

  it('names each broken setting and how to fix it, without printing secrets', async () => {
    const github = nock('https://api.github.com').get('/app').reply(401, { message: 'A JSON web token could not be decoded' });
    const gemini = nock(GEMINI_HOST).post(GEMINI_PATH).reply(400, { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' } });
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
    const env = {
      ...HEALTHY_ENV,
      PRIVATE_KEY: otherKey,
      WEBHOOK_SECRET: 'short',
      KUBECURE_CLUSTERS: JSON.stringify({ staging: { secret: 'tooshort' } }),
      REDIS_URL: 'redis://:hunter2-redis-password@127.0.0.1:1',
    };

    const results = await runDoctor({ env, now: () => NOW, timeoutMs: 2_000 });
    const named = byName(results);
    const printed = formatResults(results);

    expect(github.pendingMocks()).toEqual([]);
    expect(gemini.pendingMocks()).toEqual([]);
    expect(named.GitHub).toMatchObject({ status: 'fail', message: "https://api.github.com refused the App's JWT (401)" });
    expect(named.GitHub!.fix).toContain('APP_ID and the private key must belong to the same App');
    expect(named['Webhook secret']).toMatchObject({ status: 'warn', message: 'WEBHOOK_SECRET is only 5 characters' });
    expect(named.Clusters).toMatchObject({ status: 'fail' });
    expect(named.Clusters!.message).toContain('secrets must be at least 16 characters');
    expect(named.Redis).toMatchObject({ status: 'fail' });
    expect(named.Redis!.message).toBe('redis://:***@127.0.0.1:1 does not answer: connect ECONNREFUSED 127.0.0.1:1');
    expect(named.Model).toMatchObject({ status: 'fail' });
    expect(named.Model!.message).toContain('API key not valid');
    expect(printed).toContain('4 failed, 1 warning');
    for (const secret of ['hunter2-redis-password', 'tooshort', 'test-gemini-key', 'BEGIN RSA']) expect(printed).not.toContain(secret);
  });

  it('fails on missing credentials before trying GitHub, and reads a key file from PRIVATE_KEY_PATH', async () => {
    const missing = byName(await runDoctor({ env: { KUBECURE_LLM_PROVIDER: 'none' }, timeoutMs: 500 }));
    expect(missing['App credentials']).toMatchObject({ status: 'fail', message: 'APP_ID is not set' });
    expect(missing.GitHub).toMatchObject({ status: 'warn', message: 'not checked: the App credentials are not usable' });
    expect(missing.Redis!.message).toContain('REDIS_URL is not set');
    expect(missing.Model).toMatchObject({ status: 'ok', message: 'none configured: diagnoses use the rules only' });

    const unreadable = byName(await runDoctor({ env: { APP_ID: '1', PRIVATE_KEY_PATH: '/nonexistent/key.pem', KUBECURE_LLM_PROVIDER: 'none' }, timeoutMs: 500 }));
    expect(unreadable['App credentials']).toMatchObject({ status: 'fail', message: 'PRIVATE_KEY_PATH "/nonexistent/key.pem" cannot be read (ENOENT)' });
  });
});
