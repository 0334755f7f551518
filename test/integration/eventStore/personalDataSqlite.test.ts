import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createKeyRing, type KeyRing } from '../../../src/adapters/crypto/keyRing.js';
import { openProtectedEventStore, protectEventStore } from '../../../src/adapters/eventStore/personalData/openProtectedEventStore.js';
import { createSqliteSubjectKeyBackend } from '../../../src/adapters/eventStore/personalData/sqliteSubjectKeys.js';
import type { RecordedEvent } from '../../../src/ports/eventStore.js';
import { personalFaxEvents, personalValues, testKeyRing } from '../../support/personalDataFixtures.js';
import { makeTempDir } from '../../support/tempDir.js';
import { describeEventStoreConformance, waitFor } from './eventStoreConformance.js';
import { tsxLoader } from '../../support/tsxLoader.js';

const childScript = new URL('../../support/appendSealedUntilKilled.ts', import.meta.url).pathname;

describeEventStoreConformance('sqlite with personal data sealed', () => {
  const dir = makeTempDir('pd-conformance');
  const path = join(dir.path, 'events.sqlite');
  const ring = testKeyRing();
  return { open: async () => (await openProtectedEventStore(`sqlite:${path}`, ring)).eventStore, cleanup: async () => dir.remove() };
});

/** Every file of the directory, as one buffer each (the events file, its WAL, the keys file, journals). */
const filesOf = (dir: string) => readdirSync(dir).map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
const holding = (dir: string, needle: string | Buffer) => filesOf(dir).filter((file) => file.bytes.includes(needle)).map((file) => file.name);

describe('crypto-shredding on SQLite', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function open(label: string) {
    const dir = makeTempDir(label);
    cleanups.push(dir.remove);
    const path = join(dir.path, 'events.sqlite');
    const ring = testKeyRing();
    const reopen = async () => {
      const opened = await openProtectedEventStore(`sqlite:${path}`, ring);
      cleanups.push(() => opened.eventStore.close());
      return opened;
    };
    return { dir: dir.path, path, ring, reopen, ...(await reopen()) };
  }

  it('stores no personal value of a fax, reads every one back on every read path, and reads them as empties after forgetFax', async () => {
    const { dir, eventStore, reopen } = await open('pd-sqlite');
    const faxId = 'a1b2c3';
    const values = Object.values(personalValues('7f31'));
    const written = personalFaxEvents(faxId, '7f31');
    await eventStore.append(`fax-${faxId}`, written, 'no_stream');

    const stream = await eventStore.readStream(`fax-${faxId}`);
    expect(stream.map((event) => event.data)).toEqual(written.map((event) => event.data));
    expect(stream.every((event) => event.metadata.personalDataPurged === undefined)).toBe(true);
    expect((await eventStore.readAll({ streamPrefixes: ['fax-'] })).map((event) => event.data)).toEqual(written.map((event) => event.data));
    expect((await eventStore.readAllData!({ streamPrefixes: ['fax-'] })).map((event) => event.data)).toEqual(written.map((event) => event.data));
    const live: RecordedEvent[] = [];
    const subscription = eventStore.subscribeToAll({ streamPrefixes: ['fax-'], handler: (event) => void live.push(event) });
    await waitFor(() => live.length === written.length);
    await subscription.stop();
    expect(live.map((event) => event.data)).toEqual(written.map((event) => event.data));

    await eventStore.close();
    for (const value of values) expect(holding(dir, value), value).toEqual([]);

    // The wrapped key as stored, to look for after the forget.
    const keysDb = new Database(join(dir, 'events.sqlite-keys'), { readonly: true });
    const wrapped = keysDb.prepare<[string], { wrapped: Buffer }>('SELECT wrapped FROM subject_keys WHERE subject = ?').get(`fax-${faxId}`)!.wrapped;
    keysDb.close();
    expect(holding(dir, wrapped)).toEqual(['events.sqlite-keys']);

    const again = await reopen();
    await again.personalData.forgetFax(faxId);
    // Gone from every file at once, while the store is open (WAL checkpointed and truncated, the page zeroed).
    expect(holding(dir, wrapped)).toEqual([]);
    const forgotten = await again.eventStore.readStream(`fax-${faxId}`);
    const offered = forgotten[0]!.data as Record<string, unknown>;
    expect(offered).toMatchObject({ faxId, callerNumber: '', callerName: '', sourceIp: '', callUuid: `u-${faxId}` });
    const routed = forgotten.find((event) => event.type === 'FaxRouted')!.data as { notifyEmails: unknown; deliveries: Array<Record<string, unknown>>; recipient: string };
    expect(routed.notifyEmails).toEqual([]);
    expect(routed.deliveries).toEqual([
      { endpointId: 'e1', kind: 'email', priority: 1, addresses: [] },
      { endpointId: 'e2', kind: 'webhook', priority: 2, url: '', style: 'json' },
      { endpointId: 'e3', kind: 'gateway', priority: 3, gateway: 'pbx1' },
    ]);
    expect(routed.recipient).toBe('+15550000000'); // the tenant's own number stays
    expect((forgotten.find((event) => event.type === 'FaxQueued')!.data as { files: unknown; notify: unknown }).files).toEqual([{ name: '', contentType: 'application/pdf', bytes: 10 }]);
    expect(forgotten.filter((event) => event.type !== 'FaxPageTransferred').every((event) => event.metadata.personalDataPurged === true)).toBe(true);
    const everywhere = [...(await again.eventStore.readAll({ streamPrefixes: ['fax-'] })), ...(await again.eventStore.readAllData!({ streamPrefixes: ['fax-'] }))];
    for (const value of values) expect(JSON.stringify(everywhere)).not.toContain(value);
    // Personal values appended after the purge are dropped at once.
    await again.eventStore.append(`fax-${faxId}`, [{ type: 'NotificationSent', data: { faxId, target: { channel: 'email', to: ['late@example.org'] } } }]);
    const late = (await again.eventStore.readStream(`fax-${faxId}`)).at(-1)!;
    expect(late.data).toEqual({ faxId, target: { channel: 'email', to: [] } });
    await again.eventStore.close();

    expect(holding(dir, wrapped)).toEqual([]);
    expect(holding(dir, 'late@example.org')).toEqual([]);
  });

  it('never leaves an event whose key is lost when the writing process is killed (SIGKILL) between creating a key and appending', async () => {
    const dir = makeTempDir('pd-kill');
    cleanups.push(dir.remove);
    const path = join(dir.path, 'events.sqlite');
    const key = randomBytes(32);
    const child = spawn(process.execPath, ['--import', tsxLoader, childScript, path, key.toString('base64')], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => void child.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('appending') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const { eventStore } = await openProtectedEventStore(`sqlite:${path}`, createKeyRing([{ id: 'k1', key }]));
    cleanups.push(() => eventStore.close());
    const all = await eventStore.readAll({ streamPrefixes: ['fax-kill-'] });
    expect(all.length).toBeGreaterThan(6 * 8);
    const unreadable = all.filter((event) => event.metadata.personalDataPurged);
    expect(unreadable.map((event) => event.stream)).toEqual([]);
    const faxes = new Set(all.map((event) => event.stream));
    for (const stream of faxes) {
      const faxId = stream.slice('fax-'.length);
      expect((await eventStore.readStream(stream)).map((event) => event.data)).toEqual(personalFaxEvents(faxId, 'dead').map((event) => event.data));
    }
  });

  it('keeps unrelated and pre-existing events as they are, and reads a pre-existing fax as empties once it is forgotten', async () => {
    const dir = makeTempDir('pd-old');
    cleanups.push(dir.remove);
    const path = join(dir.path, 'events.sqlite');
    const plain = createSqliteEventStore({ path });
    const old = personalFaxEvents('old1', 'a0a0');
    await plain.append('fax-old1', old);
    await plain.close();
    const { eventStore, personalData } = await openProtectedEventStore(`sqlite:${path}`, testKeyRing());
    cleanups.push(() => eventStore.close());
    expect((await eventStore.readStream('fax-old1')).map((event) => event.data)).toEqual(old.map((event) => event.data));
    await eventStore.append('tenant-t1', [{ type: 'TenantCreated', data: { tenantId: 't1', name: 'Clinic' } }]);
    expect((await eventStore.readStream('tenant-t1'))[0]!.data).toEqual({ tenantId: 't1', name: 'Clinic' });

    await personalData.forgetFax('old1');
    const seen: RecordedEvent[] = [];
    const subscription = eventStore.subscribeToAll({ streamPrefixes: ['fax-'], handler: (event) => void seen.push(event) });
    await waitFor(() => seen.length === old.length);
    await subscription.stop();
    for (const read of [await eventStore.readStream('fax-old1'), await eventStore.readAll({ streamPrefixes: ['fax-'] }), seen]) {
      expect(JSON.stringify(read)).not.toContain('a0a0');
      expect(read[0]!.data).toMatchObject({ callerNumber: '', callerName: '' });
      expect(read[0]!.metadata.personalDataPurged).toBe(true);
    }
    expect(JSON.stringify(await eventStore.readAllData!({ streamPrefixes: ['fax-'] }))).not.toContain('a0a0');
  });

  it('names station streams by a pseudonym, gives the number back on read, and forgets the station with the fax', async () => {
    const { dir, eventStore, personalData } = await open('pd-station');
    const station = '+15557770123';
    const lesson = (faxId: string) => ({ type: 'StationT38Trouble', data: { station, faxId, negotiations: 2, badRows: 0, resultCode: 48, at: '2026-12-06T20:00:00.000Z' } });
    await eventStore.append(`station-${station}`, [lesson('f1')], 'no_stream');
    await eventStore.append(`station-${station}`, [lesson('f2')], 0);
    const read = await eventStore.readStream(`station-${station}`);
    expect(read.map((event) => [event.stream, event.revision, (event.data as { station: string }).station])).toEqual([
      [`station-${station}`, 0, station],
      [`station-${station}`, 1, station],
    ]);
    expect(await eventStore.streamRevision(`station-${station}`)).toBe(1);
    expect((await eventStore.readAll({ streamPrefixes: ['station-'] })).map((event) => event.stream)).toEqual([`station-${station}`, `station-${station}`]);

    await personalData.forgetFax('f2', [station]);
    expect(await eventStore.readStream(`station-${station}`)).toEqual([]);
    expect(await eventStore.streamRevision(`station-${station}`)).toBeUndefined();
    const old = await eventStore.readAll({ streamPrefixes: ['station-'] });
    expect(old.map((event) => (event.data as { station: string }).station)).toEqual(['', '']);
    expect(old.every((event) => /^station-[0-9a-f]{32}\./.test(event.stream) && event.metadata.personalDataPurged === true)).toBe(true);
    // Learnt again from scratch: a new stream.
    await eventStore.append(`station-${station}`, [lesson('f3')], 'no_stream');
    expect((await eventStore.readStream(`station-${station}`)).map((event) => event.revision)).toEqual([0]);
    await eventStore.close();
    expect(holding(dir, station)).toEqual([]);
  });

  it('re-wraps every key under the current ring key after a rotation; the old ring key can then go', async () => {
    const dir = makeTempDir('pd-rotate');
    cleanups.push(dir.remove);
    const path = join(dir.path, 'events.sqlite');
    const k1 = { id: 'k1', key: randomBytes(32) };
    const k2 = { id: 'k2', key: randomBytes(32) };
    const reopen = async (ring: KeyRing) => {
      const opened = await protectEventStore(createSqliteEventStore({ path }), createSqliteSubjectKeyBackend(`${path}-keys`), ring);
      cleanups.push(() => opened.eventStore.close());
      return opened;
    };
    const one = await reopen(createKeyRing([k1]));
    for (const faxId of ['r1', 'r2', 'r3']) await one.eventStore.append(`fax-${faxId}`, personalFaxEvents(faxId, 'b1b1'));
    await one.eventStore.close();

    const rotated = await reopen(createKeyRing([k2, k1]));
    expect(await rotated.personalDataKeys.countByKey()).toEqual({ k1: 4 }); // three faxes and the station-names secret
    while ((await rotated.personalDataKeys.reencryptBatch(2)) > 0);
    expect(await rotated.personalDataKeys.countByKey()).toEqual({ k2: 4 });
    await rotated.eventStore.close();

    const onlyK2 = await reopen(createKeyRing([k2]));
    expect((await onlyK2.eventStore.readStream('fax-r2')).map((event) => event.data)).toEqual(personalFaxEvents('r2', 'b1b1').map((event) => event.data));
  });
});
