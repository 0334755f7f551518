import pg from 'pg';

export interface AppendSignal {
  /** A counter that moves on every append this process made or heard of. */
  count(): number;
  /** Resolves when the counter has moved past `since` (at once if it already has). */
  next(since: number): Promise<void>;
  /** An append of this process committed. */
  notify(): void;
  close(): Promise<void>;
}

const reconnectDelaysMs = [100, 500, 1000, 2000, 5000];

/**
 * Wakes subscriptions when any instance appends: every append transaction runs
 * `pg_notify('faxengine_events', …)`, delivered at its commit to this LISTEN connection. A
 * connection that drops is opened again (with back-off) and the counter moves on, since
 * notifications sent meanwhile were lost: waiting subscriptions read once more.
 */
export function createPostgresAppendSignal(config: pg.ClientConfig, onError: (error: Error) => void): AppendSignal {
  let counter = 0;
  let waiters: Array<() => void> = [];
  let client: pg.Client | undefined;
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;

  const bump = () => {
    counter += 1;
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };

  const listen = async () => {
    if (closed) return;
    const listener = new pg.Client(config);
    client = listener;
    listener.on('notification', bump);
    listener.on('error', (error) => {
      onError(error);
      void listener.end().catch(() => undefined);
    });
    listener.on('end', () => {
      if (client === listener) client = undefined;
      if (!closed) scheduleReconnect();
    });
    try {
      await listener.connect();
      await listener.query('LISTEN faxengine_events');
      failures = 0;
      bump();
    } catch (error) {
      onError(error as Error);
      await listener.end().catch(() => undefined);
      scheduleReconnect();
    }
  };

  const scheduleReconnect = () => {
    if (retry || closed) return;
    const delay = reconnectDelaysMs[Math.min(failures++, reconnectDelaysMs.length - 1)]!;
    retry = setTimeout(() => {
      retry = undefined;
      void listen();
    }, delay);
    retry.unref();
  };

  void listen();

  return {
    count: () => counter,
    next: (since) => (counter !== since ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    notify: bump,
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
      bump();
    },
  };
}
