import type { Logger } from 'pino';
import type { FaxRoutedData } from '../domain/fax/deliveryPlan.js';
import type { FaxQueuedData, PageSize, Resolution } from '../domain/outbound/outboundFaxEvents.js';
import { faxStream } from '../domain/streams.js';
import type { DocumentStore } from '../ports/documentStore.js';
import { WrongExpectedRevisionError, type EventStore, type RecordedEvent, type Subscription } from '../ports/eventStore.js';
import { createParkedEventLog, type ParkedEventLog } from './parkedEvents.js';
import { startCheckpointedReactor, type ReactorRetryPolicy } from './reactorSubscription.js';

const CHECKPOINT = 'fax-relay';
/** Appends of FaxRelayed that lost a race with another writer of the stream, re-read and tried again. */
const RELAYED_RACES = 50;
const relayPageFormatFallback = { resolution: 'fine', pageSize: 'letter' } as const;

/** The relay fax of a received fax has a derived id, so doing it twice finds the first one. */
export const relayFaxIdOf = (inboundFaxId: string): string => `${inboundFaxId}-relay`;

/**
 * After the call ended, not at FaxRouted: until then the received fax's actor is still its
 * stream's writer, and an event of ours in between would break its exact-revision append.
 */
const relayTriggers: ReadonlySet<string> = new Set(['FaxCallEnded']);

/**
 * Store-and-forward: a received fax whose delivery plan names gateway endpoints (a tenant's PBX,
 * or the upstream gateways of a PBX's fax to an outside number, `purpose: 'outbound-relay'`) becomes an outbound fax of the same document to those gateways, in priority order, linked both
 * ways (`relayOf` on the new fax, `FaxRelayed` on the received one). Checkpointed and idempotent:
 * a replay after a crash finds the relay fax by its derived id and only completes what is missing.
 */
export function startFaxRelay(deps: {
  eventStore: EventStore;
  documents: DocumentStore;
  queued: (faxId: string) => void;
  clock: { now(): Date };
  logger: Logger;
  /** The received document's resolution and page size (the relay sends its pages as they are). */
  pageFormatOf(documentId: string): Promise<{ resolution: Resolution; pageSize: PageSize }>;
  /** The caller ID a tenant's fax from this number goes out with (the number's, else the tenant's `callerId`), if one is set. */
  callerIdOf(tenantId: string, from: string): string | undefined;
  /** Where events it keeps failing on are parked (shared with the other reactors for the admin API). */
  parked?: ParkedEventLog;
  retry?: Partial<ReactorRetryPolicy>;
}): Promise<Subscription> {
  // Started under the `reactor-fax-relay` lease (main.ts) so one instance relays; the derived relay
  // id and the revision checks below keep a hand-over (two runners for a moment) from doubling it.
  const { eventStore } = deps;

  async function relay(event: RecordedEvent): Promise<void> {
    if (!relayTriggers.has(event.type)) return;
    const history = await eventStore.readStream(event.stream);
    const plan = history.find((item) => item.type === 'FaxRouted')?.data as FaxRoutedData | undefined;
    if (!plan) return;
    const gateways = plan.deliveries.filter((target) => target.kind === 'gateway');
    if (gateways.length === 0) return;
    const document = await deps.documents.get(plan.documentId);
    if (!document) {
      deps.logger.error({ faxId: plan.faxId, documentId: plan.documentId }, 'cannot relay: document missing');
      return;
    }
    const offered = history.find((item) => item.type === 'FaxCallOffered')?.data as { callerNumber?: string; callerName?: string } | undefined;
    const relayId = relayFaxIdOf(plan.faxId);
    const outward = plan.purpose === 'outbound-relay';
    // The far end sees the original caller, as with a direct call (a PBX's caller as read at screening).
    const from = plan.sender ?? (offered?.callerNumber || plan.recipient);
    // A PBX's fax to the outside leaves as the tenant's, like a submitted one: with its caller ID setting.
    const callerIdNumber = outward ? deps.callerIdOf(plan.tenantId, from) : undefined;
    const format = await deps.pageFormatOf(document.id).catch((error: unknown) => {
      deps.logger.warn({ err: error, faxId: plan.faxId, documentId: document.id }, 'cannot read the received pages: relay recorded as fine');
      return relayPageFormatFallback;
    });
    const queued: FaxQueuedData = {
      faxId: relayId,
      direction: 'outbound',
      tenantId: plan.tenantId,
      to: plan.recipient,
      from,
      ...(offered?.callerName ? { callerIdName: offered.callerName } : {}),
      ...(callerIdNumber && callerIdNumber !== from ? { callerIdNumber } : {}),
      resolution: format.resolution,
      pageSize: format.pageSize,
      files: [{ name: `${plan.faxId}.tif`, contentType: 'image/tiff', bytes: document.bytes }],
      submittedBy: { kind: 'relay' },
      relayOf: { faxId: plan.faxId, endpointId: gateways[0]!.endpointId },
      gateways: gateways.map((target) => (target as { gateway: string }).gateway),
      // A tenant's PBX is dialled with the PBX T.38 settings (fax.t38.pbx), carriers with theirs.
      gatewayRole: outward ? 'upstream' : 'pbx',
      queuedAt: deps.clock.now().toISOString(),
    };
    const metadata = { tenantId: plan.tenantId, correlationId: plan.faxId, causationId: event.id };
    try {
      await eventStore.append(
        faxStream(relayId),
        [
          { type: 'FaxQueued', data: queued, metadata },
          { type: 'FaxDocumentPrepared', data: { faxId: relayId, documentId: document.id, pages: document.pages }, metadata },
        ],
        'no_stream',
      );
      deps.queued(relayId);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
    // At the revision read, so two runners (a hand-over) cannot both record it; notifiers append to
    // the closed stream too, so a conflict reads the stream again rather than failing.
    const relayed = { faxId: plan.faxId, relayFaxId: relayId, gateways: queued.gateways, partial: plan.partial };
    for (let read = history, race = 0; !read.some((item) => item.type === 'FaxRelayed'); race++) {
      try {
        await eventStore.append(event.stream, [{ type: 'FaxRelayed', data: relayed, metadata }], read.at(-1)!.revision);
        break;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || race >= RELAYED_RACES) throw error;
        read = await eventStore.readStream(event.stream);
      }
    }
    deps.logger.info({ faxId: plan.faxId, relayFaxId: relayId, gateways: queued.gateways }, 'relaying a received fax');
  }

  return startCheckpointedReactor({
      name: CHECKPOINT,
      eventStore,
      streamPrefixes: ['fax-'],
      handle: relay,
      actsOn: relayTriggers,
      parked: deps.parked ?? createParkedEventLog(eventStore),
      logger: deps.logger,
      ...(deps.retry ? { retry: deps.retry } : {}),
  });
}
