import type { FileHandle } from 'node:fs/promises';
import { tarBlock } from './tarWriter.js';

/** One entry of a tar archive: where its bytes are in the file. */
export interface TarEntry {
  path: string;
  /** `file`, `directory` or any other ustar type (links, devices), which exports never hold. */
  kind: 'file' | 'directory' | 'other';
  size: number;
  /** Offset of the entry's first content byte in the archive. */
  offset: number;
}

/** The archive is not a tar file, or is cut short; `offset` says where. */
export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
  constructor(readonly offset: number, message: string) {
    super(`at byte ${offset}: ${message}`);
  }
}

/** A header block's entry (without its offset), undefined for a zero block (the end). */
export function parseTarHeader(block: Uint8Array, at = 0): Omit<TarEntry, 'offset'> | undefined {
  const header = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
  if (header.length !== tarBlock) throw new TarFormatError(at, 'archive cut short inside a header');
  if (header.every((byte) => byte === 0)) return undefined;
  let sum = 0;
  for (let i = 0; i < tarBlock; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  const recorded = readOctal(header, 148, 8, at);
  if (recorded !== sum) throw new TarFormatError(at, `header checksum ${recorded} does not match its bytes (${sum}): not a tar file, or a header was changed`);
  const name = text(header, 0, 100);
  const prefix = header.toString('latin1', 257, 262) === 'ustar' ? text(header, 345, 155) : '';
  const type = String.fromCharCode(header[156]!);
  const kind = type === '0' || type === '\u0000' ? 'file' : type === '5' ? 'directory' : 'other';
  return { path: prefix ? `${prefix}/${name}` : name, kind, size: readOctal(header, 124, 12, at) };
}

/** Each entry of the archive in `handle`, in order, reading only headers (contents stay on disk). */
export async function* readTarEntries(handle: FileHandle): AsyncGenerator<TarEntry> {
  const { size: total } = await handle.stat();
  const block = Buffer.alloc(tarBlock);
  let at = 0;
  while (at < total) {
    const { bytesRead } = await handle.read(block, 0, tarBlock, at);
    const entry = parseTarHeader(block.subarray(0, bytesRead), at);
    if (!entry) return;
    const offset = at + tarBlock;
    if (offset + entry.size > total) throw new TarFormatError(at, `${entry.path}: archive cut short (${entry.size} bytes announced, ${total - offset} left)`);
    yield { ...entry, offset };
    at = offset + Math.ceil(entry.size / tarBlock) * tarBlock;
  }
  throw new TarFormatError(at, 'archive ends without its end blocks (cut short?)');
}

/** Reads an entry's bytes in chunks of at most 64 KiB (bounded memory for any size). */
export async function* entryChunks(handle: FileHandle, entry: TarEntry): AsyncGenerator<Buffer> {
  const chunk = Buffer.alloc(Math.min(64 * 1024, Math.max(entry.size, 1)));
  for (let done = 0; done < entry.size; ) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, entry.size - done), entry.offset + done);
    if (bytesRead === 0) throw new TarFormatError(entry.offset + done, `${entry.path}: archive cut short`);
    done += bytesRead;
    yield chunk.subarray(0, bytesRead);
  }
}

/** A whole (small) entry. */
export async function entryBytes(handle: FileHandle, entry: TarEntry): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of entryChunks(handle, entry)) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

function text(header: Buffer, offset: number, length: number): string {
  const field = header.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

function readOctal(header: Buffer, offset: number, length: number, at: number): number {
  const digits = header.toString('latin1', offset, offset + length).replace(/[\0 ]+$/g, '').trim();
  if (!/^[0-7]*$/.test(digits)) throw new TarFormatError(at + offset, `not an octal number: ${JSON.stringify(digits)}`);
  return digits === '' ? 0 : parseInt(digits, 8);
}
