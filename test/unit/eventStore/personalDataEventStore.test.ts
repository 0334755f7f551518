import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemorySubjectKeyBackend } from '../../../src/adapters/eventStore/personalData/memorySubjectKeys.js';
import { protectEventStore } from '../../../src/adapters/eventStore/personalData/openProtectedEventStore.js';
import { takePersonalValues, restorePersonalValues } from '../../../src/adapters/eventStore/personalData/personalFields.js';
import type { SubjectKeyBackend } from '../../../src/adapters/eventStore/personalData/subjectKeys.js';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { personalFaxEvents, testKeyRing } from '../../support/personalDataFixtures.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('personal fields', () => {
  it('takes the personal values out of nested objects and arrays without changing the event, and puts them back', () => {
    const [, , , , routed, queued] = personalFaxEvents('f1', 'c0c0');
    for (const event of [routed!, queued!]) {
      const before = JSON.stringify(event.data);
      const { redacted, values } = takePersonalValues(event.type, event.data);
      expect(JSON.stringify(event.data)).toBe(before);
      expect(values.length).toBeGreaterThan(2);
      expect(JSON.stringify(redacted)).not.toMatch(/c0c0/);
      expect(restorePersonalValues(redacted as Record<string, unknown>, values)).toEqual(event.data);
    }
  });

  it('seals an outbound relay’s recipient, and leaves the tenant’s own number readable otherwise', () => {
    const answered = { faxId: 'f', recipient: '+4930999', purpose: 'outbound-relay', sender: '201' };
    expect(takePersonalValues('FaxCallAnswered', answered).values.map(([path]) => path.join('.'))).toEqual(['sender', 'recipient']);
    expect(takePersonalValues('FaxCallAnswered', { ...answered, purpose: undefined }).values.map(([path]) => path.join('.'))).toEqual(['sender']);
  });
});

describe('the personal data event store', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('keeps appends to one stream in call order while the stream’s key is still being created', async () => {
    const dir = makeTempDir('pd-order');
    cleanups.push(dir.remove);
    const memory = createMemorySubjectKeyBackend();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Key creation of the fax waits for the gate: the appends issued meanwhile must not overtake it.
    const slow: SubjectKeyBackend = { ...memory, create: async (subject, wrapped, keyId) => (subject.startsWith('fax-') ? gate.then(() => memory.create(subject, wrapped, keyId)) : memory.create(subject, wrapped, keyId)) };
    const { eventStore } = await protectEventStore(createSqliteEventStore({ path: join(dir.path, 'events.sqlite') }), slow, testKeyRing());
    cleanups.push(() => eventStore.close());
    const [offered, answered, page] = personalFaxEvents('o1', 'd0d0');
    // As the fax actor does (appendsInCallOrder): the next append with the revision it will have, before the first resolved.
    const appends = [eventStore.append('fax-o1', [offered!], 'no_stream'), eventStore.append('fax-o1', [page!], 0), eventStore.append('fax-o1', [answered!], 1)];
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await Promise.all(appends);
    expect((await eventStore.readStream('fax-o1')).map((event) => event.type)).toEqual(['FaxCallOffered', 'FaxPageTransferred', 'FaxCallAnswered']);
  });
});

describe('an instance whose key ring does not open the store', () => {
  it('refuses to start with a message that says instances sharing an event store need the same keys', async () => {
    const backend = createMemorySubjectKeyBackend();
    const dir = makeTempDir('protect');
    try {
      const first = await protectEventStore(createSqliteEventStore({ path: join(dir.path, 'a.sqlite') }), backend, testKeyRing('one'));
      await first.eventStore.close();
      await expect(protectEventStore(createSqliteEventStore({ path: join(dir.path, 'b.sqlite') }), backend, testKeyRing('two'))).rejects.toThrow(
        /not in the key ring.*Every instance sharing an event store needs the same encryption keys \(encryption\.keys \/ encryption\.keyFile/,
      );
    } finally {
      dir.remove();
    }
  });
});
