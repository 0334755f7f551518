import { describe, expect, it } from 'vitest';
import { encryptionStatus, refusalOf } from '../../../src/domain/encryptionStatus.js';

const at = new Date('2026-12-06T12:00:00Z');

describe('encryption status', () => {
  it('counts items under old keys per store, says which keys may go, and lists keys missing from the ring', () => {
    const status = encryptionStatus({ currentKeyId: 'k3', keyIds: ['k3', 'k2'] }, [
      { name: 'documents', byKey: { k3: 4, k2: 0, k1: 2, plain: 1 } },
      { name: 'fax-keys', byKey: { k3: 7 } },
    ], true, at);
    expect(status).toEqual({
      currentKey: 'k3',
      keys: [
        { id: 'k3', current: true, items: 11, removable: false },
        { id: 'k2', current: false, items: 0, removable: true },
      ],
      stores: [
        { name: 'documents', byKey: { k3: 4, k2: 0, k1: 2, plain: 1 }, underOldKeys: 3 },
        { name: 'fax-keys', byKey: { k3: 7 }, underOldKeys: 0 },
      ],
      missingKeys: [{ key: 'k1', store: 'documents', items: 2 }],
      reencrypted: false,
      countedAt: '2026-12-06T12:00:00.000Z',
    });
  });

  it('does not count plain items as left to do while documents are written plain', () => {
    expect(encryptionStatus({ currentKeyId: 'k1', keyIds: ['k1'] }, [{ name: 'documents', byKey: { plain: 5, k1: 1 } }], false, at)).toMatchObject({ reencrypted: true, stores: [{ underOldKeys: 0 }] });
  });

  it('refuses a ring that drops a key still in use, naming key, count and store', () => {
    const counts: Array<{ name: string; byKey: Record<string, number> }> = [{ name: 'documents', byKey: { k1: 1, k2: 3 } }, { name: 'page-images', byKey: { k1: 2 } }];
    expect(refusalOf({ currentKeyId: 'k2', keyIds: ['k2', 'k1'] }, counts)).toBeUndefined();
    expect(refusalOf({ currentKeyId: 'k2', keyIds: ['k2'] }, counts)).toBe('key k1 still seals 1 item of documents; key k1 still seals 2 items of page-images: keep it in the ring until the re-encryption is done (GET /v1/admin/encryption)');
  });
});
