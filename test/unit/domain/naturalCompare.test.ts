import { describe, expect, it } from 'vitest';
import { naturalCompare } from '../../../src/domain/naturalCompare.js';

describe('naturalCompare', () => {
  it('orders digit runs by value, as localeCompare with numeric: true did for ids', () => {
    const ids = ['10', '2', '1', 'gw-10', 'gw-9', 'gw-1', '100', 'a2b10', 'a2b9', 'a10b1'];
    expect([...ids].sort(naturalCompare)).toEqual(['1', '2', '10', '100', 'a2b9', 'a2b10', 'a10b1', 'gw-1', 'gw-9', 'gw-10']);
    expect([...ids].sort(naturalCompare)).toEqual([...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
  });

  it('compares numbers longer than a double holds exactly, and puts a prefix first', () => {
    expect(naturalCompare('99999999999999999998', '99999999999999999999')).toBeLessThan(0);
    expect(naturalCompare('123456789012345678901', '99999999999999999999')).toBeGreaterThan(0);
    expect(naturalCompare('ep', 'ep-1')).toBeLessThan(0);
    expect(naturalCompare('ep-1', 'ep')).toBeGreaterThan(0);
  });

  it('is a total order: equal only for the same string', () => {
    expect(naturalCompare('007', '7')).not.toBe(0);
    expect(Math.sign(naturalCompare('007', '7'))).toBe(-Math.sign(naturalCompare('7', '007')));
    expect(naturalCompare('x7', 'x7')).toBe(0);
  });
});
