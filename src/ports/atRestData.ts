/**
 * Data sealed at rest under the key ring (documents, page images, per-fax keys). After a key
 * rotation the re-encryption job walks every such store until nothing is left under an old key,
 * which can then be removed from the ring (README: Encryption at rest).
 */
export interface ReencryptableStore {
  /** Shown in the re-encryption status, e.g. `documents`. */
  readonly name: string;
  /** How many items are sealed under each key id (`plain` for items from before encryption). */
  countByKey(): Promise<Record<string, number>>;
  /** Re-seals up to `limit` items not under the current key; resolves how many it re-sealed (0: done). */
  reencryptBatch(limit: number): Promise<number>;
}
