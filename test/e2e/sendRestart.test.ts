import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import type { RecordedEvent } from '../../src/ports/eventStore.js';
import { hangupChannel } from '../../src/sim/channelOps.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { startCli, type CliProcess } from '../support/cliProcess.js';
import { makeSubmissionDocuments, type SubmissionDocuments } from '../support/submissionFixtures.js';
import { makeTempDir } from '../support/tempDir.js';
import { jsonApi } from '../support/jsonApi.js';

type Json = Record<string, any>;

const adminKey = 'send-restart-admin-key-0123456789';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const admin = basic('admin', adminKey);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Remote stations (digits as dialled, without the leading +).
const A = '15550000001'; // answers: sent once before the kill
const B = '15550000002'; // busy before the kill, answers after: retried after the restart
const C1 = '15550000003'; // slow 7-page fax, call still up at the restart: followed to its end
const C2 = '15550000004'; // slow fax, call cut mid-fax while down: FreeSWITCH's record says so, retried
const C3 = '15550000005'; // the same, but the record is gone (FreeSWITCH restarted too): interrupted, maybe sent
const BUSY_RETRY_MS = 6_000;
// Every simulated duration × 0.05: a fine page takes 0.6 s at 14,400 bit/s, 1.8 s at 4,800, 3.6 s at 2,400.
// C1's call (7 pages at 4,800: ~13 s) must outlast the kill and the restart (~5 s here).
const TIME_SCALE = 0.05;

describe('faxengine SIGKILLed while faxes wait to retry and while they are in a call', () => {
  const cleanups: Array<() => unknown> = [];
  const fixtures = makeTempDir('send-restart-docs');
  let docs: SubmissionDocuments;
  beforeAll(async () => {
    docs = await makeSubmissionDocuments(fixtures.path);
  });
  afterAll(() => fixtures.remove());
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
        FAXENGINE_SEND_MAX_ATTEMPTS: '3',
        FAXENGINE_SEND_BUSY_RETRY_DELAY_MS: String(BUSY_RETRY_MS),
        FAXENGINE_SEND_GATEWAY_COOLDOWN_MS: '1000',
        FAXENGINE_SEND_FAILURE_RETRY_DELAY_MS: '1000',
        // The same instance restarted (#20): it takes its faxes back at once, not when its predecessor's leases lapse.
        FAXENGINE_CLUSTER_INSTANCE_ID: 'send-restart',
      },
    });
    cleanups.push(() => cli.child.kill('SIGKILL'));
    const port = async (message: string) =>
      Number((JSON.parse(await cli.waitForLine((line) => line.includes(message))) as { address: string }).address.split(':').at(-1));
    return { cli, socket: await port('accepting FreeSWITCH outbound sockets'), http: await port('HTTP API listening') };
  }

  it('finishes every fax after the restart: none dialled twice, the waiting one retried, the followed call sent, the cut call retried from its record, the unrecorded one marked maybe sent', async () => {
    const dir = makeTempDir('send-restart');
    cleanups.push(dir.remove);
    const scenario = {
      gateways: { carrier1: { ip: '10.1.1.1' } },
      stations: {
        [A]: { ringSeconds: 1 },
        [B]: { outcome: 'USER_BUSY', ringSeconds: 1 },
        [C1]: { ringSeconds: 1, rate: 4800 as const },
        [C2]: { ringSeconds: 1, rate: 2400 as const },
        [C3]: { ringSeconds: 1, rate: 2400 as const },
      },
    };
    const probe: Simulator = await createSimulator({ listen: { host: '127.0.0.1', port: 0 }, scenario });
    const eslPort = probe.eslAddress.port;
    await probe.close();

    const first = await serve(dir.path, eslPort);
    // The simulator is FreeSWITCH: it lives in the test process and outlives both servers.
    const sim = await createSimulator({ listen: { host: '127.0.0.1', port: eslPort }, dial: { host: '127.0.0.1', port: first.socket }, timeScale: TIME_SCALE, scenario });
    cleanups.push(() => sim.close());

    let http = first.http;
    const call = jsonApi(() => `http://127.0.0.1:${http}`, admin);
    const tenant = await call('POST', '/v1/tenants', { name: 'Acme' });
    await call('POST', `/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' });
    await call('POST', `/v1/tenants/${tenant.id}/users`, { username: 'acme', password: 'acme password' });
    await call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } });
    const user = basic('acme', 'acme password');

    const submit = async (to: string, pdf = docs.pdf): Promise<string> => {
      const form = new FormData();
      form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'letter.pdf');
      form.append('to', `+${to}`);
      form.append('from', '5551230000');
      const res = await fetch(`http://127.0.0.1:${http}/v1/faxes`, { method: 'POST', headers: { authorization: user }, body: form });
      if (res.status !== 202) throw new Error(`POST /v1/faxes: ${res.status} ${await res.text()}`);
      return ((await res.json()) as Json).id as string;
    };
    const ids = { A: await submit(A), B: await submit(B), C1: await submit(C1, docs.longPdf), C2: await submit(C2), C3: await submit(C3) };

    const reader = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    cleanups.push(() => reader.close());
    const history = (faxId: string): Promise<RecordedEvent[]> => reader.readStream(`fax-${faxId}`);
    const types = async (faxId: string) => (await history(faxId)).map((event) => event.type);
    async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(25);
      }
    }

    // Before the kill: A sent, B waiting to retry, C1 and C2 answered and sending.
    await until('A sent', async () => (await types(ids.A)).includes('FaxSent'));
    await until('B waiting to retry', async () => (await types(ids.B)).includes('FaxRetryScheduled'));
    const inCall = async (faxId: string) => (await types(faxId)).includes('FaxCallAnswered');
    await until('C1, C2 and C3 in their calls', async () => (await inCall(ids.C1)) && (await inCall(ids.C2)) && (await inCall(ids.C3)));
    const retry = (await history(ids.B)).find((event) => event.type === 'FaxRetryScheduled')!;
    const retryAt = Date.parse((retry.data as { retryAt: string }).retryAt);
    expect(retryAt).toBeGreaterThan(Date.now());

    first.cli.child.kill('SIGKILL');
    await first.cli.exited;
    const killedAt = Date.now();
    // While faxengine is down: B's line frees up, C2's and C3's calls are cut mid-fax; C1's call goes on.
    sim.setStation(B, { ringSeconds: 1 });
    const channelOf = (faxId: string) => sim.channels().find((channel) => channel.direction === 'outbound' && channel.variables.faxengine_fax_id === faxId);
    const c1Call = channelOf(ids.C1);
    const c2Call = channelOf(ids.C2);
    const c3Call = channelOf(ids.C3);
    expect(c1Call).toBeDefined();
    expect(c2Call).toBeDefined();
    expect(c3Call).toBeDefined();
    await hangupChannel(sim.context, sim.context.channels.get(c2Call!.uuid)!, 'NORMAL_CLEARING');
    await hangupChannel(sim.context, sim.context.channels.get(c3Call!.uuid)!, 'NORMAL_CLEARING');
    await until('C2 and C3 channels gone', async () => !sim.channels().some((channel) => channel.uuid === c2Call!.uuid || channel.uuid === c3Call!.uuid), 5_000);
    // FreeSWITCH recorded both outcomes at hang-up; C3's record is lost, as after a FreeSWITCH restart.
    expect(sim.context.db.api(`select/faxengine_outcome/${c2Call!.uuid}`)).toMatch(/^v1:0:49:/);
    sim.context.db.api(`delete/faxengine_outcome/${c3Call!.uuid}`);

    const second = await serve(dir.path, eslPort);
    http = second.http;
    // C1's call must still be up when the new server asks about it, or this test proves nothing.
    expect(sim.channels().some((channel) => channel.uuid === c1Call!.uuid)).toBe(true);

    const ended = async (faxId: string) => ((await call('GET', `/v1/faxes/${faxId}`)) as Json).ended === true;
    await until('every fax ended', async () => (await Promise.all(Object.values(ids).map(ended))).every(Boolean), 40_000);
    const views = Object.fromEntries(await Promise.all(Object.entries(ids).map(async ([name, id]) => [name, await call('GET', `/v1/faxes/${id}`)] as const))) as Record<keyof typeof ids, Json>;

    // The simulator's count: every `originate` it was asked for, per destination.
    const originates = sim
      .connections()
      .flatMap((connection) => sim.commandLog(connection.id))
      .filter((entry) => /^(bg)?api originate /.test(entry.command))
      .map((entry) => ({ at: entry.at, number: /sofia\/gateway\/[^/]+\/\+?(\d+)/.exec(entry.command)?.[1] }));
    const dialled = (number: string) => originates.filter((entry) => entry.number === number);
    const started = async (faxId: string) => (await history(faxId)).filter((event) => event.type === 'FaxSendAttemptStarted');

    expect(views.A).toMatchObject({ status: 'sent', ended: true, outbound: { attempts: 1, maybeSent: false } });
    expect(dialled(A)).toHaveLength(1);
    expect(await started(ids.A)).toHaveLength(1);

    expect(views.B).toMatchObject({ status: 'sent', ended: true, outbound: { attempts: 2, maybeSent: false } });
    expect(dialled(B)).toHaveLength(2);
    expect(await started(ids.B)).toHaveLength(2);
    // The retry went out from the restarted server, not before its retryAt.
    expect(dialled(B)[1]!.at).toBeGreaterThanOrEqual(Math.max(retryAt, killedAt));

    expect(views.C1).toMatchObject({ status: 'sent', ended: true, pages: 7, outbound: { attempts: 1, maybeSent: false } });
    expect(dialled(C1)).toHaveLength(1);
    expect(await started(ids.C1)).toHaveLength(1);
    expect(await types(ids.C1)).not.toContain('FaxSendAttemptInterrupted');
    // Followed again, not finished before the kill: its last page and FaxSent were stored by the new server.
    const c1After = (await history(ids.C1)).filter((event) => Date.parse(event.created) >= killedAt).map((event) => event.type);
    expect(c1After).toContain('FaxPageTransferred');
    expect(c1After.at(-1)).toBe('FaxSent');
    // The restored actor kept what the call negotiated before the kill (its fold once dropped it: rate 0).
    expect((await history(ids.C1)).at(-1)!.data).toMatchObject({ transferRate: 4800 });
    expect(views.C1).toMatchObject({ transferRate: 4800, outbound: { attemptLog: [{ attempt: 1, gateway: 'carrier1', outcome: expect.stringMatching(/^sent/) }] } });

    // C2 was cut mid-fax (T.30 code 49) while nobody listened: recorded as such and retried, as if heard.
    expect(views.C2).toMatchObject({ status: 'sent', ended: true, outbound: { attempts: 2, maybeSent: false } });
    expect(dialled(C2)).toHaveLength(2);
    expect((await history(ids.C2)).find((event) => event.type === 'FaxSendAttemptFailed')!.data).toMatchObject({
      attempt: 1,
      answered: true,
      t30Code: 49,
      outcomeClass: 'pageTransferFailure',
    });
    expect(await types(ids.C2)).not.toContain('FaxSendAttemptInterrupted');

    expect(views.C3).toMatchObject({ status: 'failed', ended: true, outbound: { attempts: 1, maybeSent: true } });
    expect(dialled(C3)).toHaveLength(1);
    expect(await started(ids.C3)).toHaveLength(1);
    const c3Types = await types(ids.C3);
    expect(c3Types.slice(-2)).toEqual(['FaxSendAttemptInterrupted', 'FaxFailed']);
    expect((await history(ids.C3)).at(-1)!.data).toMatchObject({ outcomeClass: 'interrupted', maybeSent: true });

    // Nothing else was dialled, and no call is left behind.
    expect(originates).toHaveLength(7);
    await sim.waitForCalls(10_000);
  }, 90_000);
});
