import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pino } from 'pino';
import { createFileDocumentStore } from '../../src/adapters/documents/fileDocumentStore.js';
import { createFaxDialerPool } from '../../src/adapters/esl/faxDialerPool.js';
import { createNodeDialer } from '../../src/adapters/esl/nodeDialer.js';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore.js';
import type { FaxQueuedData } from '../../src/domain/outbound/outboundFaxEvents.js';
import { defaultSendPolicy } from '../../src/domain/outbound/sendPolicy.js';
import { faxStream } from '../../src/domain/streams.js';
import { systemClock } from '../../src/ports/clock.js';
import type { EventStore } from '../../src/ports/eventStore.js';
import { createChannelScheduler } from '../../src/runtime/channelScheduler.js';
import { createClusterChannelSlots } from '../../src/runtime/clusterChannelSlots.js';
import { createFaxOwnership, soloOwnership } from '../../src/runtime/faxOwnership.js';
import { createLeaseKeeper } from '../../src/runtime/leaseKeeper.js';
import { createOutboundFaxRuntime } from '../../src/runtime/outboundFaxRuntime.js';
import { makeFaxTiff } from './faxFixtures.js';

/**
 * One faxengine instance's send path in this process, on its own connections to a shared
 * PostgreSQL event store and its own dialer connections to a shared simulator: what several
 * processes would each run, without their API.
 */
export async function startSendInstance(options: {
  url: string;
  esl: { host: string; port: number };
  documentsDir: string;
  /** Faxes the instance restores at start and may take over (the read model's unfinished list). */
  unfinished: () => string[];
  /** 'leases': the cluster's leases; 'everyFax': every instance believes every fax is its own (leases that overlap). */
  ownership: 'leases' | 'everyFax';
  channels?: number;
  ttlMs?: number;
  /** Dial through these FreeSWITCH nodes (the simulator at `esl` as each), as `freeswitch.nodes` does, instead of one plain dialer. */
  nodeChannels?: number;
}) {
  const logger = pino({ level: process.env.SEND_CLUSTER_LOG ?? 'silent' });
  const instanceId = `instance-${randomUUID().slice(0, 8)}`;
  const eventStore = await createPostgresEventStore({ connectionString: options.url, poolSize: 4 });
  // Its own tag: a start sweeps only its own plain copies, never those another instance's calls read.
  const documents = createFileDocumentStore(options.documentsDir, { instanceTag: instanceId });
  const dialer =
    options.nodeChannels === undefined
      ? createFaxDialerPool({ ...options.esl, password: 'ClueCon', logger, size: 2 })
      : createNodeDialer({ nodes: [{ name: 'fs1', esl: `${options.esl.host}:${options.esl.port}`, password: 'ClueCon', channels: options.nodeChannels, weight: 1, switchname: 'fs1' }], size: 2, logger });
  const ttlMs = options.ttlMs ?? 2000;
  const channels = options.channels ?? 10;
  const leases = eventStore.leases!;
  const keeper = createLeaseKeeper({ leases, renewEveryMs: Math.round(ttlMs / 3), logger });
  const slots = createClusterChannelSlots({ leases, keeper, ttlMs, maxChannels: channels });
  const runtime = createOutboundFaxRuntime({
    eventStore,
    dialer,
    scheduler: createChannelScheduler({ maxChannels: channels }),
    documentFile: (documentId) => documents.openPlainFile(documentId, 'image/tiff'),
    gatewaysFor: () => ['gw1'],
    policyFor: () => defaultSendPolicy,
    transportFor: () => ({ ecm: true, v17: true, t38: false }),
    t38RequestFor: () => false,
    unfinishedFaxIds: options.unfinished,
    useModDbOverrides: false,
    ...(options.ownership === 'leases' ? { ownership: createFaxOwnership({ leases, keeper, instanceId, ttlMs, slots }) } : { ownership: soloOwnership }),
    clock: systemClock,
    logger,
  });
  await dialer.ready();
  return {
    instanceId,
    eventStore,
    runtime,
    async close() {
      await runtime.stop();
      keeper.stop();
      await dialer.close();
      await eventStore.close();
    },
  };
}

/** Stores a fax the way the submission API does (FaxQueued + FaxDocumentPrepared), without starting it anywhere. */
export async function storeQueuedFax(eventStore: EventStore, documentsDir: string, to: string, pages = 1): Promise<string> {
  const documents = createFileDocumentStore(documentsDir, { instanceTag: 'seeding' });
  const faxId = randomUUID();
  const tiff = join(documentsDir, `${faxId}.tif`);
  await makeFaxTiff(tiff, pages);
  const document = await documents.putTiff(tiff);
  const queued: FaxQueuedData = {
    faxId,
    direction: 'outbound',
    tenantId: 'tenant-1',
    from: '+15551230000',
    to,
    resolution: 'fine',
    pageSize: 'letter',
    files: [{ name: 'doc.tif', contentType: 'image/tiff', bytes: document.bytes }],
    submittedBy: { kind: 'admin' },
    queuedAt: new Date().toISOString(),
  };
  await eventStore.append(
    faxStream(faxId),
    [
      { type: 'FaxQueued', data: queued, metadata: { tenantId: queued.tenantId } },
      { type: 'FaxDocumentPrepared', data: { faxId, documentId: document.id, pages: document.pages }, metadata: { tenantId: queued.tenantId } },
    ],
    'no_stream',
  );
  return faxId;
}
