import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import type { RecordedEvent } from '../../src/ports/eventStore.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { startCli, type CliProcess } from '../support/cliProcess.js';
import { makeSubmissionDocuments, type SubmissionDocuments } from '../support/submissionFixtures.js';
import { makeTempDir } from '../support/tempDir.js';

type Json = Record<string, any>;

const adminKey = 'send-drain-admin-key-0123456789';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const admin = basic('admin', adminKey);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const BUSY = '15550000011'; // always busy until the restart: retried every second
const RINGING = '15550000012'; // rings until the originate times out (60 s × TIME_SCALE = 12 s): longer than the drain limit
const TIME_SCALE = 0.2;

describe('SIGTERM while sending: the draining faxengine places no new call', () => {
  const cleanups: Array<() => unknown> = [];
  const fixtures = makeTempDir('send-drain-docs');
  let docs: SubmissionDocuments;
  beforeAll(async () => {
    docs = await makeSubmissionDocuments(fixtures.path);
  });
  afterAll(() => fixtures.remove());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serve(dataDir: string, eslPort: number): Promise<{ cli: CliProcess; http: number }> {
    const cli = startCli(['serve'], {
      cwd: dataDir,
      env: {
        FAXENGINE_DATA_DIR: dataDir,
        FAXENGINE_HTTP_LISTEN: '127.0.0.1:0',
        FAXENGINE_SOCKET_LISTEN: '127.0.0.1:0',
        FAXENGINE_FREESWITCH_ESL: `127.0.0.1:${eslPort}`,
        FAXENGINE_ADMIN_API_KEY: adminKey,
        FAXENGINE_LOG_LEVEL: 'info',
        FAXENGINE_FAX_DRAIN_TIMEOUT_MS: '4000',
        FAXENGINE_SEND_MAX_ATTEMPTS: '10',
        FAXENGINE_SEND_BUSY_RETRY_DELAY_MS: '1000',
        FAXENGINE_SEND_NO_ANSWER_RETRY_DELAY_MS: '1000',
      },
    });
    cleanups.push(() => cli.child.kill('SIGKILL'));
    const line = await cli.waitForLine((text) => text.includes('HTTP API listening'));
    return { cli, http: Number((JSON.parse(line) as { address: string }).address.split(':').at(-1)) };
  }

  it('keeps retries and ringing attempts for the next start, records the call cut at the limit as not answered, and goes on after the restart', async () => {
    const dir = makeTempDir('send-drain');
    cleanups.push(dir.remove);
    const scenario = {
      gateways: { carrier1: { ip: '10.1.1.1' } },
      stations: { [BUSY]: { outcome: 'USER_BUSY', ringSeconds: 1 }, [RINGING]: { ringSeconds: 1200 } },
    };
    const probe: Simulator = await createSimulator({ listen: { host: '127.0.0.1', port: 0 }, scenario });
    const eslPort = probe.eslAddress.port;
    await probe.close();
    const first = await serve(dir.path, eslPort);
    const sim = await createSimulator({ listen: { host: '127.0.0.1', port: eslPort }, timeScale: TIME_SCALE, scenario });
    cleanups.push(() => sim.close());

    let http = first.http;
    const call = async (method: string, path: string, body?: unknown, authorization = admin): Promise<Json> => {
      const res = await fetch(`http://127.0.0.1:${http}${path}`, {
        method,
        headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Json;
    };
    const tenant = await call('POST', '/v1/tenants', { name: 'Acme' });
    await call('POST', `/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' });
    await call('POST', `/v1/tenants/${tenant.id}/users`, { username: 'acme', password: 'acme password' });
    await call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } });
    const submit = async (to: string): Promise<string> => {
      const form = new FormData();
      form.append('file', new Blob([docs.pdf], { type: 'application/pdf' }), 'letter.pdf');
      form.append('to', `+${to}`);
      form.append('from', '5551230000');
      const res = await fetch(`http://127.0.0.1:${http}/v1/faxes`, { method: 'POST', headers: { authorization: basic('acme', 'acme password') }, body: form });
      if (res.status !== 202) throw new Error(`POST /v1/faxes: ${res.status} ${await res.text()}`);
      return ((await res.json()) as Json).id as string;
    };
    const ids = { busy: await submit(BUSY), ringing: await submit(RINGING) };

    const reader = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    cleanups.push(() => reader.close());
    const history = (faxId: string): Promise<RecordedEvent[]> => reader.readStream(`fax-${faxId}`);
    const types = async (faxId: string) => (await history(faxId)).map((event) => event.type);
    async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(25);
      }
    }
    const originates = () =>
      sim
        .connections()
        .flatMap((connection) => sim.commandLog(connection.id))
        .filter((entry) => /^(bg)?api originate /.test(entry.command))
        .map((entry) => ({ at: entry.at, number: /sofia\/gateway\/[^/]+\/\+?(\d+)/.exec(entry.command)?.[1] }));
    const started = async () => [...(await history(ids.busy)), ...(await history(ids.ringing))].filter((event) => event.type === 'FaxSendAttemptStarted');

    await until('the busy fax waiting to retry', async () => (await types(ids.busy)).includes('FaxRetryScheduled'));
    await until('the ringing fax in its call', async () => (await types(ids.ringing)).includes('FaxSendAttemptStarted'));

    first.cli.child.kill('SIGTERM');
    const shutdownAt = (JSON.parse(await first.cli.waitForLine((line) => line.includes('"msg":"shutting down"'))) as { time: number }).time;
    expect(await first.cli.exited).toBe(0);

    // The drain lasted its full limit (the ringing call), and yet nothing new was dialled during it.
    expect((await started()).filter((event) => Date.parse(event.created) > shutdownAt)).toEqual([]);
    expect(originates()).toHaveLength((await started()).length);
    expect(originates().filter((entry) => entry.number === RINGING)).toHaveLength(1);

    // The busy fax waits for the next start.
    const busyBefore = await types(ids.busy);
    expect(busyBefore.at(-1)).toBe('FaxRetryScheduled');
    expect(busyBefore).not.toContain('FaxFailed');
    // The call still ringing at the limit was hung up, and its attempt recorded as the unanswered one it was.
    const ringingBefore = await history(ids.ringing);
    expect(ringingBefore.map((event) => event.type).slice(-2)).toEqual(['FaxSendAttemptFailed', 'FaxRetryScheduled']);
    expect(ringingBefore.at(-2)!.data).toMatchObject({ answered: false, outcomeClass: 'noAnswer', hangupCause: 'NO_ANSWER', pagesSent: 0 });
    expect(first.cli.stdout()).toContain('drain limit reached');
    expect(ringingBefore.map((event) => event.type)).not.toContain('FaxFailed');
    await until('no call left at the simulator', async () => sim.channels().length === 0, 10_000);

    // After the restart both lines answer: each fax continues where it was and is sent once.
    sim.setStation(BUSY, { ringSeconds: 1 });
    sim.setStation(RINGING, { ringSeconds: 1 });
    const dialledBefore = originates().length;
    const second = await serve(dir.path, eslPort);
    http = second.http;
    await until('both faxes sent', async () => (await types(ids.busy)).includes('FaxSent') && (await types(ids.ringing)).includes('FaxSent'), 60_000);
    expect(originates()).toHaveLength(dialledBefore + 2);
    for (const faxId of Object.values(ids)) {
      expect(await types(faxId)).not.toContain('FaxSendAttemptInterrupted');
      expect(await call('GET', `/v1/faxes/${faxId}`)).toMatchObject({ status: 'sent', outbound: { maybeSent: false } });
    }
  }, 120_000);
});
