import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore.js';
import type { EventStore } from '../../src/ports/eventStore.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { sleep, until } from '../support/crashRestartHarness.js';
import { freePort } from '../support/freePort.js';
import { jsonApi } from '../support/jsonApi.js';
import { createTestDatabase } from '../support/postgresServer.js';
import { startServe, type ServeProcess } from '../support/serveProcess.js';
import { mostOutboundCallsAtOnce, recordSimCalls } from '../support/simCallLog.js';
import { makeSubmissionDocuments, type SubmissionDocuments } from '../support/submissionFixtures.js';
import { makeTempDir } from '../support/tempDir.js';

const adminKey = 'send-cluster-admin-key-0123456789';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const admin = basic('admin', adminKey);
const user = basic('acme', 'acme long password');
const FAXES = 12;
const CHANNELS = 3;
const LEASE_TTL_MS = 2000;
const terminal = new Set(['FaxSent', 'FaxFailed', 'FaxCancelled']);

/**
 * Three faxengine processes on one PostgreSQL event store and one simulated FreeSWITCH (which, like
 * the real one, keeps a call up when the process that placed it dies); one is SIGKILLed while it
 * drives faxes. What happened is counted at the simulator.
 */
describe('sending from three instances, one of them SIGKILLed (#20)', () => {
  const cleanups: Array<() => unknown> = [];
  const fixtures = makeTempDir('send-cluster-docs');
  let docs: SubmissionDocuments;
  beforeAll(async () => {
    docs = await makeSubmissionDocuments(fixtures.path);
  });
  afterAll(() => fixtures.remove());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('every fax ends sent, none dialled twice for one attempt, the dead instance’s faxes are taken over, faxes submitted to it once restarted are sent too, the channel limit holds across instances', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const dir = makeTempDir('send-cluster');
    cleanups.push(() => dir.remove());
    // Documents are shared (a shared mount in production): the instance that takes a fax over sends the TIFF another one prepared.
    const documents = join(dir.path, 'documents');
    mkdirSync(documents);
    const sim: Simulator = await createSimulator({
      listen: { host: '127.0.0.1', port: 0 },
      dial: { host: '127.0.0.1', port: await freePort() },
      timeScale: 0.1,
      // Each call rings 1.5 s, then a page takes about a second: calls overlap the kill.
      scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, defaultStation: { ringSeconds: 15 } },
    });
    cleanups.push(() => sim.close());
    const log = recordSimCalls(sim);
    cleanups.push(() => log.stop());
    const reader: EventStore = await createPostgresEventStore({ connectionString: database.url, poolSize: 2 });
    cleanups.push(() => reader.close());

    const instances: Array<{ id: string; serve: ServeProcess }> = [];
    async function serve(id: string): Promise<ServeProcess> {
      const dataDir = join(dir.path, id);
      if (!existsSync(dataDir)) {
        mkdirSync(dataDir);
        symlinkSync(documents, join(dataDir, 'documents'));
      }
      const started = await startServe({
        dataDir,
        eslPort: sim.eslAddress.port,
        env: {
          FAXENGINE_EVENT_STORE: database.url,
          FAXENGINE_ADMIN_API_KEY: adminKey,
          // The instances share the documents: they need the same at-rest keys (README: Encryption at rest).
          FAXENGINE_ENCRYPTION_KEYS: `cluster:${Buffer.alloc(32, 9).toString('base64')}`,
          FAXENGINE_CLUSTER_INSTANCE_ID: id,
          FAXENGINE_CLUSTER_LEASE_TTL: '2s',
          FAXENGINE_SEND_CHANNELS: String(CHANNELS),
          FAXENGINE_SEND_FAILURE_RETRY_DELAY_MS: '1000',
          FAXENGINE_SEND_NO_ANSWER_RETRY_DELAY_MS: '1000',
        },
      });
      cleanups.push(() => started.cli.child.kill('SIGKILL'));
      return started;
    }
    for (const id of ['one', 'two', 'three']) instances.push({ id, serve: await serve(id) });
    const api = (index: number) => jsonApi(() => `http://127.0.0.1:${instances[index]!.serve.http}`, admin);

    const tenant = await api(0)('POST', '/v1/tenants', { name: 'Acme' });
    await api(0)('POST', `/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' });
    await api(0)('POST', `/v1/tenants/${tenant.id}/users`, { username: 'acme', password: 'acme long password' });
    await api(0)('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } });

    // Spread over the instances; each one's read store catches up with the tenant first.
    async function submit(index: number, to: string): Promise<string> {
      for (const deadline = Date.now() + 30_000; ; ) {
        const form = new FormData();
        form.append('file', new Blob([docs.pdf], { type: 'application/pdf' }), 'letter.pdf');
        form.append('to', `+${to}`);
        form.append('from', '5551230000');
        const res = await fetch(`http://127.0.0.1:${instances[index]!.serve.http}/v1/faxes`, { method: 'POST', headers: { authorization: user }, body: form });
        if (res.status === 202) return ((await res.json()) as { id: string }).id;
        if (Date.now() > deadline) throw new Error(`POST /v1/faxes on instance ${index}: ${res.status} ${await res.text()}`);
        await sleep(200);
      }
    }
    const faxIds = await Promise.all(Array.from({ length: FAXES }, (_, index) => submit(index % 3, `1555000${String(4000 + index)}`)));

    // Instance one dies while it drives faxes, at least one of them in a call the simulator has up.
    const faxLeases = async () => (await reader.leases!.held('fax-')).map((lease) => ({ faxId: lease.name.slice(4), owner: lease.owner }));
    const liveCallOf = (faxId: string) => log.calls().some((call) => call.faxId === faxId && call.hungUpAt === undefined);
    let victims: string[] = [];
    await until('instance one drives a fax in a call', async () => {
      victims = (await faxLeases()).filter((lease) => lease.owner === 'one').map((lease) => lease.faxId);
      return victims.some(liveCallOf);
    }, 60_000);
    instances[0]!.serve.cli.child.kill('SIGKILL');
    await instances[0]!.serve.cli.exited;
    const killedAt = Date.now();

    // Its faxes go to the others once its leases lapse (or are finished by then).
    const ended = async (faxId: string) => (await reader.readStream(`fax-${faxId}`)).some((event) => terminal.has(event.type));
    await until('the dead instance’s faxes taken over', async () => {
      const held = await faxLeases();
      for (const faxId of victims) if (!held.some((lease) => lease.faxId === faxId && lease.owner !== 'one') && !(await ended(faxId))) return false;
      return true;
    }, 30_000);
    const takeoverMs = Date.now() - killedAt;

    // The dead instance comes back on its data directory (its read store catches up from the shared store) and accepts faxes again.
    instances[0]!.serve = await serve('one');
    faxIds.push(...(await Promise.all([0, 1, 2].map((index) => submit(0, `1555000${String(5000 + index)}`)))));

    for (const faxId of faxIds) await until(`fax ${faxId} ended`, () => ended(faxId), 120_000);

    for (const faxId of faxIds) {
      const events = await reader.readStream(`fax-${faxId}`);
      const attempts = events.filter((event) => event.type === 'FaxSendAttemptStarted').map((event) => (event.data as { callUuid: string }).callUuid);
      const calls = log.calls().filter((call) => call.faxId === faxId);
      expect(events.at(-1)?.type, faxId).toBe('FaxSent');
      // One originate per recorded attempt, and none the fax's history does not know of.
      expect(calls.map((call) => call.uuid).sort(), `calls at the simulator for ${faxId}`).toEqual([...attempts].sort());
      expect(calls.filter((call) => call.results.some((result) => result.code === 0)), `faxes the remote received for ${faxId}`).toHaveLength(1);
    }
    expect(mostOutboundCallsAtOnce(log.calls()), 'outbound calls up at once at the simulator').toBeLessThanOrEqual(CHANNELS);
    // Within the lease time plus a sweep or two, with room for a loaded machine.
    expect(takeoverMs, 'takeover after the kill (ms)').toBeLessThan(LEASE_TTL_MS * 5);
    await sim.waitForCalls(10_000);
  }, 240_000);
});
