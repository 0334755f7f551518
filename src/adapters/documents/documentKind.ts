import { readFileHead } from './readWholeFile.js';

export type DocumentKind = 'pdf' | 'tiff' | 'png' | 'jpeg' | 'empty' | 'unknown';

// PDF readers accept up to 1 KiB of junk before the header, and so do mail clients' attachments.
const SNIFF_BYTES = 1024;

/** What a file is, judged by its first bytes only: names and declared content types are not trusted. */
export async function detectDocumentKind(path: string): Promise<DocumentKind> {
  return kindOf(await readFileHead(path, SNIFF_BYTES));
}

function kindOf(head: Buffer): DocumentKind {
  if (head.length === 0) return 'empty';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  // Classic TIFF only: BigTIFF ('II+') is not something a fax client produces.
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (head.includes('%PDF-', 0, 'latin1')) return 'pdf';
  return 'unknown';
}

function startsWith(head: Buffer, magic: readonly number[]): boolean {
  return magic.every((byte, index) => head[index] === byte);
}
