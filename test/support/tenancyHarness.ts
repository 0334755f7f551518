import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createApp } from '../../src/api/app.js';
import { hashPassword } from '../../src/api/auth/passwords.js';
import { createTenancyApi, type TenancyApiOptions } from '../../src/api/tenancyApi.js';
import type { Clock } from '../../src/ports/clock.js';
import type { EventStore } from '../../src/ports/eventStore.js';
import { openReadModels, type ReadModels } from '../../src/reactors/readModels.js';

export const adminKey = 'test-admin-key-0123456789';
/** Cheap scrypt parameters: tests create many users and only need the format, not the cost. */
export const cheapHash = (password: string) => hashPassword(password, { N: 1024, r: 8, p: 1 });

export const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
export const adminAuth = basic('admin', adminKey);

export interface TenancyHarness {
  dir: string;
  eventStore: EventStore;
  readModels: ReadModels;
  app: ReturnType<typeof createApp>;
  /** JSON request helper: `call('POST', '/v1/tenants', body, auth)`. */
  call(method: string, path: string, body?: unknown, authorization?: string | null): Promise<Response>;
  close(): Promise<void>;
}

/** A full tenancy stack on a fresh temp dir: SQLite event store, read store, runner, app. */
export async function startTenancyHarness(
  options: { adminApiKey?: string | null; clock?: Clock; dir?: string; defaultCountry?: string; tenancy?: Partial<TenancyApiOptions> } = {},
): Promise<TenancyHarness> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'faxengine-tenancy-'));
  const logger = pino({ level: 'silent' });
  const eventStore = createSqliteEventStore({ path: join(dir, 'events.sqlite') });
  const readModels = openReadModels({ dataDir: dir, eventStore, logger });
  await readModels.runner.start();
  const clock = options.clock ?? { now: () => new Date() };
  const tenancy = createTenancyApi({
    eventStore,
    clock,
    adminApiKey: options.adminApiKey === null ? undefined : (options.adminApiKey ?? adminKey),
    defaultCountry: options.defaultCountry ?? 'US',
    readModel: (projection) => readModels.runner.view(projection),
    settle: (position) => readModels.runner.waitFor(position),
    hashPassword: cheapHash,
    ...options.tenancy,
  });
  const app = createApp({ eventStore, logger, version: 'test', tenancy });
  return {
    dir,
    eventStore,
    readModels,
    app,
    call(method, path, body, authorization = adminAuth) {
      const headers: Record<string, string> = {};
      if (authorization) headers.authorization = authorization;
      if (body !== undefined) headers['content-type'] = 'application/json';
      return Promise.resolve(app.request(path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) }));
    },
    async close() {
      await readModels.close();
      await eventStore.close();
    },
  };
}

/** Closes the harness and deletes its directory. */
export async function disposeTenancyHarness(harness: TenancyHarness): Promise<void> {
  await harness.close();
  rmSync(harness.dir, { recursive: true, force: true });
}
