import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import type { EventStore, RecordedEvent } from '../../../src/ports/eventStore.js';
import { createParkedEventLog } from '../../../src/reactors/parkedEvents.js';
import { startCheckpointedReactor } from '../../../src/reactors/reactorSubscription.js';
import { makeTempDir } from '../../support/tempDir.js';

const logger = pino({ level: 'silent' });
const name = 'lazy-test';

describe('a checkpointed reactor saves at once only after events it acts on', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A real SQLite event store whose checkpoint saves under `name` are listed in `saves`. */
  function openStore(): { store: EventStore; saves: number[] } {
    const dir = makeTempDir('lazy-checkpoint');
    const inner = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    cleanups.push(dir.remove, () => inner.close());
    const saves: number[] = [];
    const checkpoints = {
      load: (checkpoint: string) => inner.checkpoints.load(checkpoint),
      async save(checkpoint: string, position: number) {
        await inner.checkpoints.save(checkpoint, position);
        if (checkpoint === name) saves.push(position);
      },
    };
    return { store: Object.assign(Object.create(inner) as EventStore, { checkpoints }), saves };
  }

  /** Starts the reactor; `handled` gets each event with the checkpoint the store held when it was handled. */
  async function start(store: EventStore, lazyCheckpointMs: number) {
    const handled: Array<{ event: RecordedEvent; savedThen: number | undefined }> = [];
    const reactor = await startCheckpointedReactor({
      name,
      eventStore: store,
      streamPrefixes: ['fax-'],
      actsOn: new Set(['Act']),
      lazyCheckpointMs,
      handle: async (event) => void handled.push({ event, savedThen: await store.checkpoints.load(name) }),
      parked: createParkedEventLog(store),
      logger,
    });
    return { reactor, handled };
  }

  const appendSeven = (store: EventStore) =>
    store.append('fax-1', ['Look', 'Look', 'Look', 'Act', 'Look', 'Look', 'Look'].map((type) => ({ type, data: {} })));

  async function until(check: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  it('saves an acting event before the next is taken, the others once at stop', async () => {
    const { store, saves } = openStore();
    const { reactor, handled } = await start(store, 60_000);
    await appendSeven(store);
    await until(() => handled.length === 7);
    const positions = handled.map((item) => item.event.position);
    // The event after Act was handled with Act's position already stored: a crash from here on never acts on Act again.
    expect(handled[4]!.savedThen).toBe(positions[3]);
    expect(handled[3]!.savedThen).toBeUndefined();
    // Looks alone cost no save: a crash now would make the next start look at the last three again, nothing more.
    expect(saves).toEqual([positions[3]]);
    expect(await store.checkpoints.load(name)).toBe(positions[3]);
    await reactor.stop();
    expect(saves).toEqual([positions[3], positions[6]]);
    expect(await store.checkpoints.load(name)).toBe(positions[6]);
  });

  it('saves the position of events it did not act on within lazyCheckpointMs, without a stop', async () => {
    const { store, saves } = openStore();
    const { reactor, handled } = await start(store, 30);
    cleanups.push(() => reactor.stop());
    await store.append('fax-1', [{ type: 'Look', data: {} }, { type: 'Look', data: {} }]);
    await until(() => handled.length === 2 && saves.length > 0);
    expect(saves).toEqual([handled[1]!.event.position]);
    expect(await store.checkpoints.load(name)).toBe(handled[1]!.event.position);
  });

  it('resumes after the saved position: events it looked at are looked at again, the acting one is not handled twice', async () => {
    const { store } = openStore();
    const first = await start(store, 60_000);
    await appendSeven(store);
    await until(() => first.handled.length === 7);
    // What a kill now leaves: Act's position, saved before the event after it was handled.
    const savedAtKill = await store.checkpoints.load(name);
    await first.reactor.stop();
    await store.checkpoints.save(name, savedAtKill!);
    const second = await start(store, 60_000);
    cleanups.push(() => second.reactor.stop());
    await store.append('fax-1', [{ type: 'Look', data: {} }]);
    await until(() => second.handled.length === 4);
    expect(second.handled.map((item) => item.event.type)).toEqual(['Look', 'Look', 'Look', 'Look']);
  });

  it('never moves the checkpoint back: a lazy save that fails after a later save went through is not tried again', async () => {
    const { store } = openStore();
    let held: { position: number; reject: (error: Error) => void } | undefined;
    const saveThrough = store.checkpoints.save.bind(store.checkpoints);
    // The first save of a Look's position hangs until the test fails it.
    const checkpoints = {
      load: (checkpoint: string) => store.checkpoints.load(checkpoint),
      save: (checkpoint: string, position: number) =>
        checkpoint === name && !held ? new Promise<void>((_, reject) => (held = { position, reject })) : saveThrough(checkpoint, position),
    };
    const flaky = Object.assign(Object.create(store) as EventStore, { checkpoints });
    const { reactor, handled } = await start(flaky, 20);
    await store.append('fax-1', [{ type: 'Look', data: {} }]);
    await until(() => held !== undefined);
    await store.append('fax-1', [{ type: 'Act', data: {} }]);
    await until(() => handled.length === 2);
    const acted = handled[1]!.event.position;
    for (const deadline = Date.now() + 10_000; (await store.checkpoints.load(name)) !== acted && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 5));
    held!.reject(new Error('disk hiccup'));
    await reactor.stop();
    expect(held!.position).toBeLessThan(acted);
    expect(await store.checkpoints.load(name)).toBe(acted);
  });
});
