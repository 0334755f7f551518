import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { NotificationReadModel } from './ports/notificationReadModel.js';
import type { QueryView } from '../projections/documentProjection.js';
import { routingCollections, type RouteEndpoint } from '../projections/routingModel.js';
import { routingProjection } from '../projections/routingProjection.js';
import { smtpConfigured } from './adapters/smtp/smtpSettings.js';
import { createHttpWebhookTransport } from './adapters/webhook/httpWebhookTransport.js';
import type { Config } from './config/schema.js';
import type { Bus } from './ports/bus.js';
import type { Clock } from './ports/clock.js';
import type { DocumentStore } from './ports/documentStore.js';
import type { EventStore } from './ports/eventStore.js';
import { startBusTrigger } from './notifiers/busTrigger.js';
import { createDocumentLinks, loadLinkSigningKey, type DocumentLinks } from './notifiers/documentLinks.js';
import { domainOf, sendEmailNotification } from './notifiers/emailNotification.js';
import { startEventStoreTrigger } from './notifiers/eventStoreTrigger.js';
import { createNotifier } from './notifiers/notifier.js';
import { createRetryScheduler } from './notifiers/retryScheduler.js';
import { createTemplates } from './notifiers/templates.js';
import { createTenantWebhookSecrets } from './notifiers/tenantWebhookSecrets.js';
import { sendWebhookNotification } from './notifiers/webhookNotification.js';
import { runHere, type ReactorRunner } from './reactors/leasedReactor.js';
import { version } from './version.js';

/**
 * Part of the composition root: the e-mail and webhook notifiers. With Kafka they consume the
 * topic in group `faxengine-notifiers`; embedded, they follow the event store through a
 * checkpointed subscription of their own, because the in-process bus forgets on a crash. Either
 * way they run on one instance of the cluster at a time (lease `reactor-notifiers`); the document
 * links and webhook secrets, which the API needs, are on every instance.
 */
export async function startNotifiers(deps: {
  config: Config;
  eventStore: EventStore;
  bus: Bus;
  documents: DocumentStore;
  view: (projection: string) => QueryView;
  notifications: NotificationReadModel;
  clock: Clock;
  logger: Logger;
  /** Where receivers reach the API (for document links); known once the HTTP server listens. */
  publicBaseUrl: () => string;
  /** Runs the notifiers on one instance of the cluster (default: here, at once). */
  reactors?: ReactorRunner;
}): Promise<{ links: DocumentLinks; tenantWebhookSecret: (tenantId: string) => string; close(): Promise<void> }> {
  const { config, clock } = deps;
  const logger = deps.logger.child({ component: 'notifiers' });
  const settings = config.notifications;
  const signingKey = loadLinkSigningKey(settings.linkSigningKey, config.dataDir);
  const links = createDocumentLinks({ key: signingKey, baseUrl: deps.publicBaseUrl, ttlMs: settings.documentLinkTtl });
  const tenantSecretOf = createTenantWebhookSecrets(signingKey);
  // nodemailer is loaded only when a mail server is configured.
  const mailer = smtpConfigured(config.smtp) ? (await import('./adapters/smtp/smtpMailer.js')).createSmtpMailer(config.smtp) : undefined;
  if (!mailer) logger.warn('no SMTP server configured (smtp.host / smtp.url): e-mail notifications will be dead-lettered as not_configured');
  const templates = createTemplates(settings.templatesDir);
  const transport = createHttpWebhookTransport();
  // The console is served beside the API: a fax's page is `<publicUrl>/faxes/<id>` (sign-in first).
  const consoleUrlOf = (faxId: string) => `${deps.publicBaseUrl().replace(/\/+$/, '')}/faxes/${encodeURIComponent(faxId)}`;
  const email = { mailer, templates, documents: deps.documents, messageIdDomain: domainOf(config.smtp.from), consoleUrlOf };
  const webhook = {
    transport,
    secretOf: (endpointId: string) => {
      const endpoint = deps.view(routingProjection.name).get<RouteEndpoint>(routingCollections.endpoints, endpointId);
      return endpoint?.target.kind === 'webhook' ? endpoint.target.secret : undefined;
    },
    tenantSecretOf,
    documents: deps.documents,
    links,
    consoleUrlOf,
    timeoutMs: settings.webhookTimeoutMs,
    clock,
    userAgent: `faxengine/${version} (${hostname()})`,
  };

  // Attempts go out only while this instance runs the notifiers; a stop lets those in flight finish and be recorded.
  let serving = false;
  let scheduler: ReturnType<typeof createRetryScheduler> | undefined;
  const notifier = createNotifier({
    eventStore: deps.eventStore,
    clock,
    logger,
    retrySchedule: settings.retrySchedule,
    attempt: (notification) => (notification.ref.target.channel === 'email' ? sendEmailNotification(email, notification) : sendWebhookNotification(webhook, notification)),
    onRetryDue: (faxId, at) => scheduler?.arm(faxId, at),
    mayAttempt: () => serving,
  });
  // The longest an attempt can take: past it, one begun elsewhere has ended and been recorded.
  const attemptMaxMs = Math.max(settings.webhookTimeoutMs, config.smtp.timeoutMs) + 1_000;
  const kafka = config.kafka.brokers.length > 0;

  /** Retries and the trigger, on the one instance of the cluster that holds the notifiers' lease. */
  async function run(): Promise<{ stop(): Promise<void> }> {
    serving = true;
    const retries = createRetryScheduler({
      process: notifier.process,
      waiting: () => deps.notifications.waiting().map((item) => ({ faxId: item.faxId, at: item.nextAttemptAt })),
      clock,
      logger,
      // Past the longest an attempt elsewhere can take, a waiting retry is taken to have lost its owner.
      takeoverAfterMs: attemptMaxMs,
    });
    scheduler = retries;
    retries.start();
    let trigger: { stop(): Promise<void> };
    try {
      // The publisher creates the topic, but it may run on another instance or not have started yet:
      // a group joined before the topic exists would not be given its partitions.
      if (kafka) await deps.bus.ensureTopic(config.kafka.topic, { partitions: config.kafka.partitions, replicationFactor: config.kafka.replicationFactor });
      trigger = kafka
        ? await startBusTrigger({ bus: deps.bus, topic: config.kafka.topic, process: notifier.process, logger })
        : await startEventStoreTrigger({ eventStore: deps.eventStore, process: notifier.process, logger });
    } catch (error) {
      // Tried again at the lease's next renewal: leave no scheduler behind.
      serving = false;
      await retries.stop();
      throw error;
    }
    logger.info({ driver: kafka ? 'kafka' : 'event store', smtp: Boolean(mailer) }, 'notifiers started');
    return {
      async stop() {
        serving = false;
        await trigger.stop();
        await retries.stop();
        if (scheduler === retries) scheduler = undefined;
      },
    };
  }
  const running = (deps.reactors ?? runHere)('notifiers', run, { takeoverDelayMs: attemptMaxMs });

  return {
    links,
    tenantWebhookSecret: tenantSecretOf,
    async close() {
      await running.stop();
      mailer?.close();
    },
  };
}
