/** Builds a gzipped tarball shaped like GitHub's (top directory `owner-repo-sha/`, pax headers for long paths). */
import { gzipSync } from 'node:zlib';

function header(name: string, size: number, type: string): Buffer {
  const block = Buffer.alloc(512, 0);
  block.write(name.slice(0, 100), 0, 'utf8');
  block.write('0000644\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  block.write(size.toString(8).padStart(11, '0') + '\0', 124);
  block.write('00000000000\0', 136);
  block.write('        ', 148);
  block.write(type, 156);
  block.write('ustar\0', 257);
  block.write('00', 263);
  let checksum = 0;
  for (const byte of block) checksum += byte;
  block.write(checksum.toString(8).padStart(6, '0') + '\0 ', 148);
  return block;
}

function entry(name: string, data: Buffer, type = '0'): Buffer[] {
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512, 0);
  return [header(name, data.length, type), data, padding];
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return `${length}${body}`;
}

export function buildTarball(files: Record<string, string>, top = 'acme-gitops-0123abc'): Buffer {
  const blocks: Buffer[] = [...entry('pax_global_header', Buffer.from(paxRecord('comment', '0123abc')), 'g'), ...entry(`${top}/`, Buffer.alloc(0), '5')];
  for (const [path, text] of Object.entries(files)) {
    const name = `${top}/${path}`;
    if (name.length > 100) blocks.push(...entry('PaxHeader', Buffer.from(paxRecord('path', name)), 'x'));
    blocks.push(...entry(name, Buffer.from(text)));
  }
  blocks.push(Buffer.alloc(1024, 0));
  return gzipSync(Buffer.concat(blocks));
}
