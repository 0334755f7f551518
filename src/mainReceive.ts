import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { FaxReadModel } from './ports/faxReadModel.js';
import type { RoutingTable } from '../projections/routingTable.js';
import { deleteOutcomeRecord, readOutcomeRecord } from './adapters/esl/faxOutcomeRecord.js';
import { createNodeCallControls } from './adapters/esl/nodeCallControls.js';
import { startOutboundSocketServer, type OutboundSocketListener } from './adapters/esl/outboundSocketServer.js';
import { freeswitchNodes } from './config/freeswitchNodes.js';
import type { Config } from './config/schema.js';
import type { DeliveryRequest, FaxRoutedData } from './domain/fax/deliveryPlan.js';
import type { CallOffer } from './domain/fax/inboundFaxEvents.js';
import { screenInboundCall, type InboundPolicy, type ScreeningLookups } from './domain/fax/inboundScreening.js';
import { tryE164 } from './domain/tenancy/e164.js';
import { privacyFor } from './domain/tenancy/types.js';
import type { Clock } from './ports/clock.js';
import type { DocumentStore } from './ports/documentStore.js';
import type { EventStore } from './ports/eventStore.js';
import { startStationKnowledge, type StationReadModels } from './reactors/stationLearning.js';
import type { ReactorRunner } from './reactors/leasedReactor.js';
import type { ParkedEventLog } from './reactors/parkedEvents.js';
import { createInboundFaxRuntime } from './runtime/inboundFaxRuntime.js';
import { reconcileInboundFaxes, waitWhileLive } from './runtime/reconcileInboundFaxes.js';
import { sweepSpool } from './runtime/sweepSpool.js';
import { planDelivery, planOutboundRelay } from '../projections/deliveryPlanning.js';
import { noMetrics, type Metrics } from './ports/metrics.js';

/** Part of the composition root: the receive path (outbound-socket server, actors, station knowledge). */
export async function startReceivePath(deps: {
  config: Config;
  eventStore: EventStore;
  documents: DocumentStore;
  routing: RoutingTable;
  faxes: FaxReadModel;
  /** The projection runner that folds the `stations` read model. */
  readModels: StationReadModels;
  /** `socket.listen`, bound before anything else started (see bindListeners). */
  socketListener: OutboundSocketListener;
  parked?: ParkedEventLog;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  /** Runs station learning on one instance of the cluster. */
  reactors?: ReactorRunner;
}) {
  const { config, logger } = deps;
  const metrics = deps.metrics ?? noMetrics;
  const spoolDir = config.fax.spoolDir ?? join(config.dataDir, 'spool');
  mkdirSync(spoolDir, { recursive: true });
  const toE164 = (raw: string) => tryE164(raw, config.numbers.defaultCountry);

  const stations = await startStationKnowledge({
    eventStore: deps.eventStore,
    readModels: deps.readModels,
    policy: { troublesBeforeFallback: config.fax.troublesBeforeFallback, cleanAudioFaxesBeforeRetry: config.fax.cleanAudioFaxesBeforeRetry },
    toE164,
    logger,
    ...(deps.parked ? { parked: deps.parked } : {}),
    ...(deps.reactors ? { reactors: deps.reactors } : {}),
  });
  const lookups: ScreeningLookups = {
    sourceGateway: (ip) => {
      const source = deps.routing.gatewayForSourceIp(ip);
      return source && { gateway: source.gateway, role: source.role, tenantId: source.tenantId };
    },
    route: (e164) => {
      const route = deps.routing.lookup(e164);
      if (!route) return undefined;
      // Endpoints come ordered by priority: the first live-bridge gateway wins.
      const bridge = route.endpoints.find((endpoint) => endpoint.bridge && endpoint.target.kind === 'gateway');
      return {
        tenantId: route.tenantId,
        stationIdent: route.settings.stationIdent,
        pageHeader: route.settings.faxHeader,
        ...(bridge?.target.kind === 'gateway' ? { bridgeGateway: bridge.target.gateway } : {}),
      };
    },
    toE164,
    stationNeedsAudio: stations.needsAudio,
    canSendOut: (tenantId) => deps.routing.outboundGateways(tenantId).length > 0,
  };
  const policy: InboundPolicy = {
    recipientFrom: config.fax.recipientFrom,
    ringDelayMs: config.fax.answerDelayMs,
    silenceMs: config.fax.silenceMs,
    t38: config.fax.t38,
    spoolDir,
  };
  const deliveryPlan = (fax: DeliveryRequest): FaxRoutedData => {
    if (fax.purpose !== 'outbound-relay') return planDelivery(fax, deps.routing.lookup(fax.recipient));
    // The sending number's own upstream gateways come first when the caller is one of the tenant's numbers.
    const sender = fax.sender ? deps.routing.lookup(fax.sender) : undefined;
    const own = sender?.tenantId === fax.tenantId ? sender : undefined;
    const privacy = own?.privacy ?? privacyFor(deps.routing.tenantSettings(fax.tenantId), undefined);
    return planOutboundRelay(fax, deps.routing.outboundGatewayEndpoints(fax.tenantId, own?.numberId), privacy);
  };
  const nodes = freeswitchNodes(config.freeswitch);
  const controls = createNodeCallControls(nodes, logger);
  /** The node of each live call, for commands about it after its socket is gone (bounded: oldest forgotten). */
  const callNodes = new Map<string, string>();
  const nodeOfCall = (callUuid: string) => callNodes.get(callUuid);
  const recordedOutcome = async (callUuid: string, node = nodeOfCall(callUuid)) => {
    const control = controls.of(node);
    return readOutcomeRecord((command) => control.api(command), callUuid);
  };
  const forgetOutcome = async (callUuid: string, node = nodeOfCall(callUuid)) => {
    const control = controls.of(node);
    try {
      await deleteOutcomeRecord((command) => control.api(command), callUuid);
    } finally {
      callNodes.delete(callUuid);
    }
  };
  /** A call whose socket was lost goes on in FreeSWITCH: wait (bounded) for its end and read its record. */
  const awaitCallEnd = async (callUuid: string) => {
    const node = nodeOfCall(callUuid);
    const callControl = controls.of(node);
    await untilConnected(node, Date.now() + 30_000);
    if (await waitWhileLive({ callControl, clock: deps.clock }, callUuid)) await callControl.hangup(callUuid, 'NORMAL_TEMPORARY_FAILURE');
    return recordedOutcome(callUuid, node);
  };
  /** Resolves once the node's control connection is up (any node's, for an unknown node); rejects at the deadline. */
  const untilConnected = async (node: string | undefined, deadline: number) => {
    const known = node !== undefined && nodes.some((candidate) => candidate.name === node);
    while (known ? !controls.connected(node) : !controls.anyConnected()) {
      if (Date.now() >= deadline) throw new Error(node === undefined ? 'FreeSWITCH not reachable' : `FreeSWITCH node ${node} not reachable`);
      await new Promise((resolve) => setTimeout(resolve, 250).unref());
    }
  };
  const screen = (offer: CallOffer, faxId: string) => screenInboundCall(offer, lookups, policy, faxId);
  const runtime = createInboundFaxRuntime({
    eventStore: deps.eventStore,
    documents: deps.documents,
    screen,
    planDelivery: deliveryPlan,
    forgetOutcome,
    awaitCallEnd,
    newFaxId: randomUUID,
    noFaxToneTimeoutMs: config.fax.noFaxToneTimeoutMs,
    clock: deps.clock,
    logger,
  });

  let closing = false;
  const sweep = () =>
    sweepSpool({ spoolDir, eventStore: deps.eventStore, logger }).catch((error: unknown) => logger.warn({ err: error }, 'could not sweep the spool directory'));
  // After reconciliation too: it stores the spool files of the faxes it closes.
  void sweep();
  void reconcileWhenConnected().then(sweep);

  const socketServer = await startOutboundSocketServer({
    listener: deps.socketListener,
    setupConcurrency: config.socket.setupConcurrency,
    setupTimeoutMs: config.socket.setupTimeoutMs,
    maxCallsPerSecond: config.socket.maxCallsPerSecond,
    admissionMaxLoad: config.socket.admissionMaxLoad,
    onAdmissionDeferred: (reason) => metrics.count('admissionDeferrals', { reason }),
    logger,
    nodeOf: controls.nodeOf,
    onCall: (call) => {
      if (call.offer.node) {
        callNodes.set(call.offer.callUuid, call.offer.node);
        if (callNodes.size > 100_000) callNodes.delete(callNodes.keys().next().value!);
      }
      void runtime.handleCall(call);
    },
  });
  logger.info({ address: `${socketServer.address.address}:${socketServer.address.port}` }, 'accepting FreeSWITCH outbound sockets');
  // The allow-list's listener runs first and destroys a refused connection on the spot.
  deps.socketListener.server.on('connection', (socket: { destroyed: boolean }) => {
    if (socket.destroyed) metrics.count('socketsRefused');
  });
  // Inbound calls are counted per process; with several nodes they are not told apart here.
  const inboundNode = nodes.length === 1 ? nodes[0]!.name : 'all';
  metrics.gauge('callsInProgress', () => [[{ direction: 'inbound', node: inboundNode }, runtime.liveFaxIds().length]]);
  metrics.gauge('freeswitchUp', () => nodes.map(({ name }) => [{ node: name, connection: 'control' }, controls.connected(name) ? 1 : 0] as const));

  /** Faxes left open by an earlier process are closed once FreeSWITCH can be asked about their calls. */
  async function reconcileWhenConnected(): Promise<void> {
    const live = new Set(runtime.liveFaxIds());
    const open = deps.faxes
      .openInbound()
      .filter((fax) => !live.has(fax.faxId))
      .map((fax) => ({ faxId: fax.faxId, callUuid: fax.callUuid, tenantId: fax.tenantId, pages: fax.pages, spoolPath: join(spoolDir, `${fax.faxId}.tif`) }));
    // FreeSWITCH may drop between `ready` and a command: try again until it worked or we stop.
    for (let attempt = 1; open.length > 0 && !closing; attempt++) {
      try {
        await controls.ready();
        const closed = await reconcileInboundFaxes({
          open,
          eventStore: deps.eventStore,
          callControl: controls.of(undefined),
          // Each call is asked about on the node it was offered on: a call on a node that is down stays open.
          callControlFor: (node) => controls.of(node),
          documents: deps.documents,
          planDelivery: deliveryPlan,
          screen,
          recordedOutcome,
          forgetOutcome,
          clock: deps.clock,
          logger,
        });
        logger.info({ closed }, 'reconciled faxes interrupted by a restart');
        return;
      } catch (error) {
        logger.warn({ err: error, attempt }, 'could not reconcile interrupted faxes yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * attempt, 30_000)).unref());
      }
    }
  }

  return {
    socketAddress: socketServer.address,
    runtime,
    stations,
    /** A call-control connection to a FreeSWITCH node is up (for `/readyz`). */
    freeswitchConnected: () => controls.anyConnected(),
    /** This node's call-control connection is up. */
    nodeConnected: (name: string) => controls.connected(name),
    /** Stops taking calls, lets calls in progress finish (bounded), then stops the rest. */
    async close() {
      closing = true;
      await socketServer.stopAccepting();
      await runtime.drain(config.fax.drainTimeoutMs);
      await stations.stop();
      await controls.close();
    },
  };
}
