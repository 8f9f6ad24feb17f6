/** Builders shared by the locate tests: fixture repos and failure reports. */
import { fileURLToPath } from 'node:url';
import { indexRepository } from '../../src/locate/index-repo.js';
import { LocalRepoView } from '../../src/locate/local-repo.js';
import type { LocateResult, RepoIndex, SourceLocation } from '../../src/locate/types.js';
import { type FailureReport, type FailureReportInput, FailureReportSchema } from '../../src/report/schema.js';

export function fixtureRepoPath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/repos/${name}`, import.meta.url));
}

export function indexFixture(name: string): Promise<RepoIndex> {
  return indexRepository(new LocalRepoView(fixtureRepoPath(name)));
}

export interface ReportOptions {
  kind?: string;
  name: string;
  namespace: string;
  container?: string | null;
  cluster?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  sourceHints?: FailureReportInput['sourceHints'];
}

export function failureReport(options: ReportOptions): FailureReport {
  const input: FailureReportInput = {
    apiVersion: 'kubecure.dev/v1',
    kind: 'FailureReport',
    cluster: options.cluster ?? 'eu-1',
    observedAt: '2026-11-20T10:00:00Z',
    failure: {
      category: 'OOMKilled',
      reason: 'OOMKilled',
      message: 'container exceeded its memory limit',
      container: options.container === undefined ? options.name : options.container,
      restartCount: 4,
      exitCode: 137,
    },
    pod: {
      name: `${options.name}-7d9f8b6c5d-x2k4p`,
      namespace: options.namespace,
      labels: options.labels ?? {},
      annotations: options.annotations ?? {},
      spec: {},
    },
    workload: { apiVersion: 'apps/v1', kind: options.kind ?? 'Deployment', name: options.name, namespace: options.namespace },
    sourceHints: options.sourceHints ?? {},
  };
  return FailureReportSchema.parse(input);
}

/** A found location, failing the test with the reason when nothing was found. */
export function expectFound(result: { found: SourceLocation | null; reason?: string }): SourceLocation {
  if (!result.found) throw new Error(`expected a location, got: ${result.reason ?? 'nothing'}`);
  return result.found;
}

/** Files of the alternatives offered next to the found location. */
export function alternativeFiles(result: LocateResult): string[] {
  return result.found ? result.alternatives.map((location) => location.file) : [];
}
