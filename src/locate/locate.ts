/**
 * Answers "which file, and which layer of it, declares the failing workload?". Every source form
 * proposes candidates; runtime hints, the namespace and the cluster rank them.
 */
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { FailureReport } from '../report/schema.js';
import type { SourceContext } from './candidate.js';
import { findDeploymentScopes } from './gitops-objects.js';
import { collectHints } from './hints.js';
import { compareScores, rankCandidates, type RankedCandidate } from './rank.js';
import { SOURCE_MODULES } from './sources/index.js';
import type { LocateResult, RepoIndex, SourceLocation } from './types.js';

export async function locateWorkload(report: FailureReport, index: RepoIndex, logger: Logger = silentLogger): Promise<LocateResult> {
  const context: SourceContext = {
    report,
    index,
    kind: report.workload.kind,
    name: report.workload.name,
    namespace: report.workload.namespace,
    hints: collectHints(report),
    scopes: findDeploymentScopes(index),
    logger,
  };
  const found = await Promise.all(SOURCE_MODULES.map((module) => module.findCandidates(context)));
  const candidates = found.flat();
  const workload = `${context.kind} ${context.namespace}/${context.name}`;
  if (candidates.length === 0) {
    logger.info({ workload }, 'no source found for the workload');
    return { found: null, reason: `no manifest, overlay, chart or HelmRelease in the repository renders ${workload}`, candidates: similarNames(context) };
  }
  const ranked = rankCandidates(candidates, context);
  const [best, ...rest] = ranked.map(withReasons);
  const tied = ranked.filter((entry) => compareScores(entry.scores, (ranked[0] as RankedCandidate).scores) === 0);
  if (best && tied.length > 1) {
    best.via.push(
      `ambiguous: ${tied.length} sources rank equally (${tied.map((entry) => entry.candidate.location.file).join(', ')}); picked ${best.file} only because it sorts first — confirm before merging`,
    );
  }
  logger.debug({ workload, candidates: candidates.length, file: best?.file }, 'workload located');
  const tiedFiles = [...new Set(tied.map((entry) => entry.candidate.location.file))].filter((file) => file !== best?.file);
  return { found: best as SourceLocation, alternatives: rest, ...(tiedFiles.length > 0 ? { ambiguousWith: tiedFiles } : {}) };
}

function withReasons(entry: RankedCandidate): SourceLocation {
  const location = entry.candidate.location;
  return { ...location, environment: entry.candidate.environment, via: [...entry.reasons, ...location.via] };
}

/** Same-kind workloads whose name shares a word with the wanted one: help for the issue body. */
function similarNames(context: SourceContext): string[] {
  const words = context.name.split('-').filter((word) => word.length > 2);
  return context.index.documents
    .filter((document) => document.kind === context.kind && words.some((word) => document.name.includes(word)))
    .map((document) => `${document.file}: ${document.kind}/${document.name}`)
    .slice(0, 10);
}
