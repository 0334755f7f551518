import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './api/app.js';
import { createWebConsole } from './console/webConsole.js';
import type { Config } from './config/schema.js';
import { freeswitchNodes } from './config/freeswitchNodes.js';
import { maskConfig } from './config/maskConfig.js';
import { openProtectedEventStore } from './adapters/eventStore/personalData/openProtectedEventStore.js';
import type { PersonalDataShredder } from './ports/personalData.js';
import { tryE164 } from './domain/tenancy/e164.js';
import { createInProcessBus } from './adapters/inProcessBus/inProcessBus.js';
import { createEventPublisher, type EventPublisher } from './reactors/eventPublisher.js';
import { clusterMembership } from './mainCluster.js';
import { createClusterReactors } from './mainReactors.js';
import { createParkedEventLog } from './reactors/parkedEvents.js';
import type { EventStore } from './ports/eventStore.js';
import { version } from './version.js';
import { createTenancyApi } from './api/tenancyApi.js';
import { tenancyAuthOptions } from './mainAuth.js';
import { systemClock } from './ports/clock.js';
import { openReadModels } from './reactors/readModels.js';
import { join } from 'node:path';
import { createFileDocumentStore } from './adapters/documents/fileDocumentStore.js';
import { createPageImageCache } from './adapters/documents/pageImageCache.js';
import { createProcessPool } from './adapters/documents/processPool.js';
import { startReceivePath } from './mainReceive.js';
import { createSubmissionApi, routingLookups } from './mainSubmission.js';
import { createFaxResend } from './api/services/faxResend.js';
import { startSendPath } from './mainSend.js';
import { startFaxRelay } from './reactors/faxRelay.js';
import { startStoreNothingPurge } from './reactors/storeNothingPurge.js';
import { readTiffPageFormat } from './adapters/documents/tiffPageFormat.js';
import { startNotifiers } from './mainNotify.js';
import { hostname } from 'node:os';
import { bindListeners, type BoundListeners } from './startup/bindListeners.js';
import { firstStartMessage, resolveAdminApiKey } from './startup/adminApiKey.js';
import { readinessChecks } from './startup/readinessChecks.js';
import { createServerMetrics } from './mainMetrics.js';
import { findTenant } from '../projections/directoryQueries.js';
import { readModelStreamPrefixes } from '../projections/readModelProjections.js';
import { loadExportSigner } from './exports/exportSigningKey.js';
import { loadKeyRing, type EncryptionSettings } from './adapters/crypto/loadKeyRing.js';
import { createReloadableKeyRing } from './adapters/crypto/reloadableKeyRing.js';
import { startAtRestEncryption } from './mainEncryption.js';
import type { ReencryptableStore } from './ports/atRestData.js';
import type { EncryptionStatus } from './domain/encryptionStatus.js';
import { startRecords } from './mainRecords.js';
import type { Clock } from './ports/clock.js';
import { createAccessTrail } from './mainAccessTrail.js';

export interface RunningServer {
  /** Where the HTTP API listens (the real port when the config asked for port 0). */
  httpAddress: AddressInfo;
  /** Where FreeSWITCH's outbound sockets connect. */
  socketAddress: AddressInfo;
  eventStore: EventStore;
  /** Destroys a fax's personal-data key (README: Crypto-shredding of personal data). */
  personalData: PersonalDataShredder;
  /** Reloads the at-rest key ring after a rotation (SIGHUP): see `POST /v1/admin/encryption/reload`. */
  reloadKeys(): Promise<EncryptionStatus>;
  /**
   * Drains: `/readyz` and the API answer 503 at once (requests in progress finish), the calls in
   * progress finish, then the HTTP listener and the stores close.
   */
  close(): Promise<void>;
}

/** What tests may change of a server started in their process. */
export interface ServerOptions {
  /** The clock retention is counted by (tests make faxes old without waiting days); default the system's. */
  recordsClock?: Clock;
  /** Where a key ring reload reads `encryption.*` from (the serve command reads the config file again); default the config given. */
  encryptionSettings?: () => EncryptionSettings;
  /**
   * Smaller bounds for the caches that fill with every new fax (a memory test fills them in a few
   * hundred faxes, then sees what more faxes leave behind); default the production ones.
   */
  cacheLimits?: {
    /** The read models' documents of each history collection (fax views…): 5,000. */
    readModelDocuments?: number;
    /** Unwrapped per-fax personal-data keys: 10,000. */
    personalDataKeys?: number;
    /** Newest events the SQLite event store keeps in memory: 8,192. */
    recentEvents?: number;
  };
}

/**
 * The composition root: the only place that picks concrete adapters. Every listener is bound
 * first, so a busy port stops the start before the store or FreeSWITCH were touched.
 */
export async function startServer(config: Config, logger: Logger, options: ServerOptions = {}): Promise<RunningServer> {
  logger.info({ config: maskConfig(config), version }, 'starting faxengine');
  const listeners = await bindListeners(config, logger);
  try {
    return await startBehindListeners(listeners, config, logger, options);
  } catch (error) {
    await listeners.close(0);
    throw error;
  }
}

async function startBehindListeners(listeners: BoundListeners, config: Config, logger: Logger, options: ServerOptions): Promise<RunningServer> {
  const { gate, httpAddress } = listeners;
  mkdirSync(config.dataDir, { recursive: true });
  // At-rest keys (README: Encryption at rest): documents and the per-fax keys of personal data are sealed under them.
  // Reloadable (SIGHUP, POST /v1/admin/encryption/reload): every holder sees the rotated keys at once.
  const keyRing = createReloadableKeyRing(() => loadKeyRing(options.encryptionSettings?.() ?? config.encryption, config.dataDir));
  const meters = createServerMetrics(config);
  const { metrics } = meters;
  // Personal fields of fax and station events sealed under a key per fax / station (README:
  // Crypto-shredding): `personalData.forgetFax` destroys a fax's key (the purge runner calls it);
  // `sealed.personalDataKeys` is a ReencryptableStore for the re-encryption job.
  const limits = options.cacheLimits ?? {};
  const sealed = await openProtectedEventStore(config.eventStore!, keyRing, {
    toE164: (raw) => tryE164(raw, config.numbers.defaultCountry),
    ...(limits.personalDataKeys === undefined ? {} : { cacheSize: limits.personalDataKeys }),
    ...(limits.recentEvents === undefined ? {} : { recentEvents: limits.recentEvents }),
  });
  const { personalData } = sealed;
  const eventStore = meters.meter(sealed.eventStore);
  const { brokers, clientId, topic, partitions, replicationFactor } = config.kafka;
  // kafkajs is loaded only when brokers are configured.
  const bus = brokers.length > 0 ? (await import('./adapters/kafka/kafkaBus.js')).createKafkaBus({ brokers, clientId, logger }) : createInProcessBus();
  // Events a reactor gave up on, from every reactor, for the admin API.
  const parked = createParkedEventLog(eventStore);
  // Relay, station learning, the publisher and the notifiers run on one instance of the cluster at a time.
  // One membership for the whole process: its reactors and its faxes are leased under the same instance id.
  const membership = clusterMembership(config, eventStore, systemClock);
  const cluster = createClusterReactors({ membership, logger, metrics });
  let publisher: EventPublisher | undefined;
  const publishing = cluster.run(`bus-publisher:${topic}`, async () => {
    const started = createEventPublisher({ eventStore, bus, topic, topicOptions: { partitions, replicationFactor, ...topicRetention(config) }, logger, parked });
    await started.start();
    return (publisher = started);
  });

  // Resumes from the read store's checkpoints, so start-up replays only what it has not seen.
  const readModels = openReadModels({ dataDir: config.dataDir, eventStore, logger, defaultCountry: config.numbers.defaultCountry, cacheEntries: limits.readModelDocuments });
  await readModels.runner.start();
  meters.trackReactor('projections', readModelStreamPrefixes, () => readModels.runner.position);
  meters.trackReactor(`bus-publisher:${topic}`, ['fax-'], () => publisher?.checkpoint ?? 0, () => cluster.active(`bus-publisher:${topic}`));
  for (const name of ['station-learning', 'fax-relay', 'store-nothing', 'purge-runner', ...(brokers.length > 0 ? [] : ['notifiers'])]) meters.trackReactor(name, ['fax-'], undefined, () => cluster.active(name));
  const admin = resolveAdminApiKey(config.admin.apiKey, config.dataDir, config.admin.generateApiKey);
  const tenancy = createTenancyApi({
    eventStore,
    clock: systemClock,
    adminApiKey: admin.key,
    defaultCountry: config.numbers.defaultCountry,
    retentionLimits: config.records.retention,
    readModel: (projection) => readModels.runner.view(projection),
    settle: (position) => readModels.runner.waitFor(position),
    ...tenancyAuthOptions(config),
  });
  if (!admin.key) logger.warn('admin API disabled: set admin.apiKey (FAXENGINE_ADMIN_API_KEY) to enable it');
  else if (admin.path) logger.info({ path: admin.path, generated: admin.source === 'generated' }, 'admin API key from the data directory');

  const documentsDir = config.documentsDir ?? join(config.dataDir, 'documents');
  const pageImagesDir = join(documentsDir, 'page-images');
  const documents = createFileDocumentStore(documentsDir, { keyRing, encrypt: () => config.encryption.documents, instanceTag: membership.instanceId, pageImagesDir, logger });
  const { faxes, notifications } = readModels;
  const receive = await startReceivePath({ config, eventStore, documents, routing: readModels.routing, faxes, readModels: readModels.runner, socketListener: listeners.socket, parked, clock: systemClock, logger, metrics, reactors: cluster.run });
  const notifiers = await startNotifiers({
    config,
    eventStore,
    bus,
    documents,
    view: (projection) => readModels.runner.view(projection),
    notifications,
    clock: systemClock,
    logger,
    publicBaseUrl: () => config.notifications.publicUrl ?? localBaseUrl(httpAddress),
    reactors: cluster.run,
  });

  const sendPath = await startSendPath({
    config,
    eventStore,
    documents,
    routing: readModels.routing,
    faxes,
    stationNeedsAudio: receive.stations.needsAudio,
    clock: systemClock,
    logger,
    metrics,
    cluster: membership,
  });
  const nodeConnected = (name: string) => receive.nodeConnected(name) && sendPath.nodeConnected(name);
  metrics.gauge('freeswitchConnected', () => freeswitchNodes(config.freeswitch).map(({ name }) => [{ node: name }, nodeConnected(name) ? 1 : 0] as const));
  const relay = cluster.run('fax-relay', () =>
    startFaxRelay({
      eventStore,
      documents,
      queued: (faxId) => sendPath.runtime.queued(faxId),
      pageFormatOf: (documentId) => documents.withPlainFile(documentId, 'image/tiff', readTiffPageFormat),
      callerIdOf: (tenantId, from) => readModels.routing.callerIdFor(tenantId, from),
      clock: systemClock,
      logger,
      parked,
    }),
  );
  // The store-nothing privacy option: purge requests once a fax's deliveries are confirmed.
  const storeNothing = cluster.run('store-nothing', () => startStoreNothingPurge({ eventStore, clock: systemClock, logger, parked }));
  const submission = createSubmissionApi({ config, eventStore, documents, routing: readModels.routing, control: sendPath.runtime, clock: systemClock, logger, metrics });

  // Page images are derived data next to the documents; the API and the console share one cache.
  // README: Access trail. Reads are reported in memory and appended in batches: no I/O on a read.
  const accessTrail = createAccessTrail(config, { eventStore, clock: systemClock, logger, trail: readModels.access });
  const { access } = accessTrail;
  const pageImages = createPageImageCache({ documents, cacheDir: pageImagesDir, pool: createProcessPool({ concurrency: 2 }), logger });
  // Retention and purge (README: Retention and purge): the purge runner and the retention sweep, each on one instance.
  const records = startRecords({
    config,
    eventStore,
    readModels: readModels.runner,
    directory: tenancy.directory,
    // The event store's crypto-shredding: forgets the fax's per-fax key.
    shredder: personalData,
    documents,
    documentsDir,
    pageImagesDir,
    spoolDir: config.fax.spoolDir ?? join(config.dataDir, 'spool'),
    clock: options.recordsClock ?? systemClock,
    logger,
    metrics,
    parked,
    reactors: cluster.run,
  });
  // Everything sealed under the key ring: the re-encryption after a rotation walks each (README: Encryption at rest).
  const atRestStores: ReencryptableStore[] = [documents.reencryptable, ...(pageImages.reencryptable ? [pageImages.reencryptable] : []), sealed.personalDataKeys];
  const encryption = startAtRestEncryption({
    keyRing,
    stores: () => atRestStores,
    sealsDocuments: config.encryption.documents,
    ratePerSecond: config.encryption.reencryptRate,
    run: cluster.run,
    logger,
    metrics,
  });
  const webConsole = createWebConsole({
    faxes,
    eventStore,
    documents,
    pageImages,
    auth: tenancy.auth,
    credentials: tenancy.credentials,
    clock: systemClock,
    onApplied: (listener) => readModels.runner.onApplied(listener),
    stats: readModels.runner,
    tenantName: (tenantId) => findTenant(tenancy.directory(), tenantId)?.name,
    settle: (position) => readModels.runner.waitFor(position),
    sessionIdleTimeoutMs: config.console.sessionIdleTimeout,
    trustedProxies: config.auth.trustedProxies,
    tenancy,
    stations: { stations: receive.stations, settle: receive.stations.settled },
    notifications,
    access,
    accessTrail: readModels.access,
    send: { submission: submission.service, resend: createFaxResend({ eventStore, documents, ...routingLookups(readModels.routing), control: sendPath.runtime, clock: systemClock, defaultCountry: config.numbers.defaultCountry, logger }), directory: tenancy.directory },
  });
  // Documents are shared between instances and sealed: a key generated into each data dir opens only that instance's.
  if (config.encryption.keys === undefined && config.encryption.keyFile === undefined && /^postgres/.test(config.eventStore ?? '')) logger.warn({ keys: keyRing.keyIds }, 'encryption.keys / encryption.keyFile not set: this instance seals documents with a key of its own data dir; give every instance the same keys');
  const exportKeys = loadExportSigner(config.exports.signingKey, config.dataDir);
  // On a shared store the instances are a cluster: each would sign with a key of its own data dir.
  if (!config.exports.signingKey && /^postgres/.test(config.eventStore ?? '')) logger.warn({ keyId: exportKeys.publicKey.keyId }, 'exports.signingKey not set: this instance signs exports with its own key; set the same key on every instance');
  const app = createApp({
    eventStore,
    logger,
    version,
    maxJsonBodyBytes: config.http.maxJsonBodyBytes,
    tenancy,
    faxes: { faxes, eventStore, documents, auth: tenancy.auth, access, signer: { keyId: exportKeys.publicKey.keyId, sign: exportKeys.sign } },
    stations: { stations: receive.stations, settle: receive.stations.settled, eventStore, clock: systemClock, defaultCountry: config.numbers.defaultCountry, auth: tenancy.auth },
    notifications: { notifications, faxes, eventStore, clock: systemClock, auth: tenancy.auth, tenantWebhookSecret: (tenantId) => (readModels.routing.tenantSettings(tenantId) ? notifiers.tenantWebhookSecret(tenantId) : undefined) },
    documentLinks: { verify: notifiers.links.verify, faxes, documents, clock: systemClock, access },
    submission: { ...submission, auth: tenancy.auth },
    parkedEvents: { parked: () => parked.all(), auth: tenancy.auth },
    ...(meters.route ? { metrics: meters.route } : {}),
    pageImages: { faxes, documents, auth: tenancy.auth, pageImages, access },
    exports: { faxes, eventStore, documents, auth: tenancy.auth, directory: tenancy.directory, signer: exportKeys, clock: systemClock, version, logger, access },
    access: { access: readModels.access, faxes, eventStore, directory: tenancy.directory, credentials: tenancy.credentials, auth: tenancy.auth, clock: systemClock, signer: { keyId: exportKeys.publicKey.keyId, sign: exportKeys.sign } },
    encryption: { status: encryption.status, reload: encryption.reload, auth: tenancy.auth },
    stats: { stats: readModels.runner, clock: systemClock, defaultCountry: config.numbers.defaultCountry, auth: tenancy.auth },
    purges: { purges: records.purges, auth: tenancy.auth },
    console: webConsole.routes,
    readiness: readinessChecks(config, { control: receive.freeswitchConnected, dialer: sendPath.freeswitchConnected, node: nodeConnected }),
  });
  gate.open(app.fetch);
  logger.info({ address: `${httpAddress.address}:${httpAddress.port}` }, 'HTTP API listening');
  // Shown once, on the terminal rather than in the logs that get shipped elsewhere.
  if (admin.source === 'generated') process.stderr.write(firstStartMessage({ ...admin, key: admin.key!, path: admin.path! }, localBaseUrl(httpAddress)));

  return {
    httpAddress,
    socketAddress: receive.socketAddress,
    eventStore,
    personalData,
    reloadKeys: () => encryption.reload(),
    async close() {
      // Out of the load balancer at once, and no new requests: the README promises it.
      gate.drain();
      webConsole.close();
      logger.info('draining: the API answers 503 until the calls in progress have finished');
      // Then the calls: no new ones (no new outbound call either: retries wait for the next start),
      // and those in progress may finish and store their events.
      sendPath.runtime.holdNewCalls();
      await receive.close();
      await relay.stop();
      await storeNothing.stop();
      await records.close();
      await encryption.close();
      await sendPath.close();
      // Requests still running finish (bounded) before the stores they read close.
      await listeners.close();
      // Every read has been answered: its entry is stored before the event store closes.
      await accessTrail.close();
      await notifiers.close();
      await readModels.close();
      await publishing.stop();
      await bus.close();
      await eventStore.close();
      logger.info('faxengine stopped');
    },
  };
}

/** The bus topic keeps events no longer than the longest retention the operator allows (`records.retention.maxDays`). */
function topicRetention(config: Config): { retentionMs?: number } {
  const days = config.records.retention.maxDays;
  return days === undefined ? {} : { retentionMs: days * 86_400_000 };
}

/** Where this server's API is reached when `notifications.publicUrl` is not set: fine on one host, wrong behind a proxy. */
function localBaseUrl(address: AddressInfo): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? hostname() : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
