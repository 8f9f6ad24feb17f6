/**
 * The agent, wired: reflectors feed the slim pod cache and the Warning-event stream; the
 * detector classifies and debounces; the collector builds redacted reports; recovery tracking
 * watches reported workloads heal; the sender drains the outbox to the App. `createAgent` takes
 * everything from config so tests and `main.ts` run the very same wiring.
 */
import * as k8s from '@kubernetes/client-node';
import type { ServiceInfo } from '../src/correlate/evidence.js';
import type { Logger } from '../src/logger.js';
import { fingerprintOf } from '../src/report/fingerprint.js';
import type { FailureReport, RecoveryReport } from '../src/report/schema.js';
import { Collector } from './collect/collector.js';
import { createKubeReader, type Json, type KubeReader } from './collect/kube-reader.js';
import { ConcurrencyLimiter } from './collect/limiter.js';
import { TtlCache } from './collect/ttl-cache.js';
import type { AgentConfig } from './config.js';
import { Debouncer } from './detect/debouncer.js';
import { Detector, type Detection } from './detect/detector.js';
import { RecoveryTracker, workloadKey } from './detect/recovery.js';
import { WorkloadIndex } from './detect/workload-index.js';
import { Outbox, type OutboxItem } from './deliver/outbox.js';
import { trimQueuedLogs } from './deliver/queued-logs.js';
import { Sender } from './deliver/sender.js';
import { makeKubeConfig } from './kubeconfig.js';
import { createMetrics, type AgentMetrics } from './serve/metrics.js';
import { PodCache } from './watch/pod-cache.js';
import type { SlimPod } from './watch/slim-pod.js';
import { listPage } from './watch/raw-list.js';
import { Reflector } from './watch/reflector.js';
import { RecentPodEvents, warningEventSink } from './watch/warning-events.js';
import { AGENT_VERSION } from './version.js';

export interface AgentDependencies {
  logger: Logger;
  kubeConfig?: k8s.KubeConfig;
  metrics?: AgentMetrics;
  reader?: KubeReader;
  /** Tuning for tests: backoff, API probing during an outage and the recovery check period. */
  backoffInitialMs?: number;
  probeIntervalMs?: number;
  senderBackoffMaxMs?: number;
  recoveryCheckMs?: number;
  argocdNamespace?: string;
}

export interface Agent {
  start(): void;
  stop(): Promise<void>;
  isReady(): boolean;
  readonly metrics: AgentMetrics;
  readonly pods: PodCache;
  readonly outbox: Outbox;
  /** Resolves when every collection started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
}

const POD_FIELD_SELECTOR = 'status.phase!=Succeeded';
const EVENT_FIELD_SELECTOR = 'type=Warning';

export function createAgent(config: AgentConfig, deps: AgentDependencies): Agent {
  const { logger } = deps;
  const kc = deps.kubeConfig ?? makeKubeConfig({ apiUrl: config.kubeApiUrl, token: config.kubeToken });
  const watch = new k8s.Watch(kc);
  const metrics = deps.metrics ?? createMetrics();
  const reader = deps.reader ?? createKubeReader(kc);

  const pods = new PodCache();
  const index = new WorkloadIndex(pods);
  const recentEvents = new RecentPodEvents(config.eventMaxAgeMs);
  const recovery = new RecoveryTracker({ cluster: config.cluster, settleMs: config.settleMs, podsOf: (key) => index.podsOf(key) });
  let debouncer: Debouncer;
  // A failure that never reached the App was never reported: its next sighting must be reported.
  const undelivered = (item: OutboxItem) => {
    if (item.fingerprint) debouncer.forget(item.fingerprint);
  };
  const outbox = new Outbox({
    maxItems: config.outboxMax,
    maxBytes: config.outboxMaxBytes,
    file: config.outboxFile,
    shrink: (item) => trimQueuedLogs(item, config.queuedLogBytes),
    onDrop: (item) => {
      metrics.reportsDropped.inc({ kind: item.kind });
      logger.warn({ kind: item.kind, fingerprint: item.fingerprint }, 'outbox full, oldest report dropped');
      undelivered(item);
    },
  });
  const sender = new Sender({
    appUrl: config.appUrl,
    cluster: config.cluster,
    secret: config.clusterSecret,
    outbox,
    logger,
    backoffInitialMs: deps.backoffInitialMs ?? 1000,
    ...(deps.senderBackoffMaxMs ? { backoffMaxMs: deps.senderBackoffMaxMs } : {}),
    onSent: (item) => metrics.reportsSent.inc({ kind: item.kind }),
    onFailed: (item, reason) => metrics.reportsFailed.inc({ kind: item.kind, reason }),
    onRejected: undelivered,
  });
  const collector = new Collector({
    cluster: config.cluster,
    agentVersion: AGENT_VERSION,
    reader,
    limiter: new ConcurrencyLimiter(config.collectConcurrency),
    ownerCache: new TtlCache<Json | null>(config.ownerCacheMs),
    serviceCache: new TtlCache<ServiceInfo[]>(config.ownerCacheMs),
    logBytes: config.logBytes,
    logTailLines: config.logTailLines,
    argocdNamespace: deps.argocdNamespace ?? 'argocd',
    logger,
    onStepFailed: (step) => metrics.collectErrors.inc({ step }),
  });

  debouncer = new Debouncer(config.debounceWindowMs);

  const inFlight = new Set<Promise<void>>();
  const enqueue = (report: FailureReport | RecoveryReport, fingerprint?: string) => {
    outbox.push({ kind: report.kind, body: JSON.stringify(report), enqueuedAt: Date.now(), ...(fingerprint ? { fingerprint } : {}) });
  };
  const handleDetection = (detection: Detection) => {
    // Recovery is judged on the pods indexed under the workload inferred from the pod itself.
    const inferredWorkloadKey = detection.source === 'pod' ? workloadKey(detection.workload) : undefined;
    metrics.failuresDetected.inc({ category: detection.failure.category });
    const task = collector
      .collect(detection)
      .then((report) => {
        if (!report) return;
        enqueue(report, detection.fingerprint);
        if (inferredWorkloadKey) recovery.failed(report.workload, fingerprintOf(report), inferredWorkloadKey, detection.fingerprint);
        logger.info(
          { fingerprint: fingerprintOf(report), category: report.failure.category, workload: `${report.workload.kind}/${report.workload.namespace}/${report.workload.name}`, occurrences: report.occurrences },
          'failure reported',
        );
      })
      .catch((error: unknown) => logger.error({ err: error, fingerprint: detection.fingerprint }, 'collecting a failure failed'))
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  const detector = new Detector({
    cluster: config.cluster,
    debouncer,
    recentEvents,
    logger,
    onDetection: handleDetection,
    onDebounced: () => metrics.failuresDebounced.inc(),
  });

  const evaluatePod = (pod: SlimPod, previous: SlimPod | undefined) => {
    const key = index.add(pod);
    detector.podChanged(pod, previous);
    recovery.podChanged(key);
  };
  pods.subscribe({
    changed: (pod, previous) => evaluatePod(pod, previous),
    deleted: (pod) => {
      recentEvents.forget(`${pod.metadata.namespace}/${pod.metadata.name}`);
      const key = index.remove(pod);
      if (key) recovery.podChanged(key);
    },
  });

  const eventSink = warningEventSink(
    {
      podEvent: (key, event) => {
        recentEvents.add(key, event);
        const slash = key.indexOf('/');
        const pod = pods.get(key.slice(0, slash), key.slice(slash + 1));
        // The pod itself did not change: only a termination the agent saw happen is news.
        if (pod) evaluatePod(pod, pod);
      },
      workloadEvent: (event) => detector.workloadEvent(event),
    },
    config.eventMaxAgeMs,
  );

  const scopes: Array<string | undefined> = config.namespaces.length > 0 ? config.namespaces : [undefined];
  const reflectorOptions = (name: string) => ({
    watch,
    logger,
    pageSize: config.listPageSize,
    stallMs: config.watchStallMs,
    watchTimeoutSeconds: config.watchTimeoutSeconds,
    resyncMs: config.resyncMs,
    backoffInitialMs: deps.backoffInitialMs ?? 1000,
    probeIntervalMs: deps.probeIntervalMs ?? 500,
    onRestart: (reason: string) => metrics.watchRestarts.inc({ resource: name, reason }),
  });
  const reflectors: Reflector[] = scopes.flatMap((namespace) => [
    new Reflector(
      {
        ...reflectorOptions('pods'),
        name: 'pods',
        path: namespace ? `/api/v1/namespaces/${namespace}/pods` : '/api/v1/pods',
        fieldSelector: POD_FIELD_SELECTOR,
        list: ({ limit, continueToken }) =>
          listPage(kc, namespace ? `/api/v1/namespaces/${namespace}/pods` : '/api/v1/pods', { limit, continue: continueToken, fieldSelector: POD_FIELD_SELECTOR }),
      },
      pods.sink(namespace),
    ),
    new Reflector(
      {
        ...reflectorOptions('events'),
        name: 'events',
        path: namespace ? `/api/v1/namespaces/${namespace}/events` : '/api/v1/events',
        fieldSelector: EVENT_FIELD_SELECTOR,
        list: ({ limit, continueToken }) =>
          listPage(kc, namespace ? `/api/v1/namespaces/${namespace}/events` : '/api/v1/events', { limit, continue: continueToken, fieldSelector: EVENT_FIELD_SELECTOR }),
      },
      eventSink,
    ),
  ]);

  let recoveryTimer: NodeJS.Timeout | undefined;
  const checkRecoveries = () => {
    for (const { report, detectionFingerprints } of recovery.due()) {
      // A relapse after recovery is a new incident: report it at once (but not the old kill again).
      for (const fingerprint of detectionFingerprints) debouncer.rearm(fingerprint);
      enqueue(report);
      logger.info({ workload: `${report.workload.kind}/${report.workload.namespace}/${report.workload.name}`, specChanged: report.specChanged }, 'workload recovered');
    }
    debouncer.prune();
    recentEvents.prune();
  };

  return {
    metrics,
    pods,
    outbox,
    start() {
      for (const reflector of reflectors) reflector.start();
      sender.start();
      const period = deps.recoveryCheckMs ?? Math.min(10_000, Math.max(100, Math.floor(config.settleMs / 4)));
      recoveryTimer = setInterval(checkRecoveries, period);
      recoveryTimer.unref();
      logger.info({ cluster: config.cluster, namespaces: config.namespaces.length > 0 ? config.namespaces : 'all' }, 'agent started');
    },
    async stop() {
      clearInterval(recoveryTimer);
      await Promise.all(reflectors.map((reflector) => reflector.stop()));
      await Promise.allSettled([...inFlight]);
      await sender.stop();
      outbox.close();
    },
    // Ready means watching: every watch has listed once and its API server still answers.
    isReady: () => reflectors.every((reflector) => reflector.isLive),
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** Gauges read at scrape time rather than updated on every change. */
export function refreshGauges(agent: Agent): void {
  agent.metrics.podsCached.set(agent.pods.size);
  agent.metrics.outboxDepth.set(agent.outbox.depth);
}
