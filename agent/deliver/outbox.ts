/**
 * Reports waiting for delivery. Bounded: when full, the oldest report is dropped and counted,
 * because a fresh failure is worth more than a stale one. Optionally mirrored to a file (JSON lines,
 * written atomically) so a restart during an App outage loses nothing.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface OutboxItem {
  /** `FailureReport` or `RecoveryReport`. */
  kind: string;
  /** The exact JSON that will be signed and sent. */
  body: string;
  enqueuedAt: number;
}

export class Outbox {
  private items: OutboxItem[] = [];
  private waiters: Array<() => void> = [];
  dropped = 0;

  constructor(
    private readonly max: number,
    private readonly file?: string,
    private readonly onDrop: (item: OutboxItem) => void = () => {},
  ) {
    if (file) this.items = readItems(file).slice(-max);
  }

  get depth(): number {
    return this.items.length;
  }

  push(item: OutboxItem): void {
    this.items.push(item);
    while (this.items.length > this.max) {
      const dropped = this.items.shift()!;
      this.dropped += 1;
      this.onDrop(dropped);
    }
    this.persist();
    for (const wake of this.waiters.splice(0)) wake();
  }

  peek(): OutboxItem | undefined {
    return this.items[0];
  }

  /** Removes `item` once delivered (or rejected for good); it may already have been dropped. */
  remove(item: OutboxItem): void {
    const index = this.items.indexOf(item);
    if (index < 0) return;
    this.items.splice(index, 1);
    this.persist();
  }

  /** Resolves when an item is available or `signal` aborts. */
  waitForItem(signal: AbortSignal): Promise<void> {
    if (this.items.length > 0 || signal.aborted) return Promise.resolve();
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

  private persist(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, this.items.map((item) => JSON.stringify(item)).join('\n'));
    renameSync(temporary, this.file);
  }
}

function readItems(file: string): OutboxItem[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const items: OutboxItem[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const item = JSON.parse(line) as OutboxItem;
      if (typeof item.body === 'string' && typeof item.kind === 'string') items.push(item);
    } catch {
      // A torn last line from a crash mid-write is skipped; the rest is still delivered.
    }
  }
  return items;
}
