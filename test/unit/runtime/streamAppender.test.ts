import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { WrongExpectedRevisionError, type EventStore } from '../../../src/ports/eventStore.js';
import { isNotificationEvent } from '../../../src/domain/notifications/notificationEvents.js';
import { createStreamAppender } from '../../../src/runtime/streamAppender.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('stream appender', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  function store(): EventStore {
    const dir = makeTempDir('appender');
    const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    cleanups.push(dir.remove, () => eventStore.close());
    return eventStore;
  }

  it('appends events in order, batching those of one tick, with metadata on each', async () => {
    const eventStore = store();
    const appender = createStreamAppender(eventStore, 'fax-1', { metadata: { correlationId: 'fax-1', tenantId: 't1' } });
    appender.append({ type: 'A', data: {} });
    appender.append({ type: 'B', data: {} });
    await appender.flushed();
    appender.append({ type: 'C', data: {}, metadata: { causationId: 'x' } });
    await appender.flushed();
    const events = await eventStore.readStream('fax-1');
    expect(events.map((event) => [event.type, event.revision])).toEqual([['A', 0], ['B', 1], ['C', 2]]);
    expect(events[0]!.position).toBe(events[1]!.position - 1);
    expect(events[2]!.metadata).toEqual({ correlationId: 'fax-1', tenantId: 't1', causationId: 'x' });
  });

  it('surfaces a second writer as a conflict instead of retrying', async () => {
    const eventStore = store();
    const appender = createStreamAppender(eventStore, 'fax-2');
    appender.append({ type: 'A', data: {} });
    await appender.flushed();
    await eventStore.append('fax-2', [{ type: 'Intruder', data: {} }]);
    appender.append({ type: 'B', data: {} });
    await expect(appender.flushed()).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect((await eventStore.readStream('fax-2')).map((event) => event.type)).toEqual(['A', 'Intruder']);
  });

  it('appends after events it tolerates (an outbound fax and its notifiers), still refusing any other writer', async () => {
    const eventStore = store();
    const appender = createStreamAppender(eventStore, 'fax-3', { tolerate: isNotificationEvent });
    appender.append({ type: 'FaxQueued', data: {} });
    await appender.flushed();
    await eventStore.append('fax-3', [{ type: 'NotificationSent', data: {} }, { type: 'NotificationAttemptFailed', data: {} }]);
    appender.append({ type: 'FaxSendAttemptStarted', data: {} });
    appender.append({ type: 'FaxCallAnswered', data: {} });
    await appender.flushed();
    await eventStore.append('fax-3', [{ type: 'NotificationSent', data: {} }]);
    appender.append({ type: 'FaxSent', data: {} });
    await appender.flushed();
    expect((await eventStore.readStream('fax-3')).map((event) => event.type)).toEqual([
      'FaxQueued',
      'NotificationSent',
      'NotificationAttemptFailed',
      'FaxSendAttemptStarted',
      'FaxCallAnswered',
      'NotificationSent',
      'FaxSent',
    ]);

    await eventStore.append('fax-3', [{ type: 'NotificationSent', data: {} }, { type: 'FaxSendAttemptStarted', data: {} }]);
    appender.append({ type: 'FaxSendAttemptStarted', data: {} });
    await expect(appender.flushed()).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await eventStore.streamRevision('fax-3')).toBe(8);
  });

  it('with a store that keeps call order, sends the next batch before the previous one committed', async () => {
    const eventStore = store();
    let inFlight = 0;
    let maxInFlight = 0;
    const observed: EventStore = {
      ...eventStore,
      appendsInCallOrder: eventStore.appendsInCallOrder,
      async append(stream, events, expected) {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await eventStore.append(stream, events, expected);
        } finally {
          inFlight -= 1;
        }
      },
    };
    const appender = createStreamAppender(observed, 'fax-3');
    appender.append({ type: 'A', data: {} });
    await Promise.resolve();
    await Promise.resolve();
    appender.append({ type: 'B', data: {} });
    await appender.flushed();
    expect(maxInFlight).toBe(2);
    expect((await eventStore.readStream('fax-3')).map((event) => [event.type, event.revision])).toEqual([['A', 0], ['B', 1]]);
  });
});
