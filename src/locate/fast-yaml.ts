/**
 * A fast reader for the plain subset of YAML that Kubernetes manifests are almost always written
 * in: block maps and sequences, quoted and plain scalars, one-line flow collections, literal block
 * scalars and comments. Indexing thousands of manifests with a full YAML parser is too slow, so the
 * indexer tries this first. Anything outside the subset (anchors, tags, folded or multi-line
 * scalars, odd indentation, and every syntax error) returns null, and the full parser decides.
 */

interface Line {
  raw: string;
  indent: number;
  /** Text after the indentation. */
  content: string;
}

class Unsupported extends Error {}

function fail(): never {
  throw new Unsupported();
}

/** The documents of a file, as the full parser would return them, or null when outside the subset. */
export function fastParseDocuments(text: string): unknown[] | null {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return null;
  const segments: Line[][] = [[]];
  // Lines before the first `---` form a document only when they hold something.
  let explicitFirst = false;
  let seenSeparator = false;
  for (const raw of text.split('\n')) {
    if (/^---\s*(#.*)?$/.test(raw)) {
      if (!seenSeparator && !hasContent(segments[0] as Line[])) explicitFirst = true;
      else segments.push([]);
      seenSeparator = true;
      continue;
    }
    if (raw.startsWith('---') || raw.startsWith('...') || raw.startsWith('%')) return null;
    const content = raw.trimStart();
    (segments[segments.length - 1] as Line[]).push({ raw, indent: raw.length - content.length, content });
  }
  try {
    const documents: unknown[] = [];
    segments.forEach((lines, position) => {
      if (position === 0 && !explicitFirst && !hasContent(lines)) return;
      documents.push(new DocumentReader(lines).read());
    });
    return documents;
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

function isBlankOrComment(line: Line): boolean {
  return line.content === '' || line.content.startsWith('#');
}

function hasContent(lines: Line[]): boolean {
  return lines.some((line) => !isBlankOrComment(line));
}

const MAP_ENTRY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s'"{}[\]#&*!|>%@`,?:-][^:]*?|-[^\s:][^:]*?)\s*:(?:\s+(.*))?$/;

class DocumentReader {
  private position = 0;

  constructor(private readonly lines: Line[]) {}

  read(): unknown {
    const line = this.next();
    if (!line) return null;
    const value = this.node(line.indent);
    if (this.next()) fail();
    return value;
  }

  /** The next meaningful line, skipping blanks and comments. */
  private next(): Line | undefined {
    while (this.position < this.lines.length && isBlankOrComment(this.lines[this.position] as Line)) this.position += 1;
    return this.lines[this.position];
  }

  private node(indent: number): unknown {
    const line = this.next();
    if (!line || line.indent < indent) return null;
    if (line.content === '-' || line.content.startsWith('- ')) return this.sequence(line.indent);
    if (MAP_ENTRY.test(line.content)) return this.map(line.indent);
    if (line.content.includes(': ') || line.content.endsWith(':')) fail();
    this.position += 1;
    const value = inlineValue(line.content);
    const following = this.next();
    if (following && following.indent >= indent) fail();
    return value;
  }

  private map(indent: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (let line = this.next(); line && line.indent === indent; line = this.next()) {
      const match = line.content.match(MAP_ENTRY);
      if (!match) fail();
      const key = scalarKey(match[1] as string);
      // Assigning `__proto__` would change the object's prototype: leave such files to the full parser.
      if (key === '__proto__') fail();
      const rest = stripComment(match[2] ?? '');
      this.position += 1;
      result[key] = this.valueAfterKey(indent, rest);
    }
    const after = this.next();
    if (after && after.indent > indent) fail();
    return result;
  }

  private valueAfterKey(indent: number, rest: string): unknown {
    if (rest === '') {
      const child = this.next();
      if (!child) return null;
      if (child.indent > indent) return this.node(child.indent);
      // `containers:` followed by `- name:` at the same column is a sequence too.
      if (child.indent === indent && (child.content === '-' || child.content.startsWith('- '))) return this.sequence(indent);
      return null;
    }
    if (/^[|]/.test(rest)) return this.literalBlock(indent, rest);
    const value = inlineValue(rest);
    const following = this.next();
    if (following && following.indent > indent) fail();
    return value;
  }

  private sequence(indent: number): unknown[] {
    const result: unknown[] = [];
    for (let line = this.next(); line && line.indent === indent && (line.content === '-' || line.content.startsWith('- ')); line = this.next()) {
      const rest = line.content.slice(1);
      const offset = rest.length - rest.trimStart().length;
      const item = rest.trimStart();
      if (item === '' || item.startsWith('#')) {
        this.position += 1;
        const child = this.next();
        result.push(child && child.indent > indent ? this.node(child.indent) : null);
        continue;
      }
      if (MAP_ENTRY.test(item) || item === '-' || item.startsWith('- ')) {
        // `- name: web` opens a map whose keys sit at the column of `name`.
        const column = indent + 1 + offset;
        this.lines[this.position] = { raw: line.raw, indent: column, content: item };
        result.push(this.node(column));
        continue;
      }
      this.position += 1;
      if (/^[|>]/.test(item)) fail();
      result.push(inlineValue(item));
      const following = this.next();
      if (following && following.indent > indent) fail();
    }
    return result;
  }

  /** `|`, `|-`, `|+`: the text of the more-indented lines that follow, newlines kept. */
  private literalBlock(indent: number, header: string): string {
    const match = header.match(/^\|([-+]?)$/);
    if (!match) fail();
    const chomping = match[1];
    const body: string[] = [];
    let blockIndent = -1;
    while (this.position < this.lines.length) {
      const line = this.lines[this.position] as Line;
      if (line.content === '') {
        body.push('');
        this.position += 1;
        continue;
      }
      if (blockIndent < 0) blockIndent = line.indent;
      if (line.indent < blockIndent || line.indent <= indent) break;
      body.push(line.raw.slice(blockIndent));
      this.position += 1;
    }
    let trailing = 0;
    while (body.length > 0 && body[body.length - 1] === '') {
      body.pop();
      trailing += 1;
    }
    if (body.length === 0) return '';
    const text = body.join('\n');
    if (chomping === '-') return text;
    if (chomping === '+') return `${text}\n${'\n'.repeat(trailing)}`;
    return `${text}\n`;
  }
}

function stripComment(text: string): string {
  if (text.startsWith('#')) return '';
  return text;
}

function scalarKey(text: string): string {
  if (text.startsWith('"') || text.startsWith("'")) return String(quoted(text).value);
  const value = plainScalar(text);
  return value === null ? '' : String(value);
}

/** A value written on one line: quoted, flow or plain, with an optional trailing comment. */
function inlineValue(text: string): unknown {
  if (text.startsWith('"') || text.startsWith("'")) {
    const { value, end } = quoted(text);
    if (!/^\s*(#.*)?$/.test(text.slice(end))) fail();
    return value;
  }
  if (text.startsWith('{') || text.startsWith('[')) {
    const reader = new FlowReader(text);
    const value = reader.value();
    if (!/^\s*(#.*)?$/.test(text.slice(reader.position))) fail();
    return value;
  }
  if (/^[&*!|>%@`]/.test(text)) fail();
  const comment = text.search(/\s#/);
  const plain = (comment >= 0 ? text.slice(0, comment) : text).trim();
  if (plain.includes(': ') || plain.endsWith(':') || plain.startsWith('- ')) fail();
  return plainScalar(plain);
}

function quoted(text: string): { value: string; end: number } {
  const quote = text[0];
  let value = '';
  for (let i = 1; i < text.length; i += 1) {
    const char = text[i] as string;
    if (quote === "'") {
      if (char === "'") {
        if (text[i + 1] === "'") {
          value += "'";
          i += 1;
          continue;
        }
        return { value, end: i + 1 };
      }
      value += char;
      continue;
    }
    if (char === '"') return { value, end: i + 1 };
    if (char === '\\') {
      const escaped = text[i + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', ' ': ' ' };
      if (escaped === undefined || !(escaped in simple)) fail();
      value += simple[escaped];
      i += 1;
      continue;
    }
    value += char;
  }
  return fail();
}

/** YAML 1.2 core schema resolution of a plain scalar, as the full parser does it. */
export function plainScalar(text: string): unknown {
  if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(text)) return NaN;
  return text;
}

/** One-line flow collections: `{cpu: 100m, memory: 128Mi}`, `["--a", "--b"]`. */
class FlowReader {
  position = 0;

  constructor(private readonly text: string) {}

  value(): unknown {
    this.skipSpaces();
    const char = this.text[this.position];
    if (char === '{') return this.map();
    if (char === '[') return this.sequence();
    if (char === '"' || char === "'") {
      const { value, end } = quoted(this.text.slice(this.position));
      this.position += end;
      return value;
    }
    const start = this.position;
    while (this.position < this.text.length && !',]}'.includes(this.text[this.position] as string)) {
      if (this.text[this.position] === ':' && /[\s,\]}]/.test(this.text[this.position + 1] ?? ' ')) break;
      if ('#{['.includes(this.text[this.position] as string)) fail();
      this.position += 1;
    }
    return plainScalar(this.text.slice(start, this.position).trim());
  }

  private map(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.position += 1;
    for (;;) {
      this.skipSpaces();
      if (this.text[this.position] === '}') {
        this.position += 1;
        return result;
      }
      const key = this.value();
      this.skipSpaces();
      if (this.text[this.position] !== ':') fail();
      this.position += 1;
      const keyText = key === null ? '' : String(key);
      if (keyText === '__proto__') fail();
      result[keyText] = this.value();
      this.skipSpaces();
      if (this.text[this.position] === ',') this.position += 1;
      else if (this.text[this.position] !== '}') fail();
    }
  }

  private sequence(): unknown[] {
    const result: unknown[] = [];
    this.position += 1;
    for (;;) {
      this.skipSpaces();
      if (this.text[this.position] === ']') {
        this.position += 1;
        return result;
      }
      result.push(this.value());
      this.skipSpaces();
      if (this.text[this.position] === ',') this.position += 1;
      else if (this.text[this.position] !== ']') fail();
    }
  }

  private skipSpaces(): void {
    while (this.text[this.position] === ' ') this.position += 1;
    if (this.position >= this.text.length) fail();
  }
}
