import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { put, type DocumentProjection } from '../../../projections/documentProjection.js';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createReadStoreRebuild } from '../../../src/adapters/readStore/readStoreRebuild.js';
import { createSqliteReadStore } from '../../../src/adapters/readStore/sqliteReadStore.js';
import type { EventStore } from '../../../src/ports/eventStore.js';
import type { ReadStore } from '../../../src/ports/readStore.js';
import { createProjectionRunner } from '../../../src/reactors/projectionRunner.js';
import { readStoreFileName, rebuildReadModels } from '../../../src/reactors/readModels.js';
import { makeTempDir } from '../../support/tempDir.js';

/** Counts `Ticked` events per stream and keeps the last stream ticked: documents rewritten many times. */
const counter: DocumentProjection = {
  name: 'counter',
  handles: ['Ticked'],
  // A starting document no event changes: it must be saved all the same.
  init: () => [put('meta', 'version', 1)],
  evolve: (view, event) => [
    put('counts', event.stream, { ticks: (view.get<{ ticks: number }>('counts', event.stream)?.ticks ?? 0) + 1 }),
    put('last', 'stream', event.stream),
  ],
};

const logger = pino({ level: 'silent' });

describe('rebuilding the read store into a new file', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function withTicks(count: number): Promise<{ dir: string; eventStore: EventStore }> {
    const dir = makeTempDir('rebuild');
    cleanups.push(dir.remove);
    const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite'), synchronous: 'normal' });
    cleanups.push(() => eventStore.close());
    for (let index = 0; index < count; index += 100) {
      await eventStore.append(`tick-${index % 700}`, Array.from({ length: 100 }, () => ({ type: 'Ticked', data: {} })));
    }
    return { dir: dir.path, eventStore };
  }

  const runnerOf = (eventStore: EventStore, readStore: ReadStore, batchSize = 700) =>
    createProjectionRunner({ eventStore, readStore, projections: [counter], streamPrefixes: ['tick-'], logger, batchSize });

  it('builds the new file in batches and matches a read store that caught up in other batches', async () => {
    const { dir, eventStore } = await withTicks(5000);
    const batched = createSqliteReadStore({ path: join(dir, 'batched.sqlite') });
    cleanups.push(() => batched.close());
    await runnerOf(eventStore, batched).catchUp();

    const path = join(dir, 'rebuilt.sqlite');
    const rebuild = createReadStoreRebuild(path);
    await runnerOf(eventStore, rebuild.readStore, 2_000).catchUp();
    await rebuild.install();

    const rebuilt = createSqliteReadStore({ path });
    cleanups.push(() => rebuilt.close());
    expect(rebuilt.dump()).toEqual(batched.dump());
    expect(rebuilt.dump().checkpoints).toEqual([{ projection: 'counter', position: 5000 }]);
    expect(rebuilt.load('counter').documents).toContainEqual({ collection: 'counts', key: 'tick-0', doc: { ticks: 800 } });
    expect(rebuilt.load('counter').documents).toContainEqual({ collection: 'meta', key: 'version', doc: 1 });
    expect(new Database(path).pragma('journal_mode', { simple: true })).toBe('wal');
    expect(readdirSync(dir).filter((name) => name.includes('.rebuilding'))).toEqual([]);
  });

  it('replaces the previous read store without replaying its write-ahead log into the new one', async () => {
    const { dir, eventStore } = await withTicks(300);
    const path = join(dir, 'read.sqlite');
    // A read store left open with commits only in its WAL, as a killed server leaves it.
    const previous = createSqliteReadStore({ path });
    previous.load('counter');
    previous.commit([{ projection: 'counter', writes: [{ collection: 'counts', key: 'stale', doc: { ticks: 99 } }], checkpoint: 1_000 }]);
    expect(existsSync(`${path}-wal`)).toBe(true);

    const rebuild = createReadStoreRebuild(path);
    await runnerOf(eventStore, rebuild.readStore).catchUp();
    await rebuild.install();
    previous.close();

    const rebuilt = createSqliteReadStore({ path });
    cleanups.push(() => rebuilt.close());
    expect(rebuilt.load('counter')).toEqual({
      checkpoint: 300,
      documents: [
        { collection: 'counts', key: 'tick-0', doc: { ticks: 100 } },
        { collection: 'counts', key: 'tick-100', doc: { ticks: 100 } },
        { collection: 'counts', key: 'tick-200', doc: { ticks: 100 } },
        { collection: 'last', key: 'stream', doc: 'tick-200' },
        { collection: 'meta', key: 'version', doc: 1 },
      ],
    });
  });

  it('leaves the previous read store as it was when the rebuild fails, and clears what an interrupted one left', async () => {
    const { dir, eventStore } = await withTicks(200);
    const path = join(dir, readStoreFileName);
    const previous = createSqliteReadStore({ path });
    previous.load('routing');
    previous.commit([{ projection: 'routing', writes: [{ collection: 'numbers', key: '+15551234567', doc: { tenantId: '1' } }], checkpoint: 7 }]);
    const before = previous.dump();
    previous.close();
    writeFileSync(`${path}.rebuilding`, 'what a killed rebuild left: not a database');

    const failing: EventStore = {
      ...eventStore,
      readAllData: undefined,
      readAll: async () => {
        throw new Error('event store unreachable');
      },
    };
    await expect(rebuildReadModels({ dataDir: dir, eventStore: failing, logger })).rejects.toThrow('event store unreachable');
    expect(readdirSync(dir).filter((name) => name.includes('.rebuilding'))).toEqual([]);
    const after = createSqliteReadStore({ path });
    cleanups.push(() => after.close());
    expect(after.dump()).toEqual(before);
  });
});
