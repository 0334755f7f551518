import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaBus } from '../../src/adapters/kafka/kafkaBus.js';
import { faxEventHeaders } from '../../src/domain/faxEventMessage.js';
import { faxStream } from '../../src/domain/streams.js';
import type { BusSubscription } from '../../src/ports/bus.js';
import type { Clock } from '../../src/ports/clock.js';
import { pino } from 'pino';
import { faxesWhen, okJson, provisionAcme } from '../support/e2eProvisioning.js';
import { testKafkaBrokers } from '../support/kafkaBroker.js';
import { createTestDatabase } from '../support/postgresServer.js';
import { basicAuth, startServerWithSimulator } from '../support/serverHarness.js';
import { makeSubmissionDocuments } from '../support/submissionFixtures.js';

type Server = Awaited<ReturnType<typeof startServerWithSimulator>>;
type Fax = Record<string, unknown> & { faxId: string; documentId: string | null };

const acmeUser = basicAuth('alice', 'alice password');
const dayMs = 86_400_000;
const FILE_NAME = 'confidential-referral-letter.pdf';

/** What must be found nowhere once a fax is purged: its remote numbers, idents, names, document id and a run of its page bytes. */
interface Traces {
  label: string;
  texts: string[];
  bytes: Buffer[];
}

/**
 * The "no trace" check (Done when): a fax purged by retention, one purged on request
 * (received), and one sent and purged on request leave none of their numbers, idents, file names,
 * document ids or page bytes in any file under the data directory (documents, spool, the read store
 * and, on SQLite, the event store, byte for byte), in the PostgreSQL event store's tables (as text),
 * nor in the copy a Kafka consumer keeps when it acts on the FaxPurged deletion record. A fax kept
 * (another tenant, no retention) is found in each place: the scans can see what they look for.
 * Statistics still count the purged faxes.
 */
describe.each(['sqlite', 'postgresql'] as const)('a purged fax leaves no trace (%s event store, Kafka)', (store) => {
  let env: Server;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
  const topic = `purge-no-trace-${store}-${Date.now()}`;
  const bus = createKafkaBus({ brokers: testKafkaBrokers(), clientId: `purge-no-trace-${store}`, logger: pino({ level: 'silent' }) });
  /** The downstream consumer's copy: fax id → the messages it keeps; a FaxPurged drops the fax's. */
  const consumerCopy = new Map<string, string[]>();
  const deletionRecords: string[] = [];
  let subscription: BusSubscription | undefined;
  let purged: Traces[] = [];
  let kept: Traces;
  let statsBefore: unknown;

  beforeAll(async () => {
    database = store === 'postgresql' ? await createTestDatabase() : undefined;
    env = await startServerWithSimulator({
      env: {
        ...(database ? { FAXENGINE_EVENT_STORE: database.url } : {}),
        FAXENGINE_KAFKA_BROKERS: testKafkaBrokers().join(','),
        FAXENGINE_KAFKA_TOPIC: topic,
        FAXENGINE_RECORDS_RETENTION_SWEEP_INTERVAL: '1s',
      },
      serverOptions: { recordsClock: clock },
      scenario: {
        gateways: { carrier1: { ip: '10.1.1.1' } },
        stations: {
          '5550101111': { pages: 2, ident: 'RETAINED CLINIC' },
          '5550102222': { pages: 1, ident: 'REQUESTED CLINIC' },
          '5550109999': { pages: 1, ident: 'KEPT CLINIC' },
          '15557650303': { ringSeconds: 0 },
        },
      },
    });
    const acmeId = await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }], user: { username: 'alice', password: 'alice password' } });
    await okJson(await env.call('PATCH', `/v1/tenants/${acmeId}`, { settings: { retentionDays: 2 } }));
    const other = String((await okJson(await env.call('POST', '/v1/tenants', { name: 'Other' }))).id);
    await okJson(await env.call('POST', `/v1/tenants/${other}/numbers`, { number: '5559870000' }));

    subscription = await bus.subscribe({
      topic,
      group: `downstream-${store}`,
      fromBeginning: true,
      handler: async (message) => {
        const faxId = message.key ?? '';
        // The consumer acts on the deletion record: it forgets what it kept of the fax.
        if (message.headers[faxEventHeaders.eventType] === 'FaxPurged') {
          consumerCopy.delete(faxId);
          deletionRecords.push(faxId);
          return;
        }
        consumerCopy.set(faxId, [...(consumerCopy.get(faxId) ?? []), message.value.toString('utf8')]);
      },
    });

    await env.sim.startInboundCall({ from: '5550101111', to: '15551230000', gateway: 'carrier1' }).finished;
    await env.sim.startInboundCall({ from: '5550102222', to: '15551230000', gateway: 'carrier1' }).finished;
    await env.sim.startInboundCall({ from: '5550109999', to: '15559870000', gateway: 'carrier1' }).finished;
    const documents = await makeSubmissionDocuments(env.dataDir);
    const form = new FormData();
    form.set('to', '5557650303');
    form.set('from', '5551230000');
    form.append('file', new Blob([documents.pdf], { type: 'application/pdf' }), FILE_NAME);
    const submitted = await fetch(`http://127.0.0.1:${env.server.httpAddress.port}/v1/faxes`, { method: 'POST', headers: { authorization: acmeUser }, body: form });
    expect(submitted.status, await submitted.clone().text()).toBe(202);
    const done = (list: Array<Record<string, unknown>>) => list.length === 4 && list.every((fax) => fax.ended === true && (fax.status === 'received' || fax.status === 'sent'));
    const faxes = (await faxesWhen(env, done)) as Fax[];
    expect(done(faxes), JSON.stringify(faxes)).toBe(true);
    const received = (ident: string) => faxes.find((fax) => fax.remoteIdent === ident)!;
    const sent = faxes.find((fax) => fax.status === 'sent')!;

    const documentBytes = (documentId: string) => {
      const sha = documentId.replace('sha256-', '');
      return readFileSync(join(env.dataDir, 'documents', sha.slice(0, 2), `${sha}.tif`));
    };
    const tracesOf = (label: string, fax: Fax, texts: string[]): Traces => {
      const sha = fax.documentId!.replace('sha256-', '');
      const tiff = documentBytes(fax.documentId!);
      // A run of page bytes (past the header) that no other document has: fax pages share long runs of white lines.
      const others = faxes.filter((item) => item.documentId !== fax.documentId).map((item) => documentBytes(item.documentId!));
      // Where pages differ depends on what the simulator drew on them: look through all of the file past its header.
      for (let at = 256; at + 48 <= tiff.length; at += 16) {
        const run = tiff.subarray(at, at + 48);
        if (!others.some((bytes) => bytes.includes(run))) return { label, texts: [...texts, sha], bytes: [run] };
      }
      throw new Error(`no run of page bytes of ${label} is its own`);
    };
    purged = [
      tracesOf('received, purged by retention', received('RETAINED CLINIC'), ['5550101111', 'RETAINED CLINIC']),
      tracesOf('received, purged on request', received('REQUESTED CLINIC'), ['5550102222', 'REQUESTED CLINIC']),
      tracesOf('sent, purged on request', sent, ['5557650303', FILE_NAME]),
    ];
    kept = tracesOf('kept (control)', received('KEPT CLINIC'), ['5550109999', 'KEPT CLINIC']);
    await until('the consumer has every fax', async () => consumerCopy.size === 4, 60_000);
    statsBefore = await (await env.call('GET', '/v1/stats/summary?window=day')).json();

    // On request: one received, one sent; by retention: the other received (its tenant keeps 2 days).
    for (const fax of [received('REQUESTED CLINIC'), sent]) expect((await env.call('POST', `/v1/faxes/${fax.faxId}/purge`, undefined, acmeUser)).status).toBe(202);
    offsetMs = 3 * dayMs;
    const purgedIds = [received('RETAINED CLINIC').faxId, received('REQUESTED CLINIC').faxId, sent.faxId];
    await until('three faxes purged', async () => {
      for (const faxId of purgedIds) if (!(await env.server.eventStore.readStream(faxStream(faxId))).some((event) => event.type === 'FaxPurged')) return false;
      return true;
    }, 60_000);
    await until('the consumer acted on the three deletion records', async () => purgedIds.every((faxId) => deletionRecords.includes(faxId)), 60_000);
    // Let the read store's and the event store's background checkpoints write what they hold.
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }, 240_000);

  afterAll(async () => {
    await subscription?.stop();
    await bus.close();
    await env?.close();
    await database?.drop();
  });

  /** Every needle of `traces` found in `haystack` (named by `where`). */
  const found = (traces: Traces, haystack: Buffer, where: string) => [
    ...traces.texts.filter((text) => haystack.includes(Buffer.from(text, 'utf8'))).map((text) => `${where}: "${text}"`),
    ...traces.bytes.filter((bytes) => haystack.includes(bytes) || haystack.includes(Buffer.from(bytes.toString('hex'), 'utf8'))).map(() => `${where}: page bytes`),
  ];
  const filesUnder = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));
  const scanFiles = (traces: Traces, keep: (path: string) => boolean) =>
    filesUnder(env.dataDir)
      .filter(keep)
      .flatMap((path) => found(traces, readFileSync(path), path.slice(env.dataDir.length + 1)));
  /** Every event as faxengine reads it: the sealed values opened with the keys it still holds. */
  const readableEvents = async () => Buffer.from(JSON.stringify(await env.server.eventStore.readAll()), 'utf8');
  const isReadStore = (path: string) => path.includes('readmodels.sqlite');
  const isEventStore = (path: string) => path.includes('events.sqlite');
  const isOther = (path: string) => !isReadStore(path) && !isEventStore(path);

  it('the scans find the fax that is kept in every place (they can see what they look for)', async () => {
    expect(scanFiles(kept, isOther).some((hit) => hit.startsWith('documents/'))).toBe(true);
    expect(scanFiles(kept, isReadStore).length).toBeGreaterThan(0);
    // Its personal values are sealed in the store: readable only through its key (what faxengine reads).
    expect(found(kept, await readableEvents(), 'events as read with every key faxengine holds').length).toBeGreaterThan(0);
    const raw = store === 'sqlite' ? scanFiles(kept, isEventStore) : found(kept, await postgresText(database!.url), 'postgresql');
    expect(raw).toEqual([]);
    expect(found(kept, Buffer.from([...consumerCopy.values()].flat().join('\n')), 'consumer').length).toBeGreaterThan(0);
  });

  it('no document, page image or spool file (nor any other file but the stores) holds a purged fax', () => {
    expect(purged.flatMap((traces) => scanFiles(traces, isOther))).toEqual([]);
  });

  it('the read store holds nothing of a purged fax (its file bytes)', () => {
    expect(purged.flatMap((traces) => scanFiles(traces, isReadStore))).toEqual([]);
  });

  it('the event store holds nothing of a purged fax readable (SQLite file bytes, PostgreSQL table text, events opened with every key faxengine holds)', async () => {
    const opened = await readableEvents();
    expect(purged.flatMap((traces) => found(traces, opened, 'opened events'))).toEqual([]);
    if (store === 'sqlite') expect(purged.flatMap((traces) => scanFiles(traces, isEventStore))).toEqual([]);
    else {
      const text = await postgresText(database!.url);
      expect(purged.flatMap((traces) => found(traces, text, 'postgresql'))).toEqual([]);
    }
  });

  it("the Kafka consumer's copy holds nothing of a purged fax once it acted on FaxPurged", () => {
    const copy = Buffer.from([...consumerCopy.values()].flat().join('\n'));
    expect(purged.flatMap((traces) => found(traces, copy, 'consumer'))).toEqual([]);
    expect(consumerCopy.size).toBe(1);
  });

  it('statistics still count the purged faxes', async () => {
    expect(await (await env.call('GET', '/v1/stats/summary?window=day')).json()).toEqual(statsBefore);
  });
});

/** Every row of every table of the database's public schema, as PostgreSQL prints it. */
async function postgresText(url: string): Promise<Buffer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows.map((row) => row.tablename);
    const parts: string[] = [];
    for (const table of tables) {
      const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${table}" t`);
      parts.push(...rows.rows.map((row) => row.row));
    }
    return Buffer.from(parts.join('\n'), 'utf8');
  } finally {
    await client.end();
  }
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
