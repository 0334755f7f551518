import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createLocalLeases } from './adapters/leases/localLeases.js';
import type { Config } from './config/schema.js';
import type { Clock } from './ports/clock.js';
import type { EventStore } from './ports/eventStore.js';
import type { LeaseStore } from './ports/leaseStore.js';

/** Who this instance is among those sharing the event store, and the leases they agree through. */
export interface ClusterMembership {
  instanceId: string;
  leases: LeaseStore;
  leaseTtlMs: number;
}

export function clusterMembership(config: Config, eventStore: EventStore, clock: Clock): ClusterMembership {
  return {
    // A new id at every start: a restarted instance must not take its dead predecessor's leases for its own.
    instanceId: config.cluster.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    leases: eventStore.leases ?? createLocalLeases(clock),
    leaseTtlMs: config.cluster.leaseTtl,
  };
}
