/**
 * Kubernetes probes and Prometheus: `/kubecure/healthz` (the process answers),
 * `/kubecure/readyz` (it can queue work: Redis reachable when configured) and `/metrics`.
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
      const ready = await options.queue.ready();
      return sendJson(res, ready ? 200 : 503, { ok: ready, queue: options.queue.durable ? 'redis' : 'in-process' });
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
