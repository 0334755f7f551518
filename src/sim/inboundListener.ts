import { createServer, type AddressInfo, type Server } from 'node:net';
import type { EslConnection } from './eslConnection.js';
import { InboundConnection, type InboundOptions } from './inboundConnection.js';
import type { SimContext } from './simContext.js';

export interface InboundListener {
  readonly server: Server;
  address(): AddressInfo;
  close(): Promise<void>;
}

/** Listens like mod_event_socket and hands each client an InboundConnection. */
export async function startInboundListener(
  ctx: SimContext,
  host: string,
  port: number,
  options: InboundOptions,
  onConnection: (connection: EslConnection) => void,
): Promise<InboundListener> {
  const server = createServer((socket) => onConnection(new InboundConnection(socket, ctx, options)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    address: () => server.address() as AddressInfo,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
