import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faxesWhen, provisionAcme } from '../support/e2eProvisioning.js';
import { lowestHeapOver } from '../support/forcedGc.js';
import { startServerWithSimulator } from '../support/serverHarness.js';

type Server = Awaited<ReturnType<typeof startServerWithSimulator>>;

/**
 * A server runs for years: what a fax leaves in memory must go once the fax is over, or be held
 * by a cache with a bound. The server runs in this process, so its heap can be measured after full
 * collections: once the bounded caches are full (the event store's recent events are the last to
 * fill, at ~8,000 events), more faxes must leave the heap where it was. Each live subscription
 * once kept a promise per wake-up and the reactor-lag gauge every append it was told of: together
 * +11.5 KB a fax here, which fails this.
 */
describe('memory after many faxes', () => {
  let env: Server;
  let faxes = 0;

  /** Receives `count` faxes, 50 at a time, each from a caller of its own, each batch stored before the next. */
  async function receive(count: number): Promise<void> {
    for (let done = 0; done < count; done += 50) {
      const calls = Array.from({ length: 50 }, () => env.sim.startInboundCall({ from: `1555${String(3_000_000 + faxes++)}`, to: '15551230000', gateway: 'carrier1' }));
      await Promise.all(calls.map((call) => call.finished));
      const newest = await faxesWhen(env, (list) => list.length >= 50 && list.slice(0, 50).every((fax) => fax.status === 'received'));
      expect(newest.slice(0, 50).every((fax) => fax.status === 'received')).toBe(true);
    }
    // What follows a fax's end (notifiers, the bus publisher, checkpoints) settles too.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }

  beforeAll(async () => {
    // The simulator shares this heap: it keeps only a few connections' command logs here.
    env = await startServerWithSimulator({ scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, defaultStation: { pages: 1, t38: 'none' } }, keepConnections: 100 });
    await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }] });
  }, 60_000);
  afterAll(() => env?.close());

  it('leaves the heap where it was after 400 more faxes, once the bounded caches are full', async () => {
    await receive(700);
    // The event store's recent events fill to 8,192 and are then halved, a saw-tooth of several MB:
    // each window's lowest sample spans one tooth (~340 faxes here), so the two minimums compare like with like.
    const first = await lowestHeapOver(8, () => receive(50));
    const second = await lowestHeapOver(8, () => receive(50));
    // Without those fixes: +11.5 KB a fax (4.6 MB over these 400 faxes); with them, -4 to -5 KB.
    expect((second - first) / 400).toBeLessThan(5_000);
  }, 300_000);
});
