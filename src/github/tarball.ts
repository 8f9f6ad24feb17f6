/**
 * Reads the text files of a repository tarball (`GET /repos/{owner}/{repo}/tarball/{ref}`): one
 * request instead of one blob request per file when a whole repository has to be indexed.
 * A minimal streaming ustar/pax reader: regular files only, the archive's top directory stripped.
 *
 * The archive comes from a repository, which is untrusted content: it is gunzipped as it streams
 * and never held whole. Only wanted files are kept, each up to a per-file cap and all together
 * up to a total; past the archive cap (uncompressed bytes, which also bounds a gzip bomb) reading
 * stops with `TarballTooLargeError`, and the caller falls back to reading files one by one.
 */
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';

const BLOCK = 512;

export interface TarballLimits {
  /** Uncompressed bytes of the whole archive. */
  maxArchiveBytes: number;
  /** A wanted file larger than this is skipped (and named in `skipped`). */
  maxFileBytes: number;
  /** Bytes of wanted files kept in memory together. */
  maxKeptBytes: number;
}

export const DEFAULT_TARBALL_LIMITS: TarballLimits = {
  maxArchiveBytes: 512 * 1024 * 1024,
  maxFileBytes: 4 * 1024 * 1024,
  maxKeptBytes: 128 * 1024 * 1024,
};

export class TarballTooLargeError extends Error {
  constructor(readonly limit: number, what: string) {
    super(`the tarball's ${what} exceeds ${limit} bytes`);
  }
}

export interface TarballFiles {
  /** path (without the archive's top directory) → text, for wanted files within the caps. */
  files: Map<string, string>;
  /** Wanted files left out, with why. */
  skipped: { path: string; reason: string }[];
}

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function octal(header: Buffer, offset: number, length: number): number {
  const text = field(header, offset, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** `path=…` from a pax extended header (records are `<length> <key>=<value>\n`). */
function paxPath(data: Buffer): string | null {
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    if (space === -1) break;
    const length = Number(data.subarray(position, space).toString('utf8'));
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.subarray(space + 1, position + length - 1).toString('utf8');
    if (record.startsWith('path=')) return record.slice('path='.length);
    position += length;
  }
  return null;
}

/** The entry being streamed: what to do with its data blocks. */
interface Entry {
  type: string;
  path: string | null;
  size: number;
  /** Data bytes plus padding still to come. */
  remaining: number;
  /** Collected data when the entry is kept (pax header or wanted file), else null. */
  chunks: Buffer[] | null;
}

/** A pax header is a few records; anything larger is not one GitHub writes. */
const MAX_PAX_BYTES = 64 * 1024;

/** Reads a gzipped tarball from a stream of bytes, keeping only wanted files within the caps. */
export async function readTarballStream(
  gzipped: Iterable<Uint8Array> | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  wanted: (path: string) => boolean,
  limits: TarballLimits = DEFAULT_TARBALL_LIMITS,
): Promise<TarballFiles> {
  const source =
    gzipped instanceof ReadableStream
      ? Readable.fromWeb(gzipped as import('node:stream/web').ReadableStream<Uint8Array>)
      : Readable.from(gzipped as Iterable<Uint8Array> | AsyncIterable<Uint8Array>);
  const gunzip = createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);

  const result: TarballFiles = { files: new Map(), skipped: [] };
  let pending: Buffer = Buffer.alloc(0);
  let archiveBytes = 0;
  let keptBytes = 0;
  let entry: Entry | null = null;
  let longPath: string | null = null;
  let ended = false;

  const finishEntry = (done: Entry): void => {
    if (done.type === 'x') {
      longPath = done.chunks ? paxPath(Buffer.concat(done.chunks)) : null;
      return;
    }
    if (done.chunks && done.path !== null) result.files.set(done.path, Buffer.concat(done.chunks).subarray(0, done.size).toString('utf8'));
  };

  const startEntry = (header: Buffer): Entry => {
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 0x30);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') return { type, path: null, size, remaining: padded, chunks: size <= MAX_PAX_BYTES ? [] : null };
    if (type === 'g') return { type, path: null, size, remaining: padded, chunks: null };
    const prefix = field(header, 345, 155);
    const name = longPath ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longPath = null;
    const path = name.split('/').slice(1).join('/');
    const regular = type === '0' || type === '\0';
    if (!regular || !path || !wanted(path)) return { type, path: null, size, remaining: padded, chunks: null };
    if (size > limits.maxFileBytes) {
      result.skipped.push({ path, reason: `${size} bytes is over the ${limits.maxFileBytes}-byte per-file cap` });
      return { type, path: null, size, remaining: padded, chunks: null };
    }
    if (keptBytes + size > limits.maxKeptBytes) {
      result.skipped.push({ path, reason: `the repository's files together are over the ${limits.maxKeptBytes}-byte cap` });
      return { type, path: null, size, remaining: padded, chunks: null };
    }
    keptBytes += size;
    return { type, path, size, remaining: padded, chunks: [] };
  };

  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    archiveBytes += chunk.length;
    if (archiveBytes > limits.maxArchiveBytes) {
      gunzip.destroy();
      source.destroy();
      throw new TarballTooLargeError(limits.maxArchiveBytes, 'uncompressed size');
    }
    if (ended) continue;
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let offset = 0;
    while (!ended) {
      if (entry) {
        const take = Math.min(entry.remaining, pending.length - offset);
        if (take === 0) break;
        if (entry.chunks) entry.chunks.push(pending.subarray(offset, offset + take));
        entry.remaining -= take;
        offset += take;
        if (entry.remaining === 0) {
          finishEntry(entry);
          entry = null;
        }
        continue;
      }
      if (pending.length - offset < BLOCK) break;
      const header = pending.subarray(offset, offset + BLOCK);
      offset += BLOCK;
      if (header.every((byte) => byte === 0)) {
        ended = true;
        break;
      }
      entry = startEntry(header);
      if (entry.remaining === 0) {
        finishEntry(entry);
        entry = null;
      }
    }
    // Kept chunks reference `pending`; copying the unread tail lets the rest be collected.
    pending = Buffer.from(pending.subarray(offset));
  }
  return result;
}

/** The same reader over a buffer already in memory. */
export async function readTarball(gzipped: Buffer, wanted: (path: string) => boolean, limits?: TarballLimits): Promise<Map<string, string>> {
  return (await readTarballStream([gzipped], wanted, limits)).files;
}
