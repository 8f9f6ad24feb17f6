/**
 * Builds the App's moving parts from the environment: cluster secrets, the queue, the replay
 * store, metrics, the report processor and the HTTP handlers. `src/index.ts` only plugs them in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { remediate } from '../remediate.js';
import { createModelFromEnv } from '../diagnose/llm/providers.js';
import { observedModel } from './model-metrics.js';
import type { DiagnosisModel } from '../diagnose/llm/model.js';
import { clustersFromEnv, type ClusterRegistry } from '../server/clusters.js';
import { MemoryReplayStore, RedisReplayStore, type ReplayStore } from '../server/replay.js';
import { AppMetrics } from '../server/metrics.js';
import { createIntakeHandler } from '../server/intake.js';
import { intakeRateFromEnv, MemoryIntakeLimiter, RedisIntakeLimiter } from '../server/intake-rate.js';
import { boundingServer, DEFAULT_SERVER_TIMEOUTS } from '../server/http.js';
import { createHealthHandler } from '../server/health.js';
import { createJobQueue } from '../queue/index.js';
import type { JobQueue } from '../queue/types.js';
import { ReportProcessor, type ReportProcessorDeps } from './process-report.js';
import { createJobHandler, type RecoveryHandler } from './jobs.js';
import { correlatorFromEnv } from './correlation.js';
import type { Correlator } from '../correlate/correlator.js';
import { MemoryWriteBudget, RedisWriteBudget, type WriteBacklog, type WriteBudget } from '../github/write-budget.js';
import { learnAppIdentity } from '../github/app-identity.js';
import { threadReportStore, type ThreadReportStore } from '../github/thread-reports.js';

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface RuntimeOptions {
  app: Probot;
  env?: NodeJS.ProcessEnv;
  /** Overrides for tests and embedders. */
  queue?: JobQueue;
  clusters?: ClusterRegistry;
  replay?: ReplayStore;
  metrics?: AppMetrics;
  remediate?: ReportProcessorDeps['remediate'];
  onRecovery?: RecoveryHandler;
  /** The cascade correlator; null turns correlation off. Default: from the environment. */
  correlator?: Correlator | null;
  /** The per-installation write budget. Default: shared in Redis with REDIS_URL, in memory without. */
  writeBudget?: WriteBudget;
  reports?: ThreadReportStore;
}

export interface Runtime {
  queue: JobQueue;
  correlator: Correlator | null;
  /** Shared with the review loop: one Redis connection and one model (one circuit breaker) per process. */
  redis: Redis | null;
  model: DiagnosisModel | null;
  /** The failure report behind each thread, shared with the review loop's `retry` and `explain`. */
  reports: ThreadReportStore;
  metrics: AppMetrics;
  processor: ReportProcessor;
  handlers: HttpHandler[];
  start(): Promise<void>;
  close(): Promise<void>;
  /** Closes the queue (letting running jobs finish) and exits on SIGTERM/SIGINT. */
  closeOnShutdown(): void;
}

function positiveNumber(value: string | undefined): number | undefined {
  const number = Number(value);
  return value && Number.isFinite(number) && number > 0 ? number : undefined;
}

/** `KUBECURE_WRITE_INTERVAL_MS`: milliseconds between writes to one installation (default 1000; 0 turns pacing off). */
function writeIntervalMs(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.KUBECURE_WRITE_INTERVAL_MS;
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new Error(`KUBECURE_WRITE_INTERVAL_MS must be a number of milliseconds ≥ 0, got "${value}"`);
  return number;
}

/** The budget, remembering each installation it is asked about so the metrics can report it. */
function trackInstallations(budget: WriteBudget, seen: Set<string>): WriteBudget {
  return {
    intervalMs: budget.intervalMs,
    reserve: (installation, priority) => (seen.add(installation), budget.reserve(installation, priority)),
    pause: (installation, ms) => budget.pause(installation, ms),
    backlog: (installation) => budget.backlog(installation),
  };
}

/** Installations this replica has written to: the ones whose backlog it reports. */
function backlogReader(budget: WriteBudget, seen: Set<string>) {
  return async (): Promise<Map<string, WriteBacklog>> => {
    const entries = await Promise.all([...seen].map(async (installation) => [installation, await budget.backlog(installation)] as const));
    return new Map(entries);
  };
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const env = options.env ?? process.env;
  const logger = options.app.log as unknown as Logger;
  const clusters = options.clusters ?? clustersFromEnv(env);
  const metrics = options.metrics ?? new AppMetrics({ defaultMetrics: true });
  const queue = options.queue ?? createJobQueue(env, logger);
  // Connects on first use: only the stores that are not overridden talk to it.
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL, { lazyConnect: true }) : null;
  const prefix = env.KUBECURE_QUEUE_PREFIX ?? 'kubecure';
  const replay = options.replay ?? (redis ? new RedisReplayStore(redis, `${prefix}:delivery:`) : new MemoryReplayStore());
  const intakeRate = intakeRateFromEnv(env);
  const limiter = redis ? new RedisIntakeLimiter(redis, intakeRate, `${prefix}:intake-rate:`) : new MemoryIntakeLimiter(intakeRate);
  const model = observedModel(createModelFromEnv(env, logger), metrics);
  const reports = options.reports ?? threadReportStore(redis, prefix);
  const correlator = options.correlator !== undefined ? options.correlator : correlatorFromEnv(env, redis, prefix);
  const intervalMs = writeIntervalMs(env);
  const writeBudget = options.writeBudget ?? (redis ? new RedisWriteBudget(redis, prefix, { intervalMs }) : new MemoryWriteBudget({ intervalMs }));
  const installationsWritten = new Set<string>();
  metrics.watchWriteBacklog(backlogReader(writeBudget, installationsWritten));
  if (clusters.size === 0) logger.warn('No clusters configured (KUBECURE_CLUSTERS or KUBECURE_CLUSTERS_FILE): every report will be rejected');

  const processor = new ReportProcessor({
    auth: options.app.auth.bind(options.app),
    clusters,
    metrics,
    logger,
    remediate: options.remediate ?? remediate,
    model,
    correlator,
    writeBudget: trackInstallations(writeBudget, installationsWritten),
    reports,
    requestTimeoutMs: positiveNumber(env.KUBECURE_GITHUB_TIMEOUT_MS),
    githubHost: env.GHE_HOST,
  });
  const serverTimeouts = {
    headersTimeoutMs: positiveNumber(env.KUBECURE_HEADERS_TIMEOUT_MS) ?? DEFAULT_SERVER_TIMEOUTS.headersTimeoutMs,
    requestTimeoutMs: positiveNumber(env.KUBECURE_REQUEST_TIMEOUT_MS) ?? DEFAULT_SERVER_TIMEOUTS.requestTimeoutMs,
  };
  const routes: HttpHandler[] = [
    createIntakeHandler({
      clusters,
      queue,
      replay,
      metrics,
      limiter,
      logger,
      maxBodyBytes: positiveNumber(env.KUBECURE_MAX_REPORT_BYTES),
      bodyDeadlineMs: positiveNumber(env.KUBECURE_REPORT_BODY_TIMEOUT_MS),
    }),
    createHealthHandler({ queue, metrics }),
  ];
  const handlers = routes.map((route) => boundingServer(route, serverTimeouts));
  return {
    queue,
    correlator,
    redis,
    model,
    reports,
    metrics,
    processor,
    handlers,
    start() {
      // Not awaited: the jobs do not wait for it; until it is known, any App's bot account counts.
      void learnAppIdentity(
        async () => (await (await options.app.auth()).rest.apps.getAuthenticated()).data?.slug,
        (error) => logger.warn({ err: error }, 'Could not read the App\'s own login (GET /app): threads and sticky comments by any GitHub App\'s bot are taken for KubeCure\'s'),
      );
      return queue.start(createJobHandler(processor, logger, options.onRecovery));
    },
    async close() {
      await queue.close();
      redis?.disconnect();
    },
    closeOnShutdown() {
      const shutdown = (signal: NodeJS.Signals) => {
        logger.info({ signal }, 'Shutting down: finishing running jobs');
        this.close().finally(() => process.exit(0));
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    },
  };
}
