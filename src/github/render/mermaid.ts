/**
 * Pictures where people would rather look than read: a cascade's blast radius as a Mermaid
 * flowchart and a container's memory against its old and new limit as a Mermaid xychart. GitHub
 * renders both; each falls back to a table when its data is missing.
 *
 * Labels come from reports (names, log evidence), which are untrusted: node ids are generated, and
 * label text keeps only an allowlist of characters, so nothing can close a label, start a directive
 * (`%%{init}`), open a markdown string or inject HTML.
 */
import { formatMemory, parseQuantity } from '../../kube/quantity.js';

const MAX_LABEL_CHARS = 80;
/** Beyond this many dependents the chart stops being a picture; the table beside it lists them all. */
export const MAX_DIAGRAM_DEPENDENTS = 15;
/** xychart needs a point per sample; more than this is resampled to keep the axis readable. */
const MAX_CHART_POINTS = 30;

/** Text safe inside a quoted Mermaid label: letters, digits, spaces and a few punctuation marks. */
export function mermaidText(untrusted: string): string {
  const kept = untrusted
    .replace(/[^A-Za-z0-9 ._:/@(),=+-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return kept.length > MAX_LABEL_CHARS ? `${kept.slice(0, MAX_LABEL_CHARS - 1)}…` : kept;
}

export interface DiagramDependent {
  /** `namespace/name`, with its failure, e.g. `shop/frontend CrashLoopBackOff`. */
  label: string;
  /** What ties it to the root, e.g. `dial tcp 10.96.12.34:7070: connection refused`. */
  evidence: string;
}

/** A flowchart from the root cause to each dependent, the evidence on the edge; null without dependents. */
export function blastRadiusFlowchart(root: string, dependents: DiagramDependent[]): string | null {
  if (dependents.length === 0) return null;
  const shown = dependents.slice(0, MAX_DIAGRAM_DEPENDENTS);
  const lines = ['flowchart LR', `  root["${mermaidText(root)}"]`];
  shown.forEach((dependent, index) => {
    const evidence = mermaidText(dependent.evidence);
    const edge = evidence ? `-->|"${evidence}"|` : '-->';
    lines.push(`  root ${edge} d${index}["${mermaidText(dependent.label)}"]`);
  });
  if (dependents.length > shown.length) lines.push(`  root -.-> more["and ${dependents.length - shown.length} more"]`);
  lines.push('  classDef rootCause stroke:#d93f0b,stroke-width:3px', '  class root rootCause');
  return block(lines);
}

export interface MemorySample {
  /** ISO time of the sample. */
  at: string;
  /** A Kubernetes quantity, e.g. `251Mi`. */
  memory: string;
}

export interface MemoryChartInput {
  container: string;
  samples: MemorySample[];
  oldLimit: string;
  newLimit: string;
}

/**
 * Memory usage against the old and new limit: an xychart when there are at least two samples, a
 * table when there is one, nothing when there are none or a quantity does not parse.
 */
export function memoryUsageSection(input: MemoryChartInput): string {
  const oldLimit = parseQuantity(input.oldLimit);
  const newLimit = parseQuantity(input.newLimit);
  const samples = input.samples
    .map((sample) => ({ at: sample.at, bytes: parseQuantity(sample.memory) }))
    .filter((sample): sample is { at: string; bytes: number } => sample.bytes !== null && !Number.isNaN(Date.parse(sample.at)))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (oldLimit === null || newLimit === null || samples.length === 0) return '';
  if (samples.length === 1) return memoryTable(samples, input.oldLimit, input.newLimit);

  const points = resample(samples, MAX_CHART_POINTS);
  const mib = (bytes: number) => Math.round(bytes / 1024 ** 2);
  const top = Math.ceil((Math.max(newLimit, oldLimit, ...points.map((point) => point.bytes)) / 1024 ** 2) * 1.1);
  const lines = [
    'xychart-beta',
    `  title "Memory of container ${mermaidText(input.container)} (MiB)"`,
    `  x-axis [${points.map((point) => `"${clockTime(point.at)}"`).join(', ')}]`,
    `  y-axis "MiB" 0 --> ${top}`,
    `  line [${points.map((point) => mib(point.bytes)).join(', ')}]`,
    `  line [${points.map(() => mib(oldLimit)).join(', ')}]`,
    `  line [${points.map(() => mib(newLimit)).join(', ')}]`,
  ];
  return `${block(lines)}\n\nLines, from the data up: memory used, the old limit (${formatMemory(oldLimit)}), the new limit (${formatMemory(newLimit)}).`;
}

function memoryTable(samples: Array<{ at: string; bytes: number }>, oldLimit: string, newLimit: string): string {
  // Usage is shown as measured, in MiB; formatMemory rounds up to a limit-worthy value.
  const rows = samples.map((sample) => `| ${new Date(sample.at).toISOString()} | ${Math.round(sample.bytes / 1024 ** 2)}Mi |`);
  return ['| time | memory used |', '| --- | --- |', ...rows, '', `Old limit ${mermaidText(oldLimit)}, new limit ${mermaidText(newLimit)}.`].join('\n');
}

/** Evenly spaced samples, always keeping the last (the one closest to the kill). */
function resample<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const step = (items.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, index) => items[Math.round(index * step)]!);
}

function clockTime(iso: string): string {
  return new Date(iso).toISOString().slice(11, 19);
}

function block(lines: string[]): string {
  return ['```mermaid', ...lines, '```'].join('\n');
}
