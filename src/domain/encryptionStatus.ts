/**
 * What the key ring's status says after counting the stores sealed at rest: which old keys still
 * seal items, which may be removed, which are missing. Pure: the counts and the time come in.
 */
/** The key ids a ring holds, the one new data is sealed under first (the KeyRing's shape, without its adapter). */
export interface KeyIds {
  readonly currentKeyId: string;
  readonly keyIds: readonly string[];
}

/** What `GET /v1/admin/encryption` answers. */
export interface EncryptionStatus {
  currentKey: string;
  /** Every key of the ring: how many items each still seals, and whether it may be removed now. */
  keys: Array<{ id: string; current: boolean; items: number; removable: boolean }>;
  /** Per store, items by key id (`plain`: not sealed, from before encryption or with encryption off). */
  stores: Array<{ name: string; byKey: Record<string, number>; underOldKeys: number }>;
  /** Keys that still seal items but are not in the ring: those items cannot be read until the key is put back. */
  missingKeys: Array<{ key: string; store: string; items: number }>;
  /** True when nothing is sealed under an old key (plain items count as old while documents are sealed). */
  reencrypted: boolean;
  /** When the counts were taken. */
  countedAt: string;
}

const PLAIN = 'plain';

/** Counts per store and key, and what they mean for the ring. */
export function encryptionStatus(ring: KeyIds, counts: ReadonlyArray<{ name: string; byKey: Record<string, number> }>, plainIsOld: boolean, countedAt: Date): EncryptionStatus {
  const isOld = (key: string) => key !== ring.currentKeyId && (key !== PLAIN || plainIsOld);
  const stores = counts.map(({ name, byKey }) => ({
    name,
    byKey,
    underOldKeys: Object.entries(byKey).reduce((sum, [key, items]) => sum + (isOld(key) ? items : 0), 0),
  }));
  const itemsUnder = (key: string) => counts.reduce((sum, { byKey }) => sum + (byKey[key] ?? 0), 0);
  const missingKeys = counts.flatMap(({ name, byKey }) =>
    Object.entries(byKey)
      .filter(([key, items]) => key !== PLAIN && items > 0 && !ring.keyIds.includes(key))
      .map(([key, items]) => ({ key, store: name, items })),
  );
  return {
    currentKey: ring.currentKeyId,
    keys: ring.keyIds.map((id) => ({ id, current: id === ring.currentKeyId, items: itemsUnder(id), removable: id !== ring.currentKeyId && itemsUnder(id) === 0 })),
    stores,
    missingKeys,
    reencrypted: stores.every((store) => store.underOldKeys === 0),
    countedAt: countedAt.toISOString(),
  };
}

/** The reason a new ring must not replace the old one: it lacks a key that still seals items. */
export function refusalOf(next: KeyIds, counts: ReadonlyArray<{ name: string; byKey: Record<string, number> }>): string | undefined {
  const lost = encryptionStatus(next, counts, false, new Date(0)).missingKeys;
  if (lost.length === 0) return undefined;
  return lost.map(({ key, store, items }) => `key ${key} still seals ${items} item${items === 1 ? '' : 's'} of ${store}`).join('; ') + ': keep it in the ring until the re-encryption is done (GET /v1/admin/encryption)';
}
