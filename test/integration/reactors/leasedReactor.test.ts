import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresEventStore } from '../../../src/adapters/eventStore/postgres/postgresEventStore.js';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import type { EventStore } from '../../../src/ports/eventStore.js';
import type { LeaseStore } from '../../../src/ports/leaseStore.js';
import { startLeasedReactor, type LeasedReactor, type LeasedReactorOptions } from '../../../src/reactors/leasedReactor.js';
import { createTestDatabase } from '../../support/postgresServer.js';
import { makeTempDir } from '../../support/tempDir.js';

const logger = pino({ level: 'silent' });
const TTL = 3_000;

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A lease store whose calls can be made to hang, as when the database is out of reach of one instance only. */
function blockable(leases: LeaseStore) {
  let blocked = false;
  const hang = () => new Promise<never>(() => undefined);
  const store: LeaseStore = {
    acquire: (...args) => (blocked ? hang() : leases.acquire(...args)),
    renewAll: (...args) => (blocked ? hang() : leases.renewAll(...args)),
    release: (...args) => (blocked ? hang() : leases.release(...args)),
    held: (...args) => (blocked ? hang() : leases.held(...args)),
  };
  return { store, block: () => (blocked = true) };
}

/** Who ran the reactor when: every start and stop, in order, across both instances. */
function recorder() {
  const log: Array<{ who: string; what: 'start' | 'stop' }> = [];
  const running = new Set<string>();
  let overlaps = 0;
  return {
    log,
    running,
    overlaps: () => overlaps,
    start(who: string) {
      return async () => {
        if (running.size > 0) overlaps++;
        running.add(who);
        log.push({ who, what: 'start' });
        return {
          async stop() {
            running.delete(who);
            log.push({ who, what: 'stop' });
          },
        };
      };
    },
  };
}

const variants: Array<[string, () => Promise<{ open(): Promise<EventStore>; cleanup(): Promise<void> }>]> = [
  [
    'SQLite',
    async () => {
      const dir = makeTempDir('leased-reactor');
      return { open: async () => createSqliteEventStore({ path: join(dir.path, 'events.sqlite') }), cleanup: async () => dir.remove() };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const database = await createTestDatabase();
      return { open: () => createPostgresEventStore({ connectionString: database.url }), cleanup: () => database.drop() };
    },
  ],
];

describe.each(variants)('a reactor under a lease (%s leases, two instances)', (_name, target) => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function twoInstances() {
    const place = await target();
    cleanups.push(() => place.cleanup());
    const stores = [await place.open(), await place.open()];
    for (const store of stores) cleanups.push(() => store.close());
    return stores.map((store) => store.leases!) as [LeaseStore, LeaseStore];
  }

  function run(leases: LeaseStore, owner: string, start: () => Promise<{ stop(): Promise<void> }>, options: Pick<LeasedReactorOptions, 'takeoverDelayMs'> = {}): LeasedReactor {
    const reactor = startLeasedReactor({ leases, name: 'reactor-test', owner, ttlMs: TTL, start, logger, ...options });
    cleanups.push(() => reactor.stop());
    return reactor;
  }

  it('runs on the instance that got the lease only, and hands over at once when that instance stops', async () => {
    const [leasesA, leasesB] = await twoInstances();
    const runs = recorder();
    const a = run(leasesA, 'instance-a', runs.start('a'));
    await until('a running', () => a.active);
    const b = run(leasesB, 'instance-b', runs.start('b'));
    // b tries every third of the TTL: over two TTLs it must still stand by.
    await new Promise((resolve) => setTimeout(resolve, 2 * TTL));
    expect(b.active).toBe(false);
    expect([...runs.running]).toEqual(['a']);

    const released = Date.now();
    await a.stop();
    await until('b running', () => b.active);
    // A released lease is taken at b's next try (a third of the TTL), not after the TTL.
    expect(Date.now() - released).toBeLessThan(TTL);
    expect(runs.log).toEqual([
      { who: 'a', what: 'start' },
      { who: 'a', what: 'stop' },
      { who: 'b', what: 'start' },
    ]);
    expect(runs.overlaps()).toBe(0);
  }, 60_000);

  it('stops the reactor before the lease lapses when renewals cannot get through, and the other instance takes over only then', async () => {
    const [leasesA, leasesB] = await twoInstances();
    const runs = recorder();
    const cut = blockable(leasesA);
    const a = run(cut.store, 'instance-a', runs.start('a'));
    await until('a running', () => a.active);
    const b = run(leasesB, 'instance-b', runs.start('b'));
    await new Promise((resolve) => setTimeout(resolve, TTL / 2));

    cut.block();
    await until('a stood down', () => !a.active, 2 * TTL);
    await until('b took over', () => b.active, 4 * TTL);
    expect(runs.log).toEqual([
      { who: 'a', what: 'start' },
      { who: 'a', what: 'stop' },
      { who: 'b', what: 'start' },
    ]);
    expect(runs.overlaps()).toBe(0);
  }, 60_000);

  it('after taking over a lease that lapsed, waits the take-over delay before starting', async () => {
    const [leasesA, leasesB] = await twoInstances();
    const runs = recorder();
    const cut = blockable(leasesA);
    const a = run(cut.store, 'instance-a', runs.start('a'));
    await until('a running', () => a.active);
    const b = run(leasesB, 'instance-b', runs.start('b'), { takeoverDelayMs: 2 * TTL });
    await new Promise((resolve) => setTimeout(resolve, TTL / 2));
    cut.block();
    await until('a stood down', () => !a.active, 2 * TTL);
    const stoodDown = Date.now();
    await until('b took over', () => b.active, 6 * TTL);
    // The lease lapses a TTL after a's last renewal at the latest; b then waits the delay on top.
    expect(Date.now() - stoodDown).toBeGreaterThanOrEqual(2 * TTL);
    expect(runs.overlaps()).toBe(0);
  }, 60_000);

  it('takes its own lease back at once when restarted under the same instance id, never one another instance holds', async () => {
    const [leases] = await twoInstances();
    // What the instance that crashed left: its lease, far from lapsing.
    await leases.acquire('reactor-test', 'instance-a', 120_000);
    await leases.acquire('reactor-other', 'instance-b', 120_000);
    const runs = recorder();
    const restarted = run(leases, 'instance-a', runs.start('restarted'));
    await until('the restarted instance running', () => restarted.active, 10_000);
    const beside = startLeasedReactor({ leases, name: 'reactor-other', owner: 'instance-a', ttlMs: TTL, start: runs.start('beside'), logger });
    cleanups.push(() => beside.stop());
    await new Promise((resolve) => setTimeout(resolve, 2 * TTL));
    expect(beside.active).toBe(false);
    expect((await leases.held('reactor-other'))[0]?.owner).toBe('instance-b');
  }, 60_000);
});
