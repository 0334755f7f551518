import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { createActor, type ActorRefFrom } from 'xstate';
import { outboundFaxMachine, type OutboundFaxInput, type OutboundFaxSignal } from '../../machines/outboundFax.js';
import { isNotificationEvent } from '../domain/notifications/notificationEvents.js';
import { NO_GATEWAY_CAUSE } from '../domain/outbound/outcomeClassification.js';
import type { Submitter } from '../domain/outbound/outboundFaxEvents.js';
import type { SendPolicy } from '../domain/outbound/sendPolicy.js';
import { firstAttemptState, type TransportSettings } from '../domain/outbound/sendState.js';
import { faxStream } from '../domain/streams.js';
import type { Clock } from '../ports/clock.js';
import type { PlainFile } from '../ports/documentStore.js';
import type { EventStore } from '../ports/eventStore.js';
import type { FaxDialer } from '../ports/faxDialer.js';
import { callsOver, CUT_CALL_GRACE_MS } from './callsOver.js';
import { createCallReconciler } from './reconcileOutboundCall.js';
import type { ChannelScheduler } from './channelScheduler.js';
import { soloOwnership, type FaxOwnership } from './faxOwnership.js';
import { foldOutboundFax, restoredSendState, type OutboundFaxRecord } from './restoreOutboundFax.js';
import { createStreamAppender, type StreamAppender } from './streamAppender.js';
import { createTakeoverSweep, type DriveOutcome } from './takeoverSweep.js';
import { waitForClusterSlot } from './waitForClusterSlot.js';

export interface OutboundFaxRuntimeDeps {
  eventStore: EventStore;
  dialer: FaxDialer;
  scheduler: ChannelScheduler;
  /**
   * A plain file of the prepared TIFF for FreeSWITCH's txfax to read, opened for each call and
   * released as soon as the call is over (documents are sealed at rest: README, Encryption at rest).
   */
  documentFile(documentId: string): Promise<PlainFile>;
  /** Gateways for a fax, most preferred first (the tenant's and global upstream gateways). */
  gatewaysFor(fax: OutboundFaxRecord): string[];
  policyFor(fax: OutboundFaxRecord): SendPolicy;
  /** What the first attempt may use (T.38 off for stations known to need audio). */
  transportFor(fax: OutboundFaxRecord): TransportSettings;
  /** Whether FreeSWITCH asks for T.38 itself when an attempt may use it (`fax.t38.<role>.request`). */
  t38RequestFor(fax: OutboundFaxRecord): boolean;
  /** Outbound faxes the read model shows as not finished (restored on start, and taken over when nobody drives them). */
  unfinishedFaxIds(): string[];
  /** Which instance drives which fax, and the channel slots of the cluster (absent: this instance drives all). */
  ownership?: FaxOwnership;
  /** Apply FreeSWITCH's mod_db `override-<number>` variables (the original's per-destination overrides). */
  useModDbOverrides: boolean;
  clock: Clock;
  logger: Logger;
}

export interface OutboundFaxRuntime {
  /**
   * Restores the unfinished outbound faxes whose lease this instance can take (after a restart),
   * reconciling those that were in a call, then keeps taking over those nobody drives.
   */
  start(): Promise<void>;
  /** A fax was just queued (FaxQueued + FaxDocumentPrepared stored): start sending it. */
  queued(faxId: string): void;
  cancel(faxId: string, by: Submitter): Promise<'cancelled' | 'finished' | 'notFound'>;
  /** Faxes with a live actor. */
  activeFaxIds(): string[];
  /** Faxes waiting for their next attempt's time (for metrics). */
  waitingToRetry(): number;
  /**
   * Places no new call from now on (shutdown): faxes waiting for a channel or for a retry stay
   * queued / waiting in the store, and their leases are given up so that another instance (or
   * this one at its next start) goes on with them at once.
   */
  holdNewCalls(): void;
  /**
   * Holds new calls and lets the calls in progress end, at most `timeoutMs` after holding began.
   * Calls still unanswered then are hung up (NO_ANSWER: nothing was sent), so their attempt is
   * recorded as the failure it is; answered ones go on in FreeSWITCH and are reconciled at the
   * next start.
   */
  drain(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

type FaxActor = ActorRefFrom<typeof outboundFaxMachine>;
interface ActorEntry {
  actor: FaxActor;
  appender: StreamAppender;
  done: Promise<void>;
}

/** States with no call up: a fax in one of them can go to another instance at once. */
const OUT_OF_CALL = ['starting', 'waitingToRetry', 'waitingForChannel'] as const;

/** FreeSWITCH runs the hang-up hook right after the call's last events; this is ample. */
const OUTCOME_RECORD_SETTLE_MS = 10_000;

/**
 * Runs one outbound fax actor per unfinished fax: the actor's events go to the fax's stream through
 * its single appender, the dialer's signals for its calls go to the actor, and its effects become
 * channel requests, originates and hang-ups.
 */
export function createOutboundFaxRuntime(deps: OutboundFaxRuntimeDeps): OutboundFaxRuntime {
  const actors = new Map<string, ActorEntry>();
  const ownership = deps.ownership ?? soloOwnership;
  /** Faxes being claimed and loaded: their actor is about to exist. */
  const starting = new Set<string>();
  /** Cancels that came for a fax whose actor had not started yet. */
  const cancelsBeforeStart = new Map<string, Submitter>();
  const now = () => deps.clock.now().toISOString();
  /** Shutting down: no channel is requested or granted any more, so no call is placed. */
  let holding = false;
  /** When holding began: the drain limit counts from there (the inbound drain may come first). */
  let heldAt = 0;
  const signal = (faxId: string, event: OutboundFaxSignal) => {
    const entry = actors.get(faxId);
    if (!entry || entry.actor.getSnapshot().status !== 'active') return;
    entry.actor.send(event);
    // The event socket dropped mid-call: once FreeSWITCH is reachable again, find out what became of the call.
    const snapshot = entry.actor.getSnapshot();
    if (event.type === 'esl.connection.lost' && snapshot.matches('detached') && snapshot.context.call) {
      void reconcile(faxId, snapshot.context.call.callUuid, snapshot.context.call.node);
    }
  };

  const reconcile = createCallReconciler({ dialer: deps.dialer, signal: (faxId, event) => signal(faxId, event), now, logger: deps.logger });

  const machine = outboundFaxMachine.provide({
    actions: {
      // Channels are handed out only while FreeSWITCH is reachable: an attempt that cannot even
      // be dialled must not use up one of the fax's attempts.
      requestChannel: ({ context }, { gateway }) =>
        void deps.dialer.ready().then(() =>
          holding ? undefined : deps.scheduler.request({
            faxId: context.faxId,
            tenantId: context.tenantId,
            gateway,
            destination: context.to,
            // Requests are made after the requesting transition has finished (above), so a grant
            // can go to the actor at once: its snapshot already says it waits for a channel.
            grant: () => grant(context.faxId, gateway),
          }),
        ),
      // The call leaves its FreeSWITCH node before the channel is given back, so the grant that
      // follows sees that node's room.
      releaseChannel: ({ context }) => {
        releaseDocumentFile(context.faxId);
        if (context.call) deps.dialer.release(context.call.callUuid);
        deps.scheduler.release(context.faxId);
        if (!context.call) return;
        releaseSlots(context.faxId, context.call.callUuid);
        forgetOutcomeLater(context.faxId, context.call.callUuid);
      },
      // Persist the intent, then dial: the originate waits until FaxSendAttemptStarted (emitted in
      // the same transition, so already queued) is stored. A failed append — a revision conflict
      // means another writer drives this fax — must not dial: this actor stops driving the fax.
      originate: ({ context }, { callUuid, gateway, node, variables }) => {
        const entry = actors.get(context.faxId);
        if (!entry) return;
        entry.appender.flushed().then(
          () => dial(context.faxId, { callUuid, gateway, ...(node === undefined ? {} : { node }), destination: context.to, variables, tiffPath: context.tiffPath }),
          (error: unknown) => abandon(context.faxId, entry, error),
        );
      },
      hangupCall: ({ context }) => {
        if (!context.call) return;
        deps.dialer.hangup(context.call.callUuid, 'ORIGINATOR_CANCEL').catch((error: unknown) => deps.logger.warn({ err: error, faxId: context.faxId }, 'could not hang up'));
      },
    },
  });

  const stillWaiting = (faxId: string, entry: ActorEntry | undefined) =>
    !holding && entry !== undefined && actors.get(faxId) === entry && entry.actor.getSnapshot().status === 'active' && entry.actor.getSnapshot().matches('waitingForChannel');

  /**
   * Granted from inside the scheduler: the fax may have been cancelled or stopped meanwhile. With
   * cluster slots the local grant is only the fax's turn here: the call also needs a slot of the
   * cluster, asked for again and again (keeping the turn) until one is free.
   */
  function grant(faxId: string, gateway: string): void {
    const entry = actors.get(faxId);
    if (!stillWaiting(faxId, entry)) {
      deps.scheduler.release(faxId);
      return;
    }
    const callUuid = randomUUID();
    // The node is chosen with the channel (the one the cluster gave it a slot on, if any), so
    // FaxSendAttemptStarted records where the call goes.
    const granted = (slotNode?: string) => {
      const node = deps.dialer.chooseNode?.(callUuid, slotNode);
      entry!.actor.send({ type: 'channel.granted', at: now(), callUuid, ...(node === undefined ? {} : { node }) });
    };
    if (!ownership.slots) return granted();
    void waitForClusterSlot({
      slots: ownership.slots,
      callUuid,
      gateway,
      retryMs: ownership.slotRetryMs,
      ...(deps.dialer.nodeCandidates ? { nodes: () => deps.dialer.nodeCandidates!() } : {}),
      stillWaiting: () => stillWaiting(faxId, entry),
      granted,
      onError: (error) => deps.logger.warn({ err: error, faxId }, 'could not ask for a cluster channel slot'),
    }).then((taken) => {
      // Stopped waiting meanwhile: its local turn goes to the next fax (unless it is another actor's turn by now).
      if (!taken && (!actors.has(faxId) || actors.get(faxId) === entry)) deps.scheduler.release(faxId);
    });
  }

  function releaseSlots(faxId: string, callUuid: string): void {
    ownership.slots?.release(callUuid).catch((error: unknown) => deps.logger.warn({ err: error, faxId }, 'could not give a cluster channel slot back'));
  }

  /** Stops driving a fax whose events could not be stored: nothing more is dialled for it. */
  function abandon(faxId: string, entry: ActorEntry, error: unknown): void {
    deps.logger.error({ err: error, faxId }, 'attempt not stored: not dialling, and no longer driving this fax');
    deps.scheduler.release(faxId);
    const call = entry.actor.getSnapshot().context.call;
    if (call) releaseSlots(faxId, call.callUuid);
    entry.actor.stop();
    // Whoever won may die too: the lease is free again for the takeover sweep.
    releaseLease(faxId);
  }

  /**
   * The fax's lease lapsed and another instance may drive it now: stop here at once, without
   * touching the call (its new driver reconciles it; the call's cluster slots go with it).
   */
  function leaseLost(faxId: string): void {
    const entry = actors.get(faxId);
    if (!entry) return;
    deps.logger.warn({ faxId }, 'fax lease lost: no longer driving this fax here');
    deps.scheduler.release(faxId);
    const call = entry.actor.getSnapshot().context.call;
    if (call) deps.dialer.release(call.callUuid);
    entry.actor.stop();
  }

  function releaseLease(faxId: string): void {
    ownership.release(faxId).catch((error: unknown) => deps.logger.warn({ err: error, faxId }, 'could not give the fax lease back'));
  }

  /** Stops a fax out of any call and gives its lease up once its events are stored, for another instance to go on at once. */
  function handOver(faxId: string, entry: ActorEntry): void {
    entry.actor.stop();
    void entry.appender.flushed().catch(() => undefined).finally(() => releaseLease(faxId));
  }

  /** The plain TIFF file each fax in a call has open for txfax. */
  const documentFiles = new Map<string, PlainFile>();
  /** Longer than any originate rings: by then the call's txfax has its copy open, or never will. */
  const copyOpenedWithinMs = 10 * 60 * 1000;
  function releaseDocumentFileLater(faxId: string): void {
    const file = documentFiles.get(faxId);
    if (!file) return;
    documentFiles.delete(faxId);
    setTimeout(() => file.release().catch((error: unknown) => deps.logger.warn({ err: error, faxId }, 'could not remove the plain copy of the document')), copyOpenedWithinMs).unref();
  }
  function releaseDocumentFile(faxId: string): void {
    const file = documentFiles.get(faxId);
    if (!file) return;
    documentFiles.delete(faxId);
    file.release().catch((error: unknown) => deps.logger.warn({ err: error, faxId }, 'could not remove the plain copy of the document'));
  }

  async function dial(faxId: string, request: Parameters<FaxDialer['originate']>[0]): Promise<void> {
    if (request.gateway === '') {
      // Submission refuses a tenant without an upstream gateway; this one lost its gateways since.
      deps.logger.warn({ faxId }, "no upstream gateway for this fax's tenant and number, and no global one: not dialling");
      signal(faxId, { type: 'dial.failed', at: now(), error: 'no upstream gateway', cause: NO_GATEWAY_CAUSE });
      return;
    }
    try {
      const overrides: Record<string, string> = deps.useModDbOverrides ? await deps.dialer.overridesFor(request.destination).catch(() => ({})) : {};
      if (Object.keys(overrides).length > 0) {
        // The actor records what is really dialled (FaxDialOverridesApplied), stored before the
        // originate like the attempt itself, so the fax's history never claims the policy's transport.
        signal(faxId, { type: 'dial.overridesApplied', at: now(), overrides });
        await actors.get(faxId)?.appender.flushed();
      }
      // The context's tiffPath is the document id: txfax gets a plain copy made for this call.
      releaseDocumentFile(faxId);
      const file = await deps.documentFile(request.tiffPath);
      documentFiles.set(faxId, file);
      await deps.dialer.originate({ ...request, tiffPath: file.path, variables: { ...request.variables, ...overrides } }, (event) => signal(faxId, event));
    } catch (error) {
      releaseDocumentFile(faxId);
      deps.logger.warn({ err: error, faxId }, 'originate not sent');
      signal(faxId, { type: 'dial.failed', at: now(), error: (error as Error).message });
    }
  }

  async function run(record: OutboundFaxRecord): Promise<void> {
    const faxId = record.queued.faxId;
    if (actors.has(faxId) || record.finished || !record.document) return;
    const log = deps.logger.child({ faxId });
    const gateways = deps.gatewaysFor(record);
    const transport = deps.transportFor(record);
    const input: OutboundFaxInput = {
      faxId,
      tenantId: record.queued.tenantId,
      to: record.queued.to,
      from: record.queued.from,
      // Not a path any more: dial() opens a plain copy of this document for each call.
      tiffPath: record.document.documentId,
      pages: record.document.pages,
      baseVariables: baseVariables(record),
      policy: deps.policyFor(record),
      t38Request: deps.t38RequestFor(record),
      next: record.attempts === 0 ? firstAttemptState(gateways, transport) : restoredSendState(record, gateways, transport),
      attemptLog: record.attemptLog,
      now: deps.clock.now().getTime(),
      ...(record.retryAt !== undefined && !record.inCall ? { retryAt: record.retryAt } : {}),
      ...(record.inCall ? { inCall: record.inCall } : {}),
    };
    if (actors.has(faxId)) return;
    const appender = createStreamAppender(deps.eventStore, faxStream(faxId), {
      expected: record.revision,
      metadata: { correlationId: faxId, tenantId: record.queued.tenantId, actor: 'outboundFax' },
      onError: (error) => log.error({ err: error }, 'could not store fax events'),
      // The notifiers record a sent fax's webhooks in its stream while it is being sent.
      tolerate: isNotificationEvent,
    });
    const actor = createActor(machine, { input });
    actor.on('*', (event) => appender.append({ type: event.type, data: event.data }));
    let resolveDone = () => {};
    const entry: ActorEntry = { actor, appender, done: new Promise<void>((resolve) => (resolveDone = resolve)) };
    const forget = () => {
      if (actors.get(faxId) === entry) {
        actors.delete(faxId);
        // A stopped actor (lease lost, hand-over, shutdown) may leave a call going on that has not
        // opened its copy yet: removed once it must have (or at the next start, after a crash).
        if (actor.getSnapshot().status === 'done') releaseDocumentFile(faxId);
        else releaseDocumentFileLater(faxId);
      }
      resolveDone();
    };
    actor.subscribe({
      // Also reached when the actor is stopped (lease lost, fence lost, hand-over, shutdown).
      complete: () => void appender.flushed().catch(() => undefined).finally(() => {
        if (actor.getSnapshot().status === 'done') releaseLease(faxId);
        forget();
      }),
      error: (error) => {
        log.error({ err: error }, 'outbound fax actor failed');
        deps.scheduler.release(faxId);
        releaseLease(faxId);
        forget();
      },
    });
    actors.set(faxId, entry);
    actor.start();
    if (record.inCall) {
      const { callUuid, node } = record.inCall;
      // A call taken over from an instance that died keeps the cluster channel slots it holds.
      ownership.slots?.adopt(callUuid).catch((error: unknown) => log.warn({ err: error }, 'could not adopt the cluster channel slots of the call'));
      void reconcile(faxId, callUuid, node);
    }
    const cancel = cancelsBeforeStart.get(faxId);
    if (cancel) {
      cancelsBeforeStart.delete(faxId);
      signal(faxId, { type: 'fax.cancel', at: now(), by: cancel });
    }
  }

  /**
   * FreeSWITCH writes a call's outcome record at hang-up, a moment after the events we acted on:
   * it is deleted once the attempt's events are stored and that moment has surely passed.
   */
  function forgetOutcomeLater(faxId: string, callUuid: string): void {
    const appender = actors.get(faxId)?.appender;
    setTimeout(() => {
      void (appender?.flushed() ?? Promise.resolve())
        .then(() => deps.dialer.forgetOutcome(callUuid))
        .catch((error: unknown) => deps.logger.debug({ err: error, faxId, callUuid }, 'could not delete the call outcome record'));
    }, OUTCOME_RECORD_SETTLE_MS).unref();
  }

  function holdNewCalls(): void {
    if (holding) return;
    holding = true;
    heldAt = deps.clock.now().getTime();
    takeover.stop();
    for (const [faxId, entry] of actors) {
      const snapshot = entry.actor.getSnapshot();
      // Requests already queued in the scheduler would be granted as channels free up.
      if (snapshot.matches('waitingForChannel')) deps.scheduler.release(faxId);
      if (OUT_OF_CALL.some((state) => snapshot.matches(state))) handOver(faxId, entry);
    }
  }

  async function load(faxId: string): Promise<OutboundFaxRecord | undefined> {
    return foldOutboundFax(await deps.eventStore.readStream(faxStream(faxId)));
  }

  /**
   * Drives the fax here if its lease can be had: the stream is read after the lease is taken, so
   * the actor starts from what the previous driver stored.
   */
  async function drive(faxId: string): Promise<DriveOutcome> {
    if (actors.has(faxId) || starting.has(faxId)) return 'driving';
    starting.add(faxId);
    try {
      if (!(await ownership.claim(faxId, () => leaseLost(faxId)))) return 'elsewhere';
      try {
        const record = await load(faxId);
        if (!record || record.finished || !record.document) {
          releaseLease(faxId);
          return record ? 'finished' : 'notFound';
        }
        await run(record);
        return 'driving';
      } catch (error) {
        releaseLease(faxId);
        throw error;
      }
    } finally {
      starting.delete(faxId);
    }
  }

  /** Cancels that reached another instance for faxes driven here. */
  async function cancelsFromElsewhere(): Promise<void> {
    if (actors.size === 0) return;
    for (const request of await ownership.cancelRequests()) {
      if (!actors.has(request.faxId)) continue;
      signal(request.faxId, { type: 'fax.cancel', at: now(), by: request.by });
      await request.take();
    }
  }

  const takeover = createTakeoverSweep({
    unfinished: deps.unfinishedFaxIds,
    isLocal: (faxId) => actors.has(faxId) || starting.has(faxId),
    claimedElsewhere: ownership.claimedElsewhere,
    cancelsFromElsewhere,
    drive,
    holding: () => holding,
    logger: deps.logger,
  });

  return {
    async start() {
      await takeover.run();
      takeover.start(ownership.sweepEveryMs);
    },
    queued(faxId) {
      // Shutting down: the fax waits in the store for another instance's sweep (or the next start).
      if (holding) return;
      drive(faxId).then(
        (outcome) => {
          if (outcome === 'notFound') deps.logger.error({ faxId }, 'queued fax has no FaxQueued event');
        },
        (error: unknown) => deps.logger.error({ err: error, faxId }, 'could not start a queued fax'),
      );
    },
    async cancel(faxId, by) {
      const entry = actors.get(faxId);
      if (entry) {
        signal(faxId, { type: 'fax.cancel', at: now(), by });
        return 'cancelled';
      }
      const record = await load(faxId);
      if (!record) return 'notFound';
      if (record.finished || !record.document) return 'finished';
      // Queued a moment ago and its actor is still being set up: it is cancelled as it starts.
      if (actors.has(faxId)) {
        signal(faxId, { type: 'fax.cancel', at: now(), by });
        return 'cancelled';
      }
      cancelsBeforeStart.set(faxId, by);
      const outcome = await drive(faxId);
      if (outcome === 'elsewhere') {
        // Another instance drives it: it finds the request at its next sweep and cancels it there.
        cancelsBeforeStart.delete(faxId);
        await ownership.requestCancel(faxId, by);
        return 'cancelled';
      }
      return outcome === 'driving' ? 'cancelled' : outcome;
    },
    activeFaxIds: () => [...actors.keys()],
    waitingToRetry: () => [...actors.values()].filter(({ actor }) => actor.getSnapshot().matches('waitingToRetry')).length,
    holdNewCalls,
    async drain(timeoutMs) {
      holdNewCalls();
      const entries = [...actors.values()];
      await callsOver(entries.map(({ actor }) => actor), Math.max(0, heldAt + timeoutMs - deps.clock.now().getTime()));
      const ringing = entries.filter(({ actor }) => actor.getSnapshot().status === 'active' && actor.getSnapshot().matches('dialing'));
      if (ringing.length === 0) return;
      deps.logger.info({ faxIds: ringing.map(({ actor }) => actor.getSnapshot().context.faxId) }, 'drain limit reached: hanging up calls not yet answered');
      for (const { actor } of ringing) {
        const call = actor.getSnapshot().context.call;
        if (call) deps.dialer.hangup(call.callUuid, 'NO_ANSWER').catch((error: unknown) => deps.logger.warn({ err: error, callUuid: call.callUuid }, 'could not hang up'));
      }
      await callsOver(ringing.map(({ actor }) => actor), CUT_CALL_GRACE_MS);
    },
    async stop() {
      takeover.stop();
      const entries = [...actors];
      for (const [, { actor }] of entries) actor.stop();
      await Promise.all(entries.map(([, entry]) => entry.appender.flushed().catch(() => undefined)));
      // A call still up goes on in FreeSWITCH: whoever takes the fax next reconciles it at once
      // instead of after the lease time.
      await Promise.all(entries.map(([faxId]) => ownership.release(faxId).catch(() => undefined)));
      actors.clear();
    },
  };
}

/** Channel variables every attempt of the fax gets. */
function baseVariables(record: OutboundFaxRecord): Record<string, string> {
  const fax = record.queued;
  return {
    fax_ident: fax.stationIdent ?? fax.from,
    ...(fax.headerText ? { fax_header: fax.headerText } : {}),
    origination_caller_id_number: (fax.callerIdNumber ?? fax.from).replace(/^\+/, ''),
    origination_caller_id_name: fax.callerIdName ?? fax.from,
    faxengine_fax_id: fax.faxId,
  };
}
