/**
 * The collector: for each detection that passed the debounce, fetch what a diagnosis needs —
 * the full pod, log tails, events, the owner chain, GitOps source, usage and the Services around
 * it — under a concurrency limit, and build the redacted report. Every step but the owner chain
 * is optional: a missing permission or a deleted pod costs detail, never the report.
 */
import { extractDependencies, type ServiceInfo } from '../../src/correlate/evidence.js';
import { serviceInfoFrom } from '../../src/correlate/services.js';
import type { Logger } from '../../src/logger.js';
import { normalizeEvents } from '../../src/report/events.js';
import { collectSourceHints } from '../../src/report/hints.js';
import type { PodLike } from '../../src/report/kube-types.js';
import type { Dependencies, FailureReport, SourceHints } from '../../src/report/schema.js';
import { inferWorkload } from '../../src/report/workload.js';
import type { Detection } from '../detect/detector.js';
import { enrichArgoCd, enrichFlux } from './gitops-source.js';
import type { Json, KubeReader } from './kube-reader.js';
import type { ConcurrencyLimiter } from './limiter.js';
import { collectLogs } from './logs.js';
import { OwnerResolver } from './owner-chain.js';
import { buildFailureReport } from './report-builder.js';
import type { TtlCache } from './ttl-cache.js';
import { collectUsage } from './usage.js';

export type CollectStep = 'pod' | 'logs' | 'events' | 'owners' | 'source' | 'services' | 'build';

export interface CollectorOptions {
  cluster: string;
  agentVersion: string;
  reader: KubeReader;
  limiter: ConcurrencyLimiter;
  ownerCache: TtlCache<Json | null>;
  serviceCache: TtlCache<ServiceInfo[]>;
  logBytes: number;
  logTailLines: number;
  argocdNamespace: string;
  logger: Logger;
  onStepFailed?(step: CollectStep): void;
}

export class Collector {
  private readonly owners: OwnerResolver;

  constructor(private readonly options: CollectorOptions) {
    this.owners = new OwnerResolver(options.reader, options.ownerCache);
  }

  /** The redacted report for `detection`, or null when none could be built (logged). */
  collect(detection: Detection): Promise<FailureReport | null> {
    return this.options.limiter.run(() => (detection.source === 'pod' ? this.fromPod(detection) : this.fromEvent(detection)));
  }

  private async fromPod(detection: Extract<Detection, { source: 'pod' }>): Promise<FailureReport | null> {
    const { reader } = this.options;
    const { namespace, name } = detection.pod.metadata;
    const fullPod = await this.attempt('pod', () => reader.getPod(namespace, name));
    const pod: PodLike & Json = fullPod ?? detection.pod;
    const metadata = pod.metadata ?? {};
    const container = detection.failure.container;
    // Independent reads run together: detection latency is the sum of the sequential ones.
    const [owners, logs, listed, usage] = await Promise.all([
      this.owners.resolve(namespace, metadata.ownerReferences),
      container
        ? collectLogs(reader, { namespace, name, container }, { bytes: this.options.logBytes, tailLines: this.options.logTailLines })
        : undefined,
      this.attempt('events', () => reader.podEvents(namespace, name)),
      collectUsage(reader, namespace, name),
    ]);
    if (owners.incomplete) this.options.onStepFailed?.('owners');
    if (logs?.failed) this.options.onStepFailed?.('logs');
    const { workload, ownerChain } = inferWorkload(pod, owners.objects);
    const events = [...normalizeEvents(listed ?? []), ...detection.events];

    const top = owners.objects.at(-1);
    const sourceHints = await this.sourceHints([top?.metadata ?? {}, metadata]);
    const spec = (fullPod?.spec ?? {}) as Record<string, unknown>;
    const dependencies = await this.dependencies(namespace, metadata.labels ?? {}, spec, [logs?.logs.previous, logs?.logs.current]);

    return this.build(detection, {
      pod: {
        name,
        namespace,
        uid: metadata.uid,
        nodeName: (pod.spec as { nodeName?: string } | undefined)?.nodeName,
        labels: metadata.labels ?? {},
        annotations: metadata.annotations ?? {},
        spec,
        status: (fullPod?.status ?? detection.pod.status) as Record<string, unknown>,
      },
      workload,
      ownerChain,
      logs: logs?.logs,
      events,
      usage,
      sourceHints,
      dependencies,
    });
  }

  /**
   * A controller could not create its pods: there is no pod, so the report describes the pod
   * that would have been created, from the controller's template.
   */
  private async fromEvent(detection: Extract<Detection, { source: 'event' }>): Promise<FailureReport | null> {
    const involved = detection.workload;
    const reference = { apiVersion: involved.apiVersion, kind: involved.kind, name: involved.name, controller: true };
    const owners = await this.owners.resolve(involved.namespace, [reference]);
    if (owners.incomplete) this.options.onStepFailed?.('owners');
    const standIn: PodLike = { metadata: { name: involved.name, namespace: involved.namespace, ownerReferences: [reference] } };
    const { workload, ownerChain } = inferWorkload(standIn, owners.objects);
    const controller = owners.objects[0];
    const template: Json = controller?.spec?.template ?? controller?.spec?.jobTemplate?.spec?.template ?? {};
    const labels: Record<string, string> = template.metadata?.labels ?? {};
    const annotations: Record<string, string> = template.metadata?.annotations ?? {};
    const top = owners.objects.at(-1);
    const sourceHints = await this.sourceHints([top?.metadata ?? {}, controller?.metadata ?? {}, { labels, annotations }]);
    const spec = (template.spec ?? {}) as Record<string, unknown>;
    return this.build(detection, {
      pod: { name: involved.name, namespace: involved.namespace, labels, annotations, spec, status: {} },
      workload,
      ownerChain,
      logs: undefined,
      events: [detection.event],
      usage: undefined,
      sourceHints,
      dependencies: await this.dependencies(involved.namespace, labels, spec, []),
    });
  }

  private build(
    detection: Detection,
    parts: Omit<Parameters<typeof buildFailureReport>[0], 'cluster' | 'agentVersion' | 'failure' | 'occurrences' | 'firstSeen'>,
  ): FailureReport | null {
    const built = buildFailureReport({
      ...parts,
      cluster: this.options.cluster,
      agentVersion: this.options.agentVersion,
      failure: detection.failure,
      occurrences: detection.occurrences,
      firstSeen: detection.firstSeen,
    });
    if (built.ok) return built.report;
    this.options.onStepFailed?.('build');
    this.options.logger.error({ fingerprint: detection.fingerprint, error: built.error }, 'report failed validation, not sent');
    return null;
  }

  private async sourceHints(objects: Array<{ labels?: Record<string, string>; annotations?: Record<string, string> }>): Promise<SourceHints> {
    const hints = collectSourceHints(objects);
    const argo = await enrichArgoCd(this.options.reader, hints, { argocdNamespace: this.options.argocdNamespace });
    const flux = await enrichFlux(this.options.reader, hints);
    if (!argo || !flux) this.options.onStepFailed?.('source');
    return hints;
  }

  private async dependencies(
    namespace: string,
    labels: Record<string, string>,
    spec: Record<string, unknown>,
    logs: Array<string | undefined>,
  ): Promise<Dependencies | undefined> {
    const services = await this.attempt('services', () =>
      this.options.serviceCache.getOrLoad(namespace, async () => (await this.options.reader.listServices(namespace)).flatMap((service) => serviceInfoFrom(service) ?? [])),
    );
    if (!services) return undefined;
    try {
      return extractDependencies({ pod: { namespace, labels, spec }, services, logs: logs.filter(Boolean).join('\n') });
    } catch (error) {
      this.options.logger.warn({ err: error }, 'dependency extraction failed');
      return undefined;
    }
  }

  private async attempt<T>(step: CollectStep, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      this.options.onStepFailed?.(step);
      this.options.logger.debug({ step, err: error }, 'optional context not collected');
      return undefined;
    }
  }
}


