import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileAccessJournal } from '../../../src/adapters/accessJournal/fileAccessJournal.js';
import { openEventStore } from '../../../src/adapters/eventStore/openEventStore.js';
import type { AccessRead } from '../../../src/domain/access/accessEvents.js';
import { checkAccessChain } from '../../../src/api/services/accessChainCheck.js';
import { systemClock } from '../../../src/ports/clock.js';
import { EventStoreUnavailableError, type EventStore } from '../../../src/ports/eventStore.js';
import { createAccessRecorder } from '../../../src/runtime/accessRecorder.js';
import { createTestDatabase } from '../../support/postgresServer.js';
import { makeTempDir } from '../../support/tempDir.js';

const logger = pino({ level: 'silent' });
const readOf = (tenantId: string | null, n: number): AccessRead => ({
  faxId: `fax-${n}`,
  tenantId,
  reader: { kind: 'admin', credential: 'password' },
  from: { address: '203.0.113.1', userAgent: null, via: 'api' },
  what: { kind: 'pdf' },
});

/** The recorder against real stores: several writers (instances) on one trail keep one chain. */
describe.each(['sqlite', 'postgresql'] as const)('access recorder (%s event store)', (kind) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function store(): Promise<EventStore> {
    let url: string;
    if (kind === 'sqlite') {
      const dir = makeTempDir('access-recorder');
      cleanups.push(() => dir.remove());
      url = `sqlite:${join(dir.path, 'events.sqlite')}`;
    } else {
      const database = await createTestDatabase();
      cleanups.push(() => database.drop());
      url = database.url;
    }
    const opened = await openEventStore(url);
    cleanups.push(() => opened.close());
    return opened;
  }

  it('links the entries of two instances writing one trail into one chain (a conflict re-reads the head)', async () => {
    const events = await store();
    // Two recorders are two instances: each caches the head it last wrote, so each other's appends conflict.
    const one = createAccessRecorder({ eventStore: events, clock: systemClock, logger, flushEveryMs: 60_000 });
    const two = createAccessRecorder({ eventStore: events, clock: systemClock, logger, flushEveryMs: 60_000 });
    let n = 0;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3; i++) one.record(readOf('t1', n++));
      for (let i = 0; i < 2; i++) two.record(readOf('t1', n++));
      two.record(readOf(null, n++));
      // At once: both append to access-t1 from the same head; one conflicts, re-reads and re-links.
      await Promise.all([one.flush(), two.flush()]);
      // Stored in this flush, not left for a later one.
      expect(one.pending + two.pending).toBe(0);
    }
    await Promise.all([one.close(), two.close()]);
    const report = await checkAccessChain(events, 'access-t1', 7);
    expect(report).toMatchObject({ ok: true, entries: 25, broken: null });
    const stored = await events.readStream('access-t1');
    expect(stored.map((event) => (event.data as { seq: number }).seq)).toEqual(stored.map((event) => event.revision));
    expect(new Set(stored.map((event) => (event.data as { faxId: string }).faxId)).size).toBe(25);
    expect(await checkAccessChain(events, 'access-system')).toMatchObject({ ok: true, entries: 5 });
  });

  it('keeps the entries while the store refuses them and appends them once it is back', async () => {
    const events = await store();
    let down = true;
    const flaky: EventStore = Object.create(events, {
      append: { value: (...args: Parameters<EventStore['append']>) => (down ? Promise.reject(new EventStoreUnavailableError('down')) : events.append(...args)) },
    });
    const recorder = createAccessRecorder({ eventStore: flaky, clock: systemClock, logger, flushEveryMs: 60_000 });
    for (let n = 0; n < 4; n++) recorder.record(readOf('t1', n));
    await recorder.flush();
    expect(recorder.pending).toBe(4);
    down = false;
    recorder.record(readOf('t1', 4));
    await recorder.close();
    expect(recorder.pending).toBe(0);
    const stored = await events.readStream('access-t1');
    expect(stored.map((event) => (event.data as { faxId: string }).faxId)).toEqual(['fax-0', 'fax-1', 'fax-2', 'fax-3', 'fax-4']);
    expect(await checkAccessChain(events, 'access-t1')).toMatchObject({ ok: true, entries: 5 });
  });

  it('appends, after a kill, what the journal holds and the trail lacks, and nothing twice', async () => {
    const events = await store();
    const dir = makeTempDir('access-journal');
    cleanups.push(() => dir.remove());
    const storedIds = async () => new Set((await events.readStream('access-t1')).map((event) => (event.data as { entryId: string }).entryId));
    const killed = createAccessRecorder({ eventStore: events, clock: systemClock, logger, flushEveryMs: 60_000, journal: { journal: createFileAccessJournal(dir.path), stored: () => false } });
    for (let n = 0; n < 3; n++) killed.record(readOf('t1', n));
    await killed.flush();
    // Stored, but its journal part is gone only once settled: a kill between the two leaves it behind.
    writeFileSync(join(dir.path, '000000000001.jsonl'), (await events.readStream('access-t1')).map((event) => `${JSON.stringify(event.data)}\n`).join(''));
    for (let n = 3; n < 5; n++) killed.record(readOf('t1', n));
    // Killed here: never flushed or closed again.

    const known = await storedIds();
    const next = createAccessRecorder({ eventStore: events, clock: systemClock, logger, flushEveryMs: 60_000, journal: { journal: createFileAccessJournal(dir.path), stored: (id) => known.has(id) } });
    expect(next.pending).toBe(2);
    await next.close();
    const stored = await events.readStream('access-t1');
    expect(stored.map((event) => (event.data as { faxId: string }).faxId)).toEqual(['fax-0', 'fax-1', 'fax-2', 'fax-3', 'fax-4']);
    expect(await checkAccessChain(events, 'access-t1')).toMatchObject({ ok: true, entries: 5 });
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('makes the same entry ids from the journal as it stored: a kill after the append and before the journal was settled stores nothing twice', async () => {
    const events = await store();
    const dir = makeTempDir('access-journal-settle');
    cleanups.push(() => dir.remove());
    const journal = createFileAccessJournal(dir.path);
    // The kill lands between the append and the settle: the parts stay.
    const unsettled = { ...journal, settle: () => {} };
    const killed = createAccessRecorder({ eventStore: events, clock: systemClock, logger, flushEveryMs: 60_000, journal: { journal: unsettled, stored: () => false } });
    for (let n = 0; n < 3; n++) killed.record(readOf('t1', n));
    await killed.flush();
    killed.record(readOf('t1', 3));

    const storedIds = (await events.readStream('access-t1')).map((event) => (event.data as { entryId: string }).entryId);
    expect(storedIds).toHaveLength(3);
    expect(new Set(storedIds).size).toBe(3);
    for (const id of storedIds) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const next = createAccessRecorder({ eventStore: events, clock: systemClock, logger, flushEveryMs: 60_000, journal: { journal: createFileAccessJournal(dir.path), stored: (id) => storedIds.includes(id) } });
    expect(next.pending).toBe(1);
    await next.close();
    const stored = await events.readStream('access-t1');
    expect(stored.map((event) => (event.data as { faxId: string }).faxId)).toEqual(['fax-0', 'fax-1', 'fax-2', 'fax-3']);
    expect(await checkAccessChain(events, 'access-t1')).toMatchObject({ ok: true, entries: 4 });
  });

  it('journals a read under way at once, stores it only when done, and keeps it across a seal and a kill; a failed one leaves nothing', async () => {
    const events = await store();
    const dir = makeTempDir('access-journal-under-way');
    cleanups.push(() => dir.remove());
    const faxIds = async () => (await events.readStream('access-t1')).map((event) => (event.data as { faxId: string }).faxId);
    const killed = createAccessRecorder({ eventStore: events, clock: systemClock, logger, flushEveryMs: 60_000, journal: { journal: createFileAccessJournal(dir.path), stored: () => false } });
    const slow = killed.begin(readOf('t1', 0));
    const failing = killed.begin(readOf('t1', 1));
    killed.record(readOf('t1', 2));
    // This batch seals the journal part that holds the two reads under way, and settles it once stored.
    await killed.flush();
    expect(await faxIds()).toEqual(['fax-2']);
    expect(readdirSync(dir.path)).toEqual(['000000000002.jsonl']);
    const done = killed.begin(readOf('t1', 3));
    done.done();
    // Calling twice (or the other one after) changes nothing.
    done.failed();
    done.done();
    await killed.flush();
    expect(await faxIds()).toEqual(['fax-2', 'fax-3']);
    expect(readdirSync(dir.path)).toEqual(['000000000003.jsonl']);
    // Its line is in the journal: only the withdrawal keeps it out after a kill.
    failing.failed();
    failing.done();
    // Killed here, with fax-0 still under way: never done, flushed or closed.

    const known = new Set((await events.readStream('access-t1')).map((event) => (event.data as { entryId: string }).entryId));
    const next = createAccessRecorder({ eventStore: events, clock: systemClock, logger, flushEveryMs: 60_000, journal: { journal: createFileAccessJournal(dir.path), stored: (id) => known.has(id) } });
    // The slow read, journaled again in each new part, comes back; the failed one does not.
    expect(next.pending).toBe(1);
    await next.close();
    expect(await faxIds()).toEqual(['fax-2', 'fax-3', 'fax-0']);
    expect(await checkAccessChain(events, 'access-t1')).toMatchObject({ ok: true, entries: 3 });
    slow.done();
  });

  it('appends a full batch at once, without waiting for the timer', async () => {
    const events = await store();
    const recorder = createAccessRecorder({ eventStore: events, clock: systemClock, logger, flushEveryMs: 60_000, maxBatch: 10 });
    for (let n = 0; n < 10; n++) recorder.record(readOf('t1', n));
    for (let tries = 0; tries < 200 && (await events.streamRevision('access-t1')) !== 9; tries++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await events.streamRevision('access-t1')).toBe(9);
    await recorder.close();
  });
});
