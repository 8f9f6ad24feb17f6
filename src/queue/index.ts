/** Picks the queue from the environment: BullMQ when REDIS_URL is set, in-process otherwise. */
import type { Logger } from '../logger.js';
import { BullMqJobQueue } from './bullmq.js';
import { InProcessJobQueue } from './in-process.js';
import type { JobQueue } from './types.js';

export * from './types.js';
export { BullMqJobQueue } from './bullmq.js';
export { InProcessJobQueue } from './in-process.js';

function dedupWindowMs(env: NodeJS.ProcessEnv): number | undefined {
  const seconds = Number(env.KUBECURE_DEDUP_WINDOW_SECONDS);
  return env.KUBECURE_DEDUP_WINDOW_SECONDS && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export function createJobQueue(env: NodeJS.ProcessEnv, logger: Logger): JobQueue {
  const window = dedupWindowMs(env);
  if (env.REDIS_URL) return new BullMqJobQueue({ redisUrl: env.REDIS_URL, prefix: env.KUBECURE_QUEUE_PREFIX, logger, dedupWindowMs: window });
  return new InProcessJobQueue({ logger, dedupWindowMs: window });
}
