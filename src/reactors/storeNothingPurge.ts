import type { Logger } from 'pino';
import type { FaxRoutedData } from '../domain/fax/deliveryPlan.js';
import { decideStoreNothingPurge } from '../domain/fax/storeNothingPurge.js';
import { faxStream } from '../domain/streams.js';
import type { Clock } from '../ports/clock.js';
import { WrongExpectedRevisionError, type EventStore, type RecordedEvent, type Subscription } from '../ports/eventStore.js';
import { createParkedEventLog, type ParkedEventLog } from './parkedEvents.js';
import { startCheckpointedReactor, type ReactorRetryPolicy } from './reactorSubscription.js';

const CHECKPOINT = 'store-nothing';
/** Appends that lost a race with another writer of the stream (a notifier), decided again on the new history. */
const appendRaces = 50;

/** Faxes whose plan this process saw (bounded: one it forgot is read from its stream, as at start). */
const rememberedFaxes = 50_000;

/**
 * The events after which a store-nothing fax may be due for purging (a delivery confirmed, the
 * call over) or found kept (a delivery failed for good): anything else changes nothing here but
 * what this process remembers of plans.
 */
const triggers: ReadonlySet<string> = new Set(['FaxCallEnded', 'FaxRelayed', 'NotificationSent', 'NotificationDeadLettered', 'FaxSent', 'FaxFailed', 'FaxCancelled']);

/**
 * The store-nothing privacy option: once every planned delivery of a received fax is confirmed
 * (see `decideStoreNothingPurge`), appends `FaxPurgeRequested` (reason `storeNothing`) to its
 * stream, and to its relay fax's; the purge runner does the rest. Checkpointed, on one instance
 * of the cluster (lease `reactor-store-nothing`); each request is appended at the revision it was
 * decided on and decided again after a conflict, so a fax is never asked to be purged twice.
 */
export function startStoreNothingPurge(deps: {
  eventStore: EventStore;
  clock: Clock;
  logger: Logger;
  parked?: ParkedEventLog;
  retry?: Partial<ReactorRetryPolicy>;
}): Promise<Subscription> {
  const { eventStore } = deps;
  const logger = deps.logger.child({ reactor: CHECKPOINT });

  /** The received fax an event is about: its own stream's, or, for a relay fax's, the fax it relays. */
  async function receivedFaxOf(event: RecordedEvent): Promise<string | undefined> {
    const faxId = event.stream.slice('fax-'.length);
    // A relay fax (its id derived from the received fax's) names the fax it relays: its end and its
    // own notifications are deliveries of that fax.
    if (faxId.endsWith('-relay')) {
      const first = (await eventStore.readStream(event.stream, { maxCount: 1 }))[0];
      const relayOf = first?.type === 'FaxQueued' ? (first.data as { relayOf?: { faxId: string } }).relayOf : undefined;
      if (relayOf) return relayOf.faxId;
    }
    // FaxSent / FaxFailed / FaxCancelled of any other fax (a submitted one) change nothing here.
    if (event.type === 'FaxCallEnded' || event.type === 'FaxRelayed' || event.type.startsWith('Notification')) return faxId;
    return undefined;
  }

  /**
   * Whether a fax's plan says store nothing, as far as the events seen so far tell: false from its
   * first event until a FaxRouted says otherwise (it precedes every trigger of its fax, a relay
   * fax's included). Lets almost every trigger be skipped without reading the fax's stream.
   */
  const storeNothingSoFar = new Map<string, boolean>();
  function remember(event: RecordedEvent): void {
    const faxId = event.stream.slice('fax-'.length);
    if (event.revision === 0) storeNothingSoFar.set(faxId, false);
    else if (event.type === 'FaxRouted') storeNothingSoFar.set(faxId, (event.data as FaxRoutedData).privacy?.storeNothing === true);
    else return;
    if (storeNothingSoFar.size > rememberedFaxes) storeNothingSoFar.delete(storeNothingSoFar.keys().next().value!);
  }
  const knownNotStoreNothing = (event: RecordedEvent) => {
    const faxId = event.stream.slice('fax-'.length);
    return storeNothingSoFar.get(faxId.endsWith('-relay') ? faxId.slice(0, -'-relay'.length) : faxId) === false;
  };

  async function handle(event: RecordedEvent): Promise<void> {
    remember(event);
    if (!triggers.has(event.type) || knownNotStoreNothing(event)) return;
    const faxId = await receivedFaxOf(event);
    if (!faxId) return;
    for (let race = 0; ; race++) {
      const received = await eventStore.readStream(faxStream(faxId));
      const relayFaxId = (received.find((item) => item.type === 'FaxRelayed')?.data as { relayFaxId?: string } | undefined)?.relayFaxId;
      const relay = relayFaxId ? await eventStore.readStream(faxStream(relayFaxId)) : undefined;
      const decision = decideStoreNothingPurge(received, relay, deps.clock.now().toISOString());
      if (decision.kind === 'kept') {
        // Stays stored (and listed as a dead letter or a failed fax) until a redelivery succeeds.
        if (event.type === 'NotificationDeadLettered' || event.type === 'FaxFailed' || event.type === 'FaxCancelled') logger.warn({ faxId, reason: decision.reason }, 'store-nothing fax kept: a delivery failed');
        return;
      }
      if (decision.kind !== 'purge') return;
      try {
        for (const request of decision.requests) {
          const history = request.faxId === faxId ? received : relay!;
          const metadata = { correlationId: faxId, causationId: event.id, actor: CHECKPOINT, ...(request.tenantId ? { tenantId: request.tenantId } : {}) };
          await eventStore.append(faxStream(request.faxId), [{ type: 'FaxPurgeRequested', data: request, metadata }], history.at(-1)!.revision);
        }
        logger.info({ faxId, requests: decision.requests.length }, 'store-nothing fax delivered: purge requested');
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || race >= appendRaces) throw error;
      }
    }
  }

  return startCheckpointedReactor({
      name: CHECKPOINT,
      eventStore,
      streamPrefixes: ['fax-'],
      handle,
      actsOn: triggers,
      parked: deps.parked ?? createParkedEventLog(eventStore),
      logger: deps.logger,
      ...(deps.retry ? { retry: deps.retry } : {}),
  });
}
