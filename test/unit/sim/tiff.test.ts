import { describe, expect, test } from 'vitest';
import { readTiffPages, TiffError } from '../../../src/sim/tiffReader.js';
import { faxPage, writeFaxTiff } from '../../../src/sim/tiffWriter.js';
import { ModDb } from '../../../src/sim/modDb.js';
import { t30Text } from '../../../src/sim/t30Codes.js';

describe('fax TIFF', () => {
  test('writes multi-page 1728-wide bilevel pages that read back', () => {
    const pages = readTiffPages(writeFaxTiff([faxPage(true), faxPage(false), faxPage(true)]));
    expect(pages.map((page) => [page.width, page.length, page.yDpi, page.bitsPerSample, page.compression])).toEqual([
      [1728, 2292, 196, 1, 32773],
      [1728, 1146, 98, 1, 32773],
      [1728, 2292, 196, 1, 32773],
    ]);
  });

  test('rejects non-TIFF data', () => {
    expect(() => readTiffPages(Buffer.from('%PDF-1.4 hello'))).toThrow(TiffError);
  });
});

describe('mod_db and T.30 texts', () => {
  test('db insert/select/exists/delete/list', () => {
    const db = new ModDb();
    expect(db.api('insert/fallback/15551234567/1714557607')).toBe('+OK');
    expect(db.api('select/fallback/15551234567')).toBe('1714557607');
    expect(db.api('exists/fallback/15551234567')).toBe('true');
    expect(db.api('list/fallback')).toBe('15551234567');
    expect(db.api('delete/fallback/15551234567')).toBe('+OK');
    expect(db.api('exists/fallback/15551234567')).toBe('false');
  });

  test('result texts follow spandsp, not the FreeSWITCH docs', () => {
    expect(t30Text(20)).toBe('Received no response to DCS or TCF');
    expect(t30Text(27)).toBe('Timed out while waiting for EOL (end Of line)');
    expect(t30Text(49)).toBe('The call dropped prematurely');
    expect(t30Text(48)).toBe('Disconnected after permitted retries');
  });
});
