/**
 * Reports waiting for delivery, bounded in count and in bytes: when full, the oldest report is
 * dropped and counted, because a fresh failure is worth more than a stale one. Once the queue holds
 * half its byte budget, reports are queued with their log tails trimmed (`shrink`), so an outage
 * keeps many small reports rather than a few large ones.
 *
 * Optionally kept in a file across restarts as an append-only journal: one JSON line per `add`
 * and per `del`, so each push and each delivery costs one small append whatever the backlog. The
 * journal is compacted (live reports rewritten to a new file, renamed over the old) when dead
 * lines outweigh live ones, which keeps the file under twice the byte budget and the cost per
 * report constant when amortised.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface OutboxItem {
  /** `FailureReport` or `RecoveryReport`. */
  kind: string;
  /** The exact JSON that will be signed and sent. */
  body: string;
  enqueuedAt: number;
  /** The detection fingerprint of a failure report, so an undelivered one can be re-armed. */
  fingerprint?: string;
}

export interface OutboxOptions {
  maxItems: number;
  maxBytes: number;
  /** Journal file that keeps the outbox across restarts. */
  file?: string | undefined;
  /** Makes a report smaller (trims its logs) once the outbox is under pressure. */
  shrink?(item: OutboxItem): OutboxItem;
  onDrop?(item: OutboxItem): void;
}

interface Entry {
  id: number;
  item: OutboxItem;
  /** Bytes of the journal line, which is also what the item costs in memory, near enough. */
  bytes: number;
}

type JournalLine = ({ op: 'add'; id: number } & OutboxItem) | { op: 'del'; id: number };

/** Compaction is not worth its rewrite for a journal this small. */
const MIN_COMPACT_BYTES = 1024 * 1024;

export class Outbox {
  private entries: Entry[] = [];
  private waiters: Array<() => void> = [];
  private nextId = 1;
  private liveBytes = 0;
  private journalBytes = 0;
  private fd: number | undefined;
  dropped = 0;

  constructor(private readonly options: OutboxOptions) {
    if (options.file) {
      mkdirSync(dirname(options.file), { recursive: true });
      for (const item of readJournal(options.file)) this.admit(item);
      this.compact();
    }
  }

  get depth(): number {
    return this.entries.length;
  }

  /** Bytes of the reports waiting (the journal's live part). */
  get bytes(): number {
    return this.liveBytes;
  }

  /** Bytes of the journal file, dead lines included. */
  get fileBytes(): number {
    return this.journalBytes;
  }

  push(item: OutboxItem): void {
    const pressured = this.liveBytes >= this.options.maxBytes / 2;
    const entry = this.admit(pressured && this.options.shrink ? this.options.shrink(item) : item);
    if (entry) this.append({ op: 'add', id: entry.id, ...entry.item });
    this.maybeCompact();
    for (const wake of this.waiters.splice(0)) wake();
  }

  peek(): OutboxItem | undefined {
    return this.entries[0]?.item;
  }

  /** Removes `item` once delivered (or rejected for good); it may already have been dropped. */
  remove(item: OutboxItem): void {
    const index = this.entries.findIndex((entry) => entry.item === item);
    if (index < 0) return;
    const [entry] = this.entries.splice(index, 1);
    this.liveBytes -= entry!.bytes;
    this.append({ op: 'del', id: entry!.id });
    this.maybeCompact();
  }

  /** Resolves when an item is available or `signal` aborts. */
  waitForItem(signal: AbortSignal): Promise<void> {
    if (this.entries.length > 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      // The listener is removed when an item arrives: one per wait would pile up on a long-lived signal.
      const onAbort = () => resolve();
      this.waiters.push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Flushes nothing (every write is already in the file) but releases the journal. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Queues `item` in memory, dropping the oldest beyond the bounds; undefined if it was itself dropped. */
  private admit(item: OutboxItem): Entry | undefined {
    const entry: Entry = { id: this.nextId++, item, bytes: lineBytes({ op: 'add', id: 0, ...item }) };
    this.entries.push(entry);
    this.liveBytes += entry.bytes;
    while (this.entries.length > this.options.maxItems || (this.liveBytes > this.options.maxBytes && this.entries.length > 0)) {
      const oldest = this.entries.shift()!;
      this.liveBytes -= oldest.bytes;
      this.dropped += 1;
      this.options.onDrop?.(oldest.item);
      if (oldest === entry) return undefined;
      this.append({ op: 'del', id: oldest.id });
    }
    return entry;
  }

  private append(line: JournalLine): void {
    if (!this.options.file) return;
    const text = JSON.stringify(line) + '\n';
    this.fd ??= openSync(this.options.file, 'a');
    writeSync(this.fd, text);
    this.journalBytes += Buffer.byteLength(text);
  }

  private maybeCompact(): void {
    if (this.options.file && this.journalBytes > MIN_COMPACT_BYTES && this.journalBytes > 2 * this.liveBytes) this.compact();
  }

  /** Rewrites the journal with only the live reports, atomically (a crash keeps the old file). */
  private compact(): void {
    const file = this.options.file;
    if (!file) return;
    this.close();
    const text = this.entries.map((entry) => JSON.stringify({ op: 'add', id: entry.id, ...entry.item }) + '\n').join('');
    const temporary = `${file}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, file);
    this.journalBytes = Buffer.byteLength(text);
  }
}

function lineBytes(line: JournalLine): number {
  return Buffer.byteLength(JSON.stringify(line)) + 1;
}

/** Replays a journal: adds minus dels, in order. A torn last line (a crash mid-write) is skipped. */
function readJournal(file: string): OutboxItem[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const live = new Map<number, OutboxItem>();
  let legacyId = -1;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let line: Partial<JournalLine>;
    try {
      line = JSON.parse(raw) as Partial<JournalLine>;
    } catch {
      continue;
    }
    if (line.op === 'del' && typeof line.id === 'number') live.delete(line.id);
    else if (line.op === 'add' && typeof line.id === 'number' && typeof line.body === 'string' && typeof line.kind === 'string') {
      const { op: _op, id, ...item } = line as { op: 'add'; id: number } & OutboxItem;
      live.set(id, item);
    } else if (line.op === undefined && typeof (line as OutboxItem).body === 'string' && typeof (line as OutboxItem).kind === 'string') {
      // The earlier format (one report per line, rewritten whole) is read once and compacted away.
      live.set(legacyId--, line as OutboxItem);
    }
  }
  return [...live.values()];
}
