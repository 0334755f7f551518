import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InboundCallOptions } from './inboundCall.js';
import type { HostPort, Simulator } from './simulator.js';

export interface ControlServer {
  readonly address: HostPort;
  close(): Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text === '' ? {} : JSON.parse(text);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/**
 * The HTTP test-control surface (issue §7):
 * `POST /calls` {from,to,document?,station?,sipHeaders?,gateway?,sourceIp?} → {uuid};
 * `GET /channels`; `GET /connections`; `GET /connections/<id or channel uuid>/commands`;
 * `POST /connections/kill`; `POST /wait?timeoutMs=` (resolves when no call is left);
 * `GET /stats` → {eventsFired, channels}.
 */
export async function startControlServer(sim: Simulator, listen: HostPort): Promise<ControlServer> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://control');
    const route = `${request.method} ${url.pathname}`;
    const commands = /^GET \/connections\/([^/]+)\/commands$/.exec(route);
    const handle = async (): Promise<void> => {
      if (route === 'POST /calls') {
        const call = sim.startInboundCall((await readJson(request)) as InboundCallOptions);
        return send(response, 201, { uuid: call.uuid });
      }
      if (route === 'GET /channels') return send(response, 200, sim.channels());
      if (route === 'GET /stats') return send(response, 200, { eventsFired: sim.eventsFired(), channels: sim.context.channels.size });
      if (route === 'GET /connections') return send(response, 200, sim.connections());
      if (commands) return send(response, 200, sim.commandLog(decodeURIComponent(commands[1] ?? '')));
      if (route === 'POST /connections/kill') {
        sim.killConnections();
        return send(response, 200, { killed: true });
      }
      if (route === 'POST /wait') {
        await sim.waitForCalls(Number(url.searchParams.get('timeoutMs') ?? 30_000));
        return send(response, 200, { idle: true });
      }
      send(response, 404, { error: `no route ${route}` });
    };
    handle().catch((error: unknown) => send(response, 400, { error: error instanceof Error ? error.message : String(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  return {
    address: { host: listen.host, port: (server.address() as AddressInfo).port },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
