/**
 * Choosing root causes. A workload whose failure is a symptom (its logs show failed connections)
 * is followed along its edges, through other symptoms, to the nearest workload failing for its own
 * reason (OOMKilled, bad image, bad config, probe misconfiguration): that workload is the root and
 * the dependent joins its group. When the chain ends at a symptom that reaches no further failing
 * workload, that deepest symptom is the root. A chain that only loops has no root, so its members
 * stay independent; a workload failing for its own reason is never anyone's dependent.
 */
import type { FailureReport, WorkloadRef } from '../report/schema.js';
import { correlationFingerprint, type Fingerprinter } from './fingerprint.js';
import { buildDependencyGraph, describeWorkload, failureTime, type DependencyEdge, type DependencyGraph, type WorkloadNode } from './graph.js';
import { serviceKey } from './hosts.js';

export const DEFAULT_WINDOW_MS = 5 * 60_000;

export interface Dependent {
  report: FailureReport;
  fingerprint: string;
  /** One line per hop, from the dependent to the root: what ties them together. */
  evidence: string[];
  /** The chain: the dependent, each Service and workload in between, the root. */
  via: string[];
}

export interface CorrelationGroup {
  root: FailureReport;
  rootFingerprint: string;
  dependents: Dependent[];
}

export interface CorrelationEdge {
  cluster: string;
  from: WorkloadRef;
  service: { name: string; namespace: string };
  to: WorkloadRef;
  failing: boolean;
  evidence: string[];
}

export interface CorrelationResult {
  groups: CorrelationGroup[];
  /** Failing workloads tied to no other (one report each: the one that speaks for the workload). */
  independent: FailureReport[];
  edges: CorrelationEdge[];
  /** Reports older than the window, relative to the latest report of their cluster: not correlated. */
  outsideWindow: FailureReport[];
}

export interface CorrelateOptions {
  windowMs?: number;
  fingerprint?: Fingerprinter;
}

/**
 * The edges that explain a symptom: only connections its own logs show failing. A workload merely
 * configured to reach another failing one is shown that way (context in the graph), but never
 * grouped under it: any workload failing for its own reason in the window could otherwise capture it.
 */
function causalEdges(graph: DependencyGraph, node: WorkloadNode): DependencyEdge[] {
  if (node.kind !== 'symptom') return [];
  return (graph.outgoing.get(node.key) ?? []).filter((edge) => edge.failing);
}

interface Path {
  node: WorkloadNode;
  edges: DependencyEdge[];
}

function earlier(a: Path, b: Path): boolean {
  const byTime = failureTime(a.node.report) - failureTime(b.node.report);
  return byTime < 0 || (byTime === 0 && a.node.key < b.node.key);
}

/** Breadth-first from a symptom; the visited set makes cycles terminate. */
function findRoot(graph: DependencyGraph, start: WorkloadNode): Path | null {
  const visited = new Set([start.key]);
  let frontier: Path[] = [{ node: start, edges: [] }];
  let nearestSink: Path | null = null;
  while (frontier.length > 0) {
    const next: Path[] = [];
    let nearestOwnFailure: Path | null = null;
    for (const path of frontier) {
      for (const edge of causalEdges(graph, path.node)) {
        if (visited.has(edge.toKey)) continue;
        visited.add(edge.toKey);
        const reached: Path = { node: graph.nodes.get(edge.toKey)!, edges: [...path.edges, edge] };
        if (reached.node.kind === 'self-contained') {
          if (!nearestOwnFailure || earlier(reached, nearestOwnFailure)) nearestOwnFailure = reached;
        } else {
          next.push(reached);
          const isSink = causalEdges(graph, reached.node).length === 0;
          if (isSink && !nearestSink) nearestSink = reached;
        }
      }
    }
    if (nearestOwnFailure) return nearestOwnFailure;
    frontier = next;
  }
  return nearestSink;
}

function hopEvidence(edge: DependencyEdge): string {
  const from = describeWorkload(edge.from);
  const service = `Service ${serviceKey(edge.service)}`;
  const detail = edge.evidence.join(' | ');
  return edge.failing ? `${from} cannot reach ${service}: ${detail}` : `${from} is configured to reach ${service} (${detail})`;
}

function chain(path: Path): string[] {
  const first = path.edges[0];
  if (!first) return [];
  return [describeWorkload(first.from), ...path.edges.flatMap((edge) => [`Service ${serviceKey(edge.service)}`, describeWorkload(edge.to)])];
}

function splitByWindow(reports: FailureReport[], windowMs: number): { inside: FailureReport[]; outside: FailureReport[] } {
  const latestByCluster = new Map<string, number>();
  for (const report of reports) {
    const time = Date.parse(report.observedAt);
    latestByCluster.set(report.cluster, Math.max(time, latestByCluster.get(report.cluster) ?? -Infinity));
  }
  const inside: FailureReport[] = [];
  const outside: FailureReport[] = [];
  for (const report of reports) {
    const age = latestByCluster.get(report.cluster)! - Date.parse(report.observedAt);
    (age <= windowMs ? inside : outside).push(report);
  }
  return { inside, outside };
}

function toCorrelationEdge(edge: DependencyEdge): CorrelationEdge {
  return { cluster: edge.cluster, from: edge.from, service: edge.service, to: edge.to, failing: edge.failing, evidence: edge.evidence };
}

/** Groups the failing workloads of each cluster by root cause. Pure: same reports, same result. */
export function correlate(reports: FailureReport[], options: CorrelateOptions = {}): CorrelationResult {
  const { inside, outside } = splitByWindow(reports, options.windowMs ?? DEFAULT_WINDOW_MS);
  const graph = buildDependencyGraph(inside, options.fingerprint ?? correlationFingerprint);
  const groups = new Map<string, CorrelationGroup>();
  const dependentKeys = new Set<string>();

  const nodes = [...graph.nodes.values()].sort((a, b) => failureTime(a.report) - failureTime(b.report) || a.key.localeCompare(b.key));
  for (const node of nodes) {
    if (node.kind !== 'symptom') continue;
    const root = findRoot(graph, node);
    if (!root) continue;
    const group = groups.get(root.node.key) ?? { root: root.node.report, rootFingerprint: root.node.fingerprint, dependents: [] };
    group.dependents.push({ report: node.report, fingerprint: node.fingerprint, evidence: root.edges.map(hopEvidence), via: chain(root) });
    groups.set(root.node.key, group);
    dependentKeys.add(node.key);
  }

  // A root never has causal edges of its own (a sink or its own failure), so no root is also a dependent.
  const independent = nodes.filter((node) => !groups.has(node.key) && !dependentKeys.has(node.key)).map((node) => node.report);

  return {
    groups: [...groups.values()].sort((a, b) => b.dependents.length - a.dependents.length || failureTime(a.root) - failureTime(b.root)),
    independent,
    edges: graph.edges.map(toCorrelationEdge),
    outsideWindow: outside,
  };
}
