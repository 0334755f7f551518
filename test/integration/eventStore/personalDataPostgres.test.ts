import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProtectedEventStore } from '../../../src/adapters/eventStore/personalData/openProtectedEventStore.js';
import { personalFaxEvents, personalValues, testKeyRing } from '../../support/personalDataFixtures.js';
import { createTestDatabase } from '../../support/postgresServer.js';
import { describeEventStoreConformance } from './eventStoreConformance.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const ring = testKeyRing();
describeEventStoreConformance('postgres with personal data sealed', () => ({ open: async () => (await openProtectedEventStore(database.url, ring)).eventStore }));

/** The bytes of a table's files (heap and TOAST) as the server holds them, after a checkpoint. */
async function tableFiles(client: pg.Client, table: string): Promise<Buffer> {
  await client.query('CHECKPOINT');
  const { rows } = await client.query<{ path: string }>(
    `SELECT pg_relation_filepath(c.oid) AS path FROM pg_class c WHERE c.oid = $1::regclass
     UNION ALL SELECT pg_relation_filepath(c.reltoastrelid) FROM pg_class c WHERE c.oid = $1::regclass AND c.reltoastrelid <> 0`,
    [table],
  );
  const parts = await Promise.all(rows.map(async ({ path }) => (await client.query<{ bytes: Buffer }>('SELECT pg_read_binary_file($1) AS bytes', [path])).rows[0]!.bytes));
  return Buffer.concat(parts);
}

describe('crypto-shredding on PostgreSQL', () => {
  it('stores no personal value of a fax in the events table, and reads them as empties after forgetFax', async () => {
    const opened = await openProtectedEventStore(database.url, ring);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const faxId = 'pgfax1';
      const written = personalFaxEvents(faxId, '5e5e');
      await opened.eventStore.append(`fax-${faxId}`, written, 'no_stream');
      expect((await opened.eventStore.readStream(`fax-${faxId}`)).map((event) => event.data)).toEqual(written.map((event) => event.data));
      expect((await opened.eventStore.readAllData!({ streamPrefixes: [`fax-${faxId}`] })).map((event) => event.data)).toEqual(written.map((event) => event.data));

      const { rows } = await client.query<{ data: string; metadata: string }>("SELECT data::text AS data, metadata::text AS metadata FROM events WHERE stream = $1", [`fax-${faxId}`]);
      const raw = rows.map((row) => row.data + row.metadata).join('\n');
      const onDisk = await tableFiles(client, 'events');
      for (const value of Object.values(personalValues('5e5e'))) {
        expect(raw, value).not.toContain(value);
        expect(onDisk.includes(value), value).toBe(false);
      }
      const wrapped = (await client.query<{ wrapped: Buffer }>('SELECT wrapped FROM personal_data_keys WHERE subject = $1', [`fax-${faxId}`])).rows[0]!.wrapped;
      expect(wrapped.length).toBeGreaterThan(40);

      await opened.personalData.forgetFax(faxId);
      const forgotten = await opened.eventStore.readStream(`fax-${faxId}`);
      expect(forgotten[0]!.data).toMatchObject({ callerNumber: '', callerName: '', sourceIp: '' });
      expect(forgotten[0]!.metadata.personalDataPurged).toBe(true);
      for (const value of Object.values(personalValues('5e5e'))) expect(JSON.stringify(await opened.eventStore.readAll({ streamPrefixes: [`fax-${faxId}`] }))).not.toContain(value);
      const row = (await client.query<{ wrapped: Buffer | null }>('SELECT wrapped FROM personal_data_keys WHERE subject = $1', [`fax-${faxId}`])).rows[0]!;
      expect(row.wrapped).toBeNull();
      await opened.eventStore.close(); // runs the pending VACUUM of the keys table
      // The forgotten key's old row version is vacuumed away: its bytes are gone from the table's file.
      expect((await tableFiles(client, 'personal_data_keys')).includes(wrapped)).toBe(false);
    } finally {
      await opened.eventStore.close();
      await client.end();
    }
    // A second instance sees the fax forgotten too, and a key is never made for it again.
    const other = await openProtectedEventStore(database.url, ring);
    try {
      await other.eventStore.append('fax-pgfax1', [{ type: 'FaxSent', data: { faxId: 'pgfax1', to: '+4930111' } }]);
      expect((await other.eventStore.readStream('fax-pgfax1')).at(-1)!.data).toEqual({ faxId: 'pgfax1', to: '' });
    } finally {
      await other.eventStore.close();
    }
  });

  it('shares keys between instances: what one seals, another opens', async () => {
    const [one, two] = await Promise.all([openProtectedEventStore(database.url, ring), openProtectedEventStore(database.url, ring)]);
    try {
      const written = personalFaxEvents('pgfax2', '6a6a');
      // Both create the fax's key at once: one wins, both use it.
      await Promise.all([one.eventStore.append('fax-pgfax2', written.slice(0, 2)), two.eventStore.append('fax-pgfax2', written.slice(2))]);
      const fromOne = (await one.eventStore.readStream('fax-pgfax2')).map((event) => event.data);
      const fromTwo = (await two.eventStore.readStream('fax-pgfax2')).map((event) => event.data);
      expect(fromOne).toEqual(fromTwo);
      expect(fromOne).toHaveLength(written.length);
      expect(JSON.stringify(fromOne)).toContain(personalValues('6a6a').caller);
    } finally {
      await Promise.all([one.eventStore.close(), two.eventStore.close()]);
    }
  });
});
