import type { Logger } from 'pino';
import type { ClusterMembership } from './mainCluster.js';
import type { Metrics } from './ports/metrics.js';
import { startLeasedReactor, type LeasedReactor, type ReactorRunner } from './reactors/leasedReactor.js';

export interface ClusterReactors {
  /** Starts a reactor under the lease `reactor-<name>`: on this instance only while it holds it. */
  run: ReactorRunner;
  /** Whether this instance runs the reactor now (false for one never started here). */
  active(reactor: string): boolean;
}

/**
 * Part of the composition root: the reactors that must run once per cluster (relay, station
 * learning, bus publisher, notifiers), each under a lease of its own, with the gauge
 * `faxengine_reactor_active{reactor}` saying which one this instance runs. One instance alone
 * acquires every lease at its first try, so it starts them as before.
 */
export function createClusterReactors(deps: {
  membership: ClusterMembership;
  logger: Logger;
  metrics: Metrics;
}): ClusterReactors {
  const { membership } = deps;
  const running = new Map<string, LeasedReactor>();
  const active = new Map<string, boolean>();
  deps.metrics.gauge('reactorActive', () => [...active].map(([reactor, on]) => [{ reactor }, on ? 1 : 0] as const));
  return {
    run(reactor, start, options) {
      active.set(reactor, false);
      const leased = startLeasedReactor({
        leases: membership.leases,
        name: `reactor-${reactor}`,
        owner: membership.instanceId,
        ttlMs: membership.leaseTtlMs,
        start,
        logger: deps.logger.child({ reactor }),
        ...(options?.takeoverDelayMs ? { takeoverDelayMs: options.takeoverDelayMs } : {}),
        onActiveChange: (on) => active.set(reactor, on),
      });
      running.set(reactor, leased);
      return leased;
    },
    active: (reactor) => running.get(reactor)?.active ?? false,
  };
}
