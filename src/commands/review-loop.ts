/**
 * The review loop's parts, built from the environment for `src/index.ts` to plug in: the command
 * handler (for comments, review bodies and review comments), the merged-fix handler, and the
 * recovery seam of the job queue. With `REDIS_URL` the comment ledger and the merged-fix registry
 * live in Redis, shared by every replica; without it, in memory.
 */
import type { Context, Probot } from 'probot';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { RecoveryReport } from '../report/schema.js';
import { remediate } from '../remediate.js';
import { createModelFromEnv } from '../diagnose/llm/providers.js';
import { createMergedHandler } from '../verify/on-merged.js';
import { createRecoveryHandler } from '../verify/on-recovery.js';
import { MemoryMergedFixStore, RedisMergedFixStore } from '../verify/merged-fixes.js';
import { createCommandHandler, type CommandDeps } from './handler.js';
import { MemoryLedger, RedisLedger } from './ledger.js';
import { threadReportStore, type ThreadReportStore } from '../github/thread-reports.js';
import type { CommandEventName } from './event.js';
import type { Correlator } from '../correlate/correlator.js';
import type { DiagnosisModel } from '../diagnose/llm/model.js';

export const COMMAND_EVENTS: CommandEventName[] = ['issue_comment.created', 'pull_request_review.submitted', 'pull_request_review_comment.created'];

export interface ReviewLoop {
  onCommand: (context: Context<CommandEventName>) => Promise<void>;
  onMerged: (context: Context<'pull_request.closed'>) => Promise<void>;
  /** Matches the job queue's recovery seam. */
  onRecovery: (report: RecoveryReport) => Promise<void>;
  close(): void;
}

export function createReviewLoop(options: {
  app: Probot;
  env?: NodeJS.ProcessEnv;
  remediate?: CommandDeps['remediate'];
  /** The App's cascade correlator, so a verified root names the dependents that recovered with it. */
  correlator?: Correlator | null;
  /** The App's Redis connection and model, shared so one process holds one of each (one circuit breaker). */
  shared?: { redis: Redis | null; model: DiagnosisModel | null; reports?: ThreadReportStore };
}): ReviewLoop {
  const env = options.env ?? process.env;
  const logger = options.app.log as unknown as Logger;
  const ownRedis = !options.shared && env.REDIS_URL ? new Redis(env.REDIS_URL, { lazyConnect: false }) : null;
  const redis = options.shared ? options.shared.redis : ownRedis;
  const model = options.shared ? options.shared.model : createModelFromEnv(env, logger);
  const prefix = env.KUBECURE_QUEUE_PREFIX ?? 'kubecure';
  const ledger = redis ? new RedisLedger(redis, `${prefix}:command:`) : new MemoryLedger();
  const store = redis ? new RedisMergedFixStore(redis, `${prefix}:merged:`) : new MemoryMergedFixStore();
  // Shared with the report processor, which saves each thread's report: in memory, only the same instance sees it.
  const reports = options.shared?.reports ?? threadReportStore(redis, prefix);
  const verify = createRecoveryHandler({ auth: options.app.auth.bind(options.app), store, logger, correlator: options.correlator });
  return {
    onCommand: createCommandHandler({ remediate: options.remediate ?? remediate, model, ledger, reports, logger }),
    onMerged: createMergedHandler({ store, logger }),
    onRecovery: async (report) => {
      await verify(report);
    },
    close: () => ownRedis?.disconnect(),
  };
}
