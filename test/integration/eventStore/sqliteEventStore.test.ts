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
