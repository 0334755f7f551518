import type { CounterName, GaugeName, HistogramName } from '../../ports/metrics.js';

/** One metric as Prometheus sees it. README "Metrics" documents each; keep the two in step. */
export interface MetricDefinition {
  name: string;
  help: string;
  labelNames: readonly string[];
}

export const counterDefinitions: Record<CounterName, MetricDefinition> = {
  faxes: {
    name: 'faxengine_faxes_total',
    help: 'Faxes finished, by direction, result (success or the failure class) and tenant (tenants past metrics.maxTenantLabels count as "other").',
    labelNames: ['direction', 'result', 'tenant'],
  },
  sendAttempts: { name: 'faxengine_send_attempts_total', help: 'Outbound call attempts ended, by gateway and outcome class.', labelNames: ['gateway', 'outcome'] },
  pages: { name: 'faxengine_fax_pages_total', help: 'Pages transferred (confirmed), by direction and transport (t38, audio, unknown).', labelNames: ['direction', 'transport'] },
  negotiations: {
    name: 'faxengine_fax_negotiations_total',
    help: 'T.30 negotiations (phase B), by transport (t38 or audio) and negotiated rate in bit/s.',
    labelNames: ['transport', 'rate_bps'],
  },
  inboundCallsRejected: { name: 'faxengine_inbound_calls_rejected_total', help: 'Inbound calls refused by screening, by reason.', labelNames: ['reason'] },
  notificationsSent: { name: 'faxengine_notifications_sent_total', help: 'Notifications delivered, by channel (email, webhook).', labelNames: ['channel'] },
  notificationRetries: {
    name: 'faxengine_notification_retries_total',
    help: 'Notification attempts that failed with a retry scheduled, by channel.',
    labelNames: ['channel'],
  },
  notificationsDeadLettered: { name: 'faxengine_notifications_dead_lettered_total', help: 'Notifications given up on (dead-lettered), by channel.', labelNames: ['channel'] },
  conversionFailures: { name: 'faxengine_document_conversion_failures_total', help: 'Submissions whose documents could not be converted to a fax TIFF.', labelNames: [] },
  admissionDeferrals: {
    name: 'faxengine_inbound_call_admission_deferrals_total',
    help: 'Times taking up a waiting inbound call was put off to the next 20 ms sample, by reason (rate: socket.maxCallsPerSecond, load: socket.admissionMaxLoad).',
    labelNames: ['reason'],
  },
  socketsRefused: { name: 'faxengine_inbound_sockets_refused_total', help: 'Connections to the outbound-socket port refused because their address is not in socket.allowFrom.', labelNames: [] },
  faxesPurged: { name: 'faxengine_faxes_purged_total', help: "Faxes whose personal data the purge runner of this instance purged, by reason (retention, request, storeNothing).", labelNames: ['reason'] },
};

export const histogramDefinitions: Record<HistogramName, MetricDefinition & { buckets: number[] }> = {
  conversionDuration: {
    name: 'faxengine_document_conversion_duration_seconds',
    help: "Time to convert a submission's documents into the fax TIFF (including the wait for a conversion slot), by result (ok, failed).",
    labelNames: ['result'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  },
  appendDuration: {
    name: 'faxengine_event_store_append_duration_seconds',
    help: 'Time an event-store append took until it was durable.',
    labelNames: [],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  },
};

export const gaugeDefinitions: Record<GaugeName, MetricDefinition> = {
  callsInProgress: {
    name: 'faxengine_calls_in_progress',
    help: 'Fax calls in progress, by direction (inbound: receiving; outbound: sending, a channel held) and FreeSWITCH node.',
    labelNames: ['direction', 'node'],
  },
  sendChannelsInUse: { name: 'faxengine_send_channels_in_use', help: 'Outbound channels in use, by gateway.', labelNames: ['gateway'] },
  sendQueue: {
    name: 'faxengine_send_queue_faxes',
    help: 'Outbound faxes waiting, by state (waiting_for_channel, waiting_to_retry).',
    labelNames: ['state'],
  },
  encryptionItemsUnderOldKeys: {
    name: 'faxengine_encryption_items_under_old_keys',
    help: 'Items sealed at rest under a key other than the current one (or plain while documents are sealed), by store, as last counted: 0 everywhere means the re-encryption after a key rotation is done.',
    labelNames: ['store'],
  },
  sendQueueOldestAge: {
    name: 'faxengine_send_queue_oldest_age_seconds',
    help: 'How long the fax that has waited longest for an outbound channel has waited (0 when none waits).',
    labelNames: [],
  },
  reactorLag: {
    name: 'faxengine_reactor_lag_events',
    help: "Events of a reactor's streams appended by this process that the reactor has not processed yet.",
    labelNames: ['reactor'],
  },
  purgesPending: { name: 'faxengine_purges_pending', help: 'Faxes whose purge was asked for and is not done yet (as this instance\'s read models see it).', labelNames: [] },
  reactorActive: {
    name: 'faxengine_reactor_active',
    help: 'Whether this instance runs a reactor (1) or stands by while another instance holds its lease (0).',
    labelNames: ['reactor'],
  },
  freeswitchUp: {
    name: 'faxengine_freeswitch_up',
    help: 'Whether the event-socket connection to a FreeSWITCH node is up (1) or down (0), by node and connection (control, dialer).',
    labelNames: ['node', 'connection'],
  },
  freeswitchConnected: {
    name: 'faxengine_freeswitch_connected',
    help: "Whether a FreeSWITCH node can be used (1: its call-control and dialer connections are up; 0: it is skipped for new calls), by node name.",
    labelNames: ['node'],
  },
};
