import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { createDocumentConverter } from '../../src/adapters/documents/faxConversion.js';
import { createFileDocumentStore } from '../../src/adapters/documents/fileDocumentStore.js';
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createApp } from '../../src/api/app.js';
import { createFaxSubmission, type OutboundFaxControl, type SubmissionLimits } from '../../src/api/services/faxSubmission.js';
import { createTenancyApi } from '../../src/api/tenancyApi.js';
import type { Submitter } from '../../src/domain/outbound/outboundFaxEvents.js';
import type { DocumentStore } from '../../src/ports/documentStore.js';
import type { PageImages } from '../../src/ports/pageImages.js';
import type { EventStore, RecordedEvent } from '../../src/ports/eventStore.js';
import { openReadModels, type ReadModels } from '../../src/reactors/readModels.js';
import { adminAuth, adminKey, basic, cheapHash } from './tenancyHarness.js';
import { makeTempDir } from './tempDir.js';

type Json = Record<string, any>;

/** Stands in for the outbound runtime: records what the submission path asks of it. */
export function recordingControl() {
  const control = {
    queued: [] as string[],
    cancels: [] as Array<{ faxId: string; by: Submitter }>,
    cancelOutcome: 'cancelled' as 'cancelled' | 'finished' | 'notFound',
  };
  const port: OutboundFaxControl = {
    queued: (faxId) => void control.queued.push(faxId),
    cancel: async (faxId, by) => {
      control.cancels.push({ faxId, by });
      return control.cancelOutcome;
    },
  };
  return Object.assign(control, { port });
}

export const testLimits: SubmissionLimits = { maxFiles: 3, maxFileBytes: 400_000, maxTotalBytes: 600_000, maxPages: 6, conversionTimeoutMs: 30_000 };

/**
 * The HTTP API with tenancy, fax reads and submission on a temp dir: SQLite event store, read
 * models, the file document store and the real ghostscript converter; the runtime is a recorder.
 */
export async function startSubmissionHarness(options: { limits?: Partial<SubmissionLimits>; dropDir?: string | null; claimStaleAfterMs?: number; carrier?: boolean; pageImages?: PageImages } = {}) {
  const dir = makeTempDir('submission');
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const eventStore: EventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
  const readModels: ReadModels = openReadModels({ dataDir: dir.path, eventStore, logger });
  await readModels.runner.start();
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  const tenancy = createTenancyApi({
    eventStore,
    clock,
    adminApiKey: adminKey,
    defaultCountry: 'US',
    readModel: (projection) => readModels.runner.view(projection),
    settle: (position) => readModels.runner.waitFor(position),
    hashPassword: cheapHash,
  });
  const documents: DocumentStore = createFileDocumentStore(join(dir.path, 'documents'));
  const tempDir = join(dir.path, 'tmp');
  const dropDir = options.dropDir === null ? undefined : (options.dropDir ?? join(dir.path, 'drop'));
  if (dropDir) mkdirSync(dropDir, { recursive: true });
  const control = recordingControl();
  const limits = { ...testLimits, ...options.limits };
  const service = createFaxSubmission({
    eventStore,
    documents,
    converter: createDocumentConverter({ tempDir: join(tempDir, 'conversion'), concurrency: 2 }),
    lookupNumber: (e164) => readModels.routing.lookup(e164),
    outboundGateways: (tenantId, numberId) => readModels.routing.outboundGateways(tenantId, numberId),
    control: control.port,
    clock,
    defaultCountry: 'US',
    limits,
    tempDir: join(tempDir, 'submissions'),
    logger,
    claimStaleAfterMs: options.claimStaleAfterMs,
  });
  const { faxes } = readModels;
  const app = createApp({
    eventStore,
    logger,
    version: 'test',
    tenancy,
    faxes: { faxes, eventStore, documents, auth: tenancy.auth },
    submission: { service, auth: tenancy.auth, dropDir },
    ...(options.pageImages ? { pageImages: { faxes, documents, pageImages: options.pageImages, auth: tenancy.auth } } : {}),
  });

  async function json(method: string, path: string, body?: unknown, authorization = adminAuth): Promise<Json> {
    const headers: Record<string, string> = { authorization };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Json;
  }
  // Faxes go out through a carrier: without one (`carrier: false`) every submission is refused.
  if (options.carrier !== false) await json('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: [] } });

  return {
    dir: dir.path,
    app,
    eventStore,
    documents,
    /** The routing read model the service reads (for services built beside it, e.g. resend). */
    routing: readModels.routing,
    control,
    dropDir,
    tempDir,
    /** Moves the clock of the service (and the claims) forward. */
    advance: (ms: number) => void (offsetMs += ms),
    /** A tenant with a user `<username>` (password `<username> password`) and the given numbers (direction `both` unless told). */
    async tenant(name: string, username: string, numbers: Array<string | { number: string; direction: 'inbound' | 'outbound' | 'both' }>) {
      const tenant = await json('POST', '/v1/tenants', { name });
      for (const number of numbers) await json('POST', `/v1/tenants/${tenant.id}/numbers`, typeof number === 'string' ? { number } : number);
      await json('POST', `/v1/tenants/${tenant.id}/users`, { username, password: `${username} password` });
      return { id: tenant.id as string, auth: basic(username, `${username} password`) };
    },
    /** POSTs a multipart form; `files` are [name, bytes, type]. */
    send(path: string, fields: Record<string, string | string[]>, files: Array<[string, Uint8Array, string?]>, authorization: string, headers: Record<string, string> = {}) {
      const form = new FormData();
      for (const [name, bytes, type] of files) form.append('file', new Blob([bytes], { type: type ?? 'application/octet-stream' }), name);
      for (const [key, value] of Object.entries(fields)) for (const item of [value].flat()) form.append(key, item);
      return app.request(path, { method: 'POST', body: form, headers: { authorization, ...headers } });
    },
    request: (method: string, path: string, init: { body?: unknown; authorization: string; headers?: Record<string, string> }) =>
      app.request(path, {
        method,
        headers: { authorization: init.authorization, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      }),
    /** Every fax stream's events, by fax id. */
    async faxStreams(): Promise<Map<string, RecordedEvent[]>> {
      const streams = new Map<string, RecordedEvent[]>();
      for (const event of await eventStore.readAll({ streamPrefixes: ['fax-'] })) {
        const id = event.stream.slice('fax-'.length);
        streams.set(id, [...(streams.get(id) ?? []), event]);
      }
      return streams;
    },
    /** Files left under the submission and conversion temp dirs (the dirs themselves may stay). */
    leftovers(): string[] {
      const found: string[] = [];
      const walk = (path: string) => {
        let entries;
        try {
          entries = readdirSync(path, { withFileTypes: true });
        } catch {
          return;
        }
        for (const entry of entries) {
          found.push(join(path, entry.name));
          if (entry.isDirectory()) walk(join(path, entry.name));
        }
      };
      walk(join(tempDir, 'submissions'));
      walk(join(tempDir, 'conversion'));
      return found;
    },
    async close() {
      await readModels.close();
      await eventStore.close();
      rmSync(dir.path, { recursive: true, force: true });
    },
  };
}

export type SubmissionHarness = Awaited<ReturnType<typeof startSubmissionHarness>>;
