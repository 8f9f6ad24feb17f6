/**
 * What `kubecure doctor` checks in an App installation's environment, one check per thing that
 * makes a first install fail: the App's credentials, GitHub with the App's JWT, the clusters'
 * secrets, Redis and the model. Each check says what is wrong and how to fix it.
 */
import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { clustersFromEnv } from '../server/clusters.js';
import { chooseProvider } from '../diagnose/llm/providers.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  message: string;
  /** How to fix it, for warnings and failures. */
  fix?: string;
}

export interface DoctorOptions {
  env: NodeJS.ProcessEnv;
  /** Bound of each network check. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

const ok = (name: string, message: string): CheckResult => ({ name, status: 'ok', message });
const warn = (name: string, message: string, fix: string): CheckResult => ({ name, status: 'warn', message, fix });
const fail = (name: string, message: string, fix: string): CheckResult => ({ name, status: 'fail', message, fix });

const nonEmpty = (value: string | undefined): string | undefined => (value && value.trim() !== '' ? value.trim() : undefined);

export async function runDoctor(options: DoctorOptions): Promise<CheckResult[]> {
  const { env } = options;
  const credentials = checkCredentials(env);
  return [
    credentials.result,
    checkWebhookSecret(env),
    credentials.key ? await checkGitHub(options, credentials.appId!, credentials.key) : skipped('GitHub', 'the App credentials are not usable'),
    checkClusters(env),
    await checkRedis(options),
    await checkModel(options),
  ];
}

function skipped(name: string, because: string): CheckResult {
  return warn(name, `not checked: ${because}`, 'fix the checks above first');
}

/** Probot reads the key from PRIVATE_KEY (PEM, `\n` escapes allowed, or base64) or PRIVATE_KEY_PATH. */
function privateKeyText(env: NodeJS.ProcessEnv): string | { error: string } {
  const path = nonEmpty(env.PRIVATE_KEY_PATH);
  if (path) {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      return { error: `PRIVATE_KEY_PATH "${path}" cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
    }
  }
  const inline = nonEmpty(env.PRIVATE_KEY);
  if (!inline) return { error: 'neither PRIVATE_KEY nor PRIVATE_KEY_PATH is set' };
  if (inline.includes('-----BEGIN')) return inline.replace(/\\n/g, '\n');
  return Buffer.from(inline, 'base64').toString('utf8');
}

function checkCredentials(env: NodeJS.ProcessEnv): { result: CheckResult; appId?: string; key?: KeyObject } {
  const name = 'App credentials';
  const appId = nonEmpty(env.APP_ID);
  if (!appId) {
    return { result: fail(name, 'APP_ID is not set', 'run `npm start` without credentials and register the App from the setup page, or copy the App ID from its settings page') };
  }
  if (!/^\d+$/.test(appId)) return { result: fail(name, `APP_ID "${appId}" is not a number`, 'use the numeric App ID shown on the App\'s settings page') };
  const text = privateKeyText(env);
  if (typeof text !== 'string') return { result: fail(name, text.error, 'download a private key from the App\'s settings page and set PRIVATE_KEY_PATH to it') };
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (error) {
    return { result: fail(name, `the private key does not parse: ${(error as Error).message}`, 'set the PEM exactly as downloaded (in PRIVATE_KEY, newlines may be written as \\n)') };
  }
  if (key.asymmetricKeyType !== 'rsa') {
    return { result: fail(name, `the private key is ${key.asymmetricKeyType ?? 'not an asymmetric key'}, GitHub Apps use RSA`, 'use the .pem downloaded from the App\'s settings page') };
  }
  return { result: ok(name, `APP_ID ${appId}, RSA private key`), appId, key };
}

function checkWebhookSecret(env: NodeJS.ProcessEnv): CheckResult {
  const name = 'Webhook secret';
  const secret = nonEmpty(env.WEBHOOK_SECRET);
  if (!secret) return fail(name, 'WEBHOOK_SECRET is not set: Probot cannot verify GitHub\'s webhooks', 'set it to the webhook secret of the App\'s settings (generate one with `openssl rand -hex 32`)');
  if (secret.length < 16) return warn(name, `WEBHOOK_SECRET is only ${secret.length} characters`, 'use a random secret of 32 or more characters, in the App\'s settings and here');
  return ok(name, 'set');
}

/** A GitHub App authenticates as itself with a short-lived RS256 JWT whose issuer is the App ID. */
export function appJwt(appId: string, key: KeyObject, nowMs: number): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const issuedAt = Math.floor(nowMs / 1000) - 60; // GitHub's advice: allow for clock drift.
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: issuedAt, exp: issuedAt + 600, iss: appId })}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(key).toString('base64url');
  return `${unsigned}.${signature}`;
}

export function githubApiUrl(env: NodeJS.ProcessEnv): string {
  const host = nonEmpty(env.GHE_HOST);
  if (!host) return 'https://api.github.com';
  return `${nonEmpty(env.GHE_PROTOCOL) ?? 'https'}://${host}/api/v3`;
}

async function checkGitHub(options: DoctorOptions, appId: string, key: KeyObject): Promise<CheckResult> {
  const name = 'GitHub';
  const api = githubApiUrl(options.env);
  const fetchFn = options.fetch ?? fetch;
  try {
    const response = await fetchFn(`${api}/app`, {
      headers: {
        authorization: `Bearer ${appJwt(appId, key, (options.now ?? Date.now)())}`,
        accept: 'application/vnd.github+json',
        'user-agent': 'kubecure-doctor',
      },
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    if (response.status === 401) {
      return fail(name, `${api} refused the App's JWT (401)`, 'APP_ID and the private key must belong to the same App; check the machine\'s clock too (JWTs are time-bound)');
    }
    if (!response.ok) return fail(name, `GET ${api}/app answered ${response.status}`, 'check GHE_HOST, proxies and GitHub\'s status');
    const app = (await response.json()) as { slug?: unknown; permissions?: Record<string, string> };
    const missing = ['contents', 'pull_requests', 'issues', 'checks'].filter((permission) => app.permissions?.[permission] !== 'write');
    const slug = typeof app.slug === 'string' ? app.slug : 'the App';
    if (missing.length > 0) {
      return warn(name, `authenticated as ${slug}, but it lacks write access to: ${missing.join(', ')}`, 'grant them in the App\'s settings (app.yml lists what KubeCure needs), then accept them on each installation');
    }
    return ok(name, `authenticated as ${slug} at ${api}`);
  } catch (error) {
    return fail(name, `cannot reach ${api}: ${(error as Error).message}`, 'check network access to GitHub (HTTPS, proxies) and GHE_HOST');
  }
}

function checkClusters(env: NodeJS.ProcessEnv): CheckResult {
  const name = 'Clusters';
  try {
    const clusters = clustersFromEnv(env);
    if (clusters.size === 0) {
      return warn(name, 'no cluster is configured: every report will be refused', 'set KUBECURE_CLUSTERS (or KUBECURE_CLUSTERS_FILE) to {"<cluster>":{"secret":"<16+ characters>","defaultRepository":"org/gitops"}}');
    }
    return ok(name, `${clusters.size} cluster${clusters.size === 1 ? '' : 's'}, every secret at least 16 characters`);
  } catch (error) {
    return fail(name, (error as Error).message, 'fix the JSON; every cluster needs a "secret" of at least 16 characters, the same one its agent signs with');
  }
}

async function checkRedis(options: DoctorOptions): Promise<CheckResult> {
  const name = 'Redis';
  const url = nonEmpty(options.env.REDIS_URL);
  if (!url) return warn(name, 'REDIS_URL is not set: the queue is in-process, one replica only, and queued reports are lost on restart', 'set REDIS_URL for a durable queue shared by replicas');
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // ioredis reports the socket's own error (ECONNREFUSED, ENOTFOUND) as an event, the command only "Connection is closed".
  let socketError: Error | undefined;
  redis.on('error', (error: Error) => {
    socketError ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
    const persistence = await redis.info('persistence');
    if (!/^aof_enabled:1\b/m.test(persistence)) {
      return warn(name, `${redactUrl(url)} answers, but its append-only file is off: reports accepted before a Redis restart can be lost`, 'run Redis with `appendonly yes` (deploy/redis does)');
    }
    return ok(name, `${redactUrl(url)} answers, append-only file on`);
  } catch (error) {
    return fail(name, `${redactUrl(url)} does not answer: ${(socketError ?? (error as Error)).message}`, 'check REDIS_URL (host, port, password) and that Redis runs');
  } finally {
    redis.disconnect();
  }
}

/** Redis URLs carry passwords; the doctor's output is pasted into issues. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'REDIS_URL';
  }
}

async function checkModel(options: DoctorOptions): Promise<CheckResult> {
  const name = 'Model';
  const provider = chooseProvider(options.env);
  if (!provider) return ok(name, 'none configured: diagnoses use the rules only');
  const model = provider.create(options.env);
  if (typeof model === 'string') return fail(name, `${provider.id} selected but ${model}`, 'set the provider\'s key, or KUBECURE_LLM_PROVIDER=none for rules only');
  try {
    // The smallest real request: proves the key, the model name and the network in one call.
    await model.complete({
      system: 'You are a health check. Answer with the JSON object {"ok": true}.',
      messages: [{ role: 'user', text: 'ping' }],
      responseSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    return ok(name, `${provider.id} model ${model.name} answered`);
  } catch (error) {
    return fail(name, `${provider.id} model ${model.name} did not answer: ${(error as Error).message}`, 'check the API key, KUBECURE_LLM_MODEL and network access to the provider');
  }
}
