/**
 * Orders candidates the way a person would: what the cluster says about the source first (hints),
 * then the namespace, then whether the candidate renders the values the pod actually runs with,
 * then whether the path belongs to the failing cluster or its environment.
 * Candidates that tie on all of them are reported as ambiguous, never silently chosen between.
 */
import type { Candidate, SourceContext } from './candidate.js';
import type { DeploymentScope } from './gitops-objects.js';
import { environmentsIn } from './gitops-objects.js';
import { isWithin } from './posix-path.js';
import { matchLiveValues } from './live-match.js';

export interface RankedCandidate {
  candidate: Candidate;
  /** Comparable scores, most important first. */
  scores: [hint: number, namespace: number, live: number, cluster: number];
  reasons: string[];
}

/** A scope deploys a candidate when it renders its directory, with the same value files for a chart. */
function deployedBy(candidate: Candidate, scope: DeploymentScope): boolean {
  if (!isWithin(candidate.renderRoot, scope.path)) return false;
  return scope.valueFiles.every((file) => candidate.files.includes(file));
}

function hintScore(candidate: Candidate, context: SourceContext, reasons: string[]): number {
  const { hints, scopes } = context;
  let score = 0;
  for (const application of hints.argoApplications) {
    for (const scope of scopes.filter((entry) => entry.tool === 'argocd' && entry.name === application && deployedBy(candidate, entry))) {
      score += 3;
      const values = scope.valueFiles.length > 0 ? ` with values ${scope.valueFiles.join(', ')}` : '';
      reasons.push(`Argo CD Application ${application} (${scope.file}) deploys ${scope.path || '.'}${values}`);
    }
  }
  for (const [tool, path] of [['Argo CD', hints.argoPath], ['Flux', hints.fluxPath]] as const) {
    if (path !== null && isWithin(candidate.renderRoot, path)) {
      score += 3;
      reasons.push(`${tool} source path ${path} contains ${candidate.renderRoot}`);
    }
  }
  const kustomization = hints.fluxKustomization;
  if (kustomization) {
    const matching = scopes.filter(
      (scope) => scope.tool === 'flux' && scope.name === kustomization.name && (kustomization.namespace === null || scope.namespace === null || scope.namespace === kustomization.namespace),
    );
    for (const scope of matching.filter((entry) => deployedBy(candidate, entry))) {
      score += 3;
      reasons.push(`Flux Kustomization ${kustomization.name} (${scope.file}) builds ${scope.path || '.'}`);
    }
  }
  const release = hints.fluxHelmRelease;
  if (release && candidate.helmRelease?.name === release.name && (release.namespace === null || candidate.helmRelease.namespace === release.namespace)) {
    score += 3;
    reasons.push(`Flux labels name HelmRelease ${release.namespace ?? ''}/${release.name}`);
  }
  if (candidate.helmRelease && hints.helmReleases.includes(candidate.helmRelease.releaseName)) {
    score += 1;
    reasons.push(`Helm release ${candidate.helmRelease.releaseName}`);
  }
  if (hints.originPath !== null) {
    const origin = hints.originPath.replace(/^(\.\.?\/)+/, '');
    if (candidate.files.some((file) => file === origin || file.endsWith(`/${origin}`))) {
      score += 2;
      reasons.push(`kustomize origin annotation names ${hints.originPath}`);
    }
  }
  return score;
}

function namespaceScore(candidate: Candidate, context: SourceContext, reasons: string[]): number {
  if (candidate.namespace === context.namespace) {
    reasons.push(`namespace ${context.namespace} matches`);
    return 2;
  }
  return candidate.namespace === null ? 1 : 0;
}

/** Observed values break ties between copies: a copy that renders another value is not what runs. */
function liveScore(candidate: Candidate, context: SourceContext, reasons: string[]): number {
  const match = matchLiveValues(candidate.location.workload, context.kind, context.report.pod.spec);
  if (match.verdict === 'matches') {
    reasons.push(`renders the live values of the pod (${match.compared} observed field${match.compared === 1 ? '' : 's'})`);
    return 2;
  }
  if (match.verdict === 'differs') {
    reasons.push(`renders ${match.field} = ${match.rendered}, but the pod runs ${match.live}`);
    return 0;
  }
  return 1;
}

function clusterScore(candidate: Candidate, context: SourceContext, reasons: string[]): number {
  const cluster = context.report.cluster.toLowerCase();
  const deploying = context.scopes.filter((scope) => scope.cluster !== null && deployedBy(candidate, scope));
  const ours = deploying.find((scope) => scope.cluster?.toLowerCase() === cluster);
  if (ours) {
    reasons.push(`${ours.file} deploys ${ours.path || '.'} to cluster ${context.report.cluster}`);
    return 3;
  }
  if (deploying.length > 0) return 0;
  const wanted = new Set([...environmentsIn(context.report.cluster), ...environmentsIn(context.namespace)]);
  const offered = environmentsIn(candidate.environmentPath);
  const shared = [...offered].filter((environment) => wanted.has(environment));
  if (shared.length > 0) {
    reasons.push(`path ${candidate.environmentPath} is for ${shared.join(', ')}, like cluster ${context.report.cluster} / namespace ${context.namespace}`);
    return 2;
  }
  // A path that names no environment may serve every one; a path naming another one does not.
  return offered.size === 0 ? 1 : 0;
}

export function rankCandidates(candidates: Candidate[], context: SourceContext): RankedCandidate[] {
  const ranked = candidates.map((candidate) => {
    const reasons: string[] = [];
    const scores: RankedCandidate['scores'] = [
      hintScore(candidate, context, reasons),
      namespaceScore(candidate, context, reasons),
      liveScore(candidate, context, reasons),
      clusterScore(candidate, context, reasons),
    ];
    return { candidate, scores, reasons };
  });
  return ranked.sort((a, b) => compareScores(b.scores, a.scores) || a.candidate.environmentPath.localeCompare(b.candidate.environmentPath));
}

export function compareScores(a: RankedCandidate['scores'], b: RankedCandidate['scores']): number {
  for (let i = 0; i < a.length; i += 1) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
