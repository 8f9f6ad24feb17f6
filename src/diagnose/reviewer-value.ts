/**
 * A reviewer's hint that names a value: `/kubecure retry use 1Gi`, `use tag 1.4.2`, `use port 8080`.
 * The rules apply it without a model: the value replaces the one the rule chose, in the field the
 * rule would change (or, for memory and cpu, the failing container's limit).
 *
 * The value is trusted input from someone with write access, so it is not held to the automatic
 * step (`fixes.maxIncreaseFactor`); the hard ceilings (`fixes.maxMemory`, `fixes.maxCpu`) and every
 * other check still apply. Only a hint that is nothing but a value is read here: a hint with
 * reasons in it ("use 384Mi, the cache shrank") is free text, for the model.
 */
import type { FailureReport } from '../report/schema.js';
import type { Diagnosis, FieldChange } from './types.js';
import { formatImage, isFloatingTag, isPlaceholderTag, parseImageReference } from './rules/image-reference.js';

export type ReviewerValue = { kind: 'memory' | 'cpu'; value: string } | { kind: 'tag'; value: string } | { kind: 'port'; value: number };

const VERB = String.raw`(?:use|set|try)\s+`;
const MEMORY_QUANTITY = /^\d+(?:\.\d+)?(?:Ki|Mi|Gi|Ti|k|M|G|T)$/;
const CPU_QUANTITY = /^(?:\d+m|\d+(?:\.\d+)?)$/;
const TAG = /^[\w][\w.-]{0,127}$/;

const TAG_HINT = new RegExp(`^${VERB}(?:the\\s+)?(?:image\\s+)?tag\\s+(\\S+)$`, 'i');
const PORT_HINT = new RegExp(`^${VERB}(?:the\\s+)?(?:probe\\s+)?port\\s+(\\d{1,5})$`, 'i');
const QUANTITY_HINT = new RegExp(`^${VERB}(?:(memory|cpu)(?:\\s+(?:limit|request))?\\s+(?:of\\s+)?)?(\\S+?)(?:\\s+(?:of\\s+)?(memory|cpu))?$`, 'i');

/** The value a hint names, or null when the hint is anything more (or less) than a value. */
export function readReviewerValue(hint: string): ReviewerValue | null {
  const text = hint.trim().replace(/[.!]$/, '');
  const tag = TAG_HINT.exec(text)?.[1];
  if (tag !== undefined) return TAG.test(tag) && !isFloatingTag(tag) && !isPlaceholderTag(tag) ? { kind: 'tag', value: tag } : null;
  const port = PORT_HINT.exec(text)?.[1];
  if (port !== undefined) {
    const value = Number(port);
    return value >= 1 && value <= 65535 ? { kind: 'port', value } : null;
  }
  const quantity = QUANTITY_HINT.exec(text);
  if (!quantity) return null;
  const named = (quantity[1] ?? quantity[3])?.toLowerCase();
  const value = quantity[2]!;
  if (named === 'memory' || (named === undefined && MEMORY_QUANTITY.test(value))) return MEMORY_QUANTITY.test(value) ? { kind: 'memory', value } : null;
  // A bare number is ambiguous (cores? bytes?); millicores say cpu by themselves.
  if (named === 'cpu' || (named === undefined && /^\d+m$/.test(value))) return CPU_QUANTITY.test(value) ? { kind: 'cpu', value } : null;
  return null;
}

export function describeReviewerValue(wanted: ReviewerValue): string {
  return wanted.kind === 'tag' ? `tag ${wanted.value}` : wanted.kind === 'port' ? `port ${wanted.value}` : `${wanted.value} ${wanted.kind}`;
}

function containerImage(report: FailureReport, container: string): string | null {
  const containers = [report.pod.spec.containers, report.pod.spec.initContainers].flat().filter(Boolean) as { name?: unknown; image?: unknown }[];
  const image = containers.find((entry) => entry.name === container)?.image;
  return typeof image === 'string' ? image : null;
}

/** The rule's changes with the reviewer's value in them, or why the value has no field to go to. */
function changesWith(diagnosis: Diagnosis, wanted: ReviewerValue, report: FailureReport): FieldChange[] | string {
  const container = report.failure.container;
  if (wanted.kind === 'memory' || wanted.kind === 'cpu') {
    const matching = diagnosis.changes.filter((change) => change.path[0] === 'resources' && change.path[2] === wanted.kind);
    if (matching.length > 0) return matching.map((change) => ({ ...change, value: wanted.value }));
    if (!container) return `the report names no failing container to set ${wanted.kind} on`;
    return [{ fixKind: 'resources', container, path: ['resources', 'limits', wanted.kind], value: wanted.value }];
  }
  if (wanted.kind === 'port') {
    const matching = diagnosis.changes.filter((change) => change.fixKind === 'probes' && change.path[change.path.length - 1] === 'port');
    if (matching.length === 0) return 'the diagnosis changes no probe port';
    return matching.map((change) => ({ ...change, value: wanted.value }));
  }
  const imageChange = diagnosis.changes.find((change) => change.path.length === 1 && change.path[0] === 'image' && typeof change.value === 'string');
  const image = imageChange ? String(imageChange.previous ?? imageChange.value) : container ? containerImage(report, container) : null;
  if (!image || !container) return 'the report names no failing container image to retag';
  const { repository } = parseImageReference(image);
  return [{ fixKind: 'image', container: imageChange?.container ?? container, path: ['image'], value: formatImage(repository, wanted.value), previous: image }];
}

export type ReviewedDiagnosis = { ok: true; diagnosis: Diagnosis } | { ok: false; reason: string };

/**
 * The rule's diagnosis with the reviewer's value applied. The confidence is raised to the
 * threshold: the value is a decision a person with write access made, not a guess of KubeCure's.
 */
export function applyReviewerValue(diagnosis: Diagnosis, wanted: ReviewerValue, report: FailureReport, threshold: number): ReviewedDiagnosis {
  const changes = changesWith(diagnosis, wanted, report);
  const described = describeReviewerValue(wanted);
  if (typeof changes === 'string') return { ok: false, reason: `The hint "use ${described}" was not applied: ${changes}.` };
  return {
    ok: true,
    diagnosis: {
      ...diagnosis,
      changes,
      confidence: Math.max(diagnosis.confidence, threshold),
      rationale: `A reviewer with write access asked for ${described}; KubeCure applied it as given, within the repository's hard limits (fixes.maxMemory, fixes.maxCpu) rather than its own step (fixes.maxIncreaseFactor).`,
      question: undefined,
    },
  };
}
