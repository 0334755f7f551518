import { describe, expect, it } from 'vitest';
import { linearScale, niceStep, niceTicks } from '../../../src/console/charts/scale.js';

describe('chart scales', () => {
  it('rounds a rough step up to 1, 2 or 5 times a power of ten', () => {
    expect([0.3, 1, 1.5, 3, 7, 12, 45, 99, 450].map(niceStep)).toEqual([0.5, 1, 2, 5, 10, 20, 50, 100, 500]);
    expect(niceStep(0)).toBe(1);
    expect(niceStep(Number.NaN)).toBe(1);
  });

  it('gives round ticks that cover the data, from zero', () => {
    expect(niceTicks(0, 7, 5, true)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 1234)).toEqual([0, 500, 1000, 1500]);
  });

  it('never gives fractional ticks for counts, nor float noise for fractions', () => {
    expect(niceTicks(0, 2, 5, true)).toEqual([0, 1, 2]);
    expect(niceTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('still draws an axis without data or with a flat range', () => {
    expect(niceTicks(0, 0, 5, true)).toEqual([0, 1]);
    expect(niceTicks(0, Number.NEGATIVE_INFINITY, 5, true)).toEqual([0, 1]);
    const flat = niceTicks(40, 40);
    expect(flat[0]).toBeLessThanOrEqual(40);
    expect(flat.at(-1)).toBeGreaterThan(40);
  });

  it('maps a domain onto a range, reversed ranges included (y grows downwards in SVG)', () => {
    const y = linearScale([0, 10], [200, 0]);
    expect([0, 5, 10].map(y)).toEqual([200, 100, 0]);
    expect(linearScale([3, 3], [10, 50])(3)).toBe(10);
  });
});
