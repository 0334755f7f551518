import type { MetricLabels } from '../../ports/metrics.js';
import type { ChannelScheduler } from '../../runtime/channelScheduler.js';

export interface SchedulerMeters {
  scheduler: ChannelScheduler;
  /** Channels in use by gateway. */
  inUseByGateway(): Iterable<readonly [MetricLabels, number]>;
  /** Seconds the longest-waiting request has waited (0 when none waits). */
  oldestWaitSeconds(): number;
}

/**
 * Watches the channel scheduler from outside: which gateway each granted channel is on, and since
 * when each request waits. The scheduler itself stays as it is.
 */
export function meteredScheduler(scheduler: ChannelScheduler, now: () => number): SchedulerMeters {
  /** Requests waiting, in request order (a Map keeps insertion order), with when they came. */
  const waitingSince = new Map<string, number>();
  const granted = new Map<string, string>();
  return {
    scheduler: {
      request(request) {
        waitingSince.set(request.faxId, now());
        scheduler.request({
          ...request,
          grant: () => {
            waitingSince.delete(request.faxId);
            granted.set(request.faxId, request.gateway);
            request.grant();
          },
        });
      },
      release(faxId) {
        waitingSince.delete(faxId);
        granted.delete(faxId);
        scheduler.release(faxId);
      },
      inUse: () => scheduler.inUse(),
      waiting: () => scheduler.waiting(),
      wake: () => scheduler.wake?.(),
    },
    *inUseByGateway() {
      const counts = new Map<string, number>();
      for (const gateway of granted.values()) counts.set(gateway, (counts.get(gateway) ?? 0) + 1);
      for (const [gateway, count] of counts) yield [{ gateway }, count] as const;
    },
    oldestWaitSeconds() {
      for (const since of waitingSince.values()) return Math.max(0, (now() - since) / 1000);
      return 0;
    },
  };
}
