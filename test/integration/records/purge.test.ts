import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faxStream } from '../../../src/domain/streams.js';
import type { Clock } from '../../../src/ports/clock.js';
import { faxesWhen, okJson, provisionAcme } from '../../support/e2eProvisioning.js';
import { createTestDatabase } from '../../support/postgresServer.js';
import { basicAuth, startServerWithSimulator } from '../../support/serverHarness.js';

type Server = Awaited<ReturnType<typeof startServerWithSimulator>>;
type Fax = Record<string, unknown> & { faxId: string; documentId: string | null };

const acmeUser = basicAuth('alice', 'alice password');
const otherUser = basicAuth('olga', 'olga password');
const dayMs = 86_400_000;

/**
 * Retention and purge through the whole server: purge on request (tenant user, idempotent, 409
 * while in progress, another tenant's fax not found), the retention sweep (a clock moved days
 * ahead), a document shared with a fax that is not purged surviving until that one is purged too,
 * the operator's limits on a tenant's retentionDays, and statistics unchanged by purges.
 */
describe.each(['sqlite', 'postgresql'] as const)('retention and purge (%s event store)', (store) => {
  let env: Server;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
  let acmeId: string;
  let otherId: string;
  let faxes: Fax[];

  beforeAll(async () => {
    database = store === 'postgresql' ? await createTestDatabase() : undefined;
    env = await startServerWithSimulator({
      env: {
        ...(database ? { FAXENGINE_EVENT_STORE: database.url } : {}),
        FAXENGINE_RECORDS_RETENTION_MIN_DAYS: '1',
        FAXENGINE_RECORDS_RETENTION_MAX_DAYS: '30',
        FAXENGINE_RECORDS_RETENTION_SWEEP_INTERVAL: '1s',
        FAXENGINE_RECORDS_PURGE_RATE: '100',
      },
      serverOptions: { recordsClock: clock },
      scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 2, ident: 'FIRST SENDER' }, '5550003333': { pages: 1, ident: 'SECOND SENDER' }, '5550004444': { pages: 1, ident: 'THIRD SENDER' } } },
    });
    acmeId = await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }], user: { username: 'alice', password: 'alice password' } });
    otherId = String((await okJson(await env.call('POST', '/v1/tenants', { name: 'Other' }))).id);
    await okJson(await env.call('POST', `/v1/tenants/${otherId}/users`, { username: 'olga', password: 'olga password' }));
    for (const from of ['5550001111', '5550003333', '5550004444']) await env.sim.startInboundCall({ from, to: '15551230000', gateway: 'carrier1' }).finished;
    const done = (list: Array<Record<string, unknown>>) => list.length === 3 && list.every((fax) => fax.ended === true && fax.status === 'received');
    faxes = (await faxesWhen(env, done)) as Fax[];
    expect(done(faxes), JSON.stringify(faxes)).toBe(true);
  }, 120_000);
  afterAll(async () => {
    await env?.close();
    await database?.drop();
  });

  const byIdent = (ident: string) => faxes.find((fax) => fax.remoteIdent === ident)!;
  const documentFiles = (documentId: string) => {
    const sha = documentId.replace('sha256-', '');
    const dir = join(env.dataDir, 'documents', sha.slice(0, 2));
    return existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith(sha)) : [];
  };
  const history = async (faxId: string) => env.server.eventStore.readStream(faxStream(faxId));
  const typesOf = async (faxId: string) => (await history(faxId)).map((event) => event.type);
  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const purgedEvent = (faxId: string) => until(`FaxPurged of ${faxId}`, async () => (await history(faxId)).find((event) => event.type === 'FaxPurged'));

  it("keeps a tenant's retentionDays within the operator's limits, naming the field and the limits", async () => {
    const refused = await env.call('PATCH', `/v1/tenants/${acmeId}`, { settings: { retentionDays: 31 } });
    expect(refused.status).toBe(422);
    const problem = (await refused.json()) as { field: string; detail: string };
    expect(problem.field).toBe('settings.retentionDays');
    expect(problem.detail).toContain('1 to 30 days');
    const created = await env.call('POST', '/v1/tenants', { name: 'Too long', settings: { retentionDays: 365 } });
    expect(created.status).toBe(422);
    await okJson(await env.call('PATCH', `/v1/tenants/${acmeId}`, { settings: { retentionDays: 2 } }));
  });

  it('purges a fax on request: 202 with Location, FaxPurged appended, its documents deleted; asked again it answers the state and appends nothing', async () => {
    const fax = byIdent('FIRST SENDER');
    expect(documentFiles(fax.documentId!).length).toBeGreaterThan(0);
    // What was learnt about the caller's station goes with the fax (its number is the fax's remote party).
    expect((await env.call('PUT', '/v1/stations/+15550001111/fallback', { reason: 'T.38 trouble seen by the carrier' })).status).toBe(200);
    expect((await env.call('GET', '/v1/stations/+15550001111')).status).toBe(200);
    const statsBefore = await (await env.call('GET', '/v1/stats/summary?window=day')).json();

    // Another tenant's user does not find it; an unknown fax is not found either.
    expect((await env.call('POST', `/v1/faxes/${fax.faxId}/purge`, undefined, otherUser)).status).toBe(404);
    expect((await env.call('POST', '/v1/faxes/no-such-fax/purge', undefined, acmeUser)).status).toBe(404);

    const asked = await env.call('POST', `/v1/faxes/${fax.faxId}/purge`, undefined, acmeUser);
    expect(asked.status).toBe(202);
    expect(asked.headers.get('location')).toBe(`/v1/faxes/${fax.faxId}`);
    expect(await asked.json()).toEqual({ id: fax.faxId, purge: 'pending' });
    const purged = await purgedEvent(fax.faxId);
    expect(purged.data).toMatchObject({ faxId: fax.faxId, tenantId: acmeId, reason: 'request' });
    const requested = (await history(fax.faxId)).find((event) => event.type === 'FaxPurgeRequested')!;
    expect(requested.data).toMatchObject({ reason: 'request', by: { kind: 'user', username: 'alice' } });
    expect(documentFiles(fax.documentId!)).toEqual([]);
    expect((await env.call('GET', '/v1/stations/+15550001111')).status).toBe(404);
    expect(((await (await env.call('GET', '/v1/stations')).json()) as { items: unknown[] }).items).toEqual([]);

    const again = await env.call('POST', `/v1/faxes/${fax.faxId}/purge`, undefined, acmeUser);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id: fax.faxId, purge: 'purged' });
    const types = await typesOf(fax.faxId);
    expect(types.filter((type) => type === 'FaxPurgeRequested')).toHaveLength(1);
    expect(types.filter((type) => type === 'FaxPurged')).toHaveLength(1);
    expect(await (await env.call('GET', '/v1/stats/summary?window=day')).json()).toEqual(statsBefore);
  });

  it('refuses with 409 while the fax is still in progress', async () => {
    const faxId = `in-progress-${store}`;
    await env.server.eventStore.append(faxStream(faxId), [{ type: 'FaxQueued', data: queued(faxId, acmeId, '+15550009999') }], 'no_stream');
    const refused = await env.call('POST', `/v1/faxes/${faxId}/purge`);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toContain('still in progress');
    expect(await typesOf(faxId)).toEqual(['FaxQueued']);
  });

  it("purges by retention once a tenant's days have passed, keeping a document another fax still uses until that one is purged too", async () => {
    const shared = byIdent('SECOND SENDER');
    const alone = byIdent('THIRD SENDER');
    // A fax of the other tenant (no setting: the operator's 30 days) sends the same document, as a resend or a relay does.
    const user = `shared-user-${store}`;
    await env.server.eventStore.append(
      faxStream(user),
      [
        { type: 'FaxQueued', data: queued(user, otherId, '+15550008888') },
        { type: 'FaxDocumentPrepared', data: { faxId: user, documentId: shared.documentId, pages: 1 } },
        { type: 'FaxCancelled', data: { faxId: user, by: { kind: 'admin' }, cancelledAt: new Date().toISOString() } },
      ],
      'no_stream',
    );
    // Nothing is due yet: two days have not passed.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await typesOf(shared.faxId)).not.toContain('FaxPurgeRequested');

    offsetMs = 3 * dayMs;
    for (const fax of [shared, alone]) {
      const purged = await purgedEvent(fax.faxId);
      expect(purged.data).toMatchObject({ reason: 'retention', tenantId: acmeId });
      expect((await history(fax.faxId)).find((event) => event.type === 'FaxPurgeRequested')!.data).toMatchObject({ reason: 'retention', by: { kind: 'system' } });
    }
    expect(documentFiles(alone.documentId!)).toEqual([]);
    expect(documentFiles(shared.documentId!).length).toBeGreaterThan(0);
    // The other tenant keeps its faxes 30 days: the sweep leaves its fax alone.
    expect(await typesOf(user)).not.toContain('FaxPurgeRequested');

    expect((await env.call('POST', `/v1/faxes/${user}/purge`, undefined, otherUser)).status).toBe(202);
    await purgedEvent(user);
    expect(documentFiles(shared.documentId!)).toEqual([]);
  });

  it('reports the purges in the metrics', async () => {
    const text = await (await env.call('GET', '/metrics')).text();
    expect(text).toMatch(/faxengine_faxes_purged_total\{reason="retention"\} 2/);
    expect(text).toMatch(/faxengine_faxes_purged_total\{reason="request"\} 2/);
    expect(text).toMatch(/faxengine_purges_pending 0/);
  });
});

function queued(faxId: string, tenantId: string, to: string) {
  return {
    faxId,
    direction: 'outbound',
    tenantId,
    to,
    from: '+15551230000',
    resolution: 'fine',
    pageSize: 'letter',
    files: [{ name: 'letter.pdf', contentType: 'application/pdf', bytes: 1000 }],
    submittedBy: { kind: 'admin' },
    queuedAt: new Date().toISOString(),
  };
}
