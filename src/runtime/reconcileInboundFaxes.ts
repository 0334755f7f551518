import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { DeliveryRequest, FaxRoutedData } from '../domain/fax/deliveryPlan.js';
import type { CallOffer, InboundFaxEvent } from '../domain/fax/inboundFaxEvents.js';
import type { ScreeningDecision } from '../domain/fax/inboundScreening.js';
import type { RecordedCallOutcome } from '../domain/fax/recordedCallOutcome.js';
import { classifyT30Result, t30Text } from '../domain/fax/t30Results.js';
import type { Clock } from '../ports/clock.js';
import { CallControlUnavailableError, type CallControl } from '../ports/callControl.js';
import type { DocumentStore } from '../ports/documentStore.js';
import type { EventStore, RecordedEvent } from '../ports/eventStore.js';

/** An inbound fax whose stream does not yet say how the call ended. */
export interface OpenInboundFax {
  faxId: string;
  callUuid: string;
  tenantId: string | null;
  pages: number;
  spoolPath: string;
}

/**
 * How long a restarted faxengine lets a call it finds still up go on before hanging it up: real
 * FreeSWITCH keeps running the applications queued on it (rxfax writes the spool file, the queued
 * hangup ends it), so a fax in progress finishes on its own; this only bounds a call that hangs.
 */
export const LIVE_CALL_WAIT_MS = 15 * 60_000;

export interface ReconcileInboundDeps {
  open: readonly OpenInboundFax[];
  eventStore: EventStore;
  callControl: CallControl;
  /**
   * Commands to the FreeSWITCH node the fax's call was offered on (recorded in FaxCallOffered;
   * undefined for calls recorded before nodes); default `callControl`.
   */
  callControlFor?(node: string | undefined): CallControl;
  documents: DocumentStore;
  /** The delivery plan for a kept document (as the live runtime records it after the outcome). */
  planDelivery(fax: DeliveryRequest): FaxRoutedData;
  /**
   * Screening as the live runtime does it: the route of a fax whose process died after the answer
   * but before FaxCallAnswered was stored (its tenant and recipient were never recorded).
   */
  screen?(offer: CallOffer, faxId: string): ScreeningDecision;
  /** The outcome FreeSWITCH recorded at hang-up (the hook set on accepted calls), if any. */
  recordedOutcome(callUuid: string, node?: string): Promise<RecordedCallOutcome | undefined>;
  forgetOutcome(callUuid: string, node?: string): Promise<void>;
  clock: Clock;
  logger: Logger;
  liveCallWaitMs?: number;
  pollMs?: number;
}

type Answered = Extract<InboundFaxEvent, { type: 'FaxCallAnswered' }>['data'];
type Offered = Extract<InboundFaxEvent, { type: 'FaxCallOffered' }>['data'];

/**
 * After a restart no socket is left for calls that were in progress, so their faxes would stay
 * "receiving" forever. For each: wait while FreeSWITCH still has the call (bounded, then hang it
 * up), then close the fax from facts: the spool file is the truth about the pages that arrived
 * (kept as the document whatever was stored before the crash), and FreeSWITCH's outcome record
 * says whether rxfax succeeded. Received → FaxReceived; failed with pages → FaxReceiveFailed,
 * partial; both get their FaxRouted delivery plan. Without a record (FreeSWITCH restarted, or the
 * call ended before the hook was set) the fax is FaxReceiveInterrupted, with its pages kept and
 * delivered as partial. A fax whose stream already ends with FaxCallEnded is left alone, and the
 * append expects the revision read, so nothing is closed twice. Each call is asked about on its
 * own node: while that node cannot be asked, its fax stays open and this rejects (after the
 * others are done), for the caller to try again.
 */
export async function reconcileInboundFaxes(deps: ReconcileInboundDeps): Promise<number> {
  const results = await Promise.allSettled(deps.open.map((fax) => reconcileOne(deps, fax)));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.filter((result) => result.status === 'fulfilled' && result.value).length;
}

async function reconcileOne(deps: ReconcileInboundDeps, fax: OpenInboundFax): Promise<boolean> {
  const log = deps.logger.child({ faxId: fax.faxId, callUuid: fax.callUuid });
  const stream = `fax-${fax.faxId}`;
  const before = await deps.eventStore.readStream(stream);
  if (!before.at(-1) || before.at(-1)!.type === 'FaxCallEnded') return false;
  const node = offeredNode(before);
  const callControl = deps.callControlFor?.(node) ?? deps.callControl;
  let hungUpByUs = false;
  if (await waitWhileLive({ ...deps, callControl }, fax.callUuid)) {
    await callControl.hangup(fax.callUuid, 'NORMAL_TEMPORARY_FAILURE');
    hungUpByUs = true;
  }
  const history = await deps.eventStore.readStream(stream);
  const last = history.at(-1);
  if (!last || last.type === 'FaxCallEnded') return false;
  // A node that cannot be asked leaves the fax open for the next try; a bad record counts as none.
  const outcome = await deps.recordedOutcome(fax.callUuid, node).catch((error: unknown) => {
    if (error instanceof CallControlUnavailableError) throw error;
    return undefined;
  });
  const document = existsSync(fax.spoolPath) ? await storeQuietly(deps.documents, fax.spoolPath, log) : undefined;
  const pages = document?.pages ?? 0;
  const answered = answeredData(history) ?? screenedAgain(deps, fax.faxId, history, log);
  const tenantId = answered?.tenantId ?? fax.tenantId ?? '';
  const at = deps.clock.now().toISOString();
  const ids = { faxId: fax.faxId, callUuid: fax.callUuid };
  const events: Array<{ type: string; data: unknown }> = [];
  const result = outcome?.fax;

  if (result?.success && document) {
    events.push({
      type: 'FaxReceived',
      data: { ...ids, tenantId, pages, documentId: document.id, resultCode: result.code, resultText: t30Text(result.code), t38Status: result.t38Status, transferRate: result.transferRate, receivedAt: at },
    });
  } else if (result) {
    events.push({
      type: 'FaxReceiveFailed',
      data: {
        ...ids,
        tenantId,
        resultCode: result.code,
        resultText: t30Text(result.code),
        reasonClass: classifyT30Result(result.code, { pagesTransferred: pages, negotiations: negotiationsOf(history) }),
        hangupCause: outcome.hangupCause,
        pagesReceived: pages,
        ...(document ? { documentId: document.id } : {}),
        partial: document !== undefined,
        t38Status: result.t38Status,
        negotiations: negotiationsOf(history),
        badRows: 0,
        failedAt: at,
      },
    });
  } else {
    events.push({
      type: 'FaxReceiveInterrupted',
      data: { ...ids, tenantId, reason: 'restart', pagesReceived: pages, ...(document ? { documentId: document.id } : {}), interruptedAt: at },
    });
  }
  if (document && answered) {
    const { recipient, purpose, sender } = answered;
    const partial = events[0]!.type !== 'FaxReceived';
    events.push({ type: 'FaxRouted', data: deps.planDelivery({ faxId: fax.faxId, tenantId, recipient, ...(purpose ? { purpose } : {}), ...(sender ? { sender } : {}), documentId: document.id, partial }) });
  }
  const hangupCause = hungUpByUs ? 'FAXENGINE_RESTART' : (outcome?.hangupCause ?? 'FAXENGINE_RESTART');
  events.push({ type: 'FaxCallEnded', data: { ...ids, hangupCause, endedAt: at } });
  await deps.eventStore.append(
    stream,
    events.map((event) => ({ ...event, metadata: { correlationId: fax.faxId, callUuid: fax.callUuid, actor: 'reconciliation', ...(tenantId ? { tenantId } : {}) } })),
    last.revision,
  );
  if (outcome) await deps.forgetOutcome(fax.callUuid, node).catch(() => undefined);
  log.warn({ pages, outcome: events[0]!.type, recorded: outcome !== undefined }, 'closed a fax whose call ended while faxengine was down');
  return true;
}

/** Resolves true when the call is still up after the bound (it must be ended), false once it is gone. */
export async function waitWhileLive(
  deps: Pick<ReconcileInboundDeps, 'callControl' | 'clock' | 'liveCallWaitMs' | 'pollMs'>,
  callUuid: string,
): Promise<boolean> {
  const deadline = deps.clock.now().getTime() + (deps.liveCallWaitMs ?? LIVE_CALL_WAIT_MS);
  while (await deps.callControl.callExists(callUuid)) {
    if (deps.clock.now().getTime() >= deadline) return true;
    await new Promise((resolve) => setTimeout(resolve, deps.pollMs ?? 1000));
  }
  return false;
}

/** The node the call was offered on, as FaxCallOffered recorded it. */
function offeredNode(history: readonly RecordedEvent[]): string | undefined {
  const node = (history.find((event) => event.type === 'FaxCallOffered')?.data as { node?: unknown } | undefined)?.node;
  return typeof node === 'string' ? node : undefined;
}

type Route = Pick<Answered, 'tenantId' | 'recipient' | 'purpose' | 'sender'>;

function answeredData(history: readonly RecordedEvent[]): Route | undefined {
  return history.find((event) => event.type === 'FaxCallAnswered')?.data as Answered | undefined;
}

/** The offer screened again, when only FaxCallOffered was stored; undefined unless it is accepted. */
function screenedAgain(deps: ReconcileInboundDeps, faxId: string, history: readonly RecordedEvent[], log: Logger): Route | undefined {
  const offered = history.find((event) => event.type === 'FaxCallOffered')?.data as Offered | undefined;
  if (!offered || !deps.screen) return undefined;
  const { faxId: _faxId, direction: _direction, offeredAt: _offeredAt, ...offer } = offered;
  const decision = deps.screen(offer, faxId);
  if (decision.kind !== 'accept') {
    log.warn({ decision: decision.kind }, 'the offer of an answered fax screens differently now: its document is kept without a route');
    return undefined;
  }
  const { tenantId, recipient, purpose, sender } = decision;
  return { tenantId, recipient, ...(purpose ? { purpose } : {}), ...(sender ? { sender } : {}) };
}

const negotiationsOf = (history: readonly RecordedEvent[]) => history.filter((event) => event.type === 'FaxNegotiated').length;

async function storeQuietly(documents: DocumentStore, path: string, log: Logger): Promise<{ id: string; pages: number } | undefined> {
  try {
    const stored = await documents.putTiff(path);
    return stored.pages > 0 ? { id: stored.id, pages: stored.pages } : undefined;
  } catch (error) {
    log.warn({ err: error, path }, 'the spool file of an interrupted fax could not be kept');
    return undefined;
  }
}
