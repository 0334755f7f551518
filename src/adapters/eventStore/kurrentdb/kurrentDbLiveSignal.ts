/** The part of the client's AllStreamSubscription the signal uses (the real subscription satisfies it). */
export interface LiveFeed {
  on(event: 'data' | 'confirmation' | 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  unsubscribe(): Promise<void>;
}

export interface LiveSignalOptions {
  /** Opens a server subscription from the end of $all; called again after each failure. */
  open(): LiveFeed;
  /** Told of each failure of the server subscription (the signal then retries on its own). */
  onFailure(error: unknown): void;
  /** Delay before the n-th consecutive retry (n from 1). */
  retryDelayMs?: (failures: number) => number;
}

export interface LiveSignal {
  /** Moves on every append the server announced, and on every (re)connection and retry. */
  appendCount(): number;
  waitForAppend(since: number): Promise<void>;
  stop(): Promise<void>;
}

export const defaultRetryDelayMs = (failures: number): number => Math.min(250 * 2 ** (failures - 1), 30_000);

/**
 * What wakes a KurrentDB pull subscription: a live server subscription whose events only say
 * "something was appended". When that subscription fails (server restart, network cut, leader
 * change) it is reopened with back-off, and every failure, retry and (re)confirmation moves the
 * counter too, so the pull loop reads again: whatever was appended while the signal was down is
 * read then, and while the server stays unreachable the loop keeps trying at the retry pace
 * instead of waiting for ever for a wake-up that cannot come.
 */
export function createLiveSignal(options: LiveSignalOptions): LiveSignal {
  const retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
  let count = 0;
  let failures = 0;
  let stopped = false;
  let feed: LiveFeed | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  const waiters = new Set<() => void>();

  const bump = () => {
    count += 1;
    for (const waiter of [...waiters]) waiter();
    waiters.clear();
  };

  function retryLater(error: unknown): void {
    failures += 1;
    options.onFailure(error);
    bump();
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      bump();
      open();
    }, retryDelayMs(failures));
  }

  function open(): void {
    if (stopped) return;
    let current: LiveFeed;
    try {
      current = options.open();
    } catch (error) {
      // Inside a retry timer a throw would be uncaught: treat it as one more failure.
      feed = undefined;
      retryLater(error);
      return;
    }
    feed = current;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed || stopped || feed !== current) return;
      failed = true;
      void current.unsubscribe().catch(() => undefined);
      retryLater(error);
    };
    current.on('data', bump);
    // The server subscription starts at the end of $all when it is confirmed: an append made before
    // then raised no event, so read once more.
    current.on('confirmation', () => {
      failures = 0;
      bump();
    });
    current.on('error', fail);
    current.on('end', () => fail(new Error('KurrentDB live subscription ended')));
    current.on('close', () => fail(new Error('KurrentDB live subscription closed')));
  }
  open();

  return {
    appendCount: () => count,
    waitForAppend: (since) => (since !== count ? Promise.resolve() : new Promise<void>((resolve) => waiters.add(resolve))),
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      bump();
      await feed?.unsubscribe().catch(() => undefined);
    },
  };
}
