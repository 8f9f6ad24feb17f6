/**
 * One end-to-end world: a fake Kubernetes API server, the real agent watching it, the real App
 * it reports to, GitHub (a fake repository served from a fixture tree) and an LLM endpoint, both
 * behind nock. Only local connections (the App, the API server, Redis) leave the process.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { waitFor } from '../wait.js';
import { inflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { createAgent, type Agent } from '../../../agent/agent.js';
import type { AgentConfig } from '../../../agent/config.js';
import { createJsonLogger } from '../../../agent/log.js';
import { FakeKubeApi } from '../fake-kube-api.js';
import { REDIS_URL, startApp, type AppOptions, type RunningApp } from './app.js';
import { CANARY } from './cluster.js';
import { FakeGitHub } from './fake-github.js';
import { FakeModel } from './llm.js';
import { LogCapture } from './logs.js';

export const CLUSTER = 'prod-eu-west-1';
/** The cluster's HMAC secret and the model's API key are canaries too: no log may print them. */
export const CLUSTER_SECRET = `${CANARY}-cluster-secret`;
export const LLM_API_KEY = `${CANARY}-llm-key`;

const FIXTURE_REPOS = fileURLToPath(new URL('../../fixtures/repos/', import.meta.url));

/** A fixture repository as path → content. */
export function fixtureRepo(name: string): Record<string, string> {
  const root = join(FIXTURE_REPOS, name);
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(root, path).split('\\').join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(root);
  return files;
}

/** `.github/kubecure.yml` opting in this cluster, with room for a few pull requests per test. */
export function optedInConfig(overrides: Record<string, unknown> = {}): string {
  return stringify({ clusters: [CLUSTER], threshold: 70, labels: ['ops'], maxPullRequestsPerHour: 20, cooldownMinutes: 0, ...overrides });
}

export interface WorldOptions {
  /** A fixture repository by name, or the files themselves. */
  repo: string | Record<string, string>;
  config?: string | null;
  /** Runs before the agent's first list: the cluster as it is when the agent starts. */
  seed?: (kube: FakeKubeApi) => void;
  agent?: Partial<AgentConfig>;
  app?: Partial<Pick<AppOptions, 'queue' | 'env' | 'onRecovery' | 'startWorker' | 'logLevel'>>;
}

export interface World {
  kube: FakeKubeApi;
  github: FakeGitHub;
  model: FakeModel;
  app: RunningApp;
  agent: Agent;
  logs: LogCapture;
  prefix: string;
  /** Resolves once the agent has nothing left to send and the App's queue nothing left to run. */
  settled(timeoutMs?: number): Promise<void>;
  /** Every text that left the App and the agent: logs, prompts, GitHub writes. */
  outputs(): string[];
  stop(): Promise<void>;
}

export function waitUntil<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  return waitFor(probe, timeoutMs, what, 25);
}

/** The agent's configuration for a run: quick settle, debug logs, the fake API server's token. */
export function agentConfig(kube: FakeKubeApi, appUrl: string, overrides: Partial<AgentConfig> = {}): AgentConfig {
  return {
    cluster: CLUSTER,
    appUrl,
    clusterSecret: CLUSTER_SECRET,
    namespaces: [],
    debounceWindowMs: 600_000,
    settleMs: 300,
    logBytes: 16_384,
    logTailLines: 100,
    collectConcurrency: 8,
    outboxMax: 1000,
    outboxMaxBytes: 20 * 1024 * 1024,
    queuedLogBytes: 4096,
    outboxFile: undefined,
    port: 0,
    bindAddress: '127.0.0.1',
    watchStallMs: 60_000,
    watchTimeoutSeconds: 300,
    listPageSize: 500,
    resyncMs: 3_600_000,
    ownerCacheMs: 60_000,
    eventMaxAgeMs: 600_000,
    kubeApiUrl: kube.url,
    kubeToken: kube.token,
    logLevel: 'debug',
    ...overrides,
  };
}

/** Lets the App's port and the fake API server through while GitHub and the model stay mocked. */
function allowLocalConnections(): void {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
}

export async function startWorld(options: WorldOptions): Promise<World> {
  allowLocalConnections();
  const logs = new LogCapture();
  const prefix = `kubecure-e2e-${randomUUID().slice(0, 8)}`;
  const github = new FakeGitHub({ files: typeof options.repo === 'string' ? fixtureRepo(options.repo) : options.repo, config: options.config === undefined ? optedInConfig() : options.config, permissions: { alice: 'write', mallory: 'read' } }).start();
  const model = new FakeModel().start();
  const kube = new FakeKubeApi();
  await kube.start();
  options.seed?.(kube);

  const app = await startApp({
    clusters: { [CLUSTER]: { secret: CLUSTER_SECRET, defaultRepository: github.fullName } },
    prefix,
    logs,
    env: { ...model.env(LLM_API_KEY), ...options.app?.env },
    queue: options.app?.queue,
    logLevel: options.app?.logLevel,
    onRecovery: options.app?.onRecovery,
    startWorker: options.app?.startWorker,
  });

  const config = agentConfig(kube, app.url, options.agent);
  const agent = createAgent(config, { logger: createJsonLogger(config.logLevel, logs.writer('agent')), backoffInitialMs: 50, recoveryCheckMs: 50 });
  agent.start();
  await waitUntil(() => agent.isReady(), 'the agent to list the cluster');

  return {
    kube,
    github,
    model,
    app,
    agent,
    logs,
    prefix,
    async settled(timeoutMs = 15_000) {
      let quietSince = 0;
      await waitUntil(async () => {
        const counts = await app.queue.counts();
        const busy = agent.outbox.depth > 0 || (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) > 0;
        if (busy) quietSince = 0;
        else quietSince ||= Date.now();
        // Quiet for a moment: a report still travelling between the two is not missed.
        return quietSince > 0 && Date.now() - quietSince > 150;
      }, 'the agent and the App to settle', timeoutMs);
      await agent.idle();
    },
    outputs() {
      const written = github.writtenTexts();
      return [...logs.lines.map((entry) => entry.line), ...model.prompts(), ...written, ...written.flatMap(hiddenPayloads)];
    },
    async stop() {
      await agent.stop();
      await app.stop();
      await kube.stop();
      github.stop();
      model.stop();
      await deleteKeys(prefix);
      nock.enableNetConnect();
    },
  };
}

/** The payloads hidden in bodies, decoded: identifiers as JSON since version 2, a compressed report in version 1. */
function hiddenPayloads(text: string): string[] {
  return [...text.matchAll(/<!-- kubecure:marker v(\d+) ([A-Za-z0-9+/=]+) -->/g)].map((match) => {
    const bytes = Buffer.from(match[2]!, 'base64');
    return (match[1] === '1' ? inflateRawSync(bytes) : bytes).toString('utf8');
  });
}

export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
