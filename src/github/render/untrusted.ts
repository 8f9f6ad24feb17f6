/**
 * The one way untrusted text reaches GitHub. Log lines, event messages, names from a cluster
 * (workloads, namespaces, containers, images), repository content and everything a model writes
 * (summary, root cause, rationale, explanation) are attacker-controlled: rendered as markdown they
 * could ping people (`@org/team`), link elsewhere (`#123`, URLs), show images, inject HTML, or open
 * an HTML comment (`<!--`) that hides the real diff and validation table from reviewers.
 *
 * Allowlist by construction: text is `Markdown` only when KubeCure wrote it or one of the
 * escapers below produced it. Templates built with `md` accept only `Markdown` and numbers as
 * interpolations, so a raw string cannot be interpolated by accident (the type checker refuses
 * it, and at run time a stray string is escaped as plain text rather than trusted).
 *
 * Every escaper here returns text that GitHub renders literally: no mention, reference, link,
 * image, autolink, HTML element or comment can be formed from its input.
 */

const ZERO_WIDTH_SPACE = '\u200b';

/** Markdown KubeCure vouches for: its own wording, or untrusted text after escaping. */
export class Markdown {
  private constructor(readonly text: string) {}

  /** KubeCure's own wording (constants in messages.ts). Never call it with report or model text. */
  static trusted(text: string): Markdown {
    return new Markdown(text);
  }

  toString(): string {
    return this.text;
  }
}

export type Interpolation = Markdown | number;

/**
 * A markdown template. Interpolations must be `Markdown` (KubeCure's own or escaped) or numbers;
 * anything else that slips past the type checker is escaped as plain text.
 */
export function md(strings: TemplateStringsArray, ...values: Interpolation[]): Markdown {
  let result = strings[0] ?? '';
  values.forEach((value, index) => {
    result += asMarkdown(value).text + (strings[index + 1] ?? '');
  });
  return Markdown.trusted(result);
}

function asMarkdown(value: unknown): Markdown {
  if (value instanceof Markdown) return value;
  if (typeof value === 'number') return Markdown.trusted(String(value));
  return text(String(value));
}

/** Joins markdown pieces; separators are KubeCure's own text. */
export function joinMarkdown(parts: readonly Markdown[], separator = '\n'): Markdown {
  return Markdown.trusted(parts.map((part) => part.text).join(separator));
}

/** Control characters other than newline and tab: they can hide text from a reviewer. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `@name` and `@org/team` mention and notify; `#123`, `GH-123` and `owner/repo#123` link to
 * threads. A zero-width space after `@` or `#` reads the same and is linked by nothing.
 */
function neutralizeReferences(value: string): string {
  return value.replace(/@/g, `@${ZERO_WIDTH_SPACE}`).replace(/#/g, `#${ZERO_WIDTH_SPACE}`).replace(/\b(GH)-(\d)/gi, `$1-${ZERO_WIDTH_SPACE}$2`);
}

/** GitHub autolinks `scheme://…` and `www.…` even without markdown link syntax. */
function breakAutolinks(value: string): string {
  return value.replace(/:\/\//g, `:${ZERO_WIDTH_SPACE}//`).replace(/\bwww\./gi, (match) => `${match.slice(0, 3)}${ZERO_WIDTH_SPACE}.`);
}

/**
 * The characters that can open inline markdown (emphasis, code, links, images, HTML, entities,
 * tables, strikethrough) are backslash-escaped wherever they appear; the ones that only mean
 * something at the start of a line (headings, quotes, lists, rules, and `/` that would start a
 * `/kubecure` command line) are escaped there. Other
 * punctuation stays as written, so ordinary prose reads the same in the raw body.
 */
function escapePunctuation(value: string): string {
  return value
    .replace(/[\\`*_[\]<>!|~&]/g, (char) => `\\${char}`)
    .replace(/^(\s*)([#>+=/-]|\d{1,9}(?=[.)]))/, (_match, indent: string, opener: string) => (/^\d/.test(opener) ? `${indent}${opener}\\` : `${indent}\\${opener}`));
}

/** Untrusted prose shown as ordinary text (a model's summary, a refusal reason). Keeps line breaks. */
export function text(untrusted: string): Markdown {
  const lines = String(untrusted ?? '').replace(/\r\n?/g, '\n').replace(CONTROL, '').split('\n');
  return Markdown.trusted(lines.map((line) => breakAutolinks(neutralizeReferences(escapePunctuation(line)))).join('\n'));
}

/** Untrusted text on one line (a heading, a list item): line breaks become spaces. */
export function inlineText(untrusted: string): Markdown {
  return text(oneLine(untrusted));
}

function oneLine(value: string): string {
  return String(value ?? '').replace(CONTROL, '').replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** HTML comments in quoted text could imitate or hide KubeCure's markers; a zero-width space keeps `<!--` inert. */
export function neutralizeHtmlComments(value: string): string {
  return value.replace(/<!--/g, `<!${ZERO_WIDTH_SPACE}--`);
}

function longestBacktickRun(value: string): number {
  return Math.max(0, ...[...value.matchAll(/`+/g)].map((match) => match[0].length));
}

/**
 * An inline code span delimited by more backticks than any run inside, so the text cannot close
 * it. Nothing is linked or rendered inside a code span.
 */
export function code(untrusted: string): Markdown {
  const value = neutralizeHtmlComments(oneLine(untrusted));
  if (value === '') return Markdown.trusted('` `');
  const ticks = '`'.repeat(longestBacktickRun(value) + 1);
  // A space keeps a leading or trailing backtick from merging with the delimiter; CommonMark strips one.
  const padded = value.startsWith('`') || value.endsWith('`') || (value.startsWith(' ') && value.endsWith(' ')) ? ` ${value} ` : value;
  return Markdown.trusted(`${ticks}${padded}${ticks}`);
}

/** A fenced code block whose fence is longer than any backtick run inside the text. */
export function fence(untrusted: string, language = ''): Markdown {
  const value = neutralizeHtmlComments(String(untrusted ?? '').replace(CONTROL, ''));
  const ticks = '`'.repeat(Math.max(3, longestBacktickRun(value) + 1));
  return Markdown.trusted(`${ticks}${language.replace(/[^A-Za-z0-9_+-]/g, '')}\n${value}\n${ticks}`);
}

/**
 * Markdown placed in a table cell: a `|`, even inside a code span, would end the cell, and a
 * line break would end the row.
 */
export function cell(content: Markdown): Markdown {
  return Markdown.trusted(content.text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' '));
}

/** Untrusted text as a code span inside a table cell. */
export function codeCell(untrusted: string): Markdown {
  return cell(code(untrusted));
}

/** GitHub's own limit is 256; a shorter title stays readable in lists and notifications. */
export const MAX_TITLE_CHARS = 200;

/**
 * A title is plain text on one line: GitHub links `#123` and renders code spans in titles, so
 * references are neutralized, backticks replaced, link and image syntax broken and the length
 * bounded.
 */
export function title(untrusted: string): string {
  const flat = neutralizeReferences(breakAutolinks(oneLine(untrusted).replace(/`/g, "'")))
    .replace(/\]\(/g, `]${ZERO_WIDTH_SPACE}(`)
    .replace(/!\[/g, `!${ZERO_WIDTH_SPACE}[`)
    .replace(/\s{2,}/g, ' ');
  return flat.length <= MAX_TITLE_CHARS ? flat : `${flat.slice(0, MAX_TITLE_CHARS - 1).trimEnd()}…`;
}
