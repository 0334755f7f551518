import type { KeyRing } from './keyRing.js';

/** A key ring that can be reloaded in a running process (SIGHUP, the admin route) after a key rotation. */
export interface ReloadableKeyRing extends KeyRing {
  /**
   * Loads the ring again and uses it from now on: new data is sealed under its current key at
   * once. Throws (keeping the ring in use) when the new ring cannot be loaded or `check` refuses it.
   */
  reload(check?: (next: KeyRing) => void): KeyRing;
}

/**
 * Every holder of this object sees the reloaded keys: it forwards to the ring loaded last. A
 * reload's `check` may refuse the new ring (e.g. one that drops a key that still seals data) by throwing.
 */
export function createReloadableKeyRing(load: () => KeyRing): ReloadableKeyRing {
  let ring = load();
  return {
    get currentKeyId() {
      return ring.currentKeyId;
    },
    get keyIds() {
      return ring.keyIds;
    },
    seal: (plain, aad) => ring.seal(plain, aad),
    open: (sealed, aad) => ring.open(sealed, aad),
    reload(check) {
      const next = load();
      check?.(next);
      ring = next;
      return next;
    },
  };
}
