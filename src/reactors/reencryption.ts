import type { Logger } from 'pino';
import type { ReencryptableStore } from '../ports/atRestData.js';
import type { Stoppable } from './leasedReactor.js';

export interface ReencryptionOptions {
  stores: () => readonly ReencryptableStore[];
  /** Items re-sealed per second at most, across the stores. */
  ratePerSecond: number;
  /**
   * After a pass, how long until the next look (default an hour): only a reload puts items under an
   * old key, and it wakes the job at once; the look is a safety net, and costs a read of every header.
   */
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
  /** A wake that came while a pass was under way: the next pass starts without waiting. */
  let woken = false;
  let wakeUp: () => void = () => undefined;
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
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
          await pause(Math.max(0, 1000 - (Date.now() - started)));
        }
      }
      if (total > 0) log.info({ items: total }, 're-encrypted items under the current key');
      options.onPass?.();
      if (!stopped && !woken) await idle(options.idleMs ?? 60 * 60_000);
      woken = false;
    }
  })();

  return {
    wake() {
      woken = true;
      wakeUp();
    },
    async stop() {
      stopped = true;
      wakeUp();
      await running;
    },
  };
}
