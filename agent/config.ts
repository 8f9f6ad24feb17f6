/**
 * Agent configuration, read once from the environment. Every knob has a documented default so a
 * minimal install needs only the three values that identify the cluster to the App. Every bad
 * value stops the agent at start with a `ConfigError` naming the variable: an agent that starts,
 * turns Ready and then fails every delivery hides the mistake.
 */
import { isIP } from 'node:net';
import { MIN_CLUSTER_SECRET_LENGTH } from '../src/report/signature.js';

export interface AgentConfig {
  /** Name this cluster reports under; the App maps it to a secret and to repositories. */
  cluster: string;
  /** Base URL of the KubeCure App; reports go to `<appUrl>/kubecure/v1/reports`. */
  appUrl: string;
  /** Shared secret for the HMAC signature of each report. */
  clusterSecret: string;
  /** Namespaces to watch; empty means the whole cluster. */
  namespaces: string[];
  /** One report per failure fingerprint per window; later occurrences are counted. */
  debounceWindowMs: number;
  /** How long a reported workload must stay all-Ready before a recovery report is sent. */
  settleMs: number;
  /** Byte limit for each log tail (previous and current). */
  logBytes: number;
  logTailLines: number;
  /** How many failures are collected (logs, events, owners) at the same time. */
  collectConcurrency: number;
  /** Reports kept while the App is unreachable; the oldest is dropped beyond this. */
  outboxMax: number;
  /**
   * Bytes of reports kept while the App is unreachable (the oldest is dropped beyond this). The
   * journal stays under twice this, three times while a compaction writes its new file, so the
   * default (20 MiB) fits the Deployment's 64 MiB emptyDir.
   */
  outboxMaxBytes: number;
  /** Once the outbox holds half its bytes, each log tail of a newly queued report is cut to this. */
  queuedLogBytes: number;
  /** Optional file that keeps the outbox across restarts. */
  outboxFile: string | undefined;
  /** Port for /healthz, /readyz and /metrics. */
  port: number;
  /** Address the health server binds (`0.0.0.0`, `::`, `127.0.0.1`, or a pod IP). */
  bindAddress: string;
  /** A watch that has been silent this long is restarted. */
  watchStallMs: number;
  /** Server-side lifetime of one watch request (jittered up to 2×), so no watch lives forever. */
  watchTimeoutSeconds: number;
  /**
   * Objects per list page. Small pages bound the transient memory of a relist (each page is parsed
   * and projected before the next is fetched): at 10,000 pods, 100 per page peaks ~30 MB above
   * baseline where 500 per page peaks ~95 MB.
   */
  listPageSize: number;
  /** Full relist period, to repair anything a watch might have missed. */
  resyncMs: number;
  /** Owner objects (ReplicaSet → Deployment …) are cached this long. */
  ownerCacheMs: number;
  /** Warning events older than this are ignored at startup. */
  eventMaxAgeMs: number;
  /** Explicit API server URL and token (tests, out-of-cluster runs); otherwise kubeconfig or in-cluster. */
  kubeApiUrl: string | undefined;
  kubeToken: string | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export const CONFIG_DEFAULTS = {
  debounceWindowSeconds: 600,
  settleSeconds: 300,
  logBytes: 64 * 1024,
  logTailLines: 200,
  collectConcurrency: 4,
  outboxMax: 1000,
  outboxMaxBytes: 20 * 1024 * 1024,
  queuedLogBytes: 4 * 1024,
  port: 8080,
  bindAddress: '0.0.0.0',
  watchStallSeconds: 300,
  watchTimeoutSeconds: 300,
  listPageSize: 100,
  resyncSeconds: 1800,
  ownerCacheSeconds: 300,
  eventMaxAgeSeconds: 900,
} as const;

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is required`);
  return value;
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) throw new ConfigError(`${name} must be a port number from 1 to 65535, got "${raw}"`);
  return value;
}

/** The App's base URL: http(s), no credentials (the HMAC secret is the credential), no query. */
function appUrl(env: Env): string {
  const raw = required(env, 'KUBECURE_APP_URL');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`KUBECURE_APP_URL must be an absolute http(s) URL such as https://kubecure.example.com, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`KUBECURE_APP_URL must use http or https, got "${url.protocol}"`);
  if (url.username || url.password) throw new ConfigError('KUBECURE_APP_URL must not contain credentials; the cluster secret signs each report');
  if (url.search || url.hash) throw new ConfigError(`KUBECURE_APP_URL must be a base URL without query or fragment, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

function clusterSecret(env: Env): string {
  const value = required(env, 'KUBECURE_CLUSTER_SECRET');
  if (value.length < MIN_CLUSTER_SECRET_LENGTH) {
    throw new ConfigError(`KUBECURE_CLUSTER_SECRET must be at least ${MIN_CLUSTER_SECRET_LENGTH} characters (the App refuses shorter ones), got ${value.length}`);
  }
  return value;
}

function clusterName(env: Env): string {
  const value = required(env, 'KUBECURE_CLUSTER');
  if (value.length > 100) throw new ConfigError(`KUBECURE_CLUSTER must be at most 100 characters (the App's limit), got ${value.length}`);
  return value;
}

function bindAddress(env: Env): string {
  const raw = env.KUBECURE_BIND_ADDRESS?.trim();
  if (!raw) return CONFIG_DEFAULTS.bindAddress;
  if (isIP(raw) === 0) throw new ConfigError(`KUBECURE_BIND_ADDRESS must be an IP address such as 0.0.0.0, :: or 127.0.0.1, got "${raw}"`);
  return raw;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function list(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function namespaces(env: Env): string[] {
  const names = list(env, 'KUBECURE_NAMESPACES');
  const bad = names.find((name) => !DNS_LABEL.test(name));
  if (bad !== undefined) throw new ConfigError(`KUBECURE_NAMESPACES must list namespace names (lowercase DNS labels), got "${bad}"`);
  return names;
}

function kubeApiUrl(env: Env): string | undefined {
  const raw = env.KUBECURE_KUBE_API_URL?.trim();
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol === 'https:' || url.protocol === 'http:') return raw;
  } catch {
    // reported below
  }
  throw new ConfigError(`KUBECURE_KUBE_API_URL must be an absolute http(s) URL, got "${raw}"`);
}

function logLevel(env: Env): AgentConfig['logLevel'] {
  const level = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (level === 'debug' || level === 'info' || level === 'warn' || level === 'error') return level;
  throw new ConfigError(`LOG_LEVEL must be debug, info, warn or error, got "${level}"`);
}

export function loadConfig(env: Env = process.env): AgentConfig {
  const seconds = (name: string, fallback: number) => positiveNumber(env, name, fallback) * 1000;
  return {
    cluster: clusterName(env),
    appUrl: appUrl(env),
    clusterSecret: clusterSecret(env),
    namespaces: namespaces(env),
    debounceWindowMs: seconds('KUBECURE_DEBOUNCE_WINDOW_SECONDS', CONFIG_DEFAULTS.debounceWindowSeconds),
    settleMs: seconds('KUBECURE_SETTLE_SECONDS', CONFIG_DEFAULTS.settleSeconds),
    logBytes: Math.floor(positiveNumber(env, 'KUBECURE_LOG_BYTES', CONFIG_DEFAULTS.logBytes)),
    logTailLines: Math.floor(positiveNumber(env, 'KUBECURE_LOG_TAIL_LINES', CONFIG_DEFAULTS.logTailLines)),
    collectConcurrency: Math.floor(positiveNumber(env, 'KUBECURE_COLLECT_CONCURRENCY', CONFIG_DEFAULTS.collectConcurrency)),
    outboxMax: Math.floor(positiveNumber(env, 'KUBECURE_OUTBOX_MAX', CONFIG_DEFAULTS.outboxMax)),
    outboxMaxBytes: Math.floor(positiveNumber(env, 'KUBECURE_OUTBOX_MAX_BYTES', CONFIG_DEFAULTS.outboxMaxBytes)),
    queuedLogBytes: Math.floor(positiveNumber(env, 'KUBECURE_QUEUED_LOG_BYTES', CONFIG_DEFAULTS.queuedLogBytes)),
    outboxFile: env.KUBECURE_OUTBOX_FILE?.trim() || undefined,
    port: port(env, 'KUBECURE_PORT', CONFIG_DEFAULTS.port),
    bindAddress: bindAddress(env),
    watchStallMs: seconds('KUBECURE_WATCH_STALL_SECONDS', CONFIG_DEFAULTS.watchStallSeconds),
    watchTimeoutSeconds: Math.floor(positiveNumber(env, 'KUBECURE_WATCH_TIMEOUT_SECONDS', CONFIG_DEFAULTS.watchTimeoutSeconds)),
    listPageSize: Math.floor(positiveNumber(env, 'KUBECURE_LIST_PAGE_SIZE', CONFIG_DEFAULTS.listPageSize)),
    resyncMs: seconds('KUBECURE_RESYNC_SECONDS', CONFIG_DEFAULTS.resyncSeconds),
    ownerCacheMs: seconds('KUBECURE_OWNER_CACHE_SECONDS', CONFIG_DEFAULTS.ownerCacheSeconds),
    eventMaxAgeMs: seconds('KUBECURE_EVENT_MAX_AGE_SECONDS', CONFIG_DEFAULTS.eventMaxAgeSeconds),
    kubeApiUrl: kubeApiUrl(env),
    kubeToken: env.KUBECURE_KUBE_TOKEN?.trim() || undefined,
    logLevel: logLevel(env),
  };
}
