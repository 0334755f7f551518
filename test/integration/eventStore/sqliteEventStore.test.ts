import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { EventStoreUnavailableError, type EventStore, type RecordedEvent } from '../../../src/ports/eventStore.js';
import { makeTempDir } from '../../support/tempDir.js';
import { tsxLoader } from '../../support/tsxLoader.js';
import { describeEventStoreConformance, waitFor } from './eventStoreConformance.js';

describeEventStoreConformance('sqlite', () => {
  const dir = makeTempDir('es-conformance');
  const path = join(dir.path, 'events.sqlite');
  return { open: async () => createSqliteEventStore({ path }), cleanup: async () => dir.remove() };
});

const childScript = new URL('../../support/appendUntilKilled.ts', import.meta.url).pathname;

function runChild(path: string, mode: 'crash' | 'once') {
  return spawn(process.execPath, ['--import', tsxLoader, childScript, path, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
}

describe('SQLite event store specifics', () => {
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  function tempStore(label: string): { store: EventStore; path: string } {
    const dir = makeTempDir(label);
    const path = join(dir.path, 'events.sqlite');
    const store = createSqliteEventStore({ path });
    cleanups.push(dir.remove, () => store.close());
    return { store, path };
  }

  it('leaves no partial batch when the writing process is killed with SIGKILL mid-append', async () => {
    const { path } = tempStore('es-crash');
    const child = runChild(path, 'crash');
    cleanups.push(() => void child.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('appending') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const reader = createSqliteEventStore({ path });
    cleanups.push(() => reader.close());
    const all = await reader.readAll();
    expect(all.length).toBeGreaterThan(0);
    const batches = new Map<string, number>();
    const byStream = new Map<string, number[]>();
    for (const event of all) {
      const batch = (event.metadata as { batch: string }).batch;
      batches.set(batch, (batches.get(batch) ?? 0) + 1);
      byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event.revision]);
    }
    expect([...batches.values()].every((size) => size === 5)).toBe(true);
    for (const revisions of byStream.values()) expect(revisions).toEqual(revisions.map((_, index) => index));
  });

  it('lets a subscriber see events appended by another process on the same file', async () => {
    const { store, path } = tempStore('es-second-process');
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ handler: (event) => void seen.push(event) });
    const child = runChild(path, 'once');
    await new Promise((resolve) => child.once('exit', resolve));
    await waitFor(() => seen.length === 5);
    expect(seen.every((event) => event.stream === 'external-1')).toBe(true);
    await subscription.stop();
  });

  it("gives a subscriber every event when this process's appends and another's interleave, in position order", async () => {
    const { store, path } = tempStore('es-interleaved');
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ handler: (event) => void seen.push(event) });
    await store.append('ours-1', [{ type: 'Ours', data: {} }]);
    await waitFor(() => seen.length === 1);
    // The other process appends after our last append: the head this process knew is stale now.
    const first = runChild(path, 'once');
    await new Promise((resolve) => first.once('exit', resolve));
    await waitFor(() => seen.length === 6);
    await store.append('ours-2', [{ type: 'Ours', data: {} }]);
    const second = runChild(path, 'once');
    await new Promise((resolve) => second.once('exit', resolve));
    await store.append('ours-3', [{ type: 'Ours', data: {} }]);
    await waitFor(() => seen.length === 13);
    expect(seen.map((event) => event.position)).toEqual((await store.readAll()).map((event) => event.position));
    expect(seen.filter((event) => event.type === 'Ours').map((event) => event.stream)).toEqual(['ours-1', 'ours-2', 'ours-3']);
    await subscription.stop();
  });

  it('lets two processes append to the same file at once', async () => {
    const { store, path } = tempStore('es-two-writers');
    const child = runChild(path, 'crash');
    cleanups.push(() => void child.kill('SIGKILL'));
    await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('appending') && resolve()));
    const ours = await Promise.all(Array.from({ length: 200 }, (_, index) => store.append(`parent-${index % 10}`, [{ type: 'FromParent', data: { index } }])));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(ours).toHaveLength(200);
    expect((await store.readAll({ streamPrefixes: ['parent-'] })).length).toBe(200);
    expect((await store.readAll({ streamPrefixes: ['crash-'] })).length).toBeGreaterThan(0);
  });

  it('commits concurrent appends to many streams together and keeps each one atomic', async () => {
    const { store } = tempStore('es-group');
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        store.append(`group-${index}`, Array.from({ length: 10 }, (__, n) => ({ type: 'Batched', data: { n } })), 'no_stream'),
      ),
    );
    expect(results.every((result) => result.nextExpectedRevision === 9)).toBe(true);
    const positions = results.map((result) => result.position);
    expect(new Set(positions).size).toBe(200);
    expect((await store.readAll()).length).toBe(2000);
  });

  it('rejects a duplicate event id and writes none of that append', async () => {
    const { store } = tempStore('es-dup');
    await store.append('dup-1', [{ type: 'A', data: {}, id: 'fixed-id' }]);
    await expect(store.append('dup-2', [{ type: 'B', data: {} }, { type: 'C', data: {}, id: 'fixed-id' }])).rejects.toThrow(/fixed-id is already stored/);
    expect(await store.readStream('dup-2')).toEqual([]);
  });

  it('gives subscribers and stream reads every event when another connection writes between our commits', async () => {
    const { store, path } = tempStore('es-tail-interleaved');
    const other = createSqliteEventStore({ path });
    cleanups.push(() => other.close());
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ handler: (event) => void seen.push(event) });
    for (let round = 0; round < 20; round++) {
      await store.append('mixed-1', [{ type: 'Ours', data: { round } }]);
      await other.append('mixed-1', [{ type: 'Theirs', data: { round } }]);
      await store.append('ours-only', [{ type: 'Ours', data: { round } }]);
    }
    await waitFor(() => seen.length === 60);
    await subscription.stop();
    expect(seen.map((event) => event.position)).toEqual([...seen.map((event) => event.position)].sort((a, b) => a - b));
    expect(new Set(seen.map((event) => event.id)).size).toBe(60);
    const mixed = await store.readStream('mixed-1');
    expect(mixed.map((event) => `${event.type}${(event.data as { round: number }).round}`)).toEqual(
      Array.from({ length: 20 }, (_, round) => [`Ours${round}`, `Theirs${round}`]).flat(),
    );
    expect((await store.readStream('ours-only')).map((event) => event.revision)).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  it('reads a long log correctly once its oldest events have left the in-memory tail', async () => {
    const { store } = tempStore('es-tail-trim');
    for (let batch = 0; batch < 10; batch++) {
      await store.append(`long-${batch}`, Array.from({ length: 1000 }, (_, n) => ({ type: 'Filler', data: { batch, n } })));
    }
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ streamPrefixes: ['long-0', 'long-9'], handler: (event) => void seen.push(event) });
    await waitFor(() => seen.length === 2000);
    await subscription.stop();
    expect(seen.map((event) => (event.data as { batch: number }).batch)).toEqual([...Array(1000).fill(0), ...Array(1000).fill(9)]);
    expect(await store.readStream('long-0')).toHaveLength(1000);
    expect((await store.readStream('long-9')).map((event) => (event.data as { n: number }).n)).toEqual(Array.from({ length: 1000 }, (_, n) => n));
  });

  it('hands every subscriber the same events, which no handler can change under another', async () => {
    const { store } = tempStore('es-tail-frozen');
    const errors: unknown[] = [];
    const firstSeen: RecordedEvent[] = [];
    const secondSeen: RecordedEvent[] = [];
    const first = store.subscribeToAll({
      handler: (event) => {
        firstSeen.push(event);
        try {
          (event.data as { note: string }).note = 'changed';
        } catch (error) {
          errors.push(error);
        }
      },
    });
    const second = store.subscribeToAll({ handler: (event) => void secondSeen.push(event) });
    await store.append('frozen-1', [{ type: 'Noted', data: { note: 'original', nested: { list: [1, 2] } } }]);
    await waitFor(() => firstSeen.length === 1 && secondSeen.length === 1);
    await Promise.all([first.stop(), second.stop()]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect(secondSeen[0]!.data).toEqual({ note: 'original', nested: { list: [1, 2] } });
    expect(Object.isFrozen((secondSeen[0]!.data as { nested: { list: number[] } }).nested.list)).toBe(true);
  });

  it('never hands a subscriber an event before its append is acknowledged (durable)', async () => {
    const { store } = tempStore('es-durable-first');
    const acknowledged = new Set<number>();
    const early: number[] = [];
    let seen = 0;
    const subscription = store.subscribeToAll({
      handler: (event) => {
        seen += 1;
        const { n } = event.data as { n: number };
        // Checked a macrotask later: the append's own promise chain settles a few microtasks after
        // the acknowledgement that also wakes the subscriber; an event delivered before its fsync
        // would still be unacknowledged then (the fsync completes in a later callback).
        setImmediate(() => acknowledged.has(n) || early.push(n));
      },
    });
    // One append per turn: many groups commit while earlier fsyncs are still running.
    const appends: Array<Promise<unknown>> = [];
    for (let n = 0; n < 300; n++) {
      appends.push(store.append(`durable-first-${n % 7}`, [{ type: 'Counted', data: { n } }]).then(() => acknowledged.add(n)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(appends);
    await waitFor(() => seen === 300);
    await subscription.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(early).toEqual([]);
  });

  it('keeps every acknowledged append after the store is closed straight away and opened again', async () => {
    const { store, path } = tempStore('es-durable-close');
    const appends = Array.from({ length: 50 }, (_, index) => store.append(`durable-${index % 5}`, [{ type: 'Kept', data: { index } }]));
    await store.close();
    await Promise.all(appends);
    const reopened = createSqliteEventStore({ path });
    cleanups.push(() => reopened.close());
    expect(await reopened.readAll()).toHaveLength(50);
  });

  it('reads all events without id and metadata for catch-ups, with their creation time, filtered and paged as readAll', async () => {
    const { store } = tempStore('es-read-data');
    await store.append('tenant-1', [{ type: 'A', data: { n: 1 }, metadata: { actor: 'x' } }, { type: 'B', data: { n: 2 } }]);
    await store.append('fax-1', [{ type: 'C', data: { n: 3 } }]);
    await store.append('tenant-2', [{ type: 'D', data: { nested: { list: [1, 'two'] } } }]);
    const options = { after: 1, maxCount: 2, streamPrefixes: ['tenant-'] };
    const full = await store.readAll(options);
    expect(full).toHaveLength(2);
    expect(await store.readAllData!(options)).toEqual(full.map(({ position, stream, revision, type, data, created }) => ({ position, stream, revision, type, data, created })));
  });

  it('reports an unreachable store with a typed error', async () => {
    const dir = makeTempDir('es-unreachable');
    cleanups.push(dir.remove);
    const locked = join(dir.path, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const asRoot = process.getuid?.() === 0;
    // root ignores directory permissions, so point at a path under a regular file instead.
    const path = asRoot ? join(childScript, 'events.sqlite') : join(locked, 'events.sqlite');
    expect(() => createSqliteEventStore({ path })).toThrow(EventStoreUnavailableError);

    const { store } = tempStore('es-closed');
    await store.close();
    await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.append('s-1', [{ type: 'A', data: {} }])).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });
});
