import { describe, expect, it } from 'vitest';
import { uuidV7 } from '../../../src/adapters/eventStore/sqlite/uuidV7.js';

describe('uuidV7', () => {
  it('makes RFC 9562 version-7 ids that sort in creation order, even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => uuidV7(1_700_000_000_000));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('encodes the timestamp in the first 48 bits', () => {
    const id = uuidV7(Date.UTC(2030, 0, 1));
    const ms = parseInt(id.replaceAll('-', '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(Date.UTC(2030, 0, 1));
    expect(ms).toBeLessThan(Date.UTC(2030, 0, 1) + 1000);
  });
});
