/**
 * Fitting a container log into a token budget without losing the line that explains the crash.
 *
 * 1. Lines are grouped into blocks: a message and its continuation lines, so a stack trace (Java
 *    `at …`/`Caused by:`, Python `Traceback`, Go `panic:`/`goroutine`) is one unit, kept whole.
 * 2. Blocks that differ only in timestamps, ids and numbers are merged; the most recent copy is
 *    kept with a repeat count (`[×120]`).
 * 3. When the result is still too long, the last blocks are kept first (the crash is usually at
 *    the end), then the blocks with decisive words (fatal/panic/OOM, then error/exception/refused/
 *    denied/not found…), most recent first, then whatever else fits nearest to the end.
 *    Omitted ranges are marked, so the reader knows the log is not contiguous there.
 */
import { charsForTokens, estimateTokens } from './tokens.js';

/** Longer lines (minified JSON, base64 blobs) are cut in the middle. */
const MAX_LINE_CHARS = 2000;
/** Share of the budget reserved for the end of the log. */
const TAIL_SHARE = 0.3;
/** Share of the budget kept free for omission markers and the header. */
const MARKER_SHARE = 0.08;

interface Block {
  lines: string[];
  /** Position of the block's most recent occurrence. */
  index: number;
  count: number;
}

const SEVERE = /\b(fatal|panic|panicked|oomkilled|out of ?memory|outofmemoryerror|segmentation fault|sigsegv|sigkill|core dumped)\b/i;
const DECISIVE =
  /\b(error|err|exception|traceback|fail(ed|ure|ing)?|refused|denied|forbidden|unauthori[sz]ed|not found|no such (file|host)|cannot|can't|could not|unable to|invalid|missing|undefined|timed? ?out|killed|exit(ed)? (with )?(code|status)|unknown|required|permission|econnrefused|enoent|eacces)\b/i;

export function severityOf(text: string): number {
  if (SEVERE.test(text)) return 2;
  if (DECISIVE.test(text)) return 1;
  return 0;
}

function capLine(line: string): string {
  if (line.length <= MAX_LINE_CHARS) return line;
  const head = line.slice(0, MAX_LINE_CHARS * 0.7);
  const tail = line.slice(line.length - MAX_LINE_CHARS * 0.25);
  return `${head} …[${line.length - head.length - tail.length} chars cut]… ${tail}`;
}

/** Lines that continue the previous message rather than start a new one. */
function continues(line: string, block: string[]): boolean {
  if (line.trim() === '') return block[0] !== undefined && /^(panic:|goroutine )/.test(block[0]);
  if (/^\s/.test(line)) return true;
  if (/^(Caused by:|Suppressed:|\.\.\. \d+ (more|common frames))/.test(line)) return true;
  const first = block[0] ?? '';
  // Python ends a traceback with the unindented exception line ("ValueError: bad value").
  if (first.startsWith('Traceback') && !block.some((previous) => /^\S/.test(previous) && previous !== first)) return true;
  // Go: "goroutine 1 [running]:" and "main.main()" frame lines follow a panic.
  if (/^(panic:|fatal error:|goroutine )/.test(first) && /^(goroutine \d+ \[|[\w./*()-]+\(.*\)$|created by )/.test(line)) return true;
  return false;
}

function toBlocks(lines: string[]): string[][] {
  const blocks: string[][] = [];
  for (const line of lines) {
    const current = blocks[blocks.length - 1];
    if (current && continues(line, current)) current.push(line);
    else blocks.push([line]);
  }
  // Trailing blank lines of a Go panic belong to nothing.
  for (const block of blocks) while (block.length > 1 && block[block.length - 1]?.trim() === '') block.pop();
  return blocks;
}

/** The shape of a line with the parts that change between repeats (time, ids, numbers) erased. */
export function normalizeLine(line: string): string {
  return line
    .replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<ts>')
    .replace(/\b[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}\b/g, '<ts>')
    .replace(/\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<ts>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/\b(?:0x)?[0-9a-f]{8,}\b/gi, '<id>')
    .replace(/\d+/g, '#');
}

function dedupe(blocks: string[][]): Block[] {
  const byShape = new Map<string, Block>();
  blocks.forEach((lines, index) => {
    const shape = lines.map(normalizeLine).join('\n');
    const seen = byShape.get(shape);
    // Keep the latest copy: its timestamp is the one closest to the failure.
    if (seen) byShape.set(shape, { lines, index, count: seen.count + 1 });
    else byShape.set(shape, { lines, index, count: 1 });
  });
  return [...byShape.values()].sort((a, b) => a.index - b.index);
}

function render(block: Block): string {
  const [first = '', ...rest] = block.lines;
  const head = block.count > 1 ? `${first}  [×${block.count}]` : first;
  return [head, ...rest].join('\n');
}

/** A block too big for what is left: keep its head and its end (where "Caused by" usually is). */
function shrink(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const lines = text.split('\n');
  if (maxChars < 80 || (lines[0]?.length ?? 0) + 40 > maxChars) return `${text.slice(0, Math.max(0, maxChars - 12))} …[cut]`;
  const kept: string[] = [];
  const tail: string[] = [];
  let used = 40;
  for (let low = 0, high = lines.length - 1; low <= high; ) {
    const next = kept.length <= tail.length ? lines[low] : lines[high];
    if (next === undefined || used + next.length + 1 > maxChars) break;
    used += next.length + 1;
    if (kept.length <= tail.length) {
      kept.push(next);
      low += 1;
    } else {
      tail.unshift(next);
      high -= 1;
    }
  }
  const omitted = lines.length - kept.length - tail.length;
  return omitted > 0 ? [...kept, `  … ${omitted} lines omitted …`, ...tail].join('\n') : [...kept, ...tail].join('\n');
}

/** Below this, structure costs more than it saves: the plain end of the log is all that fits. */
const MIN_STRUCTURED_BUDGET = 60;

export function compressLog(text: string, budgetTokens: number): string {
  if (text.trim() === '' || budgetTokens <= 0) return '';
  if (budgetTokens < MIN_STRUCTURED_BUDGET) return text.slice(-charsForTokens(budgetTokens));
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n').map(capLine);
  const blocks = dedupe(toBlocks(lines));
  const rendered = blocks.map(render);
  const full = rendered.join('\n');
  if (estimateTokens(full) <= budgetTokens) return full;

  const budgetChars = charsForTokens(budgetTokens) * (1 - MARKER_SHARE);
  const chosen = new Map<number, string>();
  let used = 0;
  /** Takes a block, shrunk to the room left when it is decisive (or `force`d), else only whole. */
  const take = (position: number, limit: number, force = false): boolean => {
    const block = rendered[position];
    if (block === undefined || chosen.has(position)) return false;
    const room = limit - used;
    if (room < 40) return false;
    const fitted = block.length + 1 <= room ? block : force || severityOf(block) > 0 ? shrink(block, room - 1) : '';
    if (fitted === '') return false;
    chosen.set(position, fitted);
    used += fitted.length + 1;
    return true;
  };

  // The end of the log, newest first, up to the tail's share (always at least the last block).
  for (let position = rendered.length - 1; position >= 0; position -= 1) {
    if (used > 0 && used + (rendered[position]?.length ?? 0) > budgetChars * TAIL_SHARE) break;
    if (!take(position, budgetChars, used === 0)) break;
  }
  // Decisive blocks: most severe first, then most recent.
  const decisive = rendered
    .map((block, position) => ({ position, severity: severityOf(block) }))
    .filter((entry) => entry.severity > 0)
    .sort((a, b) => b.severity - a.severity || b.position - a.position);
  for (const { position } of decisive) take(position, budgetChars);
  // Context: the rest, nearest to the end first.
  for (let position = rendered.length - 1; position >= 0; position -= 1) {
    if (!chosen.has(position) && used + (rendered[position]?.length ?? 0) + 1 <= budgetChars) take(position, budgetChars);
  }

  const output: string[] = [];
  let gap = 0;
  for (let position = 0; position < rendered.length; position += 1) {
    const kept = chosen.get(position);
    if (kept === undefined) {
      const skipped = blocks[position];
      gap += skipped ? skipped.lines.length * skipped.count : 0;
      continue;
    }
    if (gap > 0) output.push(`… ${gap} lines omitted …`);
    gap = 0;
    output.push(kept);
  }
  if (gap > 0) output.push(`… ${gap} lines omitted …`);
  const header = `[log compressed from ${lines.length} lines: repeats merged (×N), omitted ranges marked]`;
  const compressed = [header, ...output].join('\n');
  // Many small gaps can outgrow the share kept for markers; try again a little tighter.
  return estimateTokens(compressed) <= budgetTokens ? compressed : compressLog(text, Math.floor(budgetTokens * 0.9));
}
