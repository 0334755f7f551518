import { describe, expect, it } from 'vitest';
import { createLruCache } from '../../../src/domain/lruCache.js';

describe('LRU cache', () => {
  it('never holds more than its limit, evicting the least recently used entry', () => {
    const cache = createLruCache<number>(3);
    for (let index = 0; index < 1000; index++) {
      cache.set(`k${index}`, index);
      expect(cache.size).toBeLessThanOrEqual(3);
    }
    expect([cache.get('k996'), cache.get('k997'), cache.get('k998'), cache.get('k999')]).toEqual([undefined, 997, 998, 999]);
  });

  it('keeps what was read recently and drops what was not', () => {
    const cache = createLruCache<string>(2);
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    // Rewriting a key refreshes it without growing the cache.
    cache.set('c', 'C2');
    cache.set('a', 'A2');
    expect(cache.size).toBe(2);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toBe('C2');
  });

  it('refuses a limit that is not a positive whole number', () => {
    expect(() => createLruCache(0)).toThrow(RangeError);
    expect(() => createLruCache(1.5)).toThrow(RangeError);
  });
});
