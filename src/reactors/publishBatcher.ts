import type { Logger } from 'pino';
import { PublishRejectedError } from '../ports/bus.js';

export interface PublishBatcherOptions<T> {
  initialCheckpoint: number;
  maxBatch: number;
  positionOf(item: T): number;
  /** Must resolve only once the items are durably accepted. Called for one batch at a time. */
  publish(items: readonly T[]): Promise<void>;
  saveCheckpoint(position: number): Promise<void>;
  logger: Logger;
  /** Least time between checkpoint saves. Default 100 ms. */
  checkpointEveryMs?: number;
  /** Back-off after a failed publish: doubles from this up to 5 s. Default 200 ms. */
  retryFirstDelayMs?: number;
  /**
   * Sets aside an item the bus keeps refusing (PublishRejectedError, published alone, this many
   * times: `attemptsBeforeParking`, default 6), so the items after it go on. Without it, refused
   * items are retried like any failure.
   */
  park?(item: T, error: unknown, attempts: number): Promise<void>;
  attemptsBeforeParking?: number;
}

export interface PublishBatcher<T> {
  /** Queues an item; waits while the queue is full (two batches), so a slow bus slows the reader. */
  add(item: T): Promise<void>;
  waitFor(position: number, timeoutMs: number): Promise<void>;
  readonly checkpoint: number;
  /** Lets the batch in flight finish for up to `graceMs`, then gives up on the rest. */
  close(graceMs: number): Promise<void>;
}

/**
 * Publishes items in order, one batch in flight at a time, retrying a failed batch until it is
 * accepted, and saves the position of a batch's last item only after it was accepted. One batch
 * at a time keeps per-key order across retries without relying on the bus. `checkpoint` is the
 * saved position: what a restart resumes after.
 */
export function createPublishBatcher<T>(options: PublishBatcherOptions<T>): PublishBatcher<T> {
  const queue: T[] = [];
  const waiters = new Set<{ position: number; resolve: () => void }>();
  let checkpoint = options.initialCheckpoint;
  let acknowledged = options.initialCheckpoint;
  let flushing: Promise<void> | undefined;
  let saving: Promise<void> | undefined;
  let lastSave = 0;
  let roomFreed = deferred();
  let closed = false;

  function kick(): void {
    if (flushing || closed || queue.length === 0) return;
    flushing = flushAll().finally(() => {
      flushing = undefined;
      kick();
    });
  }

  /** After a refused batch, items up to this position go one at a time, to find the one at fault. */
  let isolateUpTo = 0;

  async function flushAll(): Promise<void> {
    let failures = 0;
    while (queue.length > 0 && !closed) {
      const isolating = options.park !== undefined && options.positionOf(queue[0]!) <= isolateUpTo;
      const batch = queue.slice(0, isolating ? 1 : options.maxBatch);
      try {
        await options.publish(batch);
      } catch (error) {
        if (closed) return;
        failures++;
        if (options.park && error instanceof PublishRejectedError) {
          if (batch.length > 1) {
            options.logger.warn({ err: error, items: batch.length }, 'the bus refused a batch; publishing its items one at a time');
            isolateUpTo = options.positionOf(batch[batch.length - 1]!);
            failures = 0;
            continue;
          }
          if (failures >= (options.attemptsBeforeParking ?? 6)) {
            const parked = await options.park(batch[0]!, error, failures).then(
              () => true,
              (parkError: unknown) => (options.logger.warn({ err: parkError }, 'could not park a refused item; retrying it'), false),
            );
            if (parked) {
              failures = 0;
              settle(batch);
              continue;
            }
          }
        }
        if (failures === 1 || failures % 20 === 0) options.logger.warn({ err: error, failures }, 'publishing to the bus failed; retrying');
        await sleep(Math.min(5_000, (options.retryFirstDelayMs ?? 200) * 2 ** (failures - 1)), () => closed);
        continue;
      }
      if (failures > 0) options.logger.info({ failures }, 'publishing to the bus resumed');
      failures = 0;
      settle(batch);
    }
  }

  /** The batch is done with (acknowledged, or its one item parked): the checkpoint may pass it. */
  function settle(batch: readonly T[]): void {
    queue.splice(0, batch.length);
    acknowledged = options.positionOf(batch[batch.length - 1]!);
    roomFreed.resolve();
    roomFreed = deferred();
    saveCheckpoints();
  }

  // The checkpoint is written beside the next publish instead of before it, and at most every
  // `checkpointEveryMs`: each save is a synced write, and under a steady trickle of small batches
  // those would cost more than the publishing. It never runs ahead of what the bus acknowledged;
  // a crash re-publishes at most the last interval's events.
  function saveCheckpoints(): void {
    if (saving) return;
    saving = (async () => {
      while (checkpoint < acknowledged) {
        await sleep(lastSave + (options.checkpointEveryMs ?? 100) - Date.now(), () => closed);
        const target = acknowledged;
        try {
          await options.saveCheckpoint(target);
        } catch (error) {
          options.logger.warn({ err: error, position: target }, 'saving the publisher checkpoint failed; the next batch saves it');
          return;
        }
        lastSave = Date.now();
        checkpoint = target;
        for (const waiter of waiters) if (waiter.position <= checkpoint) waiter.resolve();
      }
    })().finally(() => (saving = undefined));
  }

  return {
    async add(item) {
      if (closed) return;
      queue.push(item);
      kick();
      while (queue.length >= options.maxBatch * 2 && !closed) await roomFreed.promise;
    },
    waitFor(position, timeoutMs) {
      if (position <= checkpoint) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const waiter = {
          position,
          resolve: () => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve();
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`events up to position ${position} were not published within ${timeoutMs} ms (at ${checkpoint})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    get checkpoint() {
      return checkpoint;
    },
    async close(graceMs) {
      const inFlight = flushing;
      if (inFlight) await Promise.race([inFlight, sleep(graceMs, () => false)]);
      closed = true;
      roomFreed.resolve();
      // A pending save skips its wait once closed, so what was acknowledged is recorded now.
      await saving;
      saveCheckpoints();
      await saving;
    },
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Waits `ms`, checking `cancelled` every 100 ms so closing never waits out a long back-off. */
async function sleep(ms: number, cancelled: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (!cancelled() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, Math.min(100, until - Date.now())));
}
