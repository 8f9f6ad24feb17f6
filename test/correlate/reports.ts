/** Report fixtures and a builder for synthetic ones (storms, benchmarks), all valid FailureReports. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFailureReport, describeFieldErrors, type FailureReport, type FailureReportInput } from '../../src/report/schema.js';
import type { FailureCategory } from '../../src/report/categories.js';

export const CASCADE_FIXTURES = fileURLToPath(new URL('../fixtures/reports/cascade/', import.meta.url));

export function parseOrThrow(input: unknown): FailureReport {
  const parsed = parseFailureReport(input);
  if (!parsed.ok) throw new Error(`invalid report: ${describeFieldErrors(parsed.errors)}`);
  return parsed.value;
}

export function fixture(path: string): FailureReport {
  return parseOrThrow(JSON.parse(readFileSync(join(CASCADE_FIXTURES, path), 'utf8')));
}

export function scenario(folder: string): FailureReport[] {
  return readdirSync(join(CASCADE_FIXTURES, folder))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => fixture(join(folder, name)));
}

export interface SyntheticWorkload {
  name: string;
  namespace?: string;
  cluster?: string;
  category: FailureCategory;
  observedAt: string;
  /** Services this workload failed to connect to (each gets a log line with its ClusterIP). */
  cannotReach?: string[];
}

let nextIp = 1;
/** A report the way the agent writes it for a Deployment behind a Service of the same name. */
export function syntheticReport(workload: SyntheticWorkload): FailureReport {
  const namespace = workload.namespace ?? 'shop';
  const symptomCategory = workload.category === 'CrashLoopBackOff' || workload.category === 'ProbeFailure';
  const outbound = (workload.cannotReach ?? []).map((service) => {
    const ip = `10.96.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
    return {
      host: ip,
      port: 8080,
      service: { name: service, namespace },
      source: 'log' as const,
      evidence: `dial tcp ${ip}:8080: connect: connection refused`,
      failing: true,
    };
  });
  const input: FailureReportInput = {
    apiVersion: 'kubecure.dev/v1',
    kind: 'FailureReport',
    cluster: workload.cluster ?? 'prod-eu-1',
    observedAt: workload.observedAt,
    failure: {
      category: workload.category,
      reason: workload.category === 'ProbeFailure' ? 'Unhealthy' : symptomCategory ? 'Error' : workload.category,
      message: `${workload.name} failed`,
      container: workload.name,
      restartCount: 3,
      exitCode: workload.category === 'OOMKilled' ? 137 : symptomCategory ? 1 : null,
    },
    pod: {
      name: `${workload.name}-5d8c7b6a9f-abcde`,
      namespace,
      labels: { app: workload.name },
      spec: { containers: [{ name: workload.name, image: `ghcr.io/acme/${workload.name}:1.0.0` }] },
    },
    workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: workload.name, namespace },
    dependencies: { services: [{ name: workload.name, namespace }], outbound },
  };
  return parseOrThrow(input);
}

/** `base` plus `seconds`, as the ISO timestamp reports carry. */
export function at(base: string, seconds: number): string {
  return new Date(Date.parse(base) + seconds * 1000).toISOString();
}
