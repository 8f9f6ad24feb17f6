/**
 * Plain-text helpers for splicing YAML source: line boundaries, columns and line endings.
 * Offsets are those of the `yaml` package's node ranges (UTF-16 indices into the whole file).
 */

const BYTE_ORDER_MARK = '\uFEFF';

/** The line ending the file already uses, so inserted lines match it. */
export function lineEndingOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Start of the line holding `offset`; a byte-order mark before the first line is not part of it. */
export function lineStartOf(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return start === 0 && text.startsWith(BYTE_ORDER_MARK) && offset > 0 ? 1 : start;
}

export function columnOf(text: string, offset: number): number {
  return offset - lineStartOf(text, offset);
}

/** The offset just after the line break that ends the line holding `offset - 1` (end of file when none). */
export function endOfLineAfter(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

/** The text between the start of the line and the offset, when it is only spaces. */
export function isLineIndentationBefore(text: string, offset: number): boolean {
  const start = lineStartOf(text, offset);
  return /^[ \t]*$/.test(text.slice(start, offset));
}

export function spaces(count: number): string {
  return ' '.repeat(Math.max(0, count));
}

/** Inserts whole lines at a line boundary, keeping a missing final newline missing. */
export function insertLines(text: string, at: number, lines: string[], eol: string): string {
  const block = lines.join(eol);
  if (at >= text.length && text.length > 0 && !text.endsWith('\n')) return `${text}${eol}${block}`;
  return `${text.slice(0, at)}${block}${eol}${text.slice(at)}`;
}

export function splice(text: string, start: number, end: number, replacement: string): string {
  return `${text.slice(0, start)}${replacement}${text.slice(end)}`;
}
