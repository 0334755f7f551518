import type { Logger } from 'pino';
import type { Clock } from '../ports/clock.js';

export interface RetrySchedulerDeps {
  /** Makes what is due for the fax (the notifier's `process`). */
  process(faxId: string): Promise<void>;
  /** Faxes with notifications waiting, and when (ISO): from the notifications read model. */
  waiting(): Iterable<{ faxId: string; at: string | null }>;
  clock: Clock;
  logger: Logger;
  /** How often the read model is swept for waiting notifications nobody here armed. Default 60 s. */
  sweepEveryMs?: number;
  /**
   * Retries found by a sweep (armed by another instance, or by this one before a restart) are taken
   * over this long after they were due, so a live owner's attempt is recorded first and not repeated.
   */
  takeoverAfterMs: number;
}

export interface RetryScheduler {
  /** Wakes the fax at `at` (ISO), or sooner if something earlier is already armed. */
  arm(faxId: string, at: string): void;
  /** Sweeps once now, then every `sweepEveryMs`. */
  start(): void;
  stop(): Promise<void>;
}

/** setTimeout's limit; later wakes are re-armed in steps. */
const maxTimerMs = 2 ** 31 - 1;

/**
 * Wakes faxes whose notifications wait for a retry. Deadlines are absolute times recorded in the
 * fax streams, so after a restart the sweep re-arms them from the read model; a wake just asks the
 * notifier to make what is due, which is harmless when nothing is.
 */
export function createRetryScheduler(deps: RetrySchedulerDeps): RetryScheduler {
  const timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  const running = new Set<Promise<void>>();
  let sweeper: NodeJS.Timeout | undefined;
  let stopped = false;

  function armAt(faxId: string, at: number): void {
    if (stopped) return;
    const current = timers.get(faxId);
    if (current && current.at <= at) return;
    if (current) clearTimeout(current.timer);
    const delay = Math.min(maxTimerMs, Math.max(0, at - deps.clock.now().getTime()));
    const timer = setTimeout(() => wake(faxId, at), delay);
    timer.unref();
    timers.set(faxId, { at, timer });
  }

  function wake(faxId: string, at: number): void {
    timers.delete(faxId);
    if (stopped) return;
    if (at > deps.clock.now().getTime() + 5) return armAt(faxId, at);
    const run = deps.process(faxId).catch((error: unknown) => {
      deps.logger.warn({ err: error, faxId }, 'notification retry failed to run; trying again in 5 s');
      armAt(faxId, deps.clock.now().getTime() + 5_000);
    });
    running.add(run);
    void run.finally(() => running.delete(run));
  }

  function sweep(): void {
    try {
      for (const { faxId, at } of deps.waiting()) {
        armAt(faxId, (at === null ? deps.clock.now().getTime() : Date.parse(at)) + deps.takeoverAfterMs);
      }
    } catch (error) {
      deps.logger.warn({ err: error }, 'sweeping waiting notifications failed');
    }
  }

  return {
    arm: (faxId, at) => armAt(faxId, Date.parse(at)),
    start() {
      sweep();
      sweeper = setInterval(sweep, deps.sweepEveryMs ?? 60_000);
      sweeper.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(sweeper);
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.all(running);
    },
  };
}
