import type { Logger } from 'pino';
import type { Lease, LeaseStore } from '../ports/leaseStore.js';

/** A running reactor, as the lease holder stops it. */
export interface Stoppable {
  stop(): Promise<void>;
}

export interface LeasedReactorOptions {
  leases: LeaseStore;
  /** The lease's name, `reactor-<reactor>` (e.g. `reactor-fax-relay`). */
  name: string;
  /** This instance's id (cluster membership). */
  owner: string;
  ttlMs: number;
  /** Starts the reactor; called each time this instance comes to hold the lease. */
  start(): Promise<Stoppable>;
  logger: Logger;
  /**
   * How long to wait, after taking the lease over from a holder whose lease lapsed (rather than
   * one that released it), before starting: the time a step the old holder began just before it
   * stood down needs to finish and be recorded (a webhook in flight). Default 0.
   */
  takeoverDelayMs?: number;
  /** Told each time this instance starts (true) or stops (false) running the reactor. */
  onActiveChange?(active: boolean): void;
  /** Milliseconds on a monotonic clock; default `performance.now`. */
  now?(): number;
}

export interface LeasedReactor extends Stoppable {
  /** Whether the reactor runs on this instance now. */
  readonly active: boolean;
}

/**
 * Runs a reactor on one instance of the cluster at a time. The instance that acquires the lease
 * starts the reactor and renews the lease every third of its TTL; the others stand by and try
 * again as often. A holder that has not renewed for two thirds of the TTL (the store unreachable,
 * the process stalled) or finds the lease taken stops the reactor at once, a third of the TTL
 * before anyone else may take it. `stop()` stops the reactor and releases the lease, so a drain
 * hands over at once. The reactor resumes from its checkpoint wherever it starts.
 */
export function startLeasedReactor(options: LeasedReactorOptions): LeasedReactor {
  const { leases, name, owner, ttlMs } = options;
  const now = options.now ?? (() => performance.now());
  const logger = options.logger.child({ lease: name, instanceId: owner });
  const interval = Math.max(1, Math.floor(ttlMs / 3));
  let running: Stoppable | undefined;
  let held = false;
  /** When (local monotonic time) the last acquire or renewal that succeeded was sent. */
  let renewedAt = 0;
  /** The other holder last seen while standing by, to tell a release from a lapse. */
  let seen: Lease | undefined;
  let startAfter = 0;
  let standingBy = false;
  let stopped = false;
  let ticking: Promise<void> = Promise.resolve();
  let tickTimer: NodeJS.Timeout | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  /** Stops of the reactor after a lost lease, still finishing (what it had in flight). */
  const standingDown = new Set<Promise<void>>();
  /** Two thirds of the TTL have passed since `at`: a third is left before anyone else may take the lease. */
  const late = (at: number) => now() >= at + (2 * ttlMs) / 3;

  function setActive(reactor: Stoppable | undefined): void {
    running = reactor;
    options.onActiveChange?.(reactor !== undefined);
  }

  async function standDown(reason: string): Promise<void> {
    held = false;
    clearTimeout(watchdog);
    const reactor = running;
    if (!reactor) return;
    setActive(undefined);
    logger.warn({ reason }, 'lease lost: reactor stopped on this instance, another takes over');
    const stopping = reactor.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping the reactor failed'));
    standingDown.add(stopping);
    await stopping;
    standingDown.delete(stopping);
  }

  /** Stops the reactor before the lease can lapse when no renewal got through for two thirds of it. */
  function armWatchdog(): void {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      if (!held || stopped) return;
      // Timers may fire a little early by this clock: look again then.
      if (!late(renewedAt)) return armWatchdog();
      // Not behind the tick: a renewal that hangs must not keep the reactor running.
      void standDown('no renewal for two thirds of the lease');
    }, Math.max(0, renewedAt + (2 * ttlMs) / 3 - now()));
    watchdog.unref();
  }

  /** A lease call, given up after a third of the TTL (a hung connection must not hold the loop). */
  function bounded<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`lease store did not answer in ${interval} ms`)), interval);
    });
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    const sentAt = now();
    let lease: Lease | undefined;
    try {
      lease = await bounded(leases.acquire(name, owner, ttlMs));
    } catch (error) {
      // The watchdog stops a holder whose renewals keep failing; a stand-by just tries again.
      logger.warn({ err: error, held }, 'lease store unreachable; trying again');
      return;
    }
    if (stopped) return;
    if (!lease) {
      if (held) return standDown('another instance holds the lease');
      seen = (await bounded(leases.held(name)).catch(() => [])).find((item) => item.name === name);
      if (!standingBy) logger.info({ holder: seen?.owner }, 'reactor standing by: another instance runs it');
      standingBy = true;
      options.onActiveChange?.(false);
      return;
    }
    // An answer this late leaves too little of the lease to act on; the next try counts.
    if (late(sentAt)) return;
    renewedAt = sentAt;
    if (!held) {
      held = true;
      // The previous holder's lease ran out (it did not release): let its last step finish and be recorded.
      const lapsed = seen !== undefined && Date.parse(lease.expiresAt) - ttlMs >= Date.parse(seen.expiresAt);
      startAfter = lapsed ? now() + (options.takeoverDelayMs ?? 0) : 0;
      if (lapsed && options.takeoverDelayMs) logger.info({ previous: seen?.owner, waitMs: options.takeoverDelayMs }, 'lease taken over from an instance that stopped renewing it; waiting for its last step');
      seen = undefined;
    }
    armWatchdog();
    if (!running && now() >= startAfter) {
      const reactor = await options.start();
      if (stopped || !held) {
        await reactor.stop();
        return;
      }
      setActive(reactor);
      if (standingBy) logger.info('reactor taken over: running on this instance');
      standingBy = false;
    }
  }

  function schedule(): void {
    if (stopped) return;
    ticking = ticking
      .then(() => tick())
      .catch((error: unknown) => logger.error({ err: error }, 'starting the reactor failed; trying again'))
      .finally(() => {
        if (stopped) return;
        // Sooner while a take-over delay runs out, so the reactor starts when it ends.
        const wait = held && !running && startAfter > now() ? Math.min(interval, startAfter - now()) : interval;
        tickTimer = setTimeout(schedule, wait);
        tickTimer.unref();
      });
  }
  schedule();

  return {
    get active() {
      return running !== undefined;
    },
    async stop() {
      stopped = true;
      clearTimeout(tickTimer);
      clearTimeout(watchdog);
      await ticking;
      const reactor = running;
      setActive(undefined);
      await reactor?.stop();
      await Promise.all(standingDown);
      if (held) await bounded(leases.release(name, owner)).catch((error: unknown) => logger.warn({ err: error }, 'releasing the lease failed; it lapses on its own'));
      held = false;
    },
  };
}

/** Starts reactors under leases of one cluster member; `reactor` names the lease `reactor-<reactor>`. */
export type ReactorRunner = (reactor: string, start: () => Promise<Stoppable>, options?: { takeoverDelayMs?: number }) => LeasedReactor;

/** Without a cluster (tests, tools): runs the reactor here, at once. */
export const runHere: ReactorRunner = (_reactor, start) => {
  let running: Stoppable | undefined;
  const started = start().then((reactor) => (running = reactor));
  // A failed start surfaces at stop(); until then it must not crash the process as unhandled.
  started.catch(() => undefined);
  return {
    get active() {
      return running !== undefined;
    },
    async stop() {
      await (await started).stop();
    },
  };
};
