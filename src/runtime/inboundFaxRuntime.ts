import { rm } from 'node:fs/promises';
import { createActor, fromPromise } from 'xstate';
import type { Logger } from 'pino';
import { inboundFaxMachine } from '../../machines/inboundFax.js';
import type { DeliveryRequest, FaxRoutedData } from '../domain/fax/deliveryPlan.js';
import type { EslSignal } from '../domain/fax/faxSignals.js';
import { signalsFromRecord, type RecordedCallOutcome } from '../domain/fax/recordedCallOutcome.js';
import type { CallOffer } from '../domain/fax/inboundFaxEvents.js';
import type { ScreeningDecision } from '../domain/fax/inboundScreening.js';
import { faxStream } from '../domain/streams.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentStore } from '../ports/documentStore.js';
import type { EventStore } from '../ports/eventStore.js';
import { bridgeDialplan, receiveDialplan } from './receiveDialplan.js';
import { createStreamAppender } from './streamAppender.js';

/** The part of an inbound call's socket the runtime drives (see adapters/esl/inboundCallSession). */
export interface InboundCall {
  readonly offer: CallOffer;
  onSignal(listener: (signal: EslSignal) => void): void;
  execute(app: string, arg?: string): Promise<void>;
  /** Ends the call at once, even while an application (rxfax) runs. */
  hangup(cause: string): Promise<void>;
  /**
   * Has FreeSWITCH record the call's fax outcome at hang-up (before the answer): a faxengine that
   * restarts meanwhile reads it. Optional: test doubles may not have it.
   */
  rememberOutcome?(): Promise<void>;
  close(): void;
}

export interface InboundFaxRuntimeDeps {
  eventStore: EventStore;
  documents: DocumentStore;
  screen(offer: CallOffer, faxId: string): ScreeningDecision | Promise<ScreeningDecision>;
  /** The delivery plan for a received document, from the routing read model at that moment. */
  planDelivery(fax: DeliveryRequest): FaxRoutedData;
  /** Deletes a call's outcome record once the call's events are stored (it only serves restarts). */
  forgetOutcome?(callUuid: string): Promise<void>;
  /**
   * After a call's socket was lost: resolves once FreeSWITCH no longer has the call (it keeps
   * running rxfax and the queued hangup without us), with the outcome it recorded, if any.
   */
  awaitCallEnd?(callUuid: string): Promise<RecordedCallOutcome | undefined>;
  newFaxId(): string;
  /** Hang up a call that sent no fax tones (no negotiation) this long after the answer; absent: no limit. */
  noFaxToneTimeoutMs?: number;
  clock: Clock;
  logger: Logger;
}

export interface InboundFaxRuntime {
  handleCall(call: InboundCall): string;
  /** Faxes whose call has not ended yet. */
  liveFaxIds(): string[];
  /** Resolves when every live call has ended, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
}

/** What the machine's effects do on one live call's socket. */
interface CallEffects {
  faxId: string;
  run(app: string, arg?: string): void;
  hangUp(): void;
  remember(): void;
  /** Runs `start` once every event of the fax so far is stored. */
  whenRecorded(start: (effects: CallEffects) => void): void;
}

/** FreeSWITCH runs the hang-up hook right after the call's last events; this is ample. */
const OUTCOME_RECORD_SETTLE_MS = 10_000;

/**
 * Runs one inbound fax actor per call: the actor's emitted events go, in order, to the fax's
 * stream through its single appender; the call's ESL signals go to the actor; the effects the
 * machine asks for become dialplan applications on the call's socket.
 */
export function createInboundFaxRuntime(deps: InboundFaxRuntimeDeps): InboundFaxRuntime {
  const live = new Map<string, Promise<void>>();
  /** Each live call's socket, by fax id, for the machine's effects. */
  const calls = new Map<string, CallEffects>();
  const callOf = (faxId: string) => calls.get(faxId);
  const faxIdsByCall = new Map<string, string>();

  // Provided once, not per call: building a machine is the costliest part of starting an actor.
  const machine = inboundFaxMachine.provide({
    actors: {
      screenCall: fromPromise(async ({ input }) => deps.screen(input, faxIdsByCall.get(input.callUuid)!)),
      storeDocument: fromPromise(async ({ input }) => ({ documentId: (await deps.documents.putTiff(input.spoolPath)).id })),
    },
    actions: {
      respond: ({ context }, { sipCode }) => callOf(context.faxId)?.run('respond', String(sipCode)),
      // Sent back to back: the socket keeps their order and FreeSWITCH queues them (event-lock).
      startReceiving: ({ context }, { call: accepted }) =>
        callOf(context.faxId)?.whenRecorded((effects) => {
          effects.remember();
          receiveDialplan(accepted).forEach(([app, arg]) => effects.run(app, arg));
        }),
      startBridge: ({ context }, { bridge }) =>
        callOf(context.faxId)?.whenRecorded((effects) => bridgeDialplan(bridge).forEach(([app, arg]) => effects.run(app, arg))),
      hangUp: ({ context }) => callOf(context.faxId)?.hangUp(),
    },
  });

  /** The record is written at hang-up, a moment after the events we acted on: deleted once that surely passed. */
  function forgetOutcomeLater(callUuid: string): void {
    if (!deps.forgetOutcome) return;
    setTimeout(() => void deps.forgetOutcome?.(callUuid).catch(() => undefined), OUTCOME_RECORD_SETTLE_MS).unref();
  }

  function handleCall(call: InboundCall): string {
    const faxId = deps.newFaxId();
    const log = deps.logger.child({ faxId, callUuid: call.offer.callUuid });
    let tenantId: string | undefined;
    const appender = createStreamAppender(deps.eventStore, faxStream(faxId), {
      metadata: { correlationId: faxId, callUuid: call.offer.callUuid, actor: 'inboundFax' },
      onError: (error) => log.error({ err: error }, 'could not store fax events'),
    });
    const run = (app: string, arg?: string) =>
      void call.execute(app, arg).catch((error: unknown) => log.warn({ err: error, app }, 'dialplan application not accepted'));
    const hangUp = () => {
      log.info('no fax tones since the answer: hanging up');
      call.hangup('NORMAL_CLEARING').catch((error: unknown) => log.warn({ err: error }, 'could not hang up'));
    };
    let remembered = false;
    const remember = () => {
      if (!call.rememberOutcome) return;
      remembered = true;
      void call.rememberOutcome().catch((error: unknown) => log.warn({ err: error }, 'FreeSWITCH will not record the outcome of this call'));
    };
    // Answer (or bridge) only once FaxCallOffered is stored: a process killed right after the answer
    // must leave a fax for the restart to close, not a call FreeSWITCH goes on receiving unrecorded.
    // A fax that cannot be recorded is not taken: the caller hears a temporary failure and retries.
    const whenRecorded = (start: (effects: CallEffects) => void) =>
      void appender.flushed().then(
        () => {
          const effects = callOf(faxId);
          if (effects) start(effects);
        },
        (error: unknown) => {
          log.error({ err: error }, 'refusing the call: its fax could not be recorded');
          call.hangup('NORMAL_TEMPORARY_FAILURE').catch(() => undefined);
        },
      );
    calls.set(faxId, { faxId, run, hangUp, remember, whenRecorded });
    faxIdsByCall.set(call.offer.callUuid, faxId);
    const forget = () => {
      calls.delete(faxId);
      faxIdsByCall.delete(call.offer.callUuid);
      live.delete(faxId);
    };

    const limit = deps.noFaxToneTimeoutMs;
    const actor = createActor(machine, {
      input: { faxId, offer: call.offer, offeredAt: deps.clock.now().toISOString(), ...(limit ? { noFaxToneTimeoutMs: limit } : {}) },
    });
    let answered: Pick<DeliveryRequest, 'recipient' | 'purpose' | 'sender'> | undefined;
    const record = (type: string, data: unknown) => {
      appender.append({ type, data, metadata: tenantId ? { tenantId } : {} });
      log.debug({ type, tenantId }, 'fax event');
    };
    actor.on('*', (event) => {
      const data = event.data as { tenantId?: string; documentId?: string };
      if (data.tenantId) tenantId = data.tenantId;
      if (event.type === 'FaxCallAnswered') {
        const { recipient, purpose, sender } = event.data;
        answered = { recipient, ...(purpose ? { purpose } : {}), ...(sender ? { sender } : {}) };
      }
      record(event.type, event.data);
      // Every kept document gets its delivery plan, partial ones too, right after the outcome: also
      // one whose call was cut off with FreeSWITCH (no outcome anywhere), as a restart's
      // reconciliation does for the same fax, or the pages that did arrive would reach nobody.
      const outcome = event.type === 'FaxReceived' || event.type === 'FaxReceiveFailed' || event.type === 'FaxReceiveInterrupted';
      const kept = outcome && data.documentId !== undefined;
      if (kept && tenantId && answered) {
        record('FaxRouted', deps.planDelivery({ faxId, tenantId, ...answered, documentId: data.documentId!, partial: event.type !== 'FaxReceived' }));
      }
      // The spool file is a second copy once the document is stored and the event naming it is
      // durable. Not after an interruption: FreeSWITCH may still be running rxfax into that file.
      const spoolPath = actor.getSnapshot().context.call?.spoolPath;
      if (kept && event.type !== 'FaxReceiveInterrupted' && spoolPath) {
        void appender.flushed().then(
          () => rm(spoolPath, { force: true }).catch((error: unknown) => log.warn({ err: error, spoolPath }, 'could not remove the spool file')),
          () => undefined,
        );
      }
    });

    const finished = new Promise<void>((resolve) => {
      actor.subscribe({
        complete: () => {
          void appender.flushed().catch(() => undefined).finally(() => {
            call.close();
            forget();
            if (remembered) forgetOutcomeLater(call.offer.callUuid);
            resolve();
          });
        },
        error: (error) => {
          log.error({ err: error }, 'inbound fax actor failed');
          call.close();
          forget();
          resolve();
        },
      });
    });
    live.set(faxId, finished);
    const deliver = (signal: EslSignal) => {
      if (actor.getSnapshot().status === 'active') actor.send(signal);
    };
    call.onSignal((signal) => {
      if (signal.type !== 'esl.connection.lost' || !remembered || !deps.awaitCallEnd) return deliver(signal);
      // The socket is gone but the call is not: take its end from FreeSWITCH's record, as if heard.
      void deps.awaitCallEnd(call.offer.callUuid).then(
        (outcome) => (outcome ? signalsFromRecord(outcome, deps.clock.now().toISOString()) : [signal]).forEach(deliver),
        (error: unknown) => {
          log.warn({ err: error }, 'could not learn how the call ended after its socket was lost');
          deliver(signal);
        },
      );
    });
    actor.start();
    return faxId;
  }

  return {
    handleCall,
    liveFaxIds: () => [...live.keys()],
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([Promise.all(live.values()), timeout]);
      clearTimeout(timer);
    },
  };
}
