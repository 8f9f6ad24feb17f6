/**
 * Just enough understanding of Helm templates to locate and read a workload without running
 * helm: which template renders a kind, which `.Values` path feeds each container field, and a
 * small renderer for the common template shapes (`.Values` lookups, `toYaml … | nindent`,
 * `if`/`with` blocks). Anything fancier renders as empty, never as a guess.
 */
import { parse as parseYaml, stringify } from 'yaml';
import type { Path } from './pod-template.js';
import { getIn } from './pod-template.js';
import { isRecord } from './yaml-read.js';

export interface RenderContext {
  values: Record<string, unknown>;
  releaseName: string;
  namespace: string | null;
  chartName: string;
  appVersion: string;
  /** What the chart's `fullname` helper would produce. */
  fullname: string;
}

/** Splits a template file into its documents (`---` separators). */
export function templateDocuments(text: string): string[] {
  return text.split(/^---[^\n]*$/m).filter((document) => /\S/.test(document));
}

export function templateKind(document: string): string | null {
  return document.match(/^kind:\s*["']?([A-Za-z0-9]+)["']?\s*$/m)?.[1] ?? null;
}

/** `.Values.image.tag` → ['image', 'tag']. */
function valuesPath(reference: string): Path | null {
  const match = reference.match(/^\$?\.Values((?:\.[A-Za-z0-9_-]+)*)$/);
  return match ? (match[1] ?? '').split('.').filter(Boolean) : null;
}

const VALUES_REFERENCE = /\$?\.Values(?:\.[A-Za-z0-9_-]+)+/g;

export type Binding = { ok: true; valuesPath: Path; rest: Path; kind: 'field' } | { ok: true; kind: 'image'; parts: ImageParts } | { ok: false; reason: string };

export interface ImageParts {
  registry: Path | null;
  repository: Path | null;
  tag: Path | null;
  /** A single value holding the whole `repo:tag`. */
  whole: Path | null;
}

export interface Line {
  text: string;
  indent: number;
  /** The line is only a template action (`{{- with … }}`): it says nothing about YAML structure. */
  actionOnly: boolean;
}

export function toLines(document: string): Line[] {
  return document.split('\n').map((text) => ({
    text,
    indent: text.length - text.trimStart().length,
    actionOnly: /^\s*\{\{.*\}\}\s*$/.test(text) && !/^\s*[\w.-]+:/.test(text),
  }));
}

/** The lines of the container named `container` (or the only container), under containers/initContainers. */
export function containerSegment(document: string, container: string, nameOf: (expression: string) => string | null, strict = false): Line[] | null {
  const lines = toLines(document);
  const segments: Line[][] = [];
  lines.forEach((line, position) => {
    if (!/^\s*(containers|initContainers):\s*$/.test(line.text)) return;
    let itemIndent = -1;
    let current: Line[] | null = null;
    for (const next of lines.slice(position + 1)) {
      if (next.actionOnly || next.text.trim() === '' || next.text.trim().startsWith('#')) {
        current?.push(next);
        continue;
      }
      if (itemIndent < 0 && next.text.trimStart().startsWith('-')) itemIndent = next.indent;
      if (next.indent < itemIndent || (itemIndent < 0 && next.indent <= line.indent)) break;
      if (next.indent === itemIndent && next.text.trimStart().startsWith('-')) {
        current = [];
        segments.push(current);
      }
      current?.push(next);
    }
  });
  const named = segments.find((segment) => {
    const nameLine = segment.find((line) => /^\s*-?\s*name:/.test(line.text) && line.indent <= (segment[0]?.indent ?? 0) + 2);
    const expression = nameLine?.text.replace(/^\s*-?\s*name:\s*/, '').trim() ?? '';
    return nameOf(expression) === container;
  });
  if (named) return named;
  // A lone container whose name is not readable is still the one, unless the caller must be sure.
  return segments.length === 1 && !strict ? (segments[0] ?? null) : null;
}

/** Finds which values feed `field` of a container in a template segment. */
export function bindField(segment: Line[], field: string, rest: Path, podLevel = false): Binding {
  const fieldIndent = podLevel ? Number.MAX_SAFE_INTEGER : (segment[0]?.indent ?? 0) + 2;
  const keyPattern = new RegExp(`^\\s*(?:-\\s*)?${escapeRegExp(field)}:(.*)$`);
  const position = segment.findIndex((line) => keyPattern.test(line.text) && line.indent <= fieldIndent);
  if (position < 0) {
    // A field the template never writes has no values hook to edit.
    return { ok: false, reason: `the template does not set ${field} for this container; templates are never edited` };
  }
  const line = segment[position] as Line;
  const inline = line.text.match(keyPattern)?.[1] ?? '';
  if (field === 'image') return imageBinding(inline);
  const block = [line, ...linesUnder(segment, position)];
  for (const candidate of block) {
    const toYaml = candidate.text.match(/toYaml\s+(\$?\.[A-Za-z0-9_.-]*)/);
    if (toYaml?.[1]) {
      const path = toYaml[1] === '.' ? withPathBefore(segment, position) : valuesPath(toYaml[1]);
      if (path) return { ok: true, kind: 'field', valuesPath: path, rest };
    }
  }
  const scalar = inline.match(VALUES_REFERENCE)?.[0];
  if (scalar && rest.length === 0) return { ok: true, kind: 'field', valuesPath: valuesPath(scalar) ?? [], rest: [] };
  // A literal block with a `.Values` leaf: `memory: {{ .Values.memoryLimit }}`.
  const leaf = rest[rest.length - 1];
  if (typeof leaf === 'string') {
    const leafLine = block.find((candidate) => new RegExp(`^\\s*${escapeRegExp(leaf)}:.*\\.Values\\.`).test(candidate.text));
    const reference = leafLine?.text.match(VALUES_REFERENCE)?.[0];
    if (reference) return { ok: true, kind: 'field', valuesPath: valuesPath(reference) ?? [], rest: [] };
  }
  return { ok: false, reason: `${field} is written literally in the template; templates are never edited` };
}

/** The lines nested under the key at `position`: more indented ones, blanks and template actions. */
function linesUnder(segment: Line[], position: number): Line[] {
  const key = segment[position] as Line;
  const nested: Line[] = [];
  for (const line of segment.slice(position + 1)) {
    if (!line.actionOnly && line.text.trim() !== '' && line.indent <= key.indent) break;
    nested.push(line);
  }
  return nested;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `{{- with .Values.resources }}` just above the key gives the path of `toYaml .`. */
function withPathBefore(segment: Line[], position: number): Path | null {
  for (let i = position; i >= Math.max(0, position - 3); i -= 1) {
    const reference = segment[i]?.text.match(/with\s+(\$?\.Values[A-Za-z0-9_.-]*)/)?.[1];
    if (reference) return valuesPath(reference);
  }
  return null;
}

function imageBinding(expression: string): Binding {
  const references = [...expression.matchAll(/\{\{-?\s*([^}]*?)\s*-?\}\}/g)].map((match) => match[1] ?? '');
  const parts: ImageParts = { registry: null, repository: null, tag: null, whole: null };
  const pathOf = (action: string): Path | null => {
    const reference = action.match(VALUES_REFERENCE)?.[0];
    return reference ? valuesPath(reference) : null;
  };
  const colonAfter = expression.lastIndexOf(':');
  for (const action of references) {
    const path = pathOf(action);
    if (!path) continue;
    const leaf = String(path[path.length - 1] ?? '').toLowerCase();
    const afterColon = expression.indexOf(action) > colonAfter && colonAfter >= 0;
    if (/tag|version/.test(leaf) || afterColon) parts.tag = path;
    else if (/registry|host/.test(leaf)) parts.registry = path;
    else parts.repository = path;
  }
  if (!parts.tag && parts.repository && !parts.registry && references.length === 1) {
    return { ok: true, kind: 'image', parts: { registry: null, repository: null, tag: null, whole: parts.repository } };
  }
  if (!parts.tag && !parts.repository) return { ok: false, reason: 'the image is written literally in the template; templates are never edited' };
  return { ok: true, kind: 'image', parts };
}

function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '' || value === 0) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
  return true;
}

/** Evaluates the pipelines the renderer understands; everything else is undefined. */
function evaluate(expression: string, context: RenderContext, dot: unknown): unknown {
  const stages = expression.split('|').map((stage) => stage.trim());
  let value = evaluateTerm(stages[0] ?? '', context, dot);
  for (const stage of stages.slice(1)) {
    const [name, ...args] = stage.split(/\s+/);
    if (name === 'default' && !truthy(value)) value = evaluateTerm(args.join(' '), context, dot);
    else if (name === 'quote' || name === 'toString') value = value === undefined ? '' : String(value);
    else if (name === 'trunc' || name === 'trimSuffix' || name === 'lower' || name === 'upper' || name === 'int') continue;
  }
  return value;
}

function evaluateTerm(term: string, context: RenderContext, dot: unknown): unknown {
  const trimmed = term.trim();
  if (/^".*"$/.test(trimmed)) return trimmed.slice(1, -1);
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (/^(include|template)\s/.test(trimmed)) return /fullname/.test(trimmed) ? context.fullname : /\.name"/.test(trimmed) ? context.chartName : undefined;
  if (trimmed.startsWith('not ')) return !truthy(evaluateTerm(trimmed.slice(4), context, dot));
  if (trimmed.startsWith('default ')) {
    const [, fallback, ...rest] = trimmed.split(/\s+/);
    const value = evaluateTerm(rest.join(' '), context, dot);
    return truthy(value) ? value : evaluateTerm(fallback ?? '', context, dot);
  }
  const builtins: Record<string, unknown> = {
    '.Chart.Name': context.chartName,
    '.Chart.AppVersion': context.appVersion,
    '.Release.Name': context.releaseName,
    '.Release.Namespace': context.namespace ?? undefined,
  };
  const normalized = trimmed.replace(/^\$/, '');
  if (normalized in builtins) return builtins[normalized];
  const path = valuesPath(normalized);
  if (path) return getIn(context.values, path);
  if (normalized === '.') return dot;
  if (/^\.[A-Za-z0-9_.]+$/.test(normalized)) return getIn(dot, normalized.slice(1).split('.'));
  return undefined;
}

function asYamlBlock(value: unknown, indent: number): string[] {
  if (value === undefined || value === null) return [];
  const text = stringify(value, { lineWidth: 0 }).trimEnd();
  return text.split('\n').map((line) => `${' '.repeat(indent)}${line}`);
}

function inlineText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

interface Frame {
  active: boolean;
  taken: boolean;
  dot?: unknown;
}

/** Renders one template document; null when the result is not a YAML object. */
export function renderTemplate(document: string, context: RenderContext): Record<string, unknown> | null {
  const output: string[] = [];
  const stack: Frame[] = [];
  const active = (): boolean => stack.every((frame) => frame.active);
  const dot = (): unknown => [...stack].reverse().find((frame) => 'dot' in frame)?.dot ?? context;
  for (const line of document.split('\n')) {
    const action = line.match(/^\s*\{\{-?\s*(.*?)\s*-?\}\}\s*$/)?.[1];
    if (action !== undefined && !/^\s*[\w.-]+:/.test(line)) {
      const [keyword] = action.split(/\s+/);
      const rest = action.slice((keyword ?? '').length).trim();
      if (keyword === 'if' || keyword === 'with') {
        const value = evaluate(rest, context, dot());
        const frame: Frame = { active: truthy(value), taken: truthy(value) };
        if (keyword === 'with') frame.dot = value;
        stack.push(frame);
      } else if (keyword === 'range' || keyword === 'define' || keyword === 'block') {
        stack.push({ active: false, taken: true });
      } else if (keyword === 'else') {
        const frame = stack[stack.length - 1];
        if (frame) {
          const condition = rest.startsWith('if ') ? truthy(evaluate(rest.slice(3), context, dot())) : true;
          frame.active = !frame.taken && condition;
          frame.taken ||= frame.active;
        }
      } else if (keyword === 'end') {
        stack.pop();
      } else if (active()) {
        const toYaml = action.match(/^toYaml\s+(\S+)\s*\|\s*(n?indent)\s+(\d+)/);
        if (toYaml) output.push(...asYamlBlock(evaluate(toYaml[1] ?? '', context, dot()), Number(toYaml[3])));
      }
      continue;
    }
    if (!active()) continue;
    const keyWithBlock = line.match(/^(\s*(?:-\s*)?[\w.-]+:)\s*\{\{-?\s*toYaml\s+(\S+)\s*\|\s*n?indent\s+(\d+)\s*-?\}\}\s*$/);
    if (keyWithBlock) {
      output.push(keyWithBlock[1] ?? '', ...asYamlBlock(evaluate(keyWithBlock[2] ?? '', context, dot()), Number(keyWithBlock[3])));
      continue;
    }
    output.push(line.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_, expression: string) => inlineText(evaluate(expression, context, dot()))));
  }
  try {
    const rendered: unknown = parseYaml(output.join('\n'), { uniqueKeys: false });
    return isRecord(rendered) ? rendered : null;
  } catch {
    return null;
  }
}
