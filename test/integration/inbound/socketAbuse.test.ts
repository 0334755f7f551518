import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptedCall } from '../../support/faxFixtures.js';
import { startInboundHarness } from '../../support/inboundHarness.js';
import { openIdleConnections, startHeaderFlood } from '../../support/socketAttacks.js';
import { waitFor } from '../eventStore/eventStoreConformance.js';

/**
 * Hostile connections to the outbound-socket port while the simulator places a real fax call
 * over TCP: the fax must be received as if nothing else were going on (#16 defects 1 and 2).
 */

const scenario = { gateways: { carrier1: { ip: '10.0.0.1' } }, stations: { '5550001111': { pages: 2, ident: 'REMOTE FAX' } } };
// Far longer than a fax takes here: the real call must not be waiting for idle connections to time out.
const longSetupTimeoutMs = 120_000;

describe('the outbound-socket port under attack (simulator over TCP)', () => {
  let harness: Awaited<ReturnType<typeof startInboundHarness>> | undefined;
  const cleanups: Array<() => void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    await harness?.close();
    harness = undefined;
  });

  async function start(socket: { allowFrom?: string[]; setupTimeoutMs?: number }) {
    harness = await startInboundHarness({ screen: (_, faxId, spool) => acceptedCall(faxId, spool), scenario, socket });
    return harness;
  }

  /** Places a call and waits (generously) until its fax is received and the call is over. */
  async function receiveOneFax(): Promise<string> {
    const before = harness!.faxIds.length;
    const call = harness!.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' });
    await waitFor(() => harness!.faxIds.length === before + 1, 20_000);
    const faxId = harness!.faxIds[before]!;
    await waitFor(() => !harness!.runtime.liveFaxIds().includes(faxId), 20_000);
    await call.finished;
    const types = (await harness!.eventsOf(faxId)).map((event) => event.type);
    expect(types).toContain('FaxReceived');
    return faxId;
  }

  for (const count of [8, 200]) {
    it(`receives a fax while ${count} idle connections are open (set-up slots are for callers that speak)`, async () => {
      const { socketPort } = await start({ setupTimeoutMs: longSetupTimeoutMs });
      const idle = await openIdleConnections(socketPort, count);
      cleanups.push(() => idle.forEach((socket) => socket.destroy()));
      await receiveOneFax();
      // The idle ones are still open: the fax did not wait for them to be dropped.
      expect(idle.filter((socket) => !socket.closed)).toHaveLength(count);
    });
  }

  it('closes idle connections at the set-up deadline', async () => {
    const { socketPort } = await start({ setupTimeoutMs: 300 });
    const idle = await openIdleConnections(socketPort, 20);
    cleanups.push(() => idle.forEach((socket) => socket.destroy()));
    await waitFor(() => idle.every((socket) => socket.closed), 10_000);
    await receiveOneFax();
  });

  it('refuses a connection from an address not in allowFrom before reading or writing anything', async () => {
    const { socketPort } = await start({ allowFrom: ['127.0.0.1'], setupTimeoutMs: longSetupTimeoutMs });
    const stranger = connect({ port: socketPort, host: '127.0.0.1', localAddress: '127.0.0.2' });
    const received: Buffer[] = [];
    stranger.on('data', (chunk: Buffer) => received.push(chunk));
    stranger.on('error', () => undefined);
    cleanups.push(() => stranger.destroy());
    let closed = false;
    stranger.once('close', () => (closed = true));
    await waitFor(() => closed, 10_000);
    // Not even the `connect` greeting went out to it.
    expect(Buffer.concat(received).toString()).toBe('');
    // FreeSWITCH at 127.0.0.1 still gets through.
    await receiveOneFax();
  });

  // Raw: the flood is the answer to `connect`. After a reply: it comes once the connection holds a set-up slot.
  for (const [kind, prefix] of [
    ['raw', undefined],
    ['after a well-formed connect reply', 'Content-Type: command/reply\nReply-Text: +OK\nEvent-Name: CHANNEL_DATA\nUnique-ID: flood-1\n\n'],
  ] as const) {
    it(`cuts a 100 MB header flood (${kind}) off after the cap, with bounded memory, while a fax is received`, async () => {
      const { socketPort } = await start({ setupTimeoutMs: longSetupTimeoutMs });
      await receiveOneFax(); // warms up, so the baseline includes what one fax needs
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      cleanups.push(() => clearInterval(sampler));
      const flood = startHeaderFlood(socketPort, 100 * 1024 * 1024, prefix ? { prefix } : {});
      cleanups.push(() => flood.stop());
      await receiveOneFax();
      await Promise.race([flood.done, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      clearInterval(sampler);
      expect(flood.closedByServer).toBe(true);
      // The cap is 64 KB; what else was sent sat in kernel buffers when the connection was cut.
      expect(flood.sent).toBeLessThan(16 * 1024 * 1024);
      expect(peak - baseline).toBeLessThan(40 * 1024 * 1024);
      // The connection's memory is given back: another fax goes through as before.
      await receiveOneFax();
    });
  }
});
