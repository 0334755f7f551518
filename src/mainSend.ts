import type { Logger } from 'pino';
import type { FaxReadModel } from './ports/faxReadModel.js';
import type { RoutingTable } from '../projections/routingTable.js';
import { createNodeDialer } from './adapters/esl/nodeDialer.js';
import { freeswitchNodes } from './config/freeswitchNodes.js';
import type { Config } from './config/schema.js';
import { outboundT38 } from './domain/outbound/outboundT38.js';
import { policyForFax } from './domain/outbound/policyForFax.js';
import type { SendPolicy } from './domain/outbound/sendPolicy.js';
import type { Clock } from './ports/clock.js';
import type { DocumentStore } from './ports/documentStore.js';
import type { EventStore } from './ports/eventStore.js';
import { createChannelScheduler } from './runtime/channelScheduler.js';
import { createOutboundFaxRuntime, type OutboundFaxRuntime } from './runtime/outboundFaxRuntime.js';
import { meteredScheduler } from './adapters/metrics/meteredScheduler.js';
import { noMetrics, type Metrics } from './ports/metrics.js';
import type { ClusterMembership } from './mainCluster.js';
import { createLeaseKeeper } from './runtime/leaseKeeper.js';
import { createClusterChannelSlots } from './runtime/clusterChannelSlots.js';
import { createFaxOwnership } from './runtime/faxOwnership.js';

/**
 * The send path: a dialer pool on FreeSWITCH's inbound event socket, the channel scheduler, and
 * the outbound fax runtime, restored from the event store (the queue is the event store). Among
 * several instances, each drives the faxes whose lease it holds, and the channel limits are slots
 * leased across all of them.
 */
export async function startSendPath(deps: {
  config: Config;
  eventStore: EventStore;
  documents: DocumentStore;
  routing: RoutingTable;
  faxes: FaxReadModel;
  stationNeedsAudio: (e164: string) => boolean;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  cluster: ClusterMembership;
}): Promise<{ runtime: OutboundFaxRuntime; freeswitchConnected(): boolean; nodeConnected(name: string): boolean; close(): Promise<void> }> {
  const { config, logger } = deps;
  const send = config.send;
  const dialer = createNodeDialer({ nodes: freeswitchNodes(config.freeswitch), size: send.dialerConnections, logger: logger.child({ component: 'dialer' }) });
  const channels = meteredScheduler(
    createChannelScheduler({
      // Read at each grant: no more calls than the connected FreeSWITCH nodes have channels for.
      get maxChannels() {
        return Math.min(send.channels, scheduler.inUse() + dialer.room());
      },
      ...(send.channelsPerGateway > 0 ? { maxPerGateway: () => send.channelsPerGateway } : {}),
    }),
    () => deps.clock.now().getTime(),
  );
  const { scheduler } = channels;
  const { instanceId, leases, leaseTtlMs } = deps.cluster;
  const keeper = createLeaseKeeper({ leases, renewEveryMs: Math.max(100, Math.round(leaseTtlMs / 3)), logger: logger.child({ component: 'leases' }) });
  const slots = createClusterChannelSlots({
    leases,
    keeper,
    ttlMs: leaseTtlMs,
    maxChannels: send.channels,
    ...(send.channelsPerGateway > 0 ? { maxPerGateway: () => send.channelsPerGateway } : {}),
  });
  const globalPolicy: SendPolicy = {
    maxAttempts: send.maxAttempts,
    busyRetryDelayMs: send.busyRetryDelayMs,
    noAnswerRetryDelayMs: send.noAnswerRetryDelayMs,
    failureRetryDelayMs: send.failureRetryDelayMs,
    disableEcmAfterAttempts: send.disableEcmAfterAttempts,
    disableV17AfterAttempts: send.disableV17AfterAttempts,
    gatewayCooldownMs: send.gatewayCooldownMs,
  };

  const runtime = createOutboundFaxRuntime({
    eventStore: deps.eventStore,
    dialer,
    scheduler,
    documentFile: (documentId) => deps.documents.openPlainFile(documentId, 'image/tiff'),
    gatewaysFor: (fax) => fax.queued.gateways ?? deps.routing.outboundGateways(fax.queued.tenantId, deps.routing.lookup(fax.queued.from)?.numberId),
    policyFor: (fax) => {
      const { faxId, tenantId } = fax.queued;
      try {
        return policyForFax(globalPolicy, deps.routing.tenantSettings(tenantId)?.sendPolicy, fax.queued.policy, (error, level) => {
          logger.warn({ err: error, faxId, tenantId, level }, 'send policy override ignored');
        });
      } catch (error) {
        // Only an invalid global policy gets here, and the configuration schema rules that out at start-up.
        logger.warn({ err: error, faxId }, 'send policy ignored');
        return globalPolicy;
      }
    },
    transportFor: (fax) => ({ ecm: true, v17: true, t38: outboundT38(fax.queued, config.fax.t38, deps.stationNeedsAudio(fax.queued.to)).t38 }),
    t38RequestFor: (fax) => outboundT38(fax.queued, config.fax.t38, deps.stationNeedsAudio(fax.queued.to)).request,
    unfinishedFaxIds: () => deps.faxes.unfinishedOutbound(),
    ownership: createFaxOwnership({ leases, keeper, instanceId, ttlMs: leaseTtlMs, slots }),
    useModDbOverrides: send.modDbOverrides,
    clock: deps.clock,
    logger: logger.child({ component: 'outbound' }),
  });
  try {
    await runtime.start();
  } catch (error) {
    keeper.stop();
    throw error;
  }
  // A node that comes back (or connects late) adds channels; faxes waiting for one go at once.
  const wakeWhenRoom = setInterval(() => {
    if (scheduler.waiting() > 0 && dialer.room() > 0) scheduler.wake?.();
  }, 1000).unref();
  const metrics = deps.metrics ?? noMetrics;
  metrics.gauge('callsInProgress', () => dialer.callsByNode().map(({ node, calls }) => [{ direction: 'outbound', node }, calls] as const));
  metrics.gauge('sendChannelsInUse', () => channels.inUseByGateway());
  metrics.gauge('sendQueue', () => [
    [{ state: 'waiting_for_channel' }, scheduler.waiting()],
    [{ state: 'waiting_to_retry' }, runtime.waitingToRetry()],
  ]);
  metrics.gauge('sendQueueOldestAge', () => channels.oldestWaitSeconds());
  metrics.gauge('freeswitchUp', () => freeswitchNodes(config.freeswitch).map(({ name }) => [{ node: name, connection: 'dialer' }, dialer.nodeConnected(name) ? 1 : 0] as const));

  return {
    runtime,
    freeswitchConnected: () => dialer.connected(),
    nodeConnected: (name) => dialer.nodeConnected(name),
    async close() {
      clearInterval(wakeWhenRoom);
      await runtime.drain(config.fax.drainTimeoutMs);
      await runtime.stop();
      keeper.stop();
      await dialer.close();
    },
  };
}
