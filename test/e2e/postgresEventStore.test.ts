import { existsSync, rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { faxesWhen, provisionAcme } from '../support/e2eProvisioning.js';
import { createTestDatabase } from '../support/postgresServer.js';
import { basicAuth, startServerWithSimulator } from '../support/serverHarness.js';
import { makeSubmissionDocuments } from '../support/submissionFixtures.js';
import { makeTempDir } from '../support/tempDir.js';

type Env = Awaited<ReturnType<typeof startServerWithSimulator>>;
const scenario = { gateways: { carrier1: { ip: '10.1.1.1' } }, defaultStation: { pages: 2, ident: 'REMOTE 7654321' } };

describe('faxengine on a PostgreSQL event store (server + simulator)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: Env | undefined;
  const dir = makeTempDir('e2e-postgres');
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });
  afterAll(async () => {
    await database?.drop();
    dir.remove();
  });

  it('receives and sends a fax with every event in PostgreSQL, and a restart with a fresh read store rebuilds the same faxes from it', async () => {
    const start = () => startServerWithSimulator({ scenario, dataDir: dir.path, env: { FAXENGINE_EVENT_STORE: database.url } });
    env = await start();
    await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }], user: { username: 'acme', password: 'acme long password' } });
    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;

    const documents = await makeSubmissionDocuments(env.dataDir);
    const form = new FormData();
    form.set('to', '5557654321');
    form.set('from', '5551230000');
    form.append('file', new Blob([documents.pdf], { type: 'application/pdf' }), 'letter.pdf');
    const auth = basicAuth('acme', 'acme long password');
    const response = await fetch(`http://127.0.0.1:${env.server.httpAddress.port}/v1/faxes`, { method: 'POST', headers: { authorization: auth }, body: form });
    expect(response.status).toBe(202);

    const ended = (faxes: Array<Record<string, unknown>>) => faxes.length === 2 && faxes.every((fax) => fax.ended === true);
    const before = await faxesWhen(env, ended);
    expect(before.map((fax) => [fax.direction, fax.status]).sort()).toEqual([
      ['inbound', 'received'],
      ['outbound', 'sent'],
    ]);
    // The events are in PostgreSQL, not in a SQLite file beside the data.
    const sent = before.find((fax) => fax.direction === 'outbound')!;
    const stream = await env.server.eventStore.readStream(`fax-${sent.faxId as string}`);
    expect(stream.map((event) => event.type)).toEqual(expect.arrayContaining(['FaxQueued', 'FaxSendAttemptStarted', 'FaxSent']));
    expect(existsSync(`${dir.path}/events.sqlite`)).toBe(false);
    await env.close();
    env = undefined;

    // A second instance elsewhere would start with no read store: remove it, as a new machine would have none.
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dir.path}/readmodels.sqlite${suffix}`, { force: true });
    env = await start();
    const after = await faxesWhen(env, ended);
    const comparable = (faxes: Array<Record<string, unknown>>) => faxes.map((fax) => JSON.stringify(fax)).sort();
    expect(comparable(after)).toEqual(comparable(before));
  }, 120_000);
});
