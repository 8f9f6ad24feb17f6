/**
 * Reads the text files of a repository tarball (`GET /repos/{owner}/{repo}/tarball/{ref}`): one
 * request instead of one blob request per file when a whole repository has to be indexed.
 * A minimal ustar/pax reader: regular files only, the archive's top directory stripped.
 */
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

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

/** path (without the archive's top directory) → text, for files accepted by `wanted`. */
export function readTarball(gzipped: Buffer, wanted: (path: string) => boolean): Map<string, string> {
  const tar = gunzipSync(gzipped);
  const files = new Map<string, string>();
  let position = 0;
  let longPath: string | null = null;
  while (position + BLOCK <= tar.length) {
    const header = tar.subarray(position, position + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 0x30);
    const dataStart = position + BLOCK;
    const data = tar.subarray(dataStart, dataStart + size);
    position = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (type === 'x') {
      longPath = paxPath(data);
      continue;
    }
    if (type === 'g') continue;
    const prefix = field(header, 345, 155);
    const name = longPath ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longPath = null;
    if (type !== '0' && type !== '\0') continue;
    const path = name.split('/').slice(1).join('/');
    if (path && wanted(path)) files.set(path, data.toString('utf8'));
  }
  return files;
}
