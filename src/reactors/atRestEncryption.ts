import type { Logger } from 'pino';
import type { ReencryptableStore } from '../ports/atRestData.js';
import type { Stoppable } from './leasedReactor.js';

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

export interface ReencryptionOptions {
  stores: () => readonly ReencryptableStore[];
  /** Items re-sealed per second at most, across the stores. */
  ratePerSecond: number;
  /** After a pass found nothing left, how long until the next look (a reload wakes it at once). */
  idleMs?: number;
  /** Told after each pass over every store. */
  onPass?(): void;
  logger: Logger;
}

/**
 * The background re-encryption after a key rotation (one instance of a cluster runs it, under a
 * lease): each store re-seals a batch of items not under the current key, a batch a second at
 * most, until every store says none is left; then it waits for the next rotation. It keeps no
 * state of its own: after a restart (or on another instance) it just walks the stores again.
 */
export function startReencryption(options: ReencryptionOptions): Stoppable & { wake(): void } {
  let stopped = false;
  let wakeUp: () => void = () => undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const log = options.logger.child({ component: 'reencryption' });

  const running = (async () => {
    while (!stopped) {
      let total = 0;
      for (const store of options.stores()) {
        while (!stopped) {
          const started = Date.now();
          let done: number;
          try {
            done = await store.reencryptBatch(options.ratePerSecond);
          } catch (error) {
            log.error({ err: error, store: store.name }, 're-encryption batch failed; trying again later');
            break;
          }
          total += done;
          if (done === 0) break;
          // Bounded rate: one batch of `ratePerSecond` items a second at most.
          await sleep(Math.max(0, 1000 - (Date.now() - started)));
        }
      }
      if (total > 0) log.info({ items: total }, 're-encrypted items under the current key');
      options.onPass?.();
      if (!stopped) await sleep(options.idleMs ?? 60_000);
    }
  })();

  return {
    wake: () => wakeUp(),
    async stop() {
      stopped = true;
      wakeUp();
      await running;
    },
  };
}
