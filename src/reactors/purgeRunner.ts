import type { Logger } from 'pino';
import type { FaxPurgedData, FaxPurgeRequestedData } from '../domain/fax/purgeEvents.js';
import { purgeStateOf } from '../domain/fax/purgeDecision.js';
import type { Clock } from '../ports/clock.js';
import { WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '../ports/eventStore.js';
import type { FaxFileEraser } from '../ports/faxFileEraser.js';
import type { PersonalDataShredder } from '../ports/personalData.js';
import { runHere, type LeasedReactor, type ReactorRunner } from './leasedReactor.js';
import { createParkedEventLog, type ParkedEventLog } from './parkedEvents.js';
import { startCheckpointedReactor, type ReactorRetryPolicy } from './reactorSubscription.js';

export const purgeRunnerName = 'purge-runner';
/** Appends of FaxPurged that lost a race with another writer of the stream (a notifier), read again and tried again. */
const PURGED_RACES = 50;
/** The one event the runner acts on; it only passes over the others. */
const purgeTriggers: ReadonlySet<string> = new Set(['FaxPurgeRequested']);

/** Who else needs a document: the read model of document references (projections/retentionProjection.ts). */
export interface DocumentReferences {
  /** Resolves once the references include every event up to `position`. */
  waitFor(position: number): Promise<void>;
  /** Ids of the faxes not purged that use the document. */
  usersOf(documentId: string): string[];
}

export interface PurgeRunnerDeps {
  eventStore: EventStore;
  shredder: PersonalDataShredder;
  files: FaxFileEraser;
  references: DocumentReferences;
  clock: Clock;
  logger: Logger;
  /** Faxes purged per second at most (config `records.purgeRate`). */
  purgeRate: number;
  /** A remote number as station learning names stations (E.164), when it can be read as one. */
  stationOf?(number: string): string | undefined;
  /** Told of each fax purged (the purged-faxes counter). */
  onPurged?(reason: FaxPurgedData['reason']): void;
  parked?: ParkedEventLog;
  retry?: Partial<ReactorRetryPolicy>;
  /** Runs the purges on one instance of the cluster (default: here, at once). */
  reactors?: ReactorRunner;
  /** Waits `ms` (tests may pass a quicker one); default a timer. */
  sleep?(ms: number): Promise<void>;
}

/**
 * The purge runner: a checkpointed reactor over the `fax-` streams that carries out each
 * FaxPurgeRequested. For the fax asked about it deletes the documents (and their renditions and
 * page images) no other fax still needs, its spool file, has the shredder forget its personal data
 * (its per-fax key, and its remote numbers where they key other data), then appends FaxPurged.
 * Each step is idempotent and the checkpoint moves only once FaxPurged is stored, so a process
 * killed anywhere in between purges the fax again, completely, at its next start.
 */
export function startPurgeRunner(deps: PurgeRunnerDeps): LeasedReactor {
  const { eventStore } = deps;
  const interval = 1000 / deps.purgeRate;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()));
  let nextStart = 0;
  /** The last FaxPurged this runner stored: references must include it before the next fax's are read. */
  let lastPurgedAt = 0;

  async function purge(event: RecordedEvent): Promise<void> {
    if (!purgeTriggers.has(event.type)) return;
    const request = event.data as FaxPurgeRequestedData;
    let history = await eventStore.readStream(event.stream);
    // A second request, or a replay after a restart that had finished: done already.
    if (purgeStateOf(history) === 'purged') return;
    const wait = nextStart - performance.now();
    if (wait > 0) await sleep(wait);
    nextStart = Math.max(nextStart, performance.now()) + interval;

    const documentIds = documentsOf(history);
    const remoteNumbers = remoteNumbersOf(history);
    const stationsForgottenAt = await forgetStations(request.faxId, remoteNumbers);
    // The read models must have dropped the stations before their keys go (after, they read no number).
    await deps.references.waitFor(Math.max(event.position, lastPurgedAt, stationsForgottenAt));
    let kept = 0;
    for (const documentId of documentIds) {
      // Content-addressed documents are shared: a relay, a resend or the same bytes received twice.
      if (deps.references.usersOf(documentId).some((faxId) => faxId !== request.faxId)) kept++;
      else await deps.files.eraseDocument(documentId);
    }
    await deps.files.eraseSpool(request.faxId);
    await deps.shredder.forgetFax(request.faxId, remoteNumbers);

    const purged: FaxPurgedData = { faxId: request.faxId, tenantId: request.tenantId, reason: request.reason, purgedAt: deps.clock.now().toISOString() };
    const metadata = { correlationId: request.faxId, causationId: event.id, actor: purgeRunnerName, ...(request.tenantId ? { tenantId: request.tenantId } : {}) };
    for (let race = 0; ; race++) {
      try {
        lastPurgedAt = (await eventStore.append(event.stream, [{ type: 'FaxPurged', data: purged, metadata }], history.at(-1)!.revision)).position;
        break;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || race >= PURGED_RACES) throw error;
        history = await eventStore.readStream(event.stream);
        // Another runner (a hand-over) finished it meanwhile.
        if (purgeStateOf(history) === 'purged') return;
      }
    }
    deps.onPurged?.(request.reason);
    // Ids, reason and counts only: nothing that identifies the remote party or the content.
    deps.logger.info({ faxId: request.faxId, tenantId: request.tenantId, reason: request.reason, documents: documentIds.length, documentsKeptForOtherFaxes: kept }, 'fax purged');
  }

  /**
   * Tells every read model to drop what was learnt about the fax's remote stations (the shredder
   * then destroys their keys): a StationForgotten in each station stream that exists. Resolves the
   * position of the last one appended (0: none).
   */
  async function forgetStations(faxId: string, numbers: readonly string[]): Promise<number> {
    let position = 0;
    const stations = new Set(numbers.flatMap((number) => [number, deps.stationOf?.(number)]).filter((station): station is string => !!station));
    for (const station of stations) {
      const stream = `station-${station}`;
      if ((await eventStore.streamRevision(stream)) === undefined) continue;
      const forgotten = { type: 'StationForgotten', data: { station, faxId, at: deps.clock.now().toISOString() }, metadata: { causationId: faxId, actor: purgeRunnerName } };
      position = (await eventStore.append(stream, [forgotten])).position;
    }
    return position;
  }

  return (deps.reactors ?? runHere)(purgeRunnerName, () =>
    startCheckpointedReactor({
      name: purgeRunnerName,
      eventStore,
      streamPrefixes: ['fax-'],
      handle: purge,
      actsOn: purgeTriggers,
      parked: deps.parked ?? createParkedEventLog(eventStore),
      logger: deps.logger,
      ...(deps.retry ? { retry: deps.retry } : {}),
    }),
  );
}

/** Every document a fax's events name (received, routed, prepared for sending). */
export function documentsOf(history: ReadonlyArray<{ data: unknown }>): string[] {
  const ids = new Set<string>();
  for (const event of history) {
    const documentId = (event.data as { documentId?: unknown }).documentId;
    if (typeof documentId === 'string' && documentId !== '') ids.add(documentId);
  }
  return [...ids];
}

/** The far end's numbers: the caller of an inbound fax, the destination (and dial strings) of an outbound one; never the tenant's own. */
export function remoteNumbersOf(history: ReadonlyArray<{ type: string; data: unknown }>): string[] {
  const outbound = history[0]?.type === 'FaxQueued';
  const numbers = new Set<string>();
  for (const event of history) {
    const data = event.data as { callerNumber?: unknown; to?: unknown };
    const value = outbound ? data.to : event.type === 'FaxCallOffered' ? data.callerNumber : undefined;
    if (typeof value === 'string' && value !== '') numbers.add(value);
  }
  return [...numbers];
}
