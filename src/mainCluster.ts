import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
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
    instanceId: config.cluster.instanceId ?? dataDirInstanceId(config.dataDir),
    leases: eventStore.leases ?? createLocalLeases(clock),
    leaseTtlMs: config.cluster.leaseTtl,
  };
}

/**
 * The instance id kept in `<dataDir>/instance-id`, made once: an instance restarted after a crash
 * is the same instance, so it takes its leases (reactors, faxes, channel slots) back at once
 * instead of waiting for them to lapse. Two processes must never share a data directory.
 */
function dataDirInstanceId(dataDir: string): string {
  const path = join(dataDir, 'instance-id');
  try {
    const kept = readFileSync(path, 'utf8').trim();
    if (/^[A-Za-z0-9._:-]{1,100}$/.test(kept)) return kept;
  } catch {
    // Not made yet.
  }
  const made = `${hostname().replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 80)}-${randomBytes(4).toString('hex')}`;
  writeFileSync(path, `${made}\n`);
  return made;
}
