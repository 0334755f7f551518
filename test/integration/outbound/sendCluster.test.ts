import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { faxStream } from '../../../src/domain/streams.js';
import type { EventStore } from '../../../src/ports/eventStore.js';
import type { ScenarioInput } from '../../../src/sim/scenario.js';
import { createSimulator, type Simulator } from '../../../src/sim/simulator.js';
import { until } from '../../support/crashRestartHarness.js';
import { createTestDatabase } from '../../support/postgresServer.js';
import { startSendInstance, storeQueuedFax } from '../../support/sendClusterInstance.js';
import { mostOutboundCallsAtOnce, recordSimCalls } from '../../support/simCallLog.js';
import { makeTempDir } from '../../support/tempDir.js';

type Instance = Awaited<ReturnType<typeof startSendInstance>>;
const terminal = new Set(['FaxSent', 'FaxFailed', 'FaxCancelled']);

/**
 * Several instances' send paths on one PostgreSQL event store and one simulated FreeSWITCH: who
 * dials is counted at the simulator, not taken from faxengine's word.
 */
describe('sending with several instances on one event store (#20)', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(scenario: ScenarioInput) {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const dir = makeTempDir('send-cluster');
    cleanups.push(() => dir.remove());
    const sim: Simulator = await createSimulator({ listen: { host: '127.0.0.1', port: 0 }, timeScale: 0.05, scenario });
    cleanups.push(() => sim.close());
    const log = recordSimCalls(sim);
    cleanups.push(() => log.stop());
    const faxIds: string[] = [];
    const startWith = async (options: { ownership: 'leases' | 'everyFax'; channels?: number; nodeChannels?: number }): Promise<Instance> => {
      const instance = await startSendInstance({ url: database.url, esl: sim.eslAddress, documentsDir: dir.path, unfinished: () => faxIds, ...options });
      cleanups.push(() => instance.close());
      return instance;
    };
    const start = (ownership: 'leases' | 'everyFax', channels?: number) => startWith({ ownership, ...(channels ? { channels } : {}) });
    return { sim, log, faxIds, start, startWith, documentsDir: dir.path, databaseUrl: database.url };
  }

  const typesOf = async (store: EventStore, faxId: string) => (await store.readStream(faxStream(faxId))).map((event) => event.type);
  const allEnded = (store: EventStore, faxIds: string[]) => async () => {
    for (const faxId of faxIds) if (!(await typesOf(store, faxId)).some((type) => terminal.has(type))) return false;
    return true;
  };

  it('two instances that both believe they drive the same faxes: the attempt append fences one off, each fax is dialled once', async () => {
    const { log, faxIds, start, documentsDir } = await setUp({ gateways: { gw1: {} }, defaultStation: { ringSeconds: 1 } });
    const [a, b] = [await start('everyFax'), await start('everyFax')];
    for (let index = 0; index < 6; index += 1) faxIds.push(await storeQueuedFax(a.eventStore, documentsDir, `+1555000010${index}`));
    // Both restore every fax at once, as two processes started on one store without leases would.
    await Promise.all([a.runtime.start(), b.runtime.start()]);
    await until('every fax ended', allEnded(a.eventStore, faxIds), 60_000);

    for (const faxId of faxIds) {
      const types = await typesOf(a.eventStore, faxId);
      expect(log.calls().filter((call) => call.faxId === faxId), `originates of ${faxId}`).toHaveLength(1);
      expect(types.filter((type) => type === 'FaxSendAttemptStarted'), faxId).toHaveLength(1);
      expect(types.at(-1), faxId).toBe('FaxSent');
    }
  }, 90_000);

  it('with leases, instances restoring the same faxes at once share them out: each fax is driven by one instance and dialled once', async () => {
    const { log, faxIds, start, documentsDir } = await setUp({ gateways: { gw1: {} }, defaultStation: { ringSeconds: 1 } });
    const [a, b, c] = [await start('leases'), await start('leases'), await start('leases')];
    for (let index = 0; index < 9; index += 1) faxIds.push(await storeQueuedFax(a.eventStore, documentsDir, `+1555000020${index}`));
    await Promise.all([a.runtime.start(), b.runtime.start(), c.runtime.start()]);
    const drivers = faxIds.map((faxId) => [a, b, c].filter((instance) => instance.runtime.activeFaxIds().includes(faxId)).length);
    expect(drivers, 'instances driving each fax just after the start').toEqual(faxIds.map(() => 1));
    await until('every fax ended', allEnded(a.eventStore, faxIds), 60_000);
    for (const faxId of faxIds) {
      expect(log.calls().filter((call) => call.faxId === faxId), `originates of ${faxId}`).toHaveLength(1);
      expect((await typesOf(a.eventStore, faxId)).at(-1), faxId).toBe('FaxSent');
    }
  }, 90_000);

  it('an instance whose fax lease was lost stops driving the fax without touching its call; the next holder follows the call to its end', async () => {
    const { log, faxIds, start, documentsDir, databaseUrl } = await setUp({ gateways: { gw1: {} }, defaultStation: { ringSeconds: 40 } });
    const [a, b] = [await start('leases'), await start('leases')];
    const faxId = await storeQueuedFax(a.eventStore, documentsDir, '+15550000401', 2);
    faxIds.push(faxId);
    await a.runtime.start();
    await b.runtime.start();
    expect([a.runtime.activeFaxIds(), b.runtime.activeFaxIds()]).toEqual([[faxId], []]);
    await until('the call ringing at the simulator', () => log.calls().some((call) => call.faxId === faxId));

    // Another owner has the lease now (as when this instance stalled past its expiry).
    const sql = new pg.Client({ connectionString: databaseUrl });
    await sql.connect();
    try {
      await sql.query("UPDATE leases SET owner = 'someone-else' WHERE name = $1", [`fax-${faxId}`]);
      await until('instance a stopped driving the fax', () => a.runtime.activeFaxIds().length === 0, 10_000);
      expect(log.calls().filter((call) => call.faxId === faxId && call.hungUpAt !== undefined), 'calls hung up').toEqual([]);
      expect(b.runtime.activeFaxIds(), 'not taken while someone else holds it').toEqual([]);
      await sql.query('DELETE FROM leases WHERE name = $1', [`fax-${faxId}`]);
    } finally {
      await sql.end();
    }

    // Free again: the first sweep to see it (either instance) takes it and reconciles the call.
    await until('an instance took the fax over', () => [a, b].some((instance) => instance.runtime.activeFaxIds().includes(faxId)), 10_000);
    await until('the fax ended', allEnded(a.eventStore, [faxId]), 60_000);
    const types = await typesOf(a.eventStore, faxId);
    expect(types.at(-1)).toBe('FaxSent');
    expect(types.filter((type) => type === 'FaxSendAttemptStarted')).toHaveLength(1);
    expect(log.calls().filter((call) => call.faxId === faxId), 'originates').toHaveLength(1);
  }, 90_000);

  it('an instance shutting down hands a fax waiting for a channel to another at once, which dials it when the cluster has a slot free', async () => {
    const { log, faxIds, start, documentsDir } = await setUp({ gateways: { gw1: {} }, defaultStation: { ringSeconds: 40 } });
    const [a, b] = [await start('leases', 1), await start('leases', 1)];
    faxIds.push(await storeQueuedFax(a.eventStore, documentsDir, '+15550000501'), await storeQueuedFax(a.eventStore, documentsDir, '+15550000502'));
    await a.runtime.start();
    await b.runtime.start();
    await until('one call up, the other fax waiting', () => log.calls().length === 1);
    expect(a.runtime.activeFaxIds().sort()).toEqual([...faxIds].sort());
    const waiting = faxIds.find((faxId) => !log.calls().some((call) => call.faxId === faxId))!;

    // a keeps renewing what it still holds: b can only have the waiting fax because a gave it up.
    a.runtime.holdNewCalls();
    await until('b drives the waiting fax', () => b.runtime.activeFaxIds().includes(waiting), 10_000);
    await until('every fax ended', allEnded(a.eventStore, faxIds), 60_000);
    for (const faxId of faxIds) {
      expect(log.calls().filter((call) => call.faxId === faxId), `originates of ${faxId}`).toHaveLength(1);
      expect((await typesOf(a.eventStore, faxId)).at(-1), faxId).toBe('FaxSent');
    }
    expect(mostOutboundCallsAtOnce(log.calls())).toBe(1);
  }, 90_000);

  it('a cancel that reaches an instance not driving the fax is left for its driver, which cancels it at its next sweep', async () => {
    const { log, faxIds, start, documentsDir } = await setUp({ gateways: { gw1: {} }, defaultStation: { ringSeconds: 200 } });
    const [a, b] = [await start('leases'), await start('leases')];
    const faxId = await storeQueuedFax(a.eventStore, documentsDir, '+15550000601');
    faxIds.push(faxId);
    await a.runtime.start();
    await b.runtime.start();
    await until('the call ringing', () => log.calls().some((call) => call.faxId === faxId));
    expect(await b.runtime.cancel(faxId, { kind: 'user', userId: 'u-1', username: 'alice' })).toBe('cancelled');
    expect(b.runtime.activeFaxIds()).toEqual([]);
    await until('the fax ended', allEnded(a.eventStore, [faxId]), 30_000);
    const events = await a.eventStore.readStream(faxStream(faxId));
    expect(events.at(-1)).toMatchObject({ type: 'FaxCancelled', data: { during: 'call', by: { kind: 'user', username: 'alice' } } });
    expect(log.calls().filter((call) => call.faxId === faxId), 'originates').toHaveLength(1);
    await until('the call hung up', () => log.calls().every((call) => call.hungUpAt !== undefined), 10_000);
  }, 60_000);

  it("a FreeSWITCH node's channels count the calls of every instance", async () => {
    const { log, faxIds, startWith, documentsDir } = await setUp({ gateways: { gw1: {} }, defaultStation: { ringSeconds: 3 } });
    // The node takes 1 call; each instance alone would place 1 there, together 2.
    const instances = [await startWith({ ownership: 'leases', nodeChannels: 1 }), await startWith({ ownership: 'leases', nodeChannels: 1 })];
    for (let index = 0; index < 4; index += 1) faxIds.push(await storeQueuedFax(instances[0]!.eventStore, documentsDir, `+1555000040${index}`));
    await Promise.all(instances.map((instance) => instance.runtime.start()));
    await until('every fax ended', allEnded(instances[0]!.eventStore, faxIds), 90_000);
    expect(log.calls().filter((call) => call.direction === 'outbound')).toHaveLength(4);
    expect(mostOutboundCallsAtOnce(log.calls()), 'outbound calls up at once on the node').toBe(1);
    const attempts = await Promise.all(faxIds.map(async (faxId) => (await instances[0]!.eventStore.readStream(faxStream(faxId))).find((event) => event.type === 'FaxSendAttemptStarted')));
    expect(attempts.map((event) => (event?.data as { node?: string }).node)).toEqual(['fs1', 'fs1', 'fs1', 'fs1']);
  }, 120_000);

  it('the channel limit counts the calls of every instance', async () => {
    const { log, faxIds, start, documentsDir } = await setUp({ gateways: { gw1: {} }, defaultStation: { ringSeconds: 4 } });
    // Each instance alone would allow 2 calls; together they must not go past 2 either.
    const instances = [await start('leases', 2), await start('leases', 2), await start('leases', 2)];
    for (let index = 0; index < 9; index += 1) faxIds.push(await storeQueuedFax(instances[0]!.eventStore, documentsDir, `+1555000030${index}`));
    await Promise.all(instances.map((instance) => instance.runtime.start()));
    await until('every fax ended', allEnded(instances[0]!.eventStore, faxIds), 90_000);
    expect(log.calls().filter((call) => call.direction === 'outbound')).toHaveLength(9);
    expect(mostOutboundCallsAtOnce(log.calls()), 'outbound calls up at once at the simulator').toBe(2);
  }, 120_000);
});
