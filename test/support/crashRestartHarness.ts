import type { RecordedEvent } from '../../src/ports/eventStore.js';
import { openDataDirEventStore } from './dataDirEventStore.js';
import type { ScenarioInput } from '../../src/sim/scenario.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { startCli, type CliProcess } from './cliProcess.js';
import { makeTempDir } from './tempDir.js';
import { jsonApi } from './jsonApi.js';
import { freePort } from './freePort.js';

type Json = Record<string, any>;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds (generous deadlines: the machine is shared). */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/**
 * faxengine as a child process (`serve`, SIGKILLable, restartable on the same data directory) in
 * front of the simulator, which lives in the test process and outlives every server, as
 * FreeSWITCH does. Counts at the simulator how many faxes each remote station really got.
 */
export async function startCrashRestartHarness(options: { scenario: ScenarioInput; timeScale: number; env?: Record<string, string> }) {
  const cleanups: Array<() => unknown> = [];
  const adminKey = 'crash-restart-admin-key-0123456789';
  const admin = `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}`;
  const dir = makeTempDir('crash-restart');
  cleanups.push(dir.remove);
  // The simulator listens first (port 0, no race); inbound calls dial the first server's socket port.
  const socketPort = await freePort();
  const sim = await createSimulator({
    listen: { host: '127.0.0.1', port: 0 },
    dial: { host: '127.0.0.1', port: socketPort },
    timeScale: options.timeScale,
    scenario: options.scenario,
  });
  cleanups.push(() => sim.close());
  const eslPort = sim.eslAddress.port;

  async function serve(socketListen: string): Promise<{ cli: CliProcess; http: number; socket: number }> {
    const cli = startCli(['serve'], {
      cwd: dir.path,
      env: {
        FAXENGINE_DATA_DIR: dir.path,
        FAXENGINE_HTTP_LISTEN: '127.0.0.1:0',
        FAXENGINE_SOCKET_LISTEN: socketListen,
        FAXENGINE_FREESWITCH_ESL: `127.0.0.1:${eslPort}`,
        FAXENGINE_ADMIN_API_KEY: adminKey,
        FAXENGINE_LOG_LEVEL: 'info',
        ...options.env,
      },
    });
    cleanups.push(() => cli.child.kill('SIGKILL'));
    const port = async (message: string) =>
      Number((JSON.parse(await cli.waitForLine((line) => line.includes(message), 60_000)) as { address: string }).address.split(':').at(-1));
    return { cli, socket: await port('accepting FreeSWITCH outbound sockets'), http: await port('HTTP API listening') };
  }

  let server = await serve(`127.0.0.1:${socketPort}`);

  /** Successful fax transmissions per remote number, as spandsp on the simulator reported them. */
  const delivered = new Map<string, number>();
  sim.context.hub.route(
    {
      deliver(event) {
        if (event.name !== 'CUSTOM' || event.subclass !== 'spandsp::txfaxresult' || event.get('fax-success') !== '1') return;
        const number = sim.context.channels.get(event.uniqueId ?? '')?.profile.destinationNumber.replace(/^\+/, '') ?? '?';
        delivered.set(number, (delivered.get(number) ?? 0) + 1);
      },
    },
    undefined,
  );

  const reader = await openDataDirEventStore(dir.path);
  cleanups.push(() => reader.close());

  const call = jsonApi(() => `http://127.0.0.1:${server.http}`, admin);

  /** One tenant with number 5551230000, a user, and carrier1 (10.1.1.1) as its gateway both ways. */
  async function provision(): Promise<{ tenantId: string; user: string }> {
    const tenant = await call('POST', '/v1/tenants', { name: 'Acme' });
    await call('POST', `/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' });
    await call('POST', `/v1/tenants/${tenant.id}/users`, { username: 'acme', password: 'acme password' });
    await call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } });
    return { tenantId: tenant.id as string, user: `Basic ${Buffer.from('acme:acme password').toString('base64')}` };
  }

  async function submit(user: string, to: string, pdf: Uint8Array): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'letter.pdf');
    form.append('to', `+${to}`);
    form.append('from', '5551230000');
    const res = await fetch(`http://127.0.0.1:${server.http}/v1/faxes`, { method: 'POST', headers: { authorization: user }, body: form });
    if (res.status !== 202) throw new Error(`POST /v1/faxes: ${res.status} ${await res.text()}`);
    return ((await res.json()) as Json).id as string;
  }

  const history = (faxId: string): Promise<RecordedEvent[]> => reader.readStream(`fax-${faxId}`);
  return {
    dir: dir.path,
    sim,
    reader,
    delivered,
    call,
    provision,
    submit,
    history,
    types: async (faxId: string) => (await history(faxId)).map((event) => event.type),
    /** The running server's process (its output, its exit). */
    process: (): CliProcess => server.cli,
    /** SIGKILLs the running server and waits for it to be gone. */
    async kill(): Promise<void> {
      server.cli.child.kill('SIGKILL');
      await server.cli.exited;
    },
    /** Starts a new server on the same data (new inbound calls would still dial the first server's port). */
    async restart(): Promise<void> {
      server = await serve('127.0.0.1:0');
    },
    /** Every originate the simulator was asked for (to that number only, when given). */
    dialled: (number?: string) =>
      sim
        .connections()
        .flatMap((connection) => sim.commandLog(connection.id))
        .filter((entry) => /^(bg)?api originate /.test(entry.command) && new RegExp(`sofia/gateway/[^/]+/\\+?${number ?? '\\d+'} `).test(entry.command)),
    async close(): Promise<void> {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    },
  };
}
