import { describe, expect, it } from 'vitest';
import { pixelsPerMetreToDpi } from '../../../src/domain/fax/pixelsPerMetre.js';
import { classifyT30Result, t30Results, t30Text } from '../../../src/domain/fax/t30Results.js';

describe('T.30 results', () => {
  it('knows every spandsp code 0–61 with its exact text', () => {
    expect([...t30Results.keys()]).toEqual(Array.from({ length: 62 }, (_, code) => code));
    expect(t30Text(20)).toBe('Received no response to DCS or TCF');
    expect(t30Text(27)).toBe('Timed out while waiting for EOL (end Of line)');
    expect(t30Text(48)).toBe('Disconnected after permitted retries');
    expect(t30Text(99)).toBe('Unknown T.30 result code 99');
  });

  it('classifies by what happened: 48 after pages is a page failure, 49 before negotiating is no fax', () => {
    expect(classifyT30Result(0, { pagesTransferred: 3, negotiations: 1 })).toBe('success');
    expect(classifyT30Result(3, { pagesTransferred: 0, negotiations: 0 })).toBe('no_fax_detected');
    expect(classifyT30Result(48, { pagesTransferred: 0, negotiations: 2 })).toBe('negotiation_failed');
    expect(classifyT30Result(48, { pagesTransferred: 2, negotiations: 1 })).toBe('page_transfer_failed');
    expect(classifyT30Result(49, { pagesTransferred: 0, negotiations: 0 })).toBe('no_fax_detected');
    expect(classifyT30Result(49, { pagesTransferred: 1, negotiations: 1 })).toBe('call_dropped');
    expect(classifyT30Result(43, { pagesTransferred: 0, negotiations: 1 })).toBe('local_document_error');
  });

  it('turns spandsp pixels per metre into dots per inch', () => {
    expect(pixelsPerMetreToDpi('8040x7700')).toBe('204x196');
    expect(pixelsPerMetreToDpi('8040x3850')).toBe('204x98');
    expect(pixelsPerMetreToDpi('7874x7874')).toBe('200x200');
    expect(pixelsPerMetreToDpi('0x0')).toBe('0x0');
  });
});
