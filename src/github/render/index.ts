/**
 * The body of a KubeCure pull request or issue, composed from one small renderer per section
 * and ending with the hidden marker that makes the thread findable by fingerprint.
 */
import type { Remediation } from '../../outcome.js';
import { encodeMarker } from '../marker.js';
import { changeIdentityOf } from '../change-identity.js';
import { messages } from '../messages.js';
import { renderChange } from './change.js';
import { renderCommands } from './commands.js';
import { renderConfidence } from './confidence.js';
import { renderDecision, renderNotes } from './decide.js';
import { renderEvidence } from './evidence.js';
import { renderFailureTable } from './failure-table.js';
import { renderRootCause } from './root-cause.js';
import { renderSummary } from './summary.js';
import { renderTitle } from './title.js';
import { renderValidation } from './validation.js';

export { renderTitle, actionPhrase } from './title.js';

/** GitHub rejects bodies over 65,536 characters; stay clear of it as Renovate does. */
export const MAX_BODY_CHARS = 60_000;

export interface RenderOptions {
  dryRun?: boolean;
  occurrences?: number;
  firstSeen?: string;
  lastSeen?: string;
  /** Render as this kind even if the decision differs (a pull request held back by a limit). */
  kind?: 'pull_request' | 'issue';
  /** Extra reasons shown under "what a human must decide" (e.g. a limit that held a PR back). */
  extraReasons?: string[];
  /** Blob SHA of the target manifest, recorded in the marker for closed-PR suppression. */
  manifestSha?: string;
  createdAt?: string;
  /** The "Blast radius" section of a root cause: the workloads failing because of it. */
  blastRadius?: string;
}

export interface RenderedThread {
  title: string;
  body: string;
  kind: 'pull_request' | 'issue';
}

export function renderThread(remediation: Remediation, options: RenderOptions = {}): RenderedThread {
  const kind = options.kind ?? remediation.outcome.decision;
  const { report } = remediation;
  const seen = {
    occurrences: options.occurrences ?? report.occurrences,
    firstSeen: options.firstSeen ?? report.firstSeen ?? report.observedAt,
    lastSeen: options.lastSeen ?? report.observedAt,
  };
  const withReasons: Remediation = options.extraReasons?.length
    ? { ...remediation, reasons: [...options.extraReasons, ...remediation.reasons] }
    : remediation;
  const marker = encodeMarker({
    fingerprint: remediation.fingerprint,
    thread: kind,
    report,
    manifestSha: options.manifestSha,
    targetFile: remediation.outcome.target?.file,
    diagnosedBy: remediation.outcome.diagnosedBy,
    changeId: remediation.outcome.changes.length > 0 ? changeIdentityOf(remediation.outcome.changes) : undefined,
    createdAt: options.createdAt ?? new Date().toISOString(),
  });
  const sections = {
    summary: renderSummary(remediation, options.dryRun ?? false),
    failure: renderFailureTable(remediation, seen),
    rootCause: renderRootCause(remediation),
    blastRadius: options.blastRadius ?? '',
    evidence: renderEvidence(remediation),
    decide: kind === 'issue' ? renderDecision(withReasons) : '',
    change: renderChange(remediation, kind),
    validation: renderValidation(remediation),
    confidence: renderConfidence(remediation),
    notes: renderNotes(remediation),
    commands: renderCommands(kind),
  };
  return { title: renderTitle(remediation, kind), body: fitBody(sections, marker), kind };
}

/** Joins the sections; when too long, shortens the bulkiest (evidence, then the diff) first. */
function fitBody(sections: Record<string, string>, marker: string): string {
  const join = () => [...Object.values(sections).filter((section) => section !== ''), marker].join('\n\n') + '\n';
  let body = join();
  for (const bulky of ['evidence', 'change', 'notes']) {
    if (body.length <= MAX_BODY_CHARS) break;
    const excess = body.length - MAX_BODY_CHARS + messages.truncated.length + 100;
    const section = sections[bulky] ?? '';
    sections[bulky] = section.length > excess ? `${section.slice(0, section.length - excess)}\n\n${messages.truncated}\n\n</details>` : messages.truncated;
    body = join();
  }
  return body;
}
