/**
 * The seam between the locator and the source forms it understands. Each form (plain manifests,
 * kustomize, Helm chart, Flux HelmRelease) is one module that proposes candidates; the locator
 * ranks them with the runtime hints.
 */
import type { Logger } from '../logger.js';
import type { FailureReport } from '../report/schema.js';
import type { DeploymentScope } from './gitops-objects.js';
import type { SourceHints } from './hints.js';
import type { RepoIndex, SourceForm, SourceLocation } from './types.js';

/** One place the failing workload may come from, with what ranking needs to know about it. */
export interface Candidate {
  location: SourceLocation;
  /** The environment that renders this instance, named as `renderEnvironments` names it. */
  environment: string;
  /** The directory that is rendered (kustomize root, chart) or the manifest file itself. */
  renderRoot: string;
  /** Every file that contributes to the workload: hints that name any of them match. */
  files: string[];
  /** The file or directory whose name tells the environment (overlay, values-prod.yaml). */
  environmentPath: string;
  /** The namespace the workload lands in, when the repository says. */
  namespace: string | null;
  /** For Helm forms: the release that renders it. */
  helmRelease?: { name: string; namespace: string | null; releaseName: string };
}

export interface SourceContext {
  report: FailureReport;
  index: RepoIndex;
  /** The top-level workload as the cluster knows it. */
  kind: string;
  name: string;
  namespace: string;
  hints: SourceHints;
  scopes: DeploymentScope[];
  logger: Logger;
}

export interface SourceModule {
  form: SourceForm;
  findCandidates(context: SourceContext): Promise<Candidate[]>;
}
