import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { createFileDocumentStore } from '../../src/adapters/documents/fileDocumentStore.js';
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { deleteOutcomeRecord, readOutcomeRecord } from '../../src/adapters/esl/faxOutcomeRecord.js';
import { createInboundEslClient, type InboundEslClient } from '../../src/adapters/esl/inboundEslClient.js';
import { startOutboundSocketServer } from '../../src/adapters/esl/outboundSocketServer.js';
import type { CallOffer } from '../../src/domain/fax/inboundFaxEvents.js';
import type { ScreeningDecision } from '../../src/domain/fax/inboundScreening.js';
import { systemClock } from '../../src/ports/clock.js';
import type { EventStore } from '../../src/ports/eventStore.js';
import { startStationKnowledge, type StationKnowledge } from '../../src/reactors/stationLearning.js';
import { createInboundFaxRuntime } from '../../src/runtime/inboundFaxRuntime.js';
import { waitWhileLive } from '../../src/runtime/reconcileInboundFaxes.js';
import { createSimulator, type SimulatorOptions } from '../../src/sim/simulator.js';
import { startStationReadModel } from './stationReadModel.js';
import { makeTempDir } from './tempDir.js';

/**
 * faxengine's receive path (outbound-socket server, runtime, SQLite event store, document store)
 * wired to a simulator over real TCP. `screen` decides each call, as routing would.
 */
export async function startInboundHarness(options: {
  screen: (offer: CallOffer, faxId: string, spoolDir: string, stations: StationKnowledge) => ScreeningDecision;
  scenario?: SimulatorOptions['scenario'];
  timeScale?: number;
  noFaxToneTimeoutMs?: number;
  /** Wire call control as `serve` does, so a call whose socket is lost is followed to its recorded end. */
  callControl?: boolean;
  /** The outbound-socket server's gate: who may connect, and the set-up deadline. */
  socket?: { allowFrom?: string[]; setupTimeoutMs?: number };
  /** What the runtime writes through (a test's gate or fault in front of the SQLite store). */
  wrapEventStore?: (store: EventStore) => EventStore;
}) {
  const dir = makeTempDir('inbound');
  const spoolDir = join(dir.path, 'spool');
  mkdirSync(spoolDir);
  const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
  const documents = createFileDocumentStore(join(dir.path, 'documents'));
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const stationReadModel = await startStationReadModel(eventStore, dir.path, logger);
  const stations = await startStationKnowledge({
    eventStore,
    readModels: stationReadModel.runner,
    policy: { troublesBeforeFallback: 2, cleanAudioFaxesBeforeRetry: 5 },
    toE164: (raw) => (raw.startsWith('+') ? raw : `+1${raw.replace(/^1(?=\d{10}$)/, '')}`),
    logger,
  });
  const runtime = createInboundFaxRuntime({
    eventStore: options.wrapEventStore?.(eventStore) ?? eventStore,
    documents,
    screen: (offer, faxId) => options.screen(offer, faxId, spoolDir, stations),
    planDelivery: (fax) => ({ ...fax, endpointScope: 'none', deliveries: [], notifyEmails: [] }),
    ...(options.callControl
      ? {
          awaitCallEnd: async (callUuid: string) => {
            await callControl!.ready();
            await waitWhileLive({ callControl: callControl!, clock: systemClock, pollMs: 50 }, callUuid);
            return readOutcomeRecord((command) => callControl!.api(command), callUuid);
          },
          forgetOutcome: (callUuid: string) => deleteOutcomeRecord((command) => callControl!.api(command), callUuid),
        }
      : {}),
    newFaxId: randomUUID,
    ...(options.noFaxToneTimeoutMs ? { noFaxToneTimeoutMs: options.noFaxToneTimeoutMs } : {}),
    clock: systemClock,
    logger,
  });
  let callControl: InboundEslClient | undefined;
  const faxIds: string[] = [];
  const server = await startOutboundSocketServer({
    host: '127.0.0.1',
    port: 0,
    ...options.socket,
    logger,
    onCall: (call) => void faxIds.push(runtime.handleCall(call)),
  });
  const sim = await createSimulator({
    listen: { host: '127.0.0.1', port: 0 },
    dial: { host: '127.0.0.1', port: server.address.port },
    timeScale: options.timeScale ?? 0.002,
    ...(options.scenario ? { scenario: options.scenario } : {}),
  });
  if (options.callControl) callControl = createInboundEslClient({ ...sim.eslAddress, password: 'ClueCon', logger });
  return {
    sim,
    /** Where the simulator's calls (and a test's own connections) reach faxengine. */
    socketPort: server.address.port,
    runtime,
    stations,
    eventStore,
    documents,
    faxIds,
    spoolDir,
    async eventsOf(faxId: string) {
      return eventStore.readStream(`fax-${faxId}`);
    },
    async close() {
      await callControl?.close();
      await sim.close();
      await server.stopAccepting();
      await runtime.drain(2000);
      await stations.stop();
      await stationReadModel.close();
      await eventStore.close();
      dir.remove();
    },
  };
}
