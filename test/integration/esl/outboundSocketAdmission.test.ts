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
    let readyWhenSecondSetUp = -1;
    const second = fakeFreeswitchCall(server.address.port, 'call-2', (command) => {
      if (command.startsWith('event json BACKGROUND_JOB')) readyWhenSecondSetUp = ready.length;
    });
    sockets.push(first.socket, second.socket);
    await waitFor(() => ready.length === 2);
    // Both were greeted at once (once each), but the second was set up only after the first.
    expect(readyWhenSecondSetUp).toBe(1);
    expect(ready.map((session) => session.offer.callUuid)).toEqual(['call-1', 'call-2']);
    expect(second.commands.filter((command) => command === 'connect')).toHaveLength(1);
    expect(second.commands).toContain('linger');
  });

  it('a connection that never answers connect holds no slot, and is closed at the set-up deadline', async () => {
    server = await startOutboundSocketServer({ host: '127.0.0.1', port: 0, setupConcurrency: 1, setupTimeoutMs: 400, logger: pino({ level: 'silent' }), onCall: () => undefined });
    const silent = connect(server.address.port, '127.0.0.1');
    const greetings: string[] = [];
    let silentClosed = false;
    silent.on('data', (chunk) => greetings.push(chunk.toString()));
    silent.on('close', () => (silentClosed = true));
    sockets.push(silent);
    await waitFor(() => greetings.length > 0);
    const call = fakeFreeswitchCall(server.address.port, 'call-3');
    sockets.push(call.socket);
    await waitFor(() => call.commands.includes('linger'));
    expect(silentClosed).toBe(false);
    await waitFor(() => silentClosed);
  });

  it('a connection that answers connect but stalls its set-up gives its slot back at the deadline', async () => {
    server = await startOutboundSocketServer({ host: '127.0.0.1', port: 0, setupConcurrency: 1, setupTimeoutMs: 400, logger: pino({ level: 'silent' }), onCall: () => undefined });
    // Answers connect, then nothing: it takes the only slot.
    const stalled = connect(server.address.port, '127.0.0.1');
    let stalledClosed = false;
    stalled.once('data', () => stalled.write('Content-Type: command/reply\nReply-Text: +OK\nEvent-Name: CHANNEL_DATA\nUnique-ID: stalled\n\n'));
    stalled.on('close', () => (stalledClosed = true));
    sockets.push(stalled);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const waiting = fakeFreeswitchCall(server.address.port, 'call-4');
    sockets.push(waiting.socket);
    await waitFor(() => waiting.commands.includes('linger'));
    expect(stalledClosed).toBe(true);
  });

  it('stalled set-ups from one address are logged once a minute, not once per connection', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    server = await startOutboundSocketServer({ host: '127.0.0.1', port: 0, setupConcurrency: 5, setupTimeoutMs: 300, logger, onCall: () => undefined });
    const closed: boolean[] = [];
    for (let index = 0; index < 5; index++) {
      const stalled = connect(server.address.port, '127.0.0.1');
      stalled.once('data', () => stalled.write(`Content-Type: command/reply\nReply-Text: +OK\nEvent-Name: CHANNEL_DATA\nUnique-ID: stalled-${index}\n\n`));
      stalled.on('close', () => closed.push(true));
      sockets.push(stalled);
    }
    await waitFor(() => closed.length === 5);
    expect(lines.filter((line) => line.includes('not set up in time'))).toHaveLength(1);
  });
});
