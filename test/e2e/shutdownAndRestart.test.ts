import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/ports/eventStore.js';
import { openDataDirEventStore } from '../support/dataDirEventStore.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { startCli, type CliProcess } from '../support/cliProcess.js';
import { makeTempDir } from '../support/tempDir.js';

const adminKey = 'restart-admin-key-0123456789';
const admin = `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}`;

describe('faxengine stopping: SIGKILL then restart, and SIGTERM drain', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serve(dataDir: string, eslPort: number): Promise<{ cli: CliProcess; http: number; socket: number }> {
    const cli = startCli(['serve'], {
      cwd: dataDir,
      env: {
        FAXENGINE_DATA_DIR: dataDir,
        FAXENGINE_HTTP_LISTEN: '127.0.0.1:0',
        FAXENGINE_SOCKET_LISTEN: '127.0.0.1:0',
        FAXENGINE_FREESWITCH_ESL: `127.0.0.1:${eslPort}`,
        FAXENGINE_ADMIN_API_KEY: adminKey,
        FAXENGINE_LOG_LEVEL: 'info',
      },
    });
    cleanups.push(() => cli.child.kill('SIGKILL'));
    const port = async (message: string) =>
      Number((JSON.parse(await cli.waitForLine((line) => line.includes(message))) as { address: string }).address.split(':').at(-1));
    return { cli, socket: await port('accepting FreeSWITCH outbound sockets'), http: await port('HTTP API listening') };
  }

  it("without FreeSWITCH's outcome record, closes the fax as FaxReceiveInterrupted with every page the spool file holds", async () => {
    const dir = makeTempDir('restart');
    cleanups.push(dir.remove);
    const scenario = { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 4 } } };
    // Slow enough that the kill lands mid-fax: about a second per page.
    const probe: Simulator = await createSimulator({ listen: { host: '127.0.0.1', port: 0 }, timeScale: 0.08, scenario });
    const eslPort = probe.eslAddress.port;
    await probe.close();

    const first = await serve(dir.path, eslPort);
    const sim = await createSimulator({ listen: { host: '127.0.0.1', port: eslPort }, dial: { host: '127.0.0.1', port: first.socket }, timeScale: 0.08, scenario });
    cleanups.push(() => sim.close());
    const post = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${first.http}${path}`, { method: 'POST', headers: { authorization: admin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const tenant = (await (await post('/v1/tenants', { name: 'Acme' })).json()) as { id: string };
    expect((await post(`/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' })).status).toBe(201);
    expect((await post('/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } })).status).toBe(201);

    const reader = await openDataDirEventStore(dir.path);
    cleanups.push(() => reader.close());
    const inbound = sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' });
    let faxEvents: RecordedEvent[] = [];
    for (let tries = 0; tries < 400 && !faxEvents.some((event) => event.type === 'FaxPageTransferred'); tries++) {
      faxEvents = await reader.readAll({ streamPrefixes: ['fax-'] });
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(faxEvents.map((event) => event.type)).toContain('FaxPageTransferred');
    first.cli.child.kill('SIGKILL');
    await first.cli.exited;
    // FreeSWITCH finishes the fax on its own; its outcome record is lost, as after a FreeSWITCH restart.
    const ended = await inbound.finished;
    expect(ended.variables.fax_success).toBe('1');
    sim.context.db.api(`delete/faxengine_outcome/${inbound.uuid}`);

    await serve(dir.path, eslPort);
    const faxStream = faxEvents[0]!.stream;
    let history: RecordedEvent[] = [];
    for (let tries = 0; tries < 400 && !history.some((event) => event.type === 'FaxCallEnded'); tries++) {
      history = await reader.readStream(faxStream);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const interrupted = history.find((event) => event.type === 'FaxReceiveInterrupted');
    expect(interrupted?.data).toMatchObject({ reason: 'restart' });
    // The spool file is the truth: all four pages, whatever page count was stored before the kill.
    expect(interrupted?.data).toMatchObject({ pagesReceived: 4, documentId: expect.stringMatching(/^sha256-/) });
    expect(history.find((event) => event.type === 'FaxRouted')?.data).toMatchObject({ partial: true, documentId: (interrupted?.data as { documentId: string }).documentId });
    expect(history.at(-1)).toMatchObject({ type: 'FaxCallEnded', data: { hangupCause: 'FAXENGINE_RESTART' } });
    expect(history.filter((event) => event.type === 'FaxReceived' || event.type === 'FaxReceiveFailed')).toEqual([]);
  });

  it('on SIGTERM stops taking calls but lets the fax in progress finish, then exits 0', async () => {
    const dir = makeTempDir('drain');
    cleanups.push(dir.remove);
    const scenario = { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 3 } } };
    const probe: Simulator = await createSimulator({ listen: { host: '127.0.0.1', port: 0 }, scenario });
    const eslPort = probe.eslAddress.port;
    await probe.close();
    const running = await serve(dir.path, eslPort);
    const sim = await createSimulator({ listen: { host: '127.0.0.1', port: eslPort }, dial: { host: '127.0.0.1', port: running.socket }, timeScale: 0.05, scenario });
    cleanups.push(() => sim.close());
    const post = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${running.http}${path}`, { method: 'POST', headers: { authorization: admin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const tenant = (await (await post('/v1/tenants', { name: 'Acme' })).json()) as { id: string };
    await post(`/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' });
    await post('/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } });

    const reader = await openDataDirEventStore(dir.path);
    cleanups.push(() => reader.close());
    const call = sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' });
    for (let tries = 0; tries < 400 && !(await reader.readAll({ streamPrefixes: ['fax-'] })).some((event) => event.type === 'FaxCallAnswered'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    running.cli.child.kill('SIGTERM');
    await running.cli.waitForLine((line) => line.includes('"msg":"shutting down"'));
    const late = sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' });
    expect(await running.cli.exited).toBe(0);
    await call.finished;
    await late.finished;

    const types = (await reader.readAll({ streamPrefixes: ['fax-'] })).map((event) => event.type);
    expect(types.filter((type) => type === 'FaxCallOffered')).toHaveLength(1);
    expect(types).toContain('FaxReceived');
    expect(types.at(-1)).toBe('FaxCallEnded');
  });
});
