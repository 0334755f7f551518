import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import esl, { type Connection } from 'modesl';
import type { Logger } from 'pino';
import { createAddressAllowList } from '../../domain/addressAllowList.js';
import { maxHeaderBlockBytes } from './fastEventParsing.js';
import { createCallAdmission } from './callAdmission.js';
import { openInboundCallSession, type CallNodeOf, type InboundCallSession } from './inboundCallSession.js';
import { installModeslPatches } from './modeslPatches.js';
import { createPerAddressLog } from './perAddressLog.js';
import { greetOutboundSocket, skipNextConnectWrite } from './socketGreeting.js';

/** FreeSWITCH on the same host; an operator whose FreeSWITCH runs elsewhere adds its address. */
export const defaultAllowFrom = ['127.0.0.1', '::1'];

export interface SocketGateOptions {
  /** Addresses and CIDR blocks of the FreeSWITCH nodes; anyone else is disconnected before any read. */
  allowFrom?: readonly string[];
  /** Told about refused connections (at most once a minute per address). */
  logger?: Logger;
}

/** A bound listening socket whose calls wait for `startOutboundSocketServer` to take them. */
export interface OutboundSocketListener {
  server: Server;
  /** Hands over the connections that arrived before the server started, and stops holding new ones. */
  takeEarly(): Socket[];
  close(): Promise<void>;
}

/**
 * Binds the outbound-socket port before anything else starts, so a busy port ends the start-up
 * early. Calls that connect before the server starts wait (their sockets are held) rather than
 * being refused.
 */
export async function bindOutboundSocketListener(host: string, port: number, gate: SocketGateOptions = {}): Promise<OutboundSocketListener> {
  const server = createServer();
  const allowed = createAddressAllowList(gate.allowFrom ?? defaultAllowFrom);
  const noteRefusal = createPerAddressLog({
    log: (address, refused) =>
      gate.logger?.warn({ address, refused }, 'refused a connection to the outbound-socket port from an address not in socket.allowFrom'),
  });
  // Registered first, so the listeners after it (hold, accept) only ever see allowed sockets.
  server.on('connection', (socket: Socket) => {
    // A reset before anyone reads must not take the process down.
    socket.on('error', () => undefined);
    if (allowed(socket.remoteAddress)) return;
    socket.destroy();
    noteRefusal(socket.remoteAddress ?? 'unknown');
  });
  let early: Socket[] | undefined = [];
  const hold = (socket: Socket) => {
    if (!socket.destroyed) early?.push(socket);
  };
  server.on('connection', hold);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    takeEarly() {
      server.off('connection', hold);
      const taken = (early ?? []).filter((socket) => !socket.destroyed);
      early = undefined;
      return taken;
    },
    async close() {
      for (const socket of early ?? []) socket.destroy();
      early = undefined;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

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
 * New calls are admitted by `callAdmission`: gently under load, so that the faxes already under
 * way keep their latency.
 */
export async function startOutboundSocketServer(options: {
  /** Where to listen, unless `listener` was bound already (by `bindOutboundSocketListener`: listen first, start later). */
  host?: string;
  port?: number;
  /** Who may connect, when this server binds its own listener (a bound `listener` has its own). */
  allowFrom?: readonly string[];
  listener?: OutboundSocketListener;
  /**
   * How long a new connection may take to answer `connect`, and, once admitted, to be set up; it
   * is closed at the deadline (and its slot freed). FreeSWITCH answers at once.
   */
  setupTimeoutMs?: number;
  logger: Logger;
  onCall: (session: InboundCallSession) => void;
  /** Names the FreeSWITCH node each call came from (recorded on the call's offer). */
  nodeOf?: CallNodeOf;
  setupConcurrency?: number;
  /** New calls taken up per second, at most (see callAdmission). */
  maxCallsPerSecond?: number;
  /** Event-loop busy fraction above which new calls are slowed down (see callAdmission). */
  admissionMaxLoad?: number;
  /** A waiting call's admission was put off (metrics). */
  onAdmissionDeferred?: (reason: 'rate' | 'load') => void;
}): Promise<OutboundSocketServer> {
  installModeslPatches();
  // A peer that keeps stalling or resetting its connections must not flood the log either.
  const noteSlowSetup = createPerAddressLog({
    log: (address, count) => options.logger.warn({ address, count }, 'an outbound socket was not set up in time; closing it'),
  });
  let socketError: Error | undefined;
  const noteSocketError = createPerAddressLog({
    log: (address, count) => options.logger.warn({ address, count, err: socketError }, 'outbound socket error'),
  });
  /** Connections greeted that have not answered yet. */
  const greeting = new Set<Socket>();
  let accepting = true;
  const setupTimeoutMs = options.setupTimeoutMs ?? 5000;
  const listener =
    options.listener ??
    (await bindOutboundSocketListener(options.host ?? '127.0.0.1', options.port ?? 0, {
      ...(options.allowFrom ? { allowFrom: options.allowFrom } : {}),
      logger: options.logger,
    }));
  const server = listener.server;
  // modesl's Server only calls address() and listens for 'connection': it gets admitted sockets.
  const admitted = Object.assign(new EventEmitter(), { address: () => server.address() });
  const admission = createCallAdmission<Socket>({
    setupConcurrency: options.setupConcurrency ?? 8,
    maxCallsPerSecond: options.maxCallsPerSecond ?? 100,
    maxLoad: options.admissionMaxLoad ?? 0.85,
    ...(options.onAdmissionDeferred ? { onDeferred: options.onAdmissionDeferred } : {}),
    admit: (socket) => {
      skipNextConnectWrite(socket);
      admitted.emit('connection', socket);
      // modesl's parser listens now: the connect reply held back by the greeting reaches it.
      socket.resume();
    },
  });
  const accept = (socket: Socket) => {
    if (socket.destroyed) return;
    if (!accepting) return void socket.destroy();
    greeting.add(socket);
    // Only a connection that answered `connect` waits for a set-up slot; a silent or flooding one is closed.
    void greetOutboundSocket(socket, setupTimeoutMs, maxHeaderBlockBytes).then((spoke) => {
      greeting.delete(socket);
      if (!spoke || socket.destroyed) return;
      if (accepting) admission.offer(socket);
      else socket.destroy();
    });
  };
  server.on('connection', accept);

  const eslServer = new esl.Server({ server: admitted as unknown as Server });
  eslServer.on('connection::open', (connection: Connection, id: string) => {
    let done = false;
    const socket = connection.socket;
    // A peer that answered `connect` but does not finish its set-up in time gives its slot back.
    const deadline = setTimeout(() => {
      noteSlowSetup(socket?.remoteAddress ?? 'unknown');
      socket?.destroy();
    }, setupTimeoutMs);
    const setupFinished = () => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      admission.finished();
    };
    socket?.once('close', () => {
      setupFinished();
      // modesl forgets a connection only on 'end', which a destroyed or reset socket never emits.
      delete (eslServer as unknown as { connections: Record<string, unknown> }).connections[id];
    });
    connection.once('esl::ready', () =>
      openInboundCallSession(connection, options.nodeOf)
        .then(options.onCall, (error: unknown) => {
          options.logger.error({ err: error }, 'could not set up an inbound call socket');
          connection.socket?.destroy();
        })
        .finally(setupFinished),
    );
  });
  eslServer.on('connection::open', (connection: Connection) => {
    // A reset socket must not take the process down (modesl re-emits socket errors as 'error').
    connection.on('error', (error: Error) => {
      socketError = error;
      noteSocketError(connection.socket?.remoteAddress ?? 'unknown');
    });
  });

  // Calls that connected while the rest of faxengine started: their turn now that sessions can be set up.
  for (const socket of listener.takeEarly()) accept(socket);

  return {
    address: server.address() as AddressInfo,
    async stopAccepting() {
      accepting = false;
      for (const socket of [...greeting, ...admission.takeWaiting()]) socket.destroy();
      admission.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
