/** Picks the queue from the environment: BullMQ when REDIS_URL is set, in-process otherwise. */
import type { Logger } from '../logger.js';
import { BullMqJobQueue } from './bullmq.js';
import { InProcessJobQueue } from './in-process.js';
import type { JobQueue } from './types.js';

export * from './types.js';
export { BullMqJobQueue } from './bullmq.js';
export { InProcessJobQueue } from './in-process.js';

export function createJobQueue(env: NodeJS.ProcessEnv, logger: Logger): JobQueue {
  if (env.REDIS_URL) return new BullMqJobQueue({ redisUrl: env.REDIS_URL, prefix: env.KUBECURE_QUEUE_PREFIX, logger });
  return new InProcessJobQueue({ logger });
}
