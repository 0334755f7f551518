import type { Logger } from 'pino';
import type { RetentionLimits } from '../domain/tenancy/validation.js';
import type { Clock } from '../ports/clock.js';
import type { Stoppable } from './leasedReactor.js';

export const retentionSweepName = 'retention-sweep';
const dayMs = 86_400_000;

export interface RetentionPolicy extends RetentionLimits {
  /** Days for tenants without a setting (and faxes of no tenant); unset: `maxDays`, else kept for ever. */
  defaultDays?: number;
}

/**
 * How long a tenant's faxes are kept after their end: its own days within the operator's limits (a
 * setting made before the limits narrowed is clamped), else the default. Undefined: for ever.
 */
export function retentionDaysFor(tenantDays: number | null, policy: RetentionPolicy): number | undefined {
  const days = tenantDays ?? policy.defaultDays ?? policy.maxDays;
  if (days === undefined) return undefined;
  return Math.min(Math.max(days, policy.minDays ?? 1), policy.maxDays ?? Number.POSITIVE_INFINITY);
}

export interface RetentionSweepDeps {
  /** The tenants (deleted ones too: their faxes are kept no longer) with faxes due to be looked at, with their setting; `key` is the `due` key part. */
  tenants(): Iterable<{ key: string; retentionDays: number | null }>;
  /** Up to `limit` ids of `tenantKey`'s faxes ended before `cutoff` (ISO) and not asked to be purged, after the key `after`; with the last key read. */
  due(tenantKey: string, cutoff: string, limit: number, after?: string): { faxIds: string[]; last: string | undefined };
  /** Asks for the fax's purge (reason retention, by the system); a fax asked already is no error. */
  requestPurge(faxId: string): Promise<void>;
  policy: RetentionPolicy;
  clock: Clock;
  logger: Logger;
  /** Between sweeps (config `records.retentionSweepInterval`). */
  intervalMs: number;
  /** Faxes per read (and per turn of the event loop). Default 200. */
  batchSize?: number;
}

/**
 * The retention sweep: at start and every `intervalMs`, for each tenant (and the faxes of no
 * tenant) whose retention is finite, asks for the purge of each fax whose end lies further back
 * than the retention, a batch at a time through the retention read model's `due` key range. The
 * purge runner does the purging, at its own rate. Run under a lease, so one instance sweeps.
 */
export function startRetentionSweep(deps: RetentionSweepDeps): Stoppable & { sweep(): Promise<number> } {
  const batchSize = deps.batchSize ?? 200;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> = Promise.resolve(0);

  async function sweepOnce(): Promise<number> {
    let asked = 0;
    const now = deps.clock.now().getTime();
    for (const tenant of [...deps.tenants()]) {
      const days = retentionDaysFor(tenant.retentionDays, deps.policy);
      if (days === undefined) continue;
      const cutoff = new Date(now - days * dayMs).toISOString();
      // The keys read so far this sweep: the read model drops a key only once it folded the request.
      for (let after: string | undefined; !stopped; ) {
        const { faxIds, last } = deps.due(tenant.key, cutoff, batchSize, after);
        for (const faxId of faxIds) {
          if (stopped) break;
          try {
            await deps.requestPurge(faxId);
            asked++;
          } catch (error) {
            // One fax that cannot be asked about (its stream unreadable) must not hold up the others: the next sweep tries it again.
            deps.logger.warn({ err: error, faxId }, 'could not ask for the purge of a fax whose retention ran out');
          }
        }
        if (faxIds.length < batchSize || last === undefined) break;
        after = last;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (asked > 0) deps.logger.info({ asked }, 'retention ran out: purges asked for');
    return asked;
  }

  function sweep(): Promise<number> {
    running = running.then(
      () => (stopped ? 0 : sweepOnce()),
      () => (stopped ? 0 : sweepOnce()),
    );
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    sweep()
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'retention sweep failed; trying again at the next one'))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(schedule, deps.intervalMs);
        timer.unref();
      });
  }
  schedule();

  return {
    sweep,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
