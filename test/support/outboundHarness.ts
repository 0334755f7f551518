import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pino } from 'pino';
import { createFileDocumentStore } from '../../src/adapters/documents/fileDocumentStore.js';
import { createFaxDialerPool } from '../../src/adapters/esl/faxDialerPool.js';
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import type { FaxQueuedData } from '../../src/domain/outbound/outboundFaxEvents.js';
import { defaultSendPolicy, type SendPolicy } from '../../src/domain/outbound/sendPolicy.js';
import { faxStream } from '../../src/domain/streams.js';
import { systemClock } from '../../src/ports/clock.js';
import type { EventStore, RecordedEvent } from '../../src/ports/eventStore.js';
import { createChannelScheduler } from '../../src/runtime/channelScheduler.js';
import { createOutboundFaxRuntime } from '../../src/runtime/outboundFaxRuntime.js';
import type { ScenarioInput } from '../../src/sim/scenario.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { makeFaxTiff } from './faxFixtures.js';
import { makeTempDir } from './tempDir.js';

const terminal = new Set(['FaxSent', 'FaxFailed', 'FaxCancelled']);

/**
 * The send path against the simulator over TCP: a real SQLite event store and document store,
 * the dialer pool on the simulator's event socket, the channel scheduler and the outbound runtime.
 * Faxes are queued the way the submission API does it (FaxQueued + FaxDocumentPrepared).
 */
export async function startOutboundHarness(options: {
  scenario: ScenarioInput;
  gateways?: string[];
  policy?: Partial<SendPolicy>;
  channels?: number;
  timeScale?: number;
  dir?: { path: string; remove(): void };
  unfinished?: () => string[];
  /** Wraps the event store the runtime writes through (to delay or fail its appends). */
  wrapEventStore?: (store: EventStore) => EventStore;
}) {
  const dir = options.dir ?? makeTempDir('outbound');
  const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
  const documents = createFileDocumentStore(join(dir.path, 'documents'));
  const sim = await createSimulator({ listen: { host: '127.0.0.1', port: 0 }, timeScale: options.timeScale ?? 0.01, scenario: options.scenario });
  const logger = pino({ level: 'silent' });
  const dialer = createFaxDialerPool({ ...sim.eslAddress, password: 'ClueCon', logger, size: 2 });
  const scheduler = createChannelScheduler({ maxChannels: options.channels ?? 10 });
  const policy: SendPolicy = { ...defaultSendPolicy, ...options.policy };
  const runtime = createOutboundFaxRuntime({
    eventStore: options.wrapEventStore?.(eventStore) ?? eventStore,
    dialer,
    scheduler,
    documentFile: (documentId) => documents.openPlainFile(documentId, 'image/tiff'),
    gatewaysFor: (fax) => fax.queued.gateways ?? options.gateways ?? ['gw1'],
    policyFor: () => policy,
    transportFor: () => ({ ecm: true, v17: true, t38: true }),
    t38RequestFor: () => true,
    unfinishedFaxIds: options.unfinished ?? (() => []),
    useModDbOverrides: true,
    clock: systemClock,
    logger,
  });
  await dialer.ready();
  await runtime.start();

  async function queue(fields: Partial<FaxQueuedData> & { to: string }, pages = 2): Promise<string> {
    const faxId = randomUUID();
    const tiff = join(dir.path, `${faxId}.tif`);
    await makeFaxTiff(tiff, pages);
    const document = await documents.putTiff(tiff);
    const queued: FaxQueuedData = {
      faxId,
      direction: 'outbound',
      tenantId: 'tenant-1',
      from: '+15551230000',
      resolution: 'fine',
      pageSize: 'letter',
      files: [{ name: 'doc.tif', contentType: 'image/tiff', bytes: document.bytes }],
      submittedBy: { kind: 'admin' },
      queuedAt: new Date().toISOString(),
      ...fields,
    };
    await eventStore.append(
      faxStream(faxId),
      [
        { type: 'FaxQueued', data: queued, metadata: { tenantId: queued.tenantId } },
        { type: 'FaxDocumentPrepared', data: { faxId, documentId: document.id, pages: document.pages }, metadata: { tenantId: queued.tenantId } },
      ],
      'no_stream',
    );
    runtime.queued(faxId);
    return faxId;
  }

  const history = (faxId: string): Promise<RecordedEvent[]> => eventStore.readStream(faxStream(faxId));
  async function finished(faxId: string, timeoutMs = 15_000): Promise<RecordedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = await history(faxId);
      if (events.some((event) => terminal.has(event.type))) return events;
      if (Date.now() > deadline) throw new Error(`fax ${faxId} did not finish: ${events.map((event) => event.type).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  /** Every `bgapi originate` the simulator received, across connections. */
  const originates = () =>
    sim
      .connections()
      .flatMap((connection) => sim.commandLog(connection.id))
      .filter((entry) => entry.command.startsWith('bgapi originate'));

  return {
    dir,
    sim,
    eventStore,
    documents,
    runtime,
    dialer,
    scheduler,
    queue,
    history,
    finished,
    originates,
    types: async (faxId: string) => (await history(faxId)).map((event) => event.type),
    async close(keepDir = false) {
      await runtime.stop();
      await dialer.close();
      await sim.close();
      await eventStore.close();
      if (!keepDir) dir.remove();
    },
  };
}
