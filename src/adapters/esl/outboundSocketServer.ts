import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import esl, { type Connection } from 'modesl';
import type { Logger } from 'pino';
import { openInboundCallSession, type InboundCallSession } from './inboundCallSession.js';
import { installModeslPatches } from './modeslPatches.js';

export interface OutboundSocketServer {
  address: AddressInfo;
  /** Refuses new calls (FreeSWITCH then tries the next `socket` host or fails the call) and stops listening. */
  stopAccepting(): Promise<void>;
}

/**
 * Accepts FreeSWITCH's outbound sockets (`socket host:port async full`), one per inbound call, on
 * our own listening net.Server (modesl's Server ignores port 0) and hands each prepared call to
 * `onCall`.
 *
 * At most `setupConcurrency` sockets are being set up at once; later ones wait (FreeSWITCH holds
 * the call until we send `connect`). A burst of hundreds of new calls would otherwise fill every
 * event-loop turn with set-up work while faxes already under way wait for their page and result
 * events to be handled: those have T.30 timers running, a new call can wait a few milliseconds.
 */
export async function startOutboundSocketServer(options: {
  host: string;
  port: number;
  logger: Logger;
  onCall: (session: InboundCallSession) => void;
  setupConcurrency?: number;
}): Promise<OutboundSocketServer> {
  installModeslPatches();
  const setupConcurrency = options.setupConcurrency ?? 8;
  const sockets = new Set<Socket>();
  const waiting: Socket[] = [];
  let settingUp = 0;
  let accepting = true;
  const server = createServer();
  // modesl's Server only calls address() and listens for 'connection': it gets admitted sockets.
  const admitted = Object.assign(new EventEmitter(), { address: () => server.address() });
  const admitNext = () => {
    while (settingUp < setupConcurrency && waiting.length > 0) {
      const socket = waiting.shift()!;
      if (socket.destroyed) continue;
      settingUp += 1;
      admitted.emit('connection', socket);
    }
  };
  server.on('connection', (socket) => {
    if (!accepting) return void socket.destroy();
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    waiting.push(socket);
    admitNext();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });

  const eslServer = new esl.Server({ server: admitted as unknown as Server });
  eslServer.on('connection::open', (connection: Connection) => {
    let done = false;
    const setupFinished = () => {
      if (done) return;
      done = true;
      settingUp -= 1;
      admitNext();
    };
    connection.socket?.once('close', setupFinished);
    connection.once('esl::ready', () =>
      openInboundCallSession(connection)
        .then(options.onCall, (error: unknown) => {
          options.logger.error({ err: error }, 'could not set up an inbound call socket');
          connection.socket?.destroy();
        })
        .finally(setupFinished),
    );
  });
  eslServer.on('connection::open', (connection: Connection) => {
    // A reset socket must not take the process down (modesl re-emits socket errors as 'error').
    connection.on('error', (error: Error) => options.logger.warn({ err: error }, 'outbound socket error'));
  });

  return {
    address: server.address() as AddressInfo,
    async stopAccepting() {
      accepting = false;
      for (const socket of waiting.splice(0)) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
