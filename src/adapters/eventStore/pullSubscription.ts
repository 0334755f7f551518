import { createStopSignal } from '../../domain/stopSignal.js';
import type { RecordedEvent, SubscribeOptions, Subscription } from '../../ports/eventStore.js';

export interface PullSource {
  /**
   * Up to `maxCount` matching events after `after`, plus the position the read covered up to
   * (the store's head when the page is not full), so a filtered subscription can move past
   * events it does not want.
   */
  readPage(after: number, maxCount: number): Promise<{ events: RecordedEvent[]; coveredUpTo: number }>;
  /** A counter that moves on every append this source knows of. */
  appendCount(): number;
  /** Resolves when an append happened after `appendCount()` returned `since` (at once if one already has). */
  waitForAppend(since: number): Promise<void>;
}

const PAGE_SIZE = 1000;

/**
 * Catch-up then live delivery as one loop: read a page after the last delivered position, hand
 * each event to the handler (awaiting it, so the handler's checkpoint is always safe), and when a
 * page comes back short, wait for the next append. Because catch-up and live use the same read,
 * there is no hand-over gap in which an event could be lost or delivered twice.
 */
export function startPullSubscription(source: PullSource, options: SubscribeOptions): Subscription {
  let lastPosition = options.after ?? 0;
  let stopped = false;
  let caughtUp = false;
  const stopRequested = createStopSignal();

  async function run(): Promise<void> {
    while (!stopped) {
      // Read the counter before the page: an append that lands while the handler runs still wakes us.
      const seen = source.appendCount();
      const { events, coveredUpTo } = await source.readPage(lastPosition, PAGE_SIZE);
      for (const event of events) {
        if (stopped) return;
        const pending = options.handler(event);
        if (pending !== undefined && typeof (pending as Promise<void>).then === 'function') await pending;
        lastPosition = event.position;
      }
      if (events.length < PAGE_SIZE) {
        if (stopped) return;
        lastPosition = Math.max(lastPosition, coveredUpTo);
        if (!caughtUp) {
          caughtUp = true;
          options.onCaughtUp?.();
        }
        await stopRequested.race(source.waitForAppend(seen));
      }
    }
  }

  const running = run().catch((error: unknown) => {
    stopped = true;
    if (options.onError) options.onError(error);
  });

  return {
    get lastPosition() {
      return lastPosition;
    },
    async stop() {
      stopped = true;
      stopRequested.request();
      await running;
    },
  };
}

/** A pull subscription its store keeps in `open` until it is stopped, so closing the store stops it too. */
export function startTrackedPullSubscription(open: Set<{ stop(): Promise<void> }>, source: PullSource, options: SubscribeOptions): Subscription {
  const subscription = startPullSubscription(source, options);
  open.add(subscription);
  return {
    get lastPosition() {
      return subscription.lastPosition;
    },
    async stop() {
      open.delete(subscription);
      await subscription.stop();
    },
  };
}
