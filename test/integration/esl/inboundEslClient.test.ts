import { createServer, type AddressInfo, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createInboundEslClient } from '../../../src/adapters/esl/inboundEslClient.js';
import { CallControlUnavailableError } from '../../../src/ports/callControl.js';
import { createSimulator, type Simulator } from '../../../src/sim/simulator.js';
import { waitFor } from '../eventStore/eventStoreConformance.js';

describe('inbound event-socket client (against the simulator)', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  async function start(password = 'ClueCon'): Promise<{ sim: Simulator; client: ReturnType<typeof createInboundEslClient> }> {
    const sim = await createSimulator({ listen: { host: '127.0.0.1', port: 0 }, timeScale: 0.01 });
    closers.push(() => sim.close());
    const client = createInboundEslClient({ ...sim.eslAddress, password, logger: pino({ level: 'silent' }), backoffMs: 20, timeoutMs: 2000 });
    closers.push(() => client.close());
    return { sim, client };
  }

  it('runs api commands and asks whether a call exists', async () => {
    const { client } = await start();
    await client.ready();
    expect(await client.api('status')).toContain('UP');
    expect(await client.callExists('00000000-0000-0000-0000-000000000000')).toBe(false);
  });

  it('reconnects with backoff after the connection drops, failing fast meanwhile', async () => {
    const { sim, client } = await start();
    await client.ready();
    sim.killConnections();
    await waitFor(() => !client.connected());
    await expect(client.api('status')).rejects.toBeInstanceOf(CallControlUnavailableError);
    await waitFor(() => client.connected(), 5000);
    expect(await client.api('status')).toContain('UP');
  });

  it('never connects with a wrong password', async () => {
    const { client } = await start('wrong');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.connected()).toBe(false);
    await expect(client.callExists('x')).rejects.toBeInstanceOf(CallControlUnavailableError);
  });

  it('drops a connection whose peer floods a header block without end, and connects again', async () => {
    // A "FreeSWITCH" that asks for auth, then streams header lines that never end.
    const flooded: Array<{ sent: number; closed: boolean }> = [];
    const server = createServer((socket: Socket) => {
      const state = { sent: 0, closed: false };
      flooded.push(state);
      socket.on('error', () => undefined);
      socket.on('close', () => (state.closed = true));
      socket.write('Content-Type: auth/request\n\n');
      const chunk = Buffer.from('X-Flood: 0123456789abcdef0123456789abcdef\n'.repeat(1500));
      const pump = () => {
        while (!state.closed && state.sent < 64 * 1024 * 1024) {
          state.sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const client = createInboundEslClient({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, password: 'ClueCon', logger: pino({ level: 'silent' }), backoffMs: 20 });
    closers.push(async () => {
      await client.close();
      for (const state of flooded) state.closed = true;
    });
    await waitFor(() => flooded.length >= 2, 10_000);
    expect(flooded[0]!.closed).toBe(true);
    expect(flooded[0]!.sent).toBeLessThan(16 * 1024 * 1024);
  });
});
