/**
 * The ignore list lives on the threads themselves: `/kubecure ignore` closes the thread, labels
 * it and writes a hidden line with the blob SHA of the workload's manifest at that moment. The
 * failure stays quiet while that blob is unchanged; a new commit to the manifest lifts it, as
 * does `/kubecure unignore`. No store to lose, and it is visible to anyone reading the thread.
 */
import type { Thread } from '../github/threads.js';

const IGNORE_PATTERN = /\n*<!-- kubecure:ignored sha=([a-f0-9]+|none) by=(\S+) -->\n*/;

export interface IgnoreRecord {
  /** Blob SHA of the manifest when ignored; null when the manifest was unknown (only unignore lifts it). */
  manifestSha: string | null;
  by: string;
}

export function readIgnore(body: string | null | undefined): IgnoreRecord | null {
  const match = IGNORE_PATTERN.exec(body ?? '');
  if (!match) return null;
  return { manifestSha: match[1] === 'none' ? null : (match[1] ?? null), by: match[2] ?? '' };
}

export function withIgnore(body: string, record: IgnoreRecord): string {
  return `${withoutIgnore(body).trimEnd()}\n\n<!-- kubecure:ignored sha=${record.manifestSha ?? 'none'} by=${record.by} -->\n`;
}

export function withoutIgnore(body: string): string {
  return body.replace(IGNORE_PATTERN, '\n\n').trimEnd() + '\n';
}

/**
 * The closed thread that still silences this fingerprint, or null. `blobSha` gives the current
 * blob SHA of a file on the default branch (null when the file is gone).
 */
export function ignoringThreadFor(threads: Thread[], fingerprint: string, blobSha: (file: string) => string | null): Thread | null {
  for (const thread of threads) {
    if (thread.fingerprint !== fingerprint || thread.state !== 'closed') continue;
    const record = readIgnore(thread.body);
    if (!record) continue;
    if (record.manifestSha === null) return thread;
    const file = thread.marker?.targetFile;
    if (file && blobSha(file) === record.manifestSha) return thread;
  }
  return null;
}
