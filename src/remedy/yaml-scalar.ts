/**
 * Writing scalar values as YAML text that every reader agrees on. Kubernetes decodes manifests
 * with YAML 1.1 rules (go-yaml v2), where `yes`, `on`, `0755`, `1e3` or `1.10` are not strings, so
 * a new string is written plain only when YAML 1.1 and 1.2 readers both read it back unchanged.
 */
import { parseDocument, isScalar, type Scalar } from 'yaml';

export type YamlScalarValue = string | number | boolean | null;

/** Strings some YAML 1.1 reader turns into something else, beyond what the `yaml` 1.1 schema knows. */
const YAML_11_SPECIALS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
const NUMBER_LIKE = /^[-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$/;
const PREFIXED_NUMBER = /^[-+]?0[xXoObB]/;
const SPECIAL_FLOAT = /^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$/;
const TIMESTAMP_LIKE = /^\d{4}-\d{1,2}-\d{1,2}/;
const FLOW_INDICATORS = /[,[\]{}]/;

function readsBackAs(text: string, version: '1.1' | '1.2'): unknown {
  const document = parseDocument(text, { version, logLevel: 'silent' });
  if (document.errors.length > 0 || document.warnings.length > 0) return Symbol('unreadable');
  return isScalar(document.contents) ? document.contents.value : Symbol('not a scalar');
}

/** True when the string can be written without quotes anywhere a value or key may stand. */
export function isSafePlain(value: string, inFlow: boolean): boolean {
  if (value === '' || value !== value.trim() || /[\n\r\t]/.test(value)) return false;
  if (YAML_11_SPECIALS.test(value) || NUMBER_LIKE.test(value) || PREFIXED_NUMBER.test(value)) return false;
  if (SPECIAL_FLOAT.test(value) || TIMESTAMP_LIKE.test(value)) return false;
  if (inFlow && FLOW_INDICATORS.test(value)) return false;
  return readsBackAs(value, '1.1') === value && readsBackAs(value, '1.2') === value;
}

/** JSON string escapes are all valid YAML double-quoted escapes. */
export function doubleQuoted(value: string): string {
  return JSON.stringify(value);
}

export function singleQuoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`${value} cannot be written to a Kubernetes manifest`);
  return String(value);
}

/** A new scalar in the file's neutral style: plain when unambiguous, double-quoted otherwise. */
export function renderNewScalar(value: YamlScalarValue, inFlow: boolean): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return String(value);
  return isSafePlain(value, inFlow) ? value : doubleQuoted(value);
}

export function renderKey(key: string): string {
  return isSafePlain(key, true) ? key : doubleQuoted(key);
}

/**
 * The text that replaces an existing scalar. A quoted scalar stays quoted in the same style (the
 * author chose a string there: `"8080"` in an env value must stay a string); a plain one takes
 * the neutral style. Block scalars are handled by the caller.
 */
export function renderReplacement(previous: Scalar, value: YamlScalarValue, inFlow: boolean): string {
  if (value === null) return 'null';
  const text = typeof value === 'number' ? numberText(value) : String(value);
  if (previous.type === 'QUOTE_DOUBLE') return doubleQuoted(text);
  if (previous.type === 'QUOTE_SINGLE') return text.includes('\n') ? doubleQuoted(text) : singleQuoted(text);
  return renderNewScalar(value, inFlow);
}

/**
 * A literal block scalar (`|`) whose content lines start at `indent`, ending with a line break.
 * Returns null when the value cannot be a literal block (leading spaces would need an indicator).
 */
export function renderLiteralBlock(value: string, indent: number, eol: string): string | null {
  if (/^[ \t]/.test(value) || value.includes('\r')) return null;
  const endsWithNewline = value.endsWith('\n');
  const keep = value.endsWith('\n\n');
  const chomping = keep ? '+' : endsWithNewline ? '' : '-';
  const content = endsWithNewline ? value.slice(0, -1) : value;
  const pad = ' '.repeat(indent);
  const lines = content.split('\n').map((line) => (line === '' ? '' : `${pad}${line}`));
  return `|${chomping}${eol}${lines.join(eol)}${eol}`;
}
