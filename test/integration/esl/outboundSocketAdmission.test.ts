import { connect, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startOutboundSocketServer, type OutboundSocketServer } from '../../../src/adapters/esl/outboundSocketServer.js';
import type { InboundCallSession } from '../../../src/adapters/esl/inboundCallSession.js';
import { waitFor } from '../eventStore/eventStoreConformance.js';

/** Plays FreeSWITCH's side of an outbound socket by hand: counts the commands it receives. */
function fakeFreeswitchCall(port: number, uuid: string, onCommand: (command: string) => void = () => undefined) {
  const socket: Socket = connect(port, '127.0.0.1');
  const commands: string[] = [];
  let pending = '';
  socket.on('data', (chunk) => {
    pending += chunk.toString();
    for (let end = pending.indexOf('\n\n'); end !== -1; end = pending.indexOf('\n\n')) {
      const command = pending.slice(0, end).split('\n')[0]!;
      pending = pending.slice(end + 2);
      commands.push(command);
      onCommand(command);
      const headers = command === 'connect' ? `Event-Name: CHANNEL_DATA\nUnique-ID: ${uuid}\nCaller-Caller-ID-Number: 15550001111\n` : '';
      socket.write(`Content-Type: command/reply\nReply-Text: +OK\n${headers}\n`);
    }
  });
  return { socket, commands };
}

describe('outbound socket server admission', () => {
  let server: OutboundSocketServer | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await server?.stopAccepting();
  });

  it('sets up at most setupConcurrency calls at once; the next waits for a slot, then proceeds', async () => {
    const ready: InboundCallSession[] = [];
    server = await startOutboundSocketServer({
      host: '127.0.0.1',
      port: 0,
      setupConcurrency: 1,
      logger: pino({ level: 'silent' }),
      onCall: (session) => ready.push(session),
    });
    const first = fakeFreeswitchCall(server.address.port, 'call-1');
    let readyWhenSecondGreeted = -1;
    const second = fakeFreeswitchCall(server.address.port, 'call-2', (command) => {
      if (command === 'connect') readyWhenSecondGreeted = ready.length;
    });
    sockets.push(first.socket, second.socket);
    await waitFor(() => ready.length === 2);
    // The second call was only greeted once the first had been fully set up.
    expect(readyWhenSecondGreeted).toBe(1);
    expect(ready.map((session) => session.offer.callUuid)).toEqual(['call-1', 'call-2']);
    expect(second.commands).toContain('linger');
  });

  it('keeps a waiting call waiting while the slot is taken, and admits it when the first hangs up', async () => {
    server = await startOutboundSocketServer({ host: '127.0.0.1', port: 0, setupConcurrency: 1, logger: pino({ level: 'silent' }), onCall: () => undefined });
    // A "FreeSWITCH" that never answers the connect keeps the only slot busy.
    const silent = connect(server.address.port, '127.0.0.1');
    const greetings: string[] = [];
    silent.on('data', (chunk) => greetings.push(chunk.toString()));
    sockets.push(silent);
    await waitFor(() => greetings.length > 0);
    const waiting = fakeFreeswitchCall(server.address.port, 'call-3');
    sockets.push(waiting.socket);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(waiting.commands).toEqual([]);
    silent.destroy();
    await waitFor(() => waiting.commands.includes('linger'));
  });
});
