/** Geometry of one fax page. */
export interface FaxPage {
  width: number;
  length: number;
  xDpi: number;
  yDpi: number;
  /** Drawn as a row of blocks, so each call's pages differ (document storage deduplicates equal ones). */
  stamp?: number;
}

const SHORT = 3;
const LONG = 4;
const RATIONAL = 5;
const PACKBITS = 32773;

/** Standard fax pages: 1728 px wide, A4 length at fine (196 dpi) or standard (98 dpi) resolution. */
export const faxPage = (fine: boolean): FaxPage =>
  fine ? { width: 1728, length: 2292, xDpi: 204, yDpi: 196 } : { width: 1728, length: 1146, xDpi: 204, yDpi: 98 };

/** PackBits-encodes one row (TIFF 6.0 §9: runs never cross rows). */
function packRow(row: Uint8Array, out: number[]): void {
  let i = 0;
  while (i < row.length) {
    let run = 1;
    while (i + run < row.length && run < 128 && row[i + run] === row[i]) run++;
    if (run >= 2) {
      out.push(257 - run, row[i] as number);
      i += run;
      continue;
    }
    let literal = 1;
    while (i + literal < row.length && literal < 128 && row[i + literal] !== row[i + literal - 1]) literal++;
    if (i + literal < row.length && literal > 1) literal--;
    out.push(literal - 1, ...row.subarray(i, i + literal));
    i += literal;
  }
}

/** Encoded strips by geometry and page index: every simulated fax reuses them (the hot path of rxfax). */
const stripCache = new Map<string, Buffer>();

/** Rows that carry the stamp (PackBits runs never cross rows, so they splice into a cached strip). */
const STAMP_FROM = 100;
const STAMP_ROWS = 24;

/**
 * A page with a black frame and a bar per page number, so pages differ and are not blank; with a
 * stamp, rows STAMP_FROM… show its 32 bits as blocks, so no two calls write the same image.
 */
function pageStrip(page: FaxPage, index: number): Buffer {
  const stamped = page.stamp !== undefined && page.length > STAMP_FROM + STAMP_ROWS;
  const key = `${page.width}x${page.length}:${index}:${stamped}`;
  let strip = stripCache.get(key);
  if (!strip) {
    if (stripCache.size > 512) stripCache.clear();
    stripCache.set(key, (strip = encodeStrip(page, index, stamped)));
  }
  if (!stamped) return strip;
  const rowBytes = Math.ceil(page.width / 8);
  const row = new Uint8Array(rowBytes);
  row[0] = 0x80;
  row[rowBytes - 1] = 0x01;
  const stamp = (page.stamp ?? 0) >>> 0;
  for (let bit = 0; bit < 32; bit++) if ((stamp >>> bit) & 1) row.fill(0xff, 8 + bit * 6, 8 + bit * 6 + 4);
  const out: number[] = [];
  packRow(row, out);
  const encodedRow = Buffer.from(out);
  const split = stampOffset(key, page, index);
  return Buffer.concat([strip.subarray(0, split), ...Array.from({ length: STAMP_ROWS }, () => encodedRow), strip.subarray(split)]);
}

/** Byte offset of row STAMP_FROM in a cached stamped strip (which leaves those rows out). */
const stampOffsets = new Map<string, number>();
function stampOffset(key: string, page: FaxPage, index: number): number {
  let offset = stampOffsets.get(key);
  if (offset === undefined) {
    if (stampOffsets.size > 512) stampOffsets.clear();
    stampOffsets.set(key, (offset = encodeRows(page, index, 0, STAMP_FROM).length));
  }
  return offset;
}

function encodeStrip(page: FaxPage, index: number, stamped: boolean): Buffer {
  if (!stamped) return encodeRows(page, index, 0, page.length);
  return Buffer.concat([encodeRows(page, index, 0, STAMP_FROM), encodeRows(page, index, STAMP_FROM + STAMP_ROWS, page.length)]);
}

function encodeRows(page: FaxPage, index: number, from: number, to: number): Buffer {
  const rowBytes = Math.ceil(page.width / 8);
  const frame = new Uint8Array(rowBytes).fill(0xff);
  const edges = new Uint8Array(rowBytes);
  edges[0] = 0x80;
  edges[rowBytes - 1] = 0x01;
  const bar = new Uint8Array(rowBytes);
  bar.fill(0xff, 8, 8 + Math.min(rowBytes - 16, 4 * (index + 1)));
  bar[0] = 0x80;
  bar[rowBytes - 1] = 0x01;
  const out: number[] = [];
  for (let y = from; y < to; y++) {
    const row = y < 4 || y >= page.length - 4 ? frame : y >= 40 && y < 80 ? bar : edges;
    packRow(row, out);
  }
  return Buffer.from(out);
}

interface Entry {
  tag: number;
  type: number;
  values: number[];
}

/** Writes a multi-page bilevel TIFF (PackBits, min-is-white, PageNumber tags) that tiffinfo accepts. */
export function writeFaxTiff(pages: FaxPage[]): Buffer {
  const chunks: Buffer[] = [];
  let offset = 8;
  const header = Buffer.alloc(8);
  header.write('II', 0, 'latin1');
  header.writeUInt16LE(42, 2);
  chunks.push(header);
  let patchPrevious: ((ifdOffset: number) => void) = (ifd) => header.writeUInt32LE(ifd, 4);
  pages.forEach((page, index) => {
    const strip = pageStrip(page, index);
    const stripOffset = offset;
    chunks.push(strip);
    offset += strip.length + (strip.length % 2);
    if (strip.length % 2) chunks.push(Buffer.alloc(1));
    const entries: Entry[] = [
      { tag: 254, type: LONG, values: [2] },
      { tag: 256, type: LONG, values: [page.width] },
      { tag: 257, type: LONG, values: [page.length] },
      { tag: 258, type: SHORT, values: [1] },
      { tag: 259, type: SHORT, values: [PACKBITS] },
      { tag: 262, type: SHORT, values: [0] },
      { tag: 266, type: SHORT, values: [1] },
      { tag: 273, type: LONG, values: [stripOffset] },
      { tag: 274, type: SHORT, values: [1] },
      { tag: 277, type: SHORT, values: [1] },
      { tag: 278, type: LONG, values: [page.length] },
      { tag: 279, type: LONG, values: [strip.length] },
      { tag: 282, type: RATIONAL, values: [page.xDpi, 1] },
      { tag: 283, type: RATIONAL, values: [page.yDpi, 1] },
      { tag: 296, type: SHORT, values: [2] },
      { tag: 297, type: SHORT, values: [index, pages.length] },
    ];
    const ifdOffset = offset;
    const ifdSize = 2 + entries.length * 12 + 4;
    const ifd = Buffer.alloc(ifdSize + 16);
    let extra = ifdOffset + ifdSize;
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach((entry, i) => {
      const at = 2 + i * 12;
      ifd.writeUInt16LE(entry.tag, at);
      ifd.writeUInt16LE(entry.type, at + 2);
      if (entry.type === RATIONAL) {
        ifd.writeUInt32LE(1, at + 4);
        ifd.writeUInt32LE(extra, at + 8);
        ifd.writeUInt32LE(entry.values[0] ?? 0, extra - ifdOffset);
        ifd.writeUInt32LE(entry.values[1] ?? 1, extra - ifdOffset + 4);
        extra += 8;
      } else {
        ifd.writeUInt32LE(entry.values.length, at + 4);
        entry.values.forEach((value, k) =>
          entry.type === SHORT ? ifd.writeUInt16LE(value, at + 8 + k * 2) : ifd.writeUInt32LE(value, at + 8),
        );
      }
    });
    patchPrevious(ifdOffset);
    const nextPointerAt = 2 + entries.length * 12;
    patchPrevious = (next) => ifd.writeUInt32LE(next, nextPointerAt);
    chunks.push(ifd);
    offset += ifd.length;
  });
  return Buffer.concat(chunks);
}
