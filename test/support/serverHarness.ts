import { pino } from 'pino';
import { loadConfig } from '../../src/config/loadConfig.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/main.js';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/simulator.js';
import { makeTempDir } from './tempDir.js';

export const testAdminKey = 'e2e-admin-key-0123456789';
export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * The whole server (startServer, as `faxengine serve` runs it) on a temp data dir and free ports,
 * with a FreeSWITCH simulator on both sides: its inbound ESL listener is faxengine's
 * FAXENGINE_FREESWITCH_ESL and it dials faxengine's outbound-socket port for inbound calls.
 */
export async function startServerWithSimulator(
  options: { scenario?: SimulatorOptions['scenario']; env?: Record<string, string>; dataDir?: string; timeScale?: number; serverOptions?: ServerOptions; keepConnections?: number } = {},
) {
  const eslSim = await createSimulator({ listen: { host: '127.0.0.1', port: 0 }, timeScale: 0.002, ...(options.scenario ? { scenario: options.scenario } : {}) });
  const env = await startServerAgainst(eslSim.eslAddress.port, options);
  await eslSim.close();
  // The simulator that places calls must know where faxengine listens, so it starts second.
  const sim: Simulator = await createSimulator({
    listen: { host: '127.0.0.1', port: eslSim.eslAddress.port },
    dial: { host: '127.0.0.1', port: env.server.socketAddress.port },
    // Slower (e.g. 0.05) when a test must watch a call while it goes on.
    timeScale: options.timeScale ?? 0.002,
    ...(options.scenario ? { scenario: options.scenario } : {}),
    ...(options.keepConnections !== undefined ? { keepConnections: options.keepConnections } : {}),
  });
  return {
    ...env,
    sim,
    async close() {
      await sim.close();
      await env.close();
    },
  };
}

/**
 * The server alone on a temp data dir and free ports, its FAXENGINE_FREESWITCH_ESL at `eslPort`:
 * a simulator (or a FreeSWITCH) that runs elsewhere, e.g. in a child process.
 */
export async function startServerAgainst(eslPort: number, options: { env?: Record<string, string>; dataDir?: string; serverOptions?: ServerOptions } = {}) {
  const dir = options.dataDir ? undefined : makeTempDir('e2e');
  const dataDir = options.dataDir ?? dir!.path;
  const { config } = loadConfig({
    cwd: dataDir,
    env: {
      FAXENGINE_DATA_DIR: dataDir,
      FAXENGINE_HTTP_LISTEN: '127.0.0.1:0',
      FAXENGINE_SOCKET_LISTEN: '127.0.0.1:0',
      FAXENGINE_FREESWITCH_ESL: `127.0.0.1:${eslPort}`,
      FAXENGINE_ADMIN_API_KEY: testAdminKey,
      ...options.env,
    },
  });
  const server: RunningServer = await startServer(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), options.serverOptions);
  const base = `http://127.0.0.1:${server.httpAddress.port}`;
  return {
    server,
    dataDir,
    base,
    async call(method: string, path: string, body?: unknown, authorization: string | null = basicAuth('admin', testAdminKey)) {
      const headers: Record<string, string> = {};
      if (authorization) headers.authorization = authorization;
      if (body !== undefined) headers['content-type'] = 'application/json';
      return fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    },
    async close() {
      await server.close();
      dir?.remove();
    },
  };
}
