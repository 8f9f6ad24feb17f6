/** The agent's Prometheus metrics, on a Registry of its own so nothing global leaks in or out. */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface AgentMetrics {
  registry: Registry;
  watchRestarts: Counter<'resource' | 'reason'>;
  podsCached: Gauge;
  failuresDetected: Counter<'category'>;
  failuresDebounced: Counter;
  reportsSent: Counter<'kind'>;
  reportsFailed: Counter<'kind' | 'reason'>;
  reportsDropped: Counter<'kind'>;
  outboxDepth: Gauge;
  collectErrors: Counter<'step'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): AgentMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'kubecure_agent_' });
  const registers = [registry];
  return {
    registry,
    watchRestarts: new Counter({
      name: 'kubecure_agent_watch_restarts_total',
      help: 'Watches restarted, by resource and reason (error, gone = 410 relist, stall = watchdog, resync).',
      labelNames: ['resource', 'reason'],
      registers,
    }),
    podsCached: new Gauge({ name: 'kubecure_agent_pods_cached', help: 'Pods held in the slim cache.', registers }),
    failuresDetected: new Counter({
      name: 'kubecure_agent_failures_detected_total',
      help: 'Failures reported after debounce, by category.',
      labelNames: ['category'],
      registers,
    }),
    failuresDebounced: new Counter({
      name: 'kubecure_agent_failures_debounced_total',
      help: 'Failure sightings counted into an earlier report instead of sent.',
      registers,
    }),
    reportsSent: new Counter({ name: 'kubecure_agent_reports_sent_total', help: 'Reports accepted by the App.', labelNames: ['kind'], registers }),
    reportsFailed: new Counter({
      name: 'kubecure_agent_reports_failed_total',
      help: 'Failed deliveries: rejected (4xx, dropped) or retry (5xx or network, kept).',
      labelNames: ['kind', 'reason'],
      registers,
    }),
    reportsDropped: new Counter({
      name: 'kubecure_agent_reports_dropped_total',
      help: 'Reports dropped because the outbox was full (oldest first).',
      labelNames: ['kind'],
      registers,
    }),
    outboxDepth: new Gauge({ name: 'kubecure_agent_outbox_depth', help: 'Reports waiting for delivery.', registers }),
    collectErrors: new Counter({
      name: 'kubecure_agent_collect_errors_total',
      help: 'Optional context that could not be collected (logs, events, owners, source, usage), by step.',
      labelNames: ['step'],
      registers,
    }),
  };
}
