import { describe, expect, it } from 'vitest';
import { tiffPageExtents } from '../../../src/adapters/documents/tiffPageFormat.js';
import { relayPageFormat } from '../../../src/domain/outbound/relayPageFormat.js';
import { writeFaxTiff } from '../../../src/sim/tiffWriter.js';

const page = (length: number, yDpi: number) => ({ width: 1728, length, xDpi: 204, yDpi });

describe('the resolution and page size of a received fax TIFF (what a relay sends on)', () => {
  it('reads each page’s length and vertical resolution from the TIFF', () => {
    expect(tiffPageExtents(writeFaxTiff([page(2292, 196), page(1078, 98)]))).toEqual([
      { lengthPx: 2292, yDpi: 196 },
      { lengthPx: 1078, yDpi: 98 },
    ]);
  });

  it.each([
    ['A4 fine', [page(2292, 196)], { resolution: 'fine', pageSize: 'a4' }],
    ['A4 standard', [page(1146, 98)], { resolution: 'standard', pageSize: 'a4' }],
    ['Letter fine', [page(2156, 196)], { resolution: 'fine', pageSize: 'letter' }],
    ['Letter standard', [page(1078, 98)], { resolution: 'standard', pageSize: 'letter' }],
    ['standard then fine: fine', [page(1078, 98), page(2156, 196)], { resolution: 'fine', pageSize: 'letter' }],
  ])('%s', (_name, pages, expected) => {
    expect(relayPageFormat(tiffPageExtents(writeFaxTiff(pages)))).toEqual(expected);
  });

  it('a page without a resolution counts as fine; no pages at all as fine Letter', () => {
    expect(relayPageFormat([{ lengthPx: 2292 }])).toEqual({ resolution: 'fine', pageSize: 'a4' });
    expect(relayPageFormat([])).toEqual({ resolution: 'fine', pageSize: 'letter' });
  });

  it('refuses what is no TIFF', () => {
    expect(() => tiffPageExtents(Buffer.from('%PDF-1.4'))).toThrow(/not a TIFF/);
  });
});
