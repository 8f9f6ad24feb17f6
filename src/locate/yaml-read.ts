/**
 * Reading YAML files of a repository as plain JavaScript values. Parsing is lenient about what a
 * file contains and strict about syntax: a file with any syntax error yields nothing, so it is
 * never mistaken for a manifest and never rewritten.
 */
import { parseAllDocuments } from 'yaml';
import type { RepoIndex } from './types.js';
import { fastParseDocuments } from './fast-yaml.js';

export type YamlValues = unknown[];

export function isYamlFile(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * A Helm template is a file under the `templates/` directory of a chart (a directory holding
 * `Chart.yaml`): its text is not YAML until rendered. What a file is decides, not what it
 * contains: `{{PROJECT_ID}}` inside a shell command of a plain manifest is just text.
 */
export function isChartTemplate(file: string, files: ReadonlySet<string>): boolean {
  const segments = file.split('/');
  for (let position = segments.length - 2; position >= 0; position -= 1) {
    if (segments[position] !== 'templates') continue;
    const chartDir = segments.slice(0, position).join('/');
    if (files.has(chartDir === '' ? 'Chart.yaml' : `${chartDir}/Chart.yaml`)) return true;
  }
  return false;
}

/** Why a file that failed to parse was skipped: Go-template actions outside a chart are named as such. */
export function skipReason(file: string, text: string, error: string): string {
  const templated = text.includes('{{') ? ' (it contains Go-template actions but is not under a chart\'s templates/ directory)' : '';
  return `${file}: skipped, not valid YAML${templated} (${error})`;
}

export type ParsedYaml = { ok: true; documents: YamlValues } | { ok: false; error: string };

export function parseYamlText(text: string): ParsedYaml {
  const fast = fastParseDocuments(text);
  if (fast !== null) return { ok: true, documents: fast };
  // `uniqueKeys: false`: duplicated keys occur in hand-written manifests and Kubernetes keeps the last one.
  const documents = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [documents];
  const values: unknown[] = [];
  for (const document of list) {
    const error = document.errors[0];
    if (error) return { ok: false, error: error.message.split('\n')[0] ?? 'invalid YAML' };
    values.push(document.toJS({ maxAliasCount: 1000 }));
  }
  return { ok: true, documents: values };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

const fileSets = new WeakMap<RepoIndex, ReadonlySet<string>>();

/** The index's file list as a set, built once per index. */
export function filesOf(index: RepoIndex): ReadonlySet<string> {
  let files = fileSets.get(index);
  if (!files) {
    files = new Set(index.files);
    fileSets.set(index, files);
  }
  return files;
}

/** Parsed documents per file, shared by every stage that reads the same index. */
const parsedByIndex = new WeakMap<RepoIndex, Map<string, YamlValues | null>>();

export function rememberParsed(index: RepoIndex, file: string, documents: YamlValues | null): void {
  let cache = parsedByIndex.get(index);
  if (!cache) {
    cache = new Map();
    parsedByIndex.set(index, cache);
  }
  cache.set(file, documents);
}

/** The file's documents as JavaScript values, or null when it is missing, a template or broken. */
export async function readYamlDocuments(index: RepoIndex, file: string): Promise<YamlValues | null> {
  const cached = parsedByIndex.get(index)?.get(file);
  if (cached !== undefined) return cached;
  const text = await index.readFile(file);
  const parsed = text === null || isChartTemplate(file, filesOf(index)) ? null : parseYamlText(text);
  const documents = parsed?.ok ? parsed.documents : null;
  rememberParsed(index, file, documents);
  return documents;
}

/** The first document of a file that holds a single map (kustomization.yaml, values.yaml). */
export async function readYamlMap(index: RepoIndex, file: string): Promise<Record<string, unknown> | null> {
  const documents = await readYamlDocuments(index, file);
  const first = documents?.find((document) => document !== null && document !== undefined);
  return isRecord(first) ? first : null;
}
