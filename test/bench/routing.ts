/**
 * Routing benchmark: 100,000 numbers across 1,000 tenants. Prints progress, then as its last line
 * one JSON object: lookupsPerSec (in-memory route lookups), startupSeconds (opening a persisted
 * read store and resuming) and rebuildEventsPerSec (rebuilding the read store from the events).
 *
 *   npx tsx test/bench/routing.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import type { TenancyEvent } from '../../src/domain/tenancy/events.js';
import { defaultNumberProfile, defaultTenantSettings } from '../../src/domain/tenancy/types.js';
import { tenantStream, systemConfigStream } from '../../src/domain/streams.js';
import { openReadModels, rebuildReadModels } from '../../src/reactors/readModels.js';

const tenants = 1_000;
const numbersPerTenant = 100;
const lookups = 5_000_000;
const at = '2025-01-01T00:00:00.000Z';
const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'faxengine-routing-bench-'));
const log = (line: string) => process.stderr.write(`${line}\n`);

const e164Of = (tenant: number, index: number) => `+1${String(2_000_000_000 + tenant * numbersPerTenant + index)}`;

function tenantEvents(tenant: number): TenancyEvent[] {
  const tenantId = String(tenant + 1);
  const events: TenancyEvent[] = [{ type: 'TenantCreated', data: { tenantId, at, name: `Tenant ${tenantId}`, email: null, settings: defaultTenantSettings } }];
  for (let index = 0; index < numbersPerTenant; index++) {
    const numberId = String(tenant * numbersPerTenant + index + 1);
    events.push({ type: 'NumberAssigned', data: { tenantId, numberId, number: e164Of(tenant, index), at, ...defaultNumberProfile } });
  }
  events.push({
    type: 'EndpointAdded',
    data: { endpointId: `t${tenantId}`, at, scope: 'tenant', tenantId, numberId: null, target: { kind: 'gateway', gateway: `pbx_${tenantId}`, sourceIps: [`10.${tenant >> 8}.${tenant & 255}.1`], role: 'pbx' }, priority: 0, bridge: false, deliver: true },
  });
  // Every tenth number has its own endpoint, so lookups exercise both precedence levels.
  for (let index = 0; index < numbersPerTenant; index += 10) {
    const numberId = String(tenant * numbersPerTenant + index + 1);
    events.push({
      type: 'EndpointAdded',
      data: { endpointId: `n${numberId}`, at, scope: 'number', tenantId, numberId, target: { kind: 'email', addresses: [`fax${numberId}@example.com`] }, priority: 1, bridge: false, deliver: true },
    });
  }
  return events;
}

async function main(): Promise<void> {
  const eventStore = createSqliteEventStore({ path: join(dir, 'events.sqlite'), synchronous: 'normal' });
  let eventCount = 1;
  await eventStore.append(systemConfigStream, [
    { type: 'EndpointAdded', data: { endpointId: 'g1', at, scope: 'global', tenantId: null, numberId: null, target: { kind: 'gateway', gateway: 'carrier', sourceIps: ['203.0.113.1'], role: 'upstream' }, priority: 0, bridge: false, deliver: true } },
  ]);
  let started = performance.now();
  for (let tenant = 0; tenant < tenants; tenant++) {
    const events = tenantEvents(tenant);
    eventCount += events.length;
    await eventStore.append(tenantStream(String(tenant + 1)), events, 'no_stream');
  }
  log(`loaded ${eventCount} events (${tenants * numbersPerTenant} numbers) in ${((performance.now() - started) / 1000).toFixed(2)} s`);

  started = performance.now();
  const position = await rebuildReadModels({ dataDir: dir, eventStore, logger });
  if (position !== eventCount) throw new Error(`rebuild reached position ${position}, not ${eventCount}`);
  const rebuildSeconds = (performance.now() - started) / 1000;
  log(`rebuilt read store in ${rebuildSeconds.toFixed(2)} s`);

  started = performance.now();
  const resumed = openReadModels({ dataDir: dir, eventStore, logger });
  await resumed.runner.start();
  const startupSeconds = (performance.now() - started) / 1000;
  log(`started from the persisted read store in ${startupSeconds.toFixed(2)} s`);

  const table = resumed.routing;
  const keys = Array.from({ length: 65_536 }, (_, i) => e164Of(i % tenants, (i * 7919) % numbersPerTenant));
  if (table.lookup(keys[0]!)?.endpoints.length !== 1) throw new Error('routing read model is incomplete');
  let found = 0;
  started = performance.now();
  for (let i = 0; i < lookups; i++) if (table.lookup(keys[i & 65_535]!)) found++;
  const lookupSeconds = (performance.now() - started) / 1000;
  if (found !== lookups) throw new Error(`only ${found} of ${lookups} lookups found a route`);
  log(`${lookups} lookups in ${lookupSeconds.toFixed(2)} s`);

  await resumed.close();
  await eventStore.close();
  rmSync(dir, { recursive: true, force: true });
  const result = {
    numbers: tenants * numbersPerTenant,
    tenants,
    events: eventCount,
    lookupsPerSec: Math.round(lookups / lookupSeconds),
    startupSeconds: Number(startupSeconds.toFixed(3)),
    rebuildEventsPerSec: Math.round(eventCount / rebuildSeconds),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  rmSync(dir, { recursive: true, force: true });
  console.error(error);
  process.exit(1);
});
