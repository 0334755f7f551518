import type { Logger } from 'pino';
import { stationCollections, stationProjection } from '../../projections/stationProjection.js';
import { listStations, type StationPage } from '../../projections/stationQueries.js';
import type { InboundFaxEvent } from '../domain/fax/inboundFaxEvents.js';
import {
  evolveStation,
  initialStationState,
  learnFromFax,
  type FaxOutcomeForStation,
  type StationEvent,
  type StationPolicy,
  type StationState,
} from '../domain/fax/stationKnowledge.js';
import { stationStream } from '../domain/streams.js';
import { WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '../ports/eventStore.js';
import { runHere, type ReactorRunner } from './leasedReactor.js';
import { createParkedEventLog, type ParkedEventLog } from './parkedEvents.js';
import type { ProjectionRunner } from './projectionRunner.js';
import { startCheckpointedReactor, type ReactorRetryPolicy } from './reactorSubscription.js';

const CHECKPOINT = 'station-learning';
/** Conflicts with another writer of a station stream (an admin, another instance) re-read and try again this often. */
const CONFLICT_RETRIES = 20;
/** What a station is learnt from: an outbound attempt's end, or a received fax's. */
const lessonTriggers: ReadonlySet<string> = new Set(['FaxSendAttemptFailed', 'FaxSent', 'FaxReceived', 'FaxReceiveFailed']);
type DataOf<T extends InboundFaxEvent['type']> = Extract<InboundFaxEvent, { type: T }>['data'];

/** The fields of FaxSendAttemptFailed / FaxSent the station lessons read. */
interface OutboundAttemptData {
  faxId: string;
  to?: string;
  attempt?: number;
  attempts?: number;
  t38Enabled?: boolean;
  t38Status?: string;
  negotiations?: number;
  badRows?: number;
  t30Code?: number;
}

export interface StationKnowledge {
  /** True when calls with this station should use audio instead of T.38. */
  needsAudio(e164: string): boolean;
  state(e164: string): StationState | undefined;
  /** One page of stations in E.164 order, after the cursor `after` (see listStations). */
  list(limit: number, after?: string): StationPage;
  /** Resolves once the read model shows `needsAudio` for the station (after an append elsewhere). */
  settled(e164: string, needsAudio: boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The projection runner that folds `stationProjection` (the server's read models). */
export type StationReadModels = Pick<ProjectionRunner, 'view' | 'onApplied' | 'page'>;

/**
 * Learns from finished faxes (a checkpointed reactor appending to `station-<e164>`); what was
 * learned is read from the `stations` read model, which the projection runner folds and
 * checkpoints like the others, so a start never re-reads the station streams.
 * `toE164` normalises the caller number as routing does.
 */
export async function startStationKnowledge(deps: {
  eventStore: EventStore;
  readModels: StationReadModels;
  policy: StationPolicy;
  toE164: (raw: string) => string | undefined;
  logger: Logger;
  /** Where events it keeps failing on are parked (shared with the other reactors for the admin API). */
  parked?: ParkedEventLog;
  retry?: Partial<ReactorRetryPolicy>;
  /** Runs the learning on one instance of the cluster (default: here, at once); the knowledge is read on every instance. */
  reactors?: ReactorRunner;
}): Promise<StationKnowledge> {
  const { eventStore } = deps;
  const parked = deps.parked ?? createParkedEventLog(eventStore);
  const retry = deps.retry ? { retry: deps.retry } : {};
  const view = () => deps.readModels.view(stationProjection.name);
  const state = (e164: string) => view().get<StationState>(stationCollections.stations, e164);

  /** The far station and what a finished inbound fax, or an outbound attempt, tells about it. */
  async function outcomeOf(event: RecordedEvent): Promise<{ station: string; outcome: FaxOutcomeForStation } | undefined> {
    if (!lessonTriggers.has(event.type)) return undefined;
    if (event.type === 'FaxSendAttemptFailed' || event.type === 'FaxSent') {
      const data = event.data as OutboundAttemptData;
      const station = data.to && deps.toE164(data.to);
      if (!station) return undefined;
      const failed = event.type === 'FaxSendAttemptFailed';
      return {
        station,
        outcome: {
          // One lesson per attempt: a fax can fail with T.38 and then succeed in audio.
          faxId: `${data.faxId}/attempt-${data.attempt ?? data.attempts ?? 1}`,
          succeeded: !failed,
          t38Enabled: data.t38Enabled ?? data.t38Status === 'negotiated',
          negotiations: data.negotiations ?? 1,
          badRows: data.badRows ?? 0,
          resultCode: data.t30Code ?? 0,
          at: event.created,
        },
      };
    }
    const history = await eventStore.readStream(event.stream);
    const offered = history.find((item) => item.type === 'FaxCallOffered')?.data as DataOf<'FaxCallOffered'> | undefined;
    const answered = history.find((item) => item.type === 'FaxCallAnswered')?.data as DataOf<'FaxCallAnswered'> | undefined;
    const station = offered && deps.toE164(offered.callerNumber);
    if (!station || !answered) return undefined;
    const failed = event.type === 'FaxReceiveFailed' ? (event.data as DataOf<'FaxReceiveFailed'>) : undefined;
    return {
      station,
      outcome: {
        faxId: (event.data as { faxId: string }).faxId,
        succeeded: !failed,
        t38Enabled: answered.t38Enabled,
        negotiations: failed?.negotiations ?? 1,
        badRows: failed?.badRows ?? 0,
        resultCode: failed?.resultCode ?? 0,
        at: event.created,
      },
    };
  }

  async function learn(event: RecordedEvent): Promise<void> {
    const learned = await outcomeOf(event);
    if (!learned) return;
    const { station, outcome } = learned;
    const faxId = outcome.faxId;
    // The lesson depends on what the stream says: when someone else appended in between, read it again.
    for (let conflicts = 0; ; conflicts++) {
      const streamEvents = await eventStore.readStream(stationStream(station));
      // Idempotent: a replay after a crash finds its own earlier lesson and stops.
      if (streamEvents.some((item) => (item.data as { faxId?: string }).faxId === faxId)) return;
      const known = streamEvents.reduce((current, item) => evolveStation(current, item as unknown as StationEvent), initialStationState(station));
      const lessons = learnFromFax(known, outcome, deps.policy);
      if (lessons.length === 0) return;
      try {
        await eventStore.append(stationStream(station), lessons, streamEvents.at(-1)?.revision ?? 'no_stream');
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || conflicts >= CONFLICT_RETRIES) throw error;
        deps.logger.info({ station, faxId, conflicts: conflicts + 1 }, 'station stream changed while learning; reading it again');
        continue;
      }
      deps.logger.info({ station, faxId, lessons: lessons.map((lesson) => lesson.type) }, 'learned about a fax station');
      return;
    }
  }

  // On one instance of the cluster at a time; wherever it starts, it resumes from the checkpoint.
  const learning = (deps.reactors ?? runHere)(CHECKPOINT, () =>
    startCheckpointedReactor({
      name: CHECKPOINT,
      eventStore,
      streamPrefixes: ['fax-'],
      handle: learn,
      actsOn: lessonTriggers,
      parked,
      logger: deps.logger,
      ...retry,
    }),
  );

  return {
    needsAudio: (e164) => state(e164)?.needsAudio ?? false,
    state,
    list: (limit, after) => listStations(deps.readModels, limit, after),
    settled(e164, needsAudio, timeoutMs = 5000) {
      const done = () => (state(e164)?.needsAudio ?? false) === needsAudio;
      if (done()) return Promise.resolve();
      // Admin routes wait for their own change to be folded before answering (read-your-writes).
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          unsubscribe();
          reject(new Error(`station ${e164} did not settle in ${timeoutMs} ms`));
        }, timeoutMs);
        const unsubscribe = deps.readModels.onApplied((changed) => {
          if (!changed.has(stationProjection.name) || !done()) return;
          clearTimeout(timer);
          unsubscribe();
          resolve();
        });
      });
    },
    stop: () => learning.stop(),
  };
}
