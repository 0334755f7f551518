import { describe, expect, it } from 'vitest';
import { createKurrentDbEventStore } from '../../../../src/adapters/eventStore/kurrentdb/kurrentDbEventStore.js';
import { createKurrentDbSubjectKeyBackend, subjectKeyStream } from '../../../../src/adapters/eventStore/personalData/kurrentDbSubjectKeys.js';
import { protectEventStore } from '../../../../src/adapters/eventStore/personalData/openProtectedEventStore.js';
import type { KeyRing } from '../../../../src/adapters/crypto/keyRing.js';
import { personalFaxEvents, personalValues, testKeyRing } from '../../../support/personalDataFixtures.js';
import { describeEventStoreConformance } from '../../../integration/eventStore/eventStoreConformance.js';
import { createFakeKurrentDbClient } from './fakeKurrentDbClient.js';

// Over the in-memory stand-in of the client (fakeKurrentDbClient.ts): no KurrentDB server runs here.
const protect = (fake: ReturnType<typeof createFakeKurrentDbClient>, ring: KeyRing) =>
  protectEventStore(
    createKurrentDbEventStore({ connectionString: 'kurrentdb://unused', client: fake.client, onConnectionError: () => undefined }),
    createKurrentDbSubjectKeyBackend(fake.client),
    ring,
  );

describe('crypto-shredding on KurrentDB (client stand-in)', () => {
  let fake = createFakeKurrentDbClient();
  const ring = testKeyRing();
  describeEventStoreConformance('kurrentdb with personal data sealed (client stand-in)', () => ({
    open: async () => (await protect(fake, ring)).eventStore,
    cleanup: async () => void (fake = createFakeKurrentDbClient()),
  }));

  it('keeps no personal value in the log, a key per fax in faxkey-<stream>, and tombstones it on forgetFax', async () => {
    const stand = createFakeKurrentDbClient();
    const sameRing = testKeyRing();
    const opened = await protect(stand, sameRing);
    const written = personalFaxEvents('kfax1', '9c9c');
    await opened.eventStore.append('fax-kfax1', written, 'no_stream');
    expect((await opened.eventStore.readStream('fax-kfax1')).map((event) => event.data)).toEqual(written.map((event) => event.data));
    const log = JSON.stringify(stand.log().map((stored) => [stored.streamId, stored.data, stored.metadata]));
    for (const value of Object.values(personalValues('9c9c'))) expect(log, value).not.toContain(value);
    expect(stand.stored(subjectKeyStream('fax-kfax1'))).toBe(1);
    // Key streams are faxengine's own: not in an unfiltered readAll.
    expect((await opened.eventStore.readAll()).some((event) => event.stream.startsWith('faxkey-'))).toBe(false);

    await opened.personalData.forgetFax('kfax1', [personalValues('9c9c').caller]);
    const forgotten = await opened.eventStore.readStream('fax-kfax1');
    expect(forgotten[0]!.data).toMatchObject({ callerNumber: '', callerName: '' });
    expect(forgotten[0]!.metadata.personalDataPurged).toBe(true);
    // Tombstoned: a new key can never be made for the fax, on this instance or another.
    const other = await protect(stand, sameRing);
    await other.eventStore.append('fax-kfax1', [{ type: 'FaxSent', data: { faxId: 'kfax1', to: '+4930222' } }]);
    expect((await other.eventStore.readStream('fax-kfax1')).at(-1)!.data).toEqual({ faxId: 'kfax1', to: '' });
    await Promise.all([opened.eventStore.close(), other.eventStore.close()]);
  });

  it('forgets a station softly: its knowledge starts again in a new stream', async () => {
    const stand = createFakeKurrentDbClient();
    const opened = await protect(stand, testKeyRing());
    const station = '+15553330001';
    const lesson = { type: 'StationT38Trouble', data: { station, faxId: 'f', negotiations: 2, badRows: 0, resultCode: 48, at: '2026-12-06T20:00:00.000Z' } };
    await opened.eventStore.append(`station-${station}`, [lesson], 'no_stream');
    expect((await opened.eventStore.readStream(`station-${station}`)).map((event) => event.stream)).toEqual([`station-${station}`]);
    expect(JSON.stringify(stand.log().map((stored) => [stored.streamId, stored.data]))).not.toContain(station);
    await opened.personalData.forgetFax('f', [station]);
    expect(await opened.eventStore.readStream(`station-${station}`)).toEqual([]);
    await opened.eventStore.append(`station-${station}`, [lesson], 'no_stream');
    expect((await opened.eventStore.readStream(`station-${station}`)).map((event) => event.revision)).toEqual([0]);
    await opened.eventStore.close();
  });

  it('re-wraps the keys under the current ring key', async () => {
    const stand = createFakeKurrentDbClient();
    const { createKeyRing } = await import('../../../../src/adapters/crypto/keyRing.js');
    const { randomBytes } = await import('node:crypto');
    const k1 = { id: 'k1', key: randomBytes(32) };
    const k2 = { id: 'k2', key: randomBytes(32) };
    const first = await protect(stand, createKeyRing([k1]));
    await first.eventStore.append('fax-k1', personalFaxEvents('k1', '1d1d'));
    await first.eventStore.append('fax-k2', personalFaxEvents('k2', '1d1d'));
    await first.personalData.forgetFax('k2');
    const rotated = await protect(stand, createKeyRing([k2, k1]));
    expect(await rotated.personalDataKeys.countByKey()).toEqual({ k1: 2 }); // fax-k1 and the station-names secret; fax-k2 is gone
    while ((await rotated.personalDataKeys.reencryptBatch(10)) > 0);
    expect(await rotated.personalDataKeys.countByKey()).toEqual({ k2: 2 });
    const onlyK2 = await protect(stand, createKeyRing([k2]));
    expect((await onlyK2.eventStore.readStream('fax-k1')).map((event) => event.data)).toEqual(personalFaxEvents('k1', '1d1d').map((event) => event.data));
    await Promise.all([first.eventStore.close(), rotated.eventStore.close(), onlyK2.eventStore.close()]);
  });
});
