import { z } from 'zod';
import { isAddressOrCidr } from '../domain/addressOrCidr.js';
import { defaultSendPolicy } from '../domain/outbound/sendPolicy.js';
import { exportSigningKeyProblem } from '../exports/exportKeyFormat.js';

const hostPortPattern = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

/** `host:port` (IPv6 hosts in brackets); the port must be 0–65535. */
export const hostPort = z
  .string()
  .regex(hostPortPattern, 'expected host:port, e.g. 127.0.0.1:8080')
  .refine((value) => Number(value.slice(value.lastIndexOf(':') + 1)) <= 65535, 'port must be 0–65535');

/** Comma-separated text (as environment variables give it) or a JSON array. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value.split(',').map((part) => part.trim()).filter((part) => part.length > 0)
        : value,
    z.array(item),
  );

/** `key=value,key=value` text or a JSON object. */
const labels = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? Object.fromEntries(
          value
            .split(',')
            .filter((pair) => pair.trim().length > 0)
            .map((pair) => {
              const eq = pair.indexOf('=');
              return eq === -1 ? [pair.trim(), ''] : [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
            }),
        )
      : value,
  z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'label names are letters, digits and _'), z.string()),
);

/** A JSON boolean, or `true`/`false`/`1`/`0`/`yes`/`no`/`on`/`off` text from the environment. */
const flag = z.union([z.boolean(), z.stringbool()]);

const eventStoreUrl = z
  .string()
  .refine(
    (value) => /^sqlite:.+/.test(value) || /^(kurrentdb|esdb|kdb)(\+discover)?:\/\/.+/.test(value) || /^postgres(ql)?:\/\/.+/.test(value),
    'expected sqlite:<path>, a postgres:// connection string or a kurrentdb:// (esdb://) connection string',
  );

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds as a number, or text like `500ms`, `5s`, `2m`, `1h`, `7d` (a bare number is milliseconds). */
const duration = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  return match ? Math.round(Number(match[1]) * durationUnits[match[2] ?? 'ms']!) : value;
}, z.number({ error: 'expected a duration such as 500ms, 5s, 2m, 1h or 7d' }).int().min(0));

const byteUnits: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Bytes as a number, or text like `512KB`, `20MB`, `1GB` (binary units; a bare number is bytes). */
const byteSize = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  return match ? Math.round(Number(match[1]) * byteUnits[(match[2] ?? 'b').toLowerCase()]!) : value;
}, z.number({ error: 'expected a size such as 500KB, 20MB or a number of bytes' }).int().min(1));

/** One FreeSWITCH node faxengine sends through and takes calls from (see README, Several FreeSWITCH nodes). */
const freeswitchNode = z
  .object({
    /** Recorded on each call; also FreeSWITCH's `switchname` unless `switchname` says otherwise. */
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits and . _ - only, at most 64'),
    esl: hostPort,
    password: z.string({ error: 'required: the event socket password' }).min(1, 'required: the event socket password'),
    /** Outbound calls at most on this node (absent: only `send.channels` applies). */
    channels: z.coerce.number().int().min(1).max(10_000).optional(),
    /** Share of new outbound calls relative to the other nodes (2 takes twice as many as 1). */
    weight: z.coerce.number().gt(0, 'must be more than 0').max(1000).default(1),
    /** FreeSWITCH's `FreeSWITCH-Switchname` (switch.conf.xml `switchname`, default its hostname) when it is not `name`. */
    switchname: z.string().min(1).optional(),
  })
  .strict();

/** A JSON array (the environment gives it as text) of nodes with distinct names. */
const freeswitchNodes = z.preprocess(
  (value, ctx) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON array of nodes, e.g. [{"name":"fs1","esl":"10.0.0.1:8021","password":"…"}]' });
      return z.NEVER;
    }
  },
  z
    .array(freeswitchNode, { error: 'expected a JSON array of nodes' })
    .min(1, 'expected at least one node')
    .superRefine((nodes, ctx) => {
      const seen = new Set<string>();
      nodes.forEach((node, index) => {
        if (seen.has(node.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate node name "${node.name}"` });
        seen.add(node.name);
      });
    }),
);

/**
 * Every configuration key. Each key's environment name is derived from its path
 * (see `envNameFor`): `http.listen` → `FAXENGINE_HTTP_LISTEN`.
 */
export const configSchema = z.object({
  /** Where the embedded stores, spool and documents live. */
  dataDir: z.string().min(1).default('./data'),
  http: z
    .object({
      listen: hostPort.default('0.0.0.0:8080'),
      /** Largest JSON (or other non-upload) request body; more is refused with 413 before it is read. */
      maxJsonBodyBytes: byteSize.default(64 * 1024),
    })
    .prefault({}),
  /** `sqlite:<path>`, `postgres://…` or a KurrentDB connection string; empty means `sqlite:<dataDir>/events.sqlite`. */
  eventStore: eventStoreUrl.optional(),
  /** Fax documents (and their page images); several instances share one (a shared mount). Default `<dataDir>/documents`. */
  documentsDir: z.string().min(1).optional(),
  log: z
    .object({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      /** Human-readable logs; defaults to on when stdout is a terminal. */
      pretty: flag.optional(),
    })
    .prefault({}),
  loki: z
    .object({
      url: z.url().optional(),
      username: z.string().optional(),
      password: z.string().optional(),
      labels: labels.default({ app: 'faxengine' }),
    })
    .prefault({}),
  freeswitch: z
    .object({
      /** FreeSWITCH's inbound event socket (mod_event_socket): the shorthand for one node named `default`. */
      esl: hostPort.default('127.0.0.1:8021'),
      password: z.string().min(1).default('ClueCon'),
      /** Several FreeSWITCH nodes (a JSON array in the environment); when set, `esl` and `password` are not used. */
      nodes: freeswitchNodes.optional(),
    })
    .prefault({}),
  socket: z
    .object({
      /** Where faxengine accepts FreeSWITCH's outbound sockets (`socket host:port async full`). */
      listen: hostPort.default('127.0.0.1:8084'),
      /** Addresses (or CIDR blocks) of the FreeSWITCH nodes allowed to connect; others are disconnected at once. */
      allowFrom: list(z.string().refine(isAddressOrCidr, 'expected an IP address or CIDR block, e.g. 10.0.0.5 or 10.0.0.0/24')).default(['127.0.0.1', '::1']),
      /** How long a new call socket may take to answer `connect` and, once taken up, to be set up; it is closed after. */
      setupTimeoutMs: duration.pipe(z.number().min(100).max(600_000)).default(5000),
      /** New call sockets set up at once; more wait, so a burst of calls cannot starve faxes under way. */
      setupConcurrency: z.coerce.number().int().min(1).max(10_000).default(8),
      /** New calls taken up per second at most, spread evenly (FreeSWITCH's own default limit, sessions-per-second, is 30). */
      maxCallsPerSecond: z.coerce.number().int().min(1).max(100_000).default(100),
      /** Event-loop busy fraction above which new calls are admitted one per 20 ms, keeping headroom for faxes under way. */
      admissionMaxLoad: z.coerce.number().gt(0).max(1).default(0.85),
    })
    .prefault({}),
  kafka: z
    .object({
      /** Broker list; empty means the in-process bus. */
      brokers: list(hostPort).default([]),
      clientId: z.string().min(1).default('faxengine'),
      /** Where every fax event is published (key = fax id); created if missing. */
      topic: z.string().min(1).default('faxengine.fax-events'),
      /** Used only when faxengine creates the topic. */
      partitions: z.coerce.number().int().min(1).default(3),
      /** Used only when faxengine creates the topic; at most the number of brokers. */
      replicationFactor: z.coerce.number().int().min(1).default(1),
    })
    .prefault({}),
  fax: z
    .object({
      /** Where FreeSWITCH's rxfax writes received TIFFs; faxengine must read the same path (same host or a shared mount). Default `<dataDir>/spool`. */
      spoolDir: z.string().min(1).optional(),
      /** Take the dialled number from the SIP To user, or from the Diversion header of forwarded calls. */
      recipientFrom: z.enum(['to', 'diversion']).default('to'),
      /** `ring_ready` and wait this long before answering (0 = answer at once). */
      answerDelayMs: z.coerce.number().int().min(0).max(60_000).default(0),
      /** Silence played after answering, before receiving (0 = none). */
      silenceMs: z.coerce.number().int().min(0).max(60_000).default(0),
      t38: z
        .object({
          upstream: z.object({ enabled: flag.default(true), request: flag.default(true) }).prefault({}),
          pbx: z.object({ enabled: flag.default(false), request: flag.default(false) }).prefault({}),
        })
        .prefault({}),
      /** T.38 failures with one station before its calls switch to audio (softmodem). */
      troublesBeforeFallback: z.coerce.number().int().min(1).default(2),
      /** Clean audio faxes after which T.38 is tried again with that station (0 = only by an admin). */
      cleanAudioFaxesBeforeRetry: z.coerce.number().int().min(0).default(5),
      /**
       * Hang up an answered call that has sent no fax tones (no T.30 negotiation) this long after
       * the answer: rxfax never gives up on a silent caller. Above T.30's T1 (35 s), like a fax machine.
       */
      noFaxToneTimeoutMs: z.coerce.number().int().min(5_000).max(600_000).default(60_000),
      /** On SIGTERM, how long calls in progress may take to finish. */
      drainTimeoutMs: z.coerce.number().int().min(0).default(60_000),
    })
    .prefault({}),
  smtp: z
    .object({
      /** `smtp://user:password@host:587` or `smtps://…:465`; the other keys fill in what it leaves out. */
      url: z.string().regex(/^smtps?:\/\/.+/, 'expected smtp://… or smtps://…').optional(),
      /** Mail server; e-mail notifications are dead-lettered as `not_configured` while neither this nor `url` is set. */
      host: z.string().min(1).optional(),
      port: z.coerce.number().int().min(1).max(65535).default(587),
      /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
      secure: flag.default(false),
      /** Refuse to send unless STARTTLS succeeds. */
      requireTls: flag.default(false),
      user: z.string().min(1).optional(),
      password: z.string().optional(),
      from: z.string().min(3).default('faxengine <faxengine@localhost>'),
      /** Connection, greeting and socket timeouts. */
      timeoutMs: z.coerce.number().int().min(100).default(30_000),
    })
    .prefault({}),
  notifications: z
    .object({
      /** Waits between attempts of a webhook or e-mail that failed for a passing reason; after the last, dead-lettered. */
      retrySchedule: list(duration).default([5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000]),
      /** How long a webhook receiver may take to answer. */
      webhookTimeoutMs: z.coerce.number().int().min(100).default(10_000),
      /** Directory with operator templates (`received.subject.txt`, `received.body.txt`, `sent.…`, `failed.…`); built-in defaults otherwise. */
      templatesDir: z.string().min(1).optional(),
      /** Base URL webhook receivers reach faxengine's API (and people its console) at, for signed document links and console links; default `http://<http.listen>`. */
      publicUrl: z.url().optional(),
      /** Key of the HMAC that signs document links; generated once into `<dataDir>/document-link.key` when not set. */
      linkSigningKey: z.string().min(32, 'must be at least 32 characters').optional(),
      /** How long a signed document link stays valid. */
      documentLinkTtl: duration.default(7 * 86_400_000),
    })
    .prefault({}),
  admin: z
    .object({
      /** HTTP Basic password of the admin API; unset, the one kept in `<dataDir>/admin-api-key`. */
      apiKey: z.string().min(16, 'must be at least 16 characters').optional(),
      /** Without `apiKey` or a kept key, generate one on the first start (false: the admin API stays off and answers 503). */
      generateApiKey: flag.default(true),
    })
    .prefault({}),
  /** Prometheus metrics at `GET /metrics` (see README, Metrics). */
  metrics: z
    .object({
      enabled: flag.default(true),
      /** When set, a scrape must send `Authorization: Bearer <token>`. */
      bearerToken: z.string().min(16, 'must be at least 16 characters').optional(),
      /** Addresses or CIDR blocks that may scrape; with neither this nor a token, loopback only. */
      allowFrom: list(z.string().refine(isAddressOrCidr, 'expected an IP address or CIDR block, e.g. 10.0.0.5 or 10.0.0.0/24')).default([]),
      /** Tenants with a label of their own on per-tenant metrics; later ones count as `other`. */
      maxTenantLabels: z.coerce.number().int().min(0).max(100_000).default(100),
    })
    .prefault({}),
  /** Failed-login throttling and password-check capacity (see README, Authentication). */
  auth: z
    .object({
      /** Failures one source address may have before it must wait (then 1 s, doubling). */
      addressFreeFailures: z.coerce.number().int().min(1).max(1_000_000).default(5),
      /** Failures on one user name before addresses that failed on it must wait; clean addresses never do. */
      accountFreeFailures: z.coerce.number().int().min(1).max(1_000_000).default(10),
      /** The first wait; each further failure doubles it. */
      throttleDelay: duration.refine((ms) => ms >= 100, 'must be at least 100ms').default(1000),
      throttleMaxDelay: duration.refine((ms) => ms >= 1000, 'must be at least 1s').default(300_000),
      /** An address or account with no failure for this long starts afresh. */
      forgetFailuresAfter: duration.refine((ms) => ms >= 1000, 'must be at least 1s').default(900_000),
      /** scrypt password checks at once; they share libuv's thread pool (4 threads) with file I/O. */
      passwordCheckConcurrency: z.coerce.number().int().min(1).max(64).default(2),
      /** Password checks that may wait for one; more are answered 503. */
      passwordCheckQueue: z.coerce.number().int().min(0).max(100_000).default(100),
      /** How long a successful HTTP Basic password check is reused before scrypt runs again (0: never reused). */
      credentialsCacheTtl: duration.refine((ms) => ms <= 3_600_000, 'must be at most 1h').default(60_000),
      /** Successful password checks kept at most (least recently used dropped first). */
      credentialsCacheSize: z.coerce.number().int().min(0).max(10_000_000).default(10_000),
      /** Reverse proxies whose X-Forwarded-For is believed (exact addresses); empty: none is. */
      trustedProxies: list(z.ipv4().or(z.ipv6())).default([]),
    })
    .prefault({}),
  /** The web console at `/` (see README, Web console). */
  console: z
    .object({
      /** A signed-in browser untouched for this long must sign in again. */
      sessionIdleTimeout: duration.refine((ms) => ms >= 60_000 && ms <= 86_400_000, 'must be between 1m and 24h').default(1_800_000),
    })
    .prefault({}),
  /** Several faxengine instances on one event store (README: Running several instances). */
  cluster: z
    .object({
      /** This instance's name in leases and logs; unset: `<hostname>-<random>`, made once into `<dataDir>/instance-id` (a restart is the same instance). */
      instanceId: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits and . _ : - only, at most 100').optional(),
      /** How long a lease (a reactor, an outbound fax, a channel slot) outlives its holder: another instance takes over at most this long after one dies; renewed every third of it. */
      leaseTtl: duration.refine((ms) => ms >= 1000 && ms <= 300_000, 'must be between 1s and 5m').default(15_000),
    })
    .prefault({}),
  /** Signed exports of faxes (README: Signed exports). */
  exports: z
    .object({
      /**
       * Ed25519 key that signs exports: a PKCS#8 PEM or the base64 of the raw 32-byte seed; unset, the one
       * generated once into `<dataDir>/export-signing.key`. Every instance of a cluster must use the same.
       */
      signingKey: z
        .string()
        .superRefine((value, ctx) => {
          const problem = exportSigningKeyProblem(value);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .optional(),
    })
    .prefault({}),
  /** Records kept for clinics and law firms: retention and purge, the access trail (README: Records: retention, encryption, exports, access trail). */
  records: z
    .object({
      /** Record every read of a fax's document or history (who, when, from where, what) in a hash-chained trail (README: Access trail). */
      accessTrail: flag.default(true),
      retention: z
        .object({
          /** The fewest days a tenant may set as its `retentionDays`; unset: no lower limit (1). */
          minDays: z.coerce.number().int().min(1).max(36_500).optional(),
          /** The most days a tenant may set; unset: no upper limit. Tenants without a setting keep faxes at most this long too. */
          maxDays: z.coerce.number().int().min(1).max(36_500).optional(),
          /** Days a fax is kept after its end for tenants with `retentionDays: null` (and faxes of no tenant); unset: `maxDays`, else for ever. */
          defaultDays: z.coerce.number().int().min(1).max(36_500).optional(),
        })
        .prefault({})
        .superRefine((retention, ctx) => {
          const { minDays, maxDays, defaultDays } = retention;
          if (minDays !== undefined && maxDays !== undefined && minDays > maxDays) ctx.addIssue({ code: 'custom', path: ['minDays'], message: `must not exceed maxDays (${maxDays})` });
          if (defaultDays !== undefined && ((minDays !== undefined && defaultDays < minDays) || (maxDays !== undefined && defaultDays > maxDays))) {
            ctx.addIssue({ code: 'custom', path: ['defaultDays'], message: `must lie within minDays–maxDays (${minDays ?? 1}–${maxDays ?? 'no limit'})` });
          }
        }),
      /** Faxes the purge runner purges per second at most (the rest wait their turn). */
      purgeRate: z.coerce.number().min(0.01).max(10_000).default(20),
      /** How often faxes whose retention ran out are looked for (and once at start). */
      retentionSweepInterval: duration.refine((ms) => ms >= 1000, 'must be at least 1s').default(3_600_000),
    })
    .prefault({}),
  /** At-rest encryption (README: Encryption at rest): AES-256-GCM keys. Unset: one key generated into `<dataDir>/encryption.keys`. */
  encryption: z
    .object({
      /** Inline keys `id:base64,id:base64` (32-byte keys; the first seals new data unless `currentKey` says otherwise). */
      keys: z.string().min(1).optional(),
      /** A file of keys, one `id base64` per line; the first seals new data unless `currentKey` says otherwise. */
      keyFile: z.string().min(1).optional(),
      /** The id of the key new data is sealed under. */
      currentKey: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits and . _ - only, at most 64').optional(),
      /** Seal documents, renditions and page images at rest (false: new ones are written plain; sealed ones stay readable). */
      documents: flag.default(true),
      /** Re-encryption after a key rotation: items re-sealed per second at most (one instance of a cluster does it). */
      reencryptRate: z.coerce.number().int().min(1).max(10_000).default(20),
    })
    .prefault({}),
  numbers: z
    .object({
      /** ISO 3166 country used to read national-format numbers (e.g. 5551234567). */
      defaultCountry: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code such as US').default('US'),
    })
    .prefault({}),
  /** Limits and options of fax submission (`POST /v1/faxes`, the original's `POST /fax/send`). */
  submission: z
    .object({
      maxFiles: z.coerce.number().int().min(1).max(1000).default(20),
      maxFileBytes: byteSize.default(20 * 1024 ** 2),
      maxTotalBytes: byteSize.default(50 * 1024 ** 2),
      maxPages: z.coerce.number().int().min(1).max(10_000).default(200),
      /** The only directory the original's `file_name` may name a file in; unset disables `file_name`. */
      dropDir: z.string().min(1).optional(),
      /** Most time one conversion step (one ghostscript or libtiff run) may take. */
      conversionTimeoutMs: duration.default(60_000),
      /** Conversion processes at once across all submissions; default the CPU count. */
      conversionConcurrency: z.coerce.number().int().min(1).max(256).optional(),
      /** Page size when a submission names none; unset = Letter for +1 destinations, A4 elsewhere. */
      defaultPageSize: z.enum(['a4', 'letter']).optional(),
    })
    .prefault({}),
  send: z
    .object({
      /** Concurrent outbound fax calls in total (queued faxes wait their turn, tenants take turns). */
      channels: z.coerce.number().int().min(1).max(10_000).default(30),
      /** Concurrent outbound fax calls per gateway (0 = only the total applies). */
      channelsPerGateway: z.coerce.number().int().min(0).max(10_000).default(0),
      /** Inbound event-socket connections that place and follow outbound calls. */
      dialerConnections: z.coerce.number().int().min(1).max(16).default(2),
      /** Apply FreeSWITCH mod_db `override-<number>` variables to calls to that number (as the original did). */
      modDbOverrides: flag.default(true),
      /** The global send policy; tenants and single faxes may override it. */
      maxAttempts: z.coerce.number().int().min(1).max(20).default(defaultSendPolicy.maxAttempts),
      busyRetryDelayMs: z.coerce.number().int().min(1000).default(defaultSendPolicy.busyRetryDelayMs),
      noAnswerRetryDelayMs: z.coerce.number().int().min(1000).default(defaultSendPolicy.noAnswerRetryDelayMs),
      failureRetryDelayMs: z.coerce.number().int().min(1000).default(defaultSendPolicy.failureRetryDelayMs),
      disableEcmAfterAttempts: z.coerce.number().int().min(0).max(20).default(defaultSendPolicy.disableEcmAfterAttempts),
      disableV17AfterAttempts: z.coerce.number().int().min(0).max(20).default(defaultSendPolicy.disableV17AfterAttempts),
      gatewayCooldownMs: z.coerce.number().int().min(1000).default(defaultSendPolicy.gatewayCooldownMs),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;

/** Keys whose values never appear in logs (and each `freeswitch.nodes[].password`, see maskConfig). */
export const secretKeys: ReadonlySet<string> = new Set(['freeswitch.password', 'loki.password', 'admin.apiKey', 'smtp.password', 'notifications.linkSigningKey', 'metrics.bearerToken', 'exports.signingKey', 'encryption.keys']);
