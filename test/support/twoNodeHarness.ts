import { pino } from 'pino';
import { loadConfig } from '../../src/config/loadConfig.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/simulator.js';
import { basicAuth, testAdminKey } from './serverHarness.js';
import { makeTempDir } from './tempDir.js';

/**
 * The whole server with `freeswitch.nodes` = two simulators, `fs1` and `fs2`, each with its own
 * ESL port and its own switchname; both dial faxengine's outbound-socket port for inbound calls.
 * `startNode(i)` starts a node that was left down (`down: [1]`) or closed.
 */
export async function startServerWithTwoNodes(
  options: { scenario?: SimulatorOptions['scenario']; env?: Record<string, string>; dataDir?: string; down?: number[]; timeScale?: number; nodes?: Array<Record<string, unknown>>; beforeStart?: (dataDir: string) => Promise<void> } = {},
) {
  const dir = options.dataDir ? undefined : makeTempDir('nodes');
  const dataDir = options.dataDir ?? dir!.path;
  const placeholders = await Promise.all([0, 1].map(() => createSimulator({ listen: { host: '127.0.0.1', port: 0 } })));
  const ports = placeholders.map((sim) => sim.eslAddress.port);
  await Promise.all(placeholders.map((sim) => sim.close()));
  const nodes = ports.map((port, index) => ({ name: `fs${index + 1}`, esl: `127.0.0.1:${port}`, password: 'ClueCon', ...options.nodes?.[index] }));
  const { config } = loadConfig({
    cwd: dataDir,
    env: {
      FAXENGINE_DATA_DIR: dataDir,
      FAXENGINE_HTTP_LISTEN: '127.0.0.1:0',
      FAXENGINE_SOCKET_LISTEN: '127.0.0.1:0',
      FAXENGINE_FREESWITCH_NODES: JSON.stringify(nodes),
      FAXENGINE_ADMIN_API_KEY: testAdminKey,
      ...options.env,
    },
  });
  await options.beforeStart?.(dataDir);
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  let server: RunningServer = await startServer(config, logger);
  const sims: Array<Simulator | undefined> = [undefined, undefined];
  const startNode = async (index: number) => {
    sims[index] = await createSimulator({
      listen: { host: '127.0.0.1', port: ports[index]! },
      dial: { host: '127.0.0.1', port: server.socketAddress.port },
      hostname: `fs${index + 1}`,
      timeScale: options.timeScale ?? 0.002,
      ...(options.scenario ? { scenario: options.scenario } : {}),
    });
    return sims[index]!;
  };
  for (const index of [0, 1]) if (!options.down?.includes(index)) await startNode(index);
  const base = () => `http://127.0.0.1:${server.httpAddress.port}`;
  return {
    get server() {
      return server;
    },
    /** Stops faxengine (calls in progress go on in the nodes) and starts it again on the same data. */
    async restart() {
      await server.close();
      server = await startServer(config, logger);
    },
    dataDir,
    sim: (index: number) => {
      const sim = sims[index];
      if (!sim) throw new Error(`node fs${index + 1} is down`);
      return sim;
    },
    startNode,
    async stopNode(index: number) {
      await sims[index]?.close();
      sims[index] = undefined;
    },
    async call(method: string, path: string, body?: unknown, authorization: string | null = basicAuth('admin', testAdminKey)) {
      const headers: Record<string, string> = {};
      if (authorization) headers.authorization = authorization;
      if (body !== undefined) headers['content-type'] = 'application/json';
      return fetch(`${base()}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    },
    async close() {
      await Promise.all(sims.map((sim) => sim?.close()));
      await server.close();
      dir?.remove();
    },
  };
}
