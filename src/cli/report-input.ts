/**
 * Turning the files a user saved with kubectl into a FailureReport. Shared by `kubecure report`
 * and `kubecure diagnose --pod …`, so both read, validate and complain the same way.
 */
import { buildReport, ReportBuildError } from '../report/build.js';
import type { FailureReport } from '../report/schema.js';
import { extractDependencies, type ServiceInfo } from '../correlate/evidence.js';
import { ServiceListError, servicesFromList } from '../correlate/services.js';
import { CliError, readInput, readJsonInput } from './io.js';

export interface KubectlFiles {
  /** `kubectl get pod <name> -o json` (or a List of pods). */
  pod: string;
  /** `kubectl get events -o json` (core/v1 or events.k8s.io/v1). */
  events?: string;
  /** `kubectl logs --previous`. */
  logs?: string;
  /** `kubectl logs`. */
  currentLogs?: string;
  /** `kubectl get deploy,rs -o json`, or the single owner object. */
  workload?: string;
  /** `kubectl get svc -A -o json`: records what the pod connects to, ClusterIPs mapped to Services. */
  services?: string;
  cluster?: string;
}

/** What a report is attributed to when the user does not name the cluster. */
export const DEFAULT_CLUSTER = 'default';

/** Standard input can be read once; a second `-` would silently read nothing. */
function assertOneStdin(files: KubectlFiles): void {
  const fromStdin = [files.pod, files.events, files.logs, files.currentLogs, files.workload, files.services].filter((path) => path === '-');
  if (fromStdin.length > 1) throw new CliError('only one input can be read from standard input ("-")');
}

export async function reportFromKubectlFiles(files: KubectlFiles): Promise<FailureReport> {
  assertOneStdin(files);
  const cluster = files.cluster ?? DEFAULT_CLUSTER;
  if (cluster.trim() === '') throw new CliError('--cluster must not be empty');

  const pod = await readJsonInput(files.pod, 'pod');
  const events = files.events !== undefined ? await readJsonInput(files.events, 'events') : undefined;
  const workload = files.workload !== undefined ? await readJsonInput(files.workload, 'workload') : undefined;
  const previousLogs = files.logs !== undefined ? await readInput(files.logs, 'logs') : undefined;
  const currentLogs = files.currentLogs !== undefined ? await readInput(files.currentLogs, 'current logs') : undefined;
  const services = files.services !== undefined ? readServices(await readJsonInput(files.services, 'services'), files.services) : undefined;

  let report: FailureReport;
  try {
    report = buildReport({ cluster, pod, events, workload, previousLogs, currentLogs });
  } catch (error) {
    if (error instanceof ReportBuildError) throw new CliError(`pod "${files.pod}": ${error.message}`);
    throw error;
  }
  if (!services) return report;
  // The same extraction the agent runs, over the logs as redacted in the report.
  const logs = [report.logs.previous, report.logs.current].filter(Boolean).join('\n');
  const dependencies = extractDependencies({ pod: { namespace: report.pod.namespace, labels: report.pod.labels, spec: report.pod.spec }, services, logs });
  return { ...report, dependencies };
}

function readServices(json: unknown, path: string): ServiceInfo[] {
  try {
    return servicesFromList(json).services;
  } catch (error) {
    if (error instanceof ServiceListError) throw new CliError(`services "${path}": ${error.message}`);
    throw error;
  }
}
