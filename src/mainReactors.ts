import { hostname } from 'node:os';
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
  /** The store is a file of this machine (SQLite): a holder that is an exited process here is gone for good. */
  localStore?: boolean;
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
        ...(deps.localStore ? { holderGone: (owner: string) => owner !== membership.instanceId && exitedLocalProcess(owner) } : {}),
        onActiveChange: (on) => active.set(reactor, on),
      });
      running.set(reactor, leased);
      return leased;
    },
    active: (reactor) => running.get(reactor)?.active ?? false,
  };
}

/**
 * Whether an instance id of the default form (`<hostname>-<pid>-<random>`) names a process of this
 * machine that no longer runs. Our own pid in another id is an earlier process that had it (a
 * container's pid 1 at each start); a pid that answers, whatever runs it, counts as alive.
 */
export function exitedLocalProcess(owner: string): boolean {
  const prefix = `${hostname()}-`;
  const match = owner.startsWith(prefix) ? /^(\d+)-[0-9a-f]{6}$/.exec(owner.slice(prefix.length)) : null;
  if (!match) return false;
  const pid = Number(match[1]);
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
