import type { Logger } from 'pino';

export type DriveOutcome = 'driving' | 'elsewhere' | 'finished' | 'notFound';

/**
 * Finds the unfinished outbound faxes nobody drives (their instance died or gave them up) and
 * drives them here. Cheap when there is nothing to do: the read model's list against this
 * instance's actors, and one look at the fax leases only when some fax is not driven here.
 */
export interface TakeoverSweep {
  /** One sweep now (the start-up restore); a failure to read the leases goes to the caller. */
  run(): Promise<void>;
  /** Sweeps every `everyMs` from now on (0: never). */
  start(everyMs: number): void;
  stop(): void;
}

export function createTakeoverSweep(deps: {
  /** Outbound faxes the read model shows as not finished. */
  unfinished(): string[];
  /** Driven (or being started) by this instance. */
  isLocal(faxId: string): boolean;
  /** Held by another instance now. */
  claimedElsewhere(): Promise<Set<string>>;
  drive(faxId: string): Promise<DriveOutcome>;
  /** Applies the cancels that reached other instances for faxes driven here. */
  cancelsFromElsewhere(): Promise<void>;
  /** Shutting down: take nothing more. */
  holding(): boolean;
  logger: Logger;
}): TakeoverSweep {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  /** Found finished while the read model (which lags) still lists them: not claimed again at each sweep. */
  let settled = new Set<string>();

  async function sweep(): Promise<void> {
    await deps.cancelsFromElsewhere();
    const unfinished = deps.unfinished();
    const listed = new Set(unfinished);
    settled = new Set([...settled].filter((faxId) => listed.has(faxId)));
    const candidates = unfinished.filter((faxId) => !deps.isLocal(faxId) && !settled.has(faxId));
    if (candidates.length === 0) return;
    const elsewhere = await deps.claimedElsewhere();
    for (const faxId of candidates) {
      if (deps.holding()) return;
      if (elsewhere.has(faxId)) continue;
      // One fax that cannot be started (its document unreadable, say) must not hold up the others.
      const outcome = await deps.drive(faxId).catch((error: unknown) => {
        deps.logger.error({ err: error, faxId }, 'could not drive this fax here');
        return 'elsewhere' as const;
      });
      if (outcome === 'finished' || outcome === 'notFound') settled.add(faxId);
    }
  }

  const run = () => (running ??= sweep().finally(() => (running = undefined)));

  return {
    run,
    start(everyMs) {
      if (everyMs <= 0) return;
      timer = setInterval(() => {
        if (!deps.holding()) run().catch((error: unknown) => deps.logger.warn({ err: error }, 'takeover sweep failed'));
      }, everyMs);
      timer.unref();
    },
    stop: () => clearInterval(timer),
  };
}
