import { createServer, type AddressInfo, type Socket } from 'node:net';
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
 */
export async function startOutboundSocketServer(options: {
  host: string;
  port: number;
  logger: Logger;
  onCall: (session: InboundCallSession) => void;
}): Promise<OutboundSocketServer> {
  installModeslPatches();
  const sockets = new Set<Socket>();
  let accepting = true;
  const server = createServer();
  server.on('connection', (socket) => {
    if (!accepting) return void socket.destroy();
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });

  const eslServer = new esl.Server({ server });
  eslServer.on('connection::ready', (connection: Connection) => {
    openInboundCallSession(connection).then(options.onCall, (error: unknown) => {
      options.logger.error({ err: error }, 'could not set up an inbound call socket');
      connection.socket?.destroy();
    });
  });
  eslServer.on('connection::open', (connection: Connection) => {
    // A reset socket must not take the process down (modesl re-emits socket errors as 'error').
    connection.on('error', (error: Error) => options.logger.warn({ err: error }, 'outbound socket error'));
  });

  return {
    address: server.address() as AddressInfo,
    async stopAccepting() {
      accepting = false;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
