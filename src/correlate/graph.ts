/**
 * The dependency graph of the failing workloads of one window: workload → Service → workload.
 * A dependent's outbound target resolves to a Service; the Service is backed by the failing
 * workload whose report lists it among the Services selecting its pods or, for reports that do not
 * say, by the workload named like it.
 */
import type { Dependencies, FailureReport, WorkloadRef } from '../report/schema.js';
import { extractDependencies } from './evidence.js';
import { failureKind, type FailureKind } from './failure-kind.js';
import { workloadKey, type Fingerprinter } from './fingerprint.js';
import { serviceKey, serviceRefFromHost, type ServiceRef } from './hosts.js';
import { linkAddressesByConfiguredPort } from './port-links.js';

export interface WorkloadNode {
  key: string;
  /** The report that speaks for the workload: its own failure if it has one, else the latest. */
  report: FailureReport;
  fingerprint: string;
  /** How many reports of this workload the window holds. */
  reportCount: number;
  dependencies: Dependencies;
  kind: FailureKind;
}

export interface DependencyEdge {
  cluster: string;
  from: WorkloadRef;
  to: WorkloadRef;
  fromKey: string;
  toKey: string;
  service: ServiceRef;
  /** True when the dependent's logs show failed connections to the Service, false for configuration only. */
  failing: boolean;
  /** The log lines or configuration entries that name the Service. */
  evidence: string[];
}

export interface DependencyGraph {
  nodes: Map<string, WorkloadNode>;
  edges: DependencyEdge[];
  outgoing: Map<string, DependencyEdge[]>;
}

const MAX_EVIDENCE_PER_EDGE = 3;
/** Labels that usually carry the name a Service is given after its workload. */
const NAME_LABELS = ['app.kubernetes.io/name', 'app', 'app.kubernetes.io/instance', 'k8s-app'];

export function describeWorkload(workload: WorkloadRef): string {
  return `${workload.kind} ${workload.namespace}/${workload.name}`;
}

/** Reports from older agents carry no dependencies: recover what the logs and env still tell. */
export function dependenciesOf(report: FailureReport): Dependencies {
  if (report.dependencies) return linkAddressesByConfiguredPort(report.dependencies, report.workload.namespace);
  const logs = [report.logs.previous, report.logs.current].filter(Boolean).join('\n');
  return extractDependencies({ pod: { namespace: report.pod.namespace, labels: report.pod.labels, spec: report.pod.spec }, services: [], logs });
}

export function failureTime(report: FailureReport): number {
  return Date.parse(report.firstSeen ?? report.observedAt);
}

function speaksBetter(candidate: WorkloadNode, current: WorkloadNode): boolean {
  if (candidate.kind !== current.kind) return candidate.kind === 'self-contained';
  return Date.parse(candidate.report.observedAt) > Date.parse(current.report.observedAt);
}

function buildNodes(reports: FailureReport[], fingerprint: Fingerprinter): Map<string, WorkloadNode> {
  const nodes = new Map<string, WorkloadNode>();
  for (const report of reports) {
    const dependencies = dependenciesOf(report);
    const key = workloadKey(report);
    const existing = nodes.get(key);
    const node: WorkloadNode = {
      key,
      report,
      fingerprint: fingerprint(report),
      reportCount: (existing?.reportCount ?? 0) + 1,
      dependencies,
      kind: failureKind(report, dependencies),
    };
    nodes.set(key, !existing || speaksBetter(node, existing) ? node : { ...existing, reportCount: node.reportCount });
  }
  return nodes;
}

/** Per cluster: which failing workloads back each Service. */
class ServiceBackers {
  private readonly declared = new Map<string, Set<string>>();
  private readonly byName = new Map<string, Set<string>>();
  readonly namespaces = new Map<string, Set<string>>();

  constructor(nodes: Iterable<WorkloadNode>) {
    for (const node of nodes) {
      const { cluster, workload, pod } = node.report;
      this.add(this.namespaces, cluster, workload.namespace);
      for (const service of node.dependencies.services) {
        this.add(this.declared, `${cluster}|${serviceKey(service)}`, node.key);
        this.add(this.namespaces, cluster, service.namespace);
      }
      const names = new Set([workload.name, ...NAME_LABELS.map((label) => pod.labels[label]).filter((v): v is string => !!v)]);
      for (const name of names) this.add(this.byName, `${cluster}|${workload.namespace}/${name}`, node.key);
    }
  }

  private add(map: Map<string, Set<string>>, key: string, value: string): void {
    const set = map.get(key) ?? new Set<string>();
    set.add(value);
    map.set(key, set);
  }

  backing(cluster: string, service: ServiceRef): string[] {
    const key = `${cluster}|${serviceKey(service)}`;
    return [...(this.declared.get(key) ?? this.byName.get(key) ?? [])];
  }
}

function buildEdges(nodes: Map<string, WorkloadNode>): DependencyEdge[] {
  const backers = new ServiceBackers(nodes.values());
  const edges = new Map<string, DependencyEdge>();
  for (const node of nodes.values()) {
    const { cluster, workload } = node.report;
    for (const target of node.dependencies.outbound) {
      const service = target.service ?? serviceRefFromHost(target.host, workload.namespace, backers.namespaces.get(cluster));
      if (!service) continue;
      for (const toKey of backers.backing(cluster, service)) {
        if (toKey === node.key) continue;
        const key = `${node.key}|${toKey}|${serviceKey(service)}`;
        const edge = edges.get(key) ?? {
          cluster,
          from: workload,
          to: nodes.get(toKey)!.report.workload,
          fromKey: node.key,
          toKey,
          service,
          failing: false,
          evidence: [],
        };
        // Failed connections outrank configuration: once an edge is failing, only log lines are evidence.
        if (target.failing && !edge.failing) {
          edge.failing = true;
          edge.evidence = [];
        }
        if (target.failing === edge.failing && edge.evidence.length < MAX_EVIDENCE_PER_EDGE && !edge.evidence.includes(target.evidence)) {
          edge.evidence.push(target.evidence);
        }
        edges.set(key, edge);
      }
    }
  }
  return [...edges.values()];
}

export function buildDependencyGraph(reports: FailureReport[], fingerprint: Fingerprinter): DependencyGraph {
  const nodes = buildNodes(reports, fingerprint);
  const edges = buildEdges(nodes);
  const outgoing = new Map<string, DependencyEdge[]>();
  for (const edge of edges) outgoing.set(edge.fromKey, [...(outgoing.get(edge.fromKey) ?? []), edge]);
  return { nodes, edges, outgoing };
}
