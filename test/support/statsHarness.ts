import { join } from 'node:path';
import { pino } from 'pino';
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createApp } from '../../src/api/app.js';
import { createTenancyApi } from '../../src/api/tenancyApi.js';
import type { EventStore } from '../../src/ports/eventStore.js';
import { openReadModels, type ReadModels } from '../../src/reactors/readModels.js';
import { adminAuth, basic, cheapHash, adminKey } from './tenancyHarness.js';

export interface StatsHarness {
  dir: string;
  eventStore: EventStore;
  readModels: ReadModels;
  /** Sets when the next appends happen (their `created`): the event store's clock. */
  at(iso: string): void;
  /** Sets "now" for the API: where every statistics window ends. */
  now(iso: string): void;
  /** Appends events to a stream at `iso` (the event store's clock) and waits until the read models have them. */
  append(stream: string, events: { type: string; data: Record<string, unknown> }[], iso: string): Promise<void>;
  /** A tenant with a user `<username>` (password `<username> password`). */
  tenant(name: string, username: string): Promise<{ id: string; auth: string }>;
  /** GET as the admin, or with the given Authorization header (null: none). */
  get(path: string, authorization?: string | null): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * The statistics API over a real SQLite event store and read store in `dir` (`events.sqlite`,
 * `readmodels.sqlite`, as `faxengine serve` keeps them): events are appended with the times the
 * test chooses, and the API's clock is set apart.
 */
export async function startStatsHarness(dir: string): Promise<StatsHarness> {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  let eventTime = Date.parse('2026-01-01T00:00:00Z');
  let apiTime = eventTime;
  const eventStore = createSqliteEventStore({ path: join(dir, 'events.sqlite'), clock: { now: () => new Date(eventTime) }, synchronous: 'normal' });
  const readModels = openReadModels({ dataDir: dir, eventStore, logger, defaultCountry: 'US' });
  await readModels.runner.start();
  const clock = { now: () => new Date(apiTime) };
  // Logins and their throttle keep real time; only the statistics windows end at the test's "now".
  const tenancy = createTenancyApi({
    eventStore,
    clock: { now: () => new Date() },
    adminApiKey: adminKey,
    defaultCountry: 'US',
    readModel: (projection) => readModels.runner.view(projection),
    settle: (position) => readModels.runner.waitFor(position),
    hashPassword: cheapHash,
  });
  const app = createApp({ eventStore, logger, version: 'test', tenancy, stats: { stats: readModels.runner, clock, defaultCountry: 'US', auth: tenancy.auth } });

  async function request(method: string, path: string, body?: unknown, authorization: string | null = adminAuth): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = authorization === null ? {} : { authorization };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  async function ok(method: string, path: string, body?: unknown): Promise<any> {
    const res = await request(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  return {
    dir,
    eventStore,
    readModels,
    at: (iso) => void (eventTime = Date.parse(iso)),
    now: (iso) => void (apiTime = Date.parse(iso)),
    async append(stream, events, iso) {
      eventTime = Date.parse(iso);
      const { position } = await eventStore.append(stream, events);
      await readModels.runner.waitFor(position, 20_000);
    },
    async tenant(name, username) {
      const tenant = await ok('POST', '/v1/tenants', { name });
      await ok('POST', `/v1/tenants/${tenant.id}/users`, { username, password: `${username} password` });
      return { id: tenant.id as string, auth: basic(username, `${username} password`) };
    },
    get: (path, authorization = adminAuth) => request('GET', path, undefined, authorization),
    async close() {
      await readModels.close();
      await eventStore.close();
    },
  };
}
