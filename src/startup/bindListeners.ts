import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { bindOutboundSocketListener, type OutboundSocketListener } from '../adapters/esl/outboundSocketServer.js';
import { createLifecycleGate, type LifecycleGate } from '../api/lifecycleGate.js';
import { splitHostPort } from '../config/hostPort.js';
import type { Config } from '../config/schema.js';
import type { Logger } from 'pino';
import { bindOrExplain } from './listenError.js';

export interface BoundListeners {
  http: ServerType;
  httpAddress: AddressInfo;
  /** Answers 503 until `open`ed with the app, and again once draining. */
  gate: LifecycleGate;
  socket: OutboundSocketListener;
  /** Stops listening; HTTP requests in progress finish first (cut after `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

/**
 * Binds every port faxengine listens on, before anything else happens: a port that cannot be
 * bound throws a ListenError naming its key, after the ones bound already were released, and
 * before the data directory, the store or FreeSWITCH were touched.
 */
export async function bindListeners(config: Pick<Config, 'http' | 'socket'>, logger?: Logger): Promise<BoundListeners> {
  const gate = createLifecycleGate();
  const httpAt = splitHostPort(config.http.listen);
  const http = await bindOrExplain('http.listen', config.http.listen, () => listenHttp(gate, httpAt.host, httpAt.port));
  let socket: OutboundSocketListener;
  try {
    const socketAt = splitHostPort(config.socket.listen);
    socket = await bindOrExplain('socket.listen', config.socket.listen, () =>
      bindOutboundSocketListener(socketAt.host, socketAt.port, { allowFrom: config.socket.allowFrom, ...(logger ? { logger } : {}) }),
    );
  } catch (error) {
    await closeHttp(http, 0);
    throw error;
  }
  return {
    http,
    httpAddress: http.address() as AddressInfo,
    gate,
    socket,
    async close(graceMs = 5_000) {
      await Promise.all([closeHttp(http, graceMs), socket.close()]);
    },
  };
}

function listenHttp(gate: LifecycleGate, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: gate.fetch, hostname, port }, () => {
      server.off('error', reject);
      resolve(server);
    });
    server.once('error', reject);
  });
}

/** Stops listening and closes idle keep-alive connections; requests in progress get `graceMs` to finish. */
export async function closeHttp(server: ServerType, graceMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const http = server as ServerType & { closeIdleConnections?(): void; closeAllConnections?(): void };
  http.closeIdleConnections?.();
  const timer = setTimeout(() => http.closeAllConnections?.(), graceMs);
  await closed;
  clearTimeout(timer);
}
