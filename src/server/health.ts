/**
 * Kubernetes probes and Prometheus: `/kubecure/healthz` (the process answers),
 * `/kubecure/readyz` (it can take and make progress on work: Redis answers and the worker runs)
 * and `/metrics`. Both probes are served even while Redis is down, so "Redis down" (readyz 503
 * with its reason, healthz 200) can be told from "process dead".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobQueue } from '../queue/types.js';
import type { AppMetrics } from './metrics.js';
import { pathOf, sendJson } from './http.js';

export const HEALTH_PATH = '/kubecure/healthz';
export const READY_PATH = '/kubecure/readyz';
export const METRICS_PATH = '/metrics';

export function createHealthHandler(options: { queue: JobQueue; metrics: AppMetrics }) {
  return async function handleHealth(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.method !== 'GET') return false;
    const path = pathOf(req);
    if (path === HEALTH_PATH) return sendJson(res, 200, { ok: true });
    if (path === READY_PATH) {
      const problem = options.queue.problem ? await options.queue.problem() : (await options.queue.ready()) ? null : 'queue-unavailable';
      const queue = options.queue.durable ? 'redis' : 'in-process';
      return sendJson(res, problem ? 503 : 200, problem ? { ok: false, queue, reason: problem } : { ok: true, queue });
    }
    if (path === METRICS_PATH) {
      const text = await options.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': options.metrics.registry.contentType });
      res.end(text);
      return true;
    }
    return false;
  };
}
