import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { loadConfig } from '../config/loadConfig.js';
import { createLogger } from '../logging/createLogger.js';
import { startServer, type RunningServer } from '../main.js';
import { startControlServer, type ControlServer } from '../sim/controlServer.js';
import type { ScenarioInput } from '../sim/scenario.js';
import { createSimulator, type Simulator } from '../sim/simulator.js';

/** The demo's world: one carrier gateway and one remote fax machine that both sends and answers. */
export const demo = {
  number: '+15551230000',
  remote: '+15557654321',
  gateway: 'demo-carrier',
  gatewayIp: '203.0.113.10',
  remotePages: 3,
  remoteIdent: 'DEMO REMOTE FAX',
} as const;

const scenario: ScenarioInput = {
  gateways: { [demo.gateway]: { ip: demo.gatewayIp } },
  stations: { [demo.remote.slice(1)]: { pages: demo.remotePages, ident: demo.remoteIdent } },
};

export interface DemoStack {
  server: RunningServer;
  sim: Simulator;
  control: ControlServer;
  /** The API as a client on this host reaches it. */
  baseUrl: string;
  adminKey: string;
  /** Stops faxengine first (it drains its calls), then the simulator. */
  close(): Promise<void>;
}

/**
 * faxengine on the embedded defaults under `dataDir` plus the FreeSWITCH simulator, wired to each
 * other on free ports. Only the settings given here apply: FAXENGINE_* variables of the caller's
 * environment (a production event store, say) are deliberately not read.
 */
export async function startDemoStack(options: { dataDir: string; httpListen: string; timeScale: number; logLevel: string }): Promise<DemoStack> {
  // The simulator must know where faxengine takes calls before faxengine knows where the simulator is.
  const socketPort = await freePort('127.0.0.1');
  const sim = await createSimulator({ listen: { host: '127.0.0.1', port: 0 }, dial: { host: '127.0.0.1', port: socketPort }, timeScale: options.timeScale, scenario });
  const adminKey = `demo-${randomBytes(12).toString('hex')}`;
  const closers: Array<() => Promise<void>> = [() => sim.close()];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const { config } = loadConfig({
      cwd: options.dataDir,
      env: {
        FAXENGINE_DATA_DIR: options.dataDir,
        FAXENGINE_HTTP_LISTEN: options.httpListen,
        FAXENGINE_SOCKET_LISTEN: `127.0.0.1:${socketPort}`,
        FAXENGINE_FREESWITCH_ESL: `127.0.0.1:${sim.eslAddress.port}`,
        FAXENGINE_ADMIN_API_KEY: adminKey,
        FAXENGINE_LOG_LEVEL: options.logLevel,
      },
    });
    const logger = createLogger(config);
    closers.push(() => new Promise<void>((resolve) => logger.flush(() => resolve())));
    const server = await startServer(config, logger);
    closers.push(() => server.close());
    const control = await startControlServer(sim, { host: '127.0.0.1', port: 0 });
    closers.push(() => control.close());
    return { server, sim, control, baseUrl: urlOf(server.httpAddress), adminKey, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function urlOf(address: AddressInfo): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** A port free right now; the moment until faxengine binds it is the only window for a clash. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
