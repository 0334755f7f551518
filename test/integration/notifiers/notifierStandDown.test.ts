import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createNotifier, NotifierStoppedError } from '../../../src/notifiers/notifier.js';
import { systemClock } from '../../../src/ports/clock.js';
import { makeTempDir } from '../../support/tempDir.js';

const logger = pino({ level: 'silent' });

describe('a notifier told to stop sending (its instance lost the notifiers lease, #20)', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('records what it made, makes nothing more, and leaves the rest to whoever runs the notifiers next', async () => {
    const dir = makeTempDir('notifier-stand-down');
    cleanups.push(dir.remove);
    const store = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    cleanups.push(() => store.close());
    const faxId = randomUUID();
    const at = new Date().toISOString();
    const metadata = { tenantId: 'tenant-1', correlationId: faxId };
    // A submitted fax whose own webhookUrl gets every step, in order: fax.queued, then fax.converted.
    await store.append(
      `fax-${faxId}`,
      [
        { type: 'FaxQueued', data: { faxId, direction: 'outbound', tenantId: 'tenant-1', to: '+15557654321', from: '+15551230000', resolution: 'fine', pageSize: 'letter', webhookUrl: 'http://127.0.0.1:9/hook', submittedBy: { kind: 'api' }, queuedAt: at }, metadata },
        { type: 'FaxDocumentPrepared', data: { faxId, documentId: 'doc-1', pages: 1 }, metadata },
      ],
      'no_stream',
    );
    let serving = true;
    const made: string[] = [];
    const notifier = createNotifier({
      eventStore: store,
      clock: systemClock,
      logger,
      retrySchedule: [1_000],
      // The lease is lost while the first webhook is on its way.
      attempt: async (notification) => {
        made.push(notification.topic);
        serving = false;
        return { ok: true, detail: { status: 200 } };
      },
      mayAttempt: () => serving,
    });
    const sentTopics = async () => (await store.readStream(`fax-${faxId}`)).filter((event) => event.type === 'NotificationSent').map((event) => (event.data as { sourceType: string }).sourceType);

    await expect(notifier.process(faxId)).rejects.toBeInstanceOf(NotifierStoppedError);
    expect(made).toEqual(['queued']);
    expect(await sentTopics()).toEqual(['FaxQueued']);

    // The next runner makes only what is left.
    const next = createNotifier({ eventStore: store, clock: systemClock, logger, retrySchedule: [1_000], attempt: async (notification) => (made.push(notification.topic), { ok: true, detail: { status: 200 } }), mayAttempt: () => true });
    await next.process(faxId);
    expect(made).toEqual(['queued', 'converted']);
    expect(await sentTopics()).toEqual(['FaxQueued', 'FaxDocumentPrepared']);
  });
});
