/**
 * The configuration reference in the README, generated from the same JSON schema editors use,
 * so the documentation cannot drift from what the App accepts:
 * `tsx src/config/reference.ts README.md` rewrites the block between the config-reference markers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { repoConfigJsonSchema } from './print-schema.js';

export const REFERENCE_START = '<!-- config-reference:start -->';
export const REFERENCE_END = '<!-- config-reference:end -->';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  if (schema.type === 'array' && schema.items) {
    const items = schema.items.enum ? `(${typeOf(schema.items)})` : typeOf(schema.items);
    return `list of ${items}`;
  }
  const base = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
  const bounded = schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER;
  const range = schema.minimum === undefined ? '' : bounded ? ` ${schema.minimum}–${schema.maximum}` : ` ≥ ${schema.minimum}`;
  return base + range;
}

function defaultOf(schema: JsonSchema): string {
  if (schema.default === undefined) return '—';
  return `\`${JSON.stringify(schema.default)}\``;
}

/** Keeps a description's pipes and angle brackets from turning into markdown or HTML. */
function escapeText(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function rows(properties: Record<string, JsonSchema>, prefix: string): string[] {
  return Object.entries(properties).flatMap(([key, schema]) => {
    const name = `${prefix}${key}`;
    if (schema.type === 'object' && schema.properties) return rows(schema.properties, `${name}.`);
    return [`| \`${name}\` | ${typeOf(schema)} | ${defaultOf(schema)} | ${escapeText(schema.description ?? '')} |`];
  });
}

export function configReferenceMarkdown(): string {
  const schema = repoConfigJsonSchema() as JsonSchema;
  return [
    'Every key is optional except `clusters` (a repository with no file, or whose file lists no cluster, gets',
    'nothing; the owner\'s `.github` repository file alone does not opt a repository in, an explicit `_extends` in',
    'the repository\'s own file does). The JSON schema for editor autocomplete is [`src/config/kubecure.schema.json`](src/config/kubecure.schema.json).',
    '',
    '```yaml',
    '# .github/kubecure.yml',
    'clusters: [prod-eu]',
    'paths: [clusters/prod-eu, apps]',
    'threshold: 80',
    'fixes:',
    '  allowed: [resources, image, env, probes, config-reference]',
    '  maxMemory: 4Gi',
    'reviewers: [alice]',
    'protectedNamespaces: [kube-system, payments]',
    '```',
    '',
    '| Key | Type | Default | Meaning |',
    '| --- | --- | --- | --- |',
    ...rows(schema.properties ?? {}, ''),
  ].join('\n');
}

/** `text` with the block between the markers replaced by `content`. */
export function replaceBlock(text: string, start: string, end: string, content: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to < from) throw new Error(`markers ${start} … ${end} not found`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2]) {
  const readme = process.argv[2];
  writeFileSync(readme, replaceBlock(readFileSync(readme, 'utf8'), REFERENCE_START, REFERENCE_END, configReferenceMarkdown()));
}
