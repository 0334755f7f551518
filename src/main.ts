import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import { createApp } from './api/app.js';
import type { Config } from './config/schema.js';
import { maskConfig } from './config/maskConfig.js';
import { openEventStore } from './adapters/eventStore/openEventStore.js';
import type { EventStore } from './ports/eventStore.js';
import { version } from './version.js';

export interface RunningServer {
  /** Where the HTTP API listens (the real port when the config asked for port 0). */
  httpAddress: AddressInfo;
  eventStore: EventStore;
  /** Stops accepting requests, lets in-flight ones finish, closes the stores. */
  close(): Promise<void>;
}

/** The composition root: the only place that picks concrete adapters. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  logger.info({ config: maskConfig(config), version }, 'starting faxengine');
  mkdirSync(config.dataDir, { recursive: true });
  const eventStore = await openEventStore(config.eventStore!);

  const app = createApp({ eventStore, logger, version });
  const { host, port } = splitHostPort(config.http.listen);
  const server = await listen(app.fetch, host, port);
  const httpAddress = server.address() as AddressInfo;
  logger.info({ address: `${httpAddress.address}:${httpAddress.port}` }, 'HTTP API listening');

  return {
    httpAddress,
    eventStore,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await eventStore.close();
      logger.info('faxengine stopped');
    },
  };
}

function listen(fetch: Parameters<typeof serve>[0]['fetch'], hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => resolve(server));
    server.once('error', reject);
  });
}

/** `host:port` → parts; IPv6 hosts come in brackets. */
export function splitHostPort(value: string): { host: string; port: number } {
  const colon = value.lastIndexOf(':');
  return { host: value.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(value.slice(colon + 1)) };
}
