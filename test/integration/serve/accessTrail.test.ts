import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../../support/cliProcess.js';
import { createDocumentLinks, loadLinkSigningKey } from '../../../src/notifiers/documentLinks.js';
import { faxesWhen, okJson, provisionAcme } from '../../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator, testAdminKey } from '../../support/serverHarness.js';
import { makeTempDir } from '../../support/tempDir.js';
import { createTestDatabase } from '../../support/postgresServer.js';
import { signInByHttp } from '../../support/consoleSignIn.js';

type Server = Awaited<ReturnType<typeof startServerWithSimulator>>;
type Entry = {
  entryId: string;
  at: string;
  faxId: string;
  tenantId: string | null;
  reader: { kind: string; credential: string; username?: string; userId?: string; apiKeyId?: string | null; issuedFor?: { faxId: string }; linkId?: string };
  from: { address: string; userAgent: string | null; via: string };
  what: { kind: string; page?: number; size?: string; signed?: boolean; scope?: { kind: string } };
  seq: number;
  hash: string;
  prev: string;
};
type Page = { items: Entry[]; nextCursor: string | null };

const admin = basicAuth('admin', testAdminKey);
const alice = basicAuth('alice', 'alice password');
const olga = basicAuth('olga', 'olga password');
const scenario = { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 2, ident: 'SENDER' }, '5550003333': { pages: 1, ident: 'OTHER SENDER' } } };

/**
 * The access trail through the whole server: a scripted set of reads by every kind of reader and of
 * every kind of content, each from its own (proxied) address, then the trail per fax and per user,
 * a tenant's view of it, the hash chain's check, a graceful restart, and one stored entry changed.
 */
describe.each(['sqlite', 'postgresql'] as const)('access trail (%s event store)', (store) => {
  const dir = makeTempDir('access-trail');
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  const storeEnv = (): Record<string, string> => (database ? { FAXENGINE_EVENT_STORE: database.url } : {});
  let env: Server;
  let acmeId: string;
  let otherId: string;
  let aliceId: string;
  let apiKey: string;
  let apiKeyId: string;
  let acmeFax: string;
  let otherFax: string;

  const base = () => `http://127.0.0.1:${env.server.httpAddress.port}`;
  /** A request as a client behind the trusted proxy (127.0.0.1): its address is the X-Forwarded-For one. */
  const get = (path: string, authorization: string | null, address: string, headers: Record<string, string> = {}) =>
    fetch(`${base()}${path}`, { headers: { ...(authorization ? { authorization } : {}), 'x-forwarded-for': `198.51.100.200, ${address}`, 'user-agent': `agent-${address}`, ...headers } });
  const read = async (path: string, authorization: string | null, address: string, headers: Record<string, string> = {}) => {
    const response = await get(path, authorization, address, headers);
    expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
    await response.arrayBuffer();
  };
  const start = () => startServerWithSimulator({ dataDir: dir.path, env: { FAXENGINE_AUTH_TRUSTED_PROXIES: '127.0.0.1', ...storeEnv() }, scenario });
  /** Polls until the trail (as `authorization` sees it at `path`) has `count` entries. */
  async function trail(path: string, count: number, authorization = admin): Promise<Entry[]> {
    let items: Entry[] = [];
    for (let tries = 0; tries < 200; tries++) {
      items = [];
      let cursor: string | null = null;
      do {
        const page = (await okJson(await env.call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, authorization))) as unknown as Page;
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      if (items.length >= count) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return items;
  }
  /** Entries as (who, how, what, from where), sorted: the order of reads within one millisecond is not kept. */
  const summary = (entries: Entry[]) =>
    entries
      .map((entry) => {
        const who = entry.reader.kind === 'user' ? entry.reader.username : entry.reader.kind === 'link' ? `link:${entry.reader.issuedFor?.faxId === entry.faxId}` : 'admin';
        const what = [entry.what.kind, entry.what.page, entry.what.size, entry.what.signed, entry.what.scope?.kind].filter((part) => part !== undefined).join(':');
        return `${who} ${entry.reader.credential} ${entry.from.via} ${what} ${entry.from.address} ${entry.from.userAgent}`;
      })
      .sort();

  beforeAll(async () => {
    database = store === 'postgresql' ? await createTestDatabase() : undefined;
    env = await start();
    acmeId = await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }], user: { username: 'alice', password: 'alice password' } });
    const other = await okJson(await env.call('POST', '/v1/tenants', { name: 'Other' }));
    otherId = String(other.id);
    await okJson(await env.call('POST', `/v1/tenants/${otherId}/numbers`, { number: '5559990000' }));
    await okJson(await env.call('POST', `/v1/tenants/${otherId}/users`, { username: 'olga', password: 'olga password' }));
    aliceId = String(((await okJson(await env.call('GET', '/v1/me', undefined, alice))).user as { id: string }).id);
    const issued = await okJson(await env.call('POST', '/v1/me/api-keys', { label: 'scanner' }, alice));
    apiKey = String(issued.key);
    apiKeyId = String(issued.id);

    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    await env.sim.startInboundCall({ from: '5550003333', to: '15559990000', gateway: 'carrier1' }).finished;
    const faxes = await faxesWhen(env, (list) => list.length === 2 && list.every((fax) => fax.status === 'received'));
    acmeFax = String(faxes.find((fax) => fax.tenantId === acmeId)!.faxId);
    otherFax = String(faxes.find((fax) => fax.tenantId === otherId)!.faxId);
  }, 120_000);
  afterAll(async () => {
    await env?.close();
    await database?.drop();
    dir.remove();
  });

  it('records every read of a document, page image, history and export, by every kind of reader, and nothing else', async () => {
    // Reads that are not of the document or the history, and refused ones, leave no entry.
    expect((await get(`/v1/faxes/${acmeFax}`, alice, '203.0.113.99')).status).toBe(200);
    expect((await get(`/v1/faxes/${acmeFax}/document`, olga, '203.0.113.99')).status).toBe(404);
    expect((await get(`/v1/faxes/${acmeFax}/document`, basicAuth('alice', 'wrong password'), '203.0.113.99')).status).toBe(401);

    await read(`/v1/faxes/${acmeFax}/document`, `Bearer ${apiKey}`, '203.0.113.1');
    await read(`/v1/faxes/${acmeFax}/document`, alice, '203.0.113.2', { accept: 'image/tiff' });
    await read(`/v1/faxes/${acmeFax}/pages/2.png?size=large`, alice, '203.0.113.2');
    await read(`/v1/faxes/${acmeFax}/events`, alice, '203.0.113.2');
    await read(`/v1/faxes/${acmeFax}/events?signed=true`, admin, '203.0.113.3');
    await read(`/v1/faxes/${acmeFax}/export`, `Bearer ${apiKey}`, '203.0.113.1');
    await read(`/v1/tenants/${acmeId}/export`, admin, '203.0.113.3');
    // The console: a session of alice's opens the fax page (its history), the PDF and a thumbnail.
    const session = await signIn('alice', 'alice password');
    await read(`/faxes/${acmeFax}`, null, '203.0.113.4', { cookie: `faxengine_session=${session}` });
    await read(`/faxes/${acmeFax}/document.pdf`, null, '203.0.113.4', { cookie: `faxengine_session=${session}` });
    await read(`/faxes/${acmeFax}/pages/1/thumb`, null, '203.0.113.4', { cookie: `faxengine_session=${session}` });
    // A signed link as a webhook receiver gets it (signed with the server's own link key).
    const links = createDocumentLinks({ key: loadLinkSigningKey(undefined, dir.path), baseUrl: base, ttlMs: 3_600_000 });
    const link = new URL(links.linkFor(acmeFax, new Date()).url);
    await read(link.pathname + link.search, null, '203.0.113.5');
    // The other tenant reads its own fax.
    await read(`/v1/faxes/${otherFax}/document`, olga, '203.0.113.6');

    const entries = await trail(`/v1/faxes/${acmeFax}/access`, 11);
    expect(summary(entries)).toEqual(
      [
        'alice apiKey api pdf 203.0.113.1 agent-203.0.113.1',
        'alice password api tiff 203.0.113.2 agent-203.0.113.2',
        'alice password api pageImage:2:large 203.0.113.2 agent-203.0.113.2',
        'alice password api history:false 203.0.113.2 agent-203.0.113.2',
        'admin password api history:true 203.0.113.3 agent-203.0.113.3',
        'alice apiKey api export:fax 203.0.113.1 agent-203.0.113.1',
        'admin password api export:tenant 203.0.113.3 agent-203.0.113.3',
        'alice session console faxPage 203.0.113.4 agent-203.0.113.4',
        'alice session console pdf 203.0.113.4 agent-203.0.113.4',
        'alice session console pageImage:1:thumb 203.0.113.4 agent-203.0.113.4',
        'link:true signedLink link pdf 203.0.113.5 agent-203.0.113.5',
      ].sort(),
    );
    expect(entries.every((entry) => entry.faxId === acmeFax && entry.tenantId === acmeId)).toBe(true);
    expect(entries.find((entry) => entry.reader.credential === 'apiKey')!.reader.apiKeyId).toBe(apiKeyId);
    expect(entries.find((entry) => entry.reader.kind === 'link')!.reader.linkId).toMatch(/^[0-9a-f]{16}$/);
    // Newest first.
    expect(entries.map((entry) => entry.at)).toEqual(entries.map((entry) => entry.at).sort().reverse());

    // Per user: alice's reads (API and console), and only the admin's for `admin`.
    expect(summary(await trail(`/v1/access?user=${aliceId}`, 8, alice))).toEqual(summary(entries.filter((entry) => entry.reader.userId === aliceId)));
    expect(summary(await trail('/v1/access?user=alice', 8))).toEqual(summary(entries.filter((entry) => entry.reader.userId === aliceId)));
    expect(summary(await trail('/v1/access?user=admin', 2))).toEqual(summary(entries.filter((entry) => entry.reader.kind === 'admin')));
    expect(summary(await trail(`/v1/access?user=link&faxId=${acmeFax}`, 1))).toHaveLength(1);

    // The console's fax page lists the last reads ("Who opened it").
    const page = await (await get(`/faxes/${acmeFax}`, null, '203.0.113.4', { cookie: `faxengine_session=${session}` })).text();
    const list = page.slice(page.indexOf('Who opened it'));
    expect(list).toContain('a signed link');
    expect(list).toContain('alice (API key)');
    expect(list).toContain('the signed history');
    expect(list).toContain('page 2 (large)');
    expect(list).toContain('203.0.113.5 (link)');
    expect(list.match(/<tr data-entry=/g)).toHaveLength(10);
  });

  it("shows a tenant its own trail only: another tenant's fax is 404, its users' reads are not there", async () => {
    expect((await env.call('GET', `/v1/faxes/${acmeFax}/access`, undefined, olga)).status).toBe(404);
    expect(((await okJson(await env.call('GET', `/v1/access?user=${aliceId}`, undefined, olga))) as unknown as Page).items).toEqual([]);
    expect((await env.call('GET', `/v1/access?tenantId=${acmeId}`, undefined, olga)).status).toBe(404);
    expect((await env.call('GET', `/v1/access/verify?tenantId=${acmeId}`, undefined, olga)).status).toBe(404);
    const own = await trail('/v1/access', 1, olga);
    expect(summary(own)).toEqual(['olga password api pdf 203.0.113.6 agent-203.0.113.6']);
    expect(own[0]!.faxId).toBe(otherFax);
    // Alice's view of the whole trail holds no read of the other tenant's fax.
    expect((await trail('/v1/access', 11, alice)).every((entry) => entry.tenantId === acmeId)).toBe(true);
  });

  it('keeps one hash chain per tenant that checks, signed, and survives a graceful restart (reads just before it included)', async () => {
    // Every entry so far is stored (the read models show it only then), the console page view of the last test included.
    await trail(`/v1/faxes/${acmeFax}/access`, 12);
    const check = await env.call('GET', '/v1/access/verify', undefined, alice);
    expect(check.headers.get('faxengine-signature')).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const before = (await check.json()) as { ok: boolean; entries: number; stream: string };
    expect(before).toMatchObject({ ok: true, stream: `access-${acmeId}` });
    expect(before.entries).toBe(12);

    // Read and stop at once: the entry is still in memory when the drain begins.
    await read(`/v1/faxes/${acmeFax}/events`, admin, '203.0.113.7');
    await env.close();
    // The drain stored the last batch itself: nothing is left for the next start to replay from the journal.
    expect(readdirSync(join(dir.path, 'access-journal'))).toEqual([]);
    env = await start();
    const entries = await trail(`/v1/faxes/${acmeFax}/access`, 13);
    expect(summary(entries)).toContain('admin password api history:false 203.0.113.7 agent-203.0.113.7');
    const after = (await okJson(await env.call('GET', `/v1/access/verify?tenantId=${acmeId}`))) as { ok: boolean; entries: number };
    expect(after).toMatchObject({ ok: true, entries: before.entries + 1 });
    const chain = entries.sort((a, b) => a.seq - b.seq);
    chain.forEach((entry, index) => expect(entry.prev).toBe(index === 0 ? '0'.repeat(64) : chain[index - 1]!.hash));
  }, 60_000);

  it('names the first entry that was changed in the event store', async () => {
    const entries = (await trail(`/v1/faxes/${acmeFax}/access`, 12)).sort((a, b) => a.seq - b.seq);
    const victim = entries[3]!;
    await env.close();
    expect(await changeStoredAddress(`access-${acmeId}`, victim.seq, '192.0.2.1')).toBe(1);
    // Offline, with the server stopped: `faxengine access verify` names the same entry.
    const cli = startCli(['access', 'verify', acmeId], { env: { FAXENGINE_DATA_DIR: dir.path, ...storeEnv() }, cwd: dir.path });
    expect(await cli.exited, cli.stderr()).toBe(1);
    expect(cli.stdout()).toContain(`access-${acmeId}: chain BROKEN at revision ${victim.seq} (entry ${victim.entryId}`);
    const other = startCli(['access', 'verify', otherId], { env: { FAXENGINE_DATA_DIR: dir.path, ...storeEnv() }, cwd: dir.path });
    expect(await other.exited, other.stderr()).toBe(0);
    expect(other.stdout()).toContain(`access-${otherId}: chain verified, 1 entries`);
    env = await start();
    const report = (await okJson(await env.call('GET', `/v1/access/verify?tenantId=${acmeId}`))) as { ok: boolean; broken: { revision: number; entryId: string; reason: string } | null };
    expect(report.ok).toBe(false);
    expect(report.broken).toMatchObject({ revision: victim.seq, entryId: victim.entryId, reason: 'hash' });
    // The other tenant's trail is untouched.
    expect(await okJson(await env.call('GET', `/v1/access/verify?tenantId=${otherId}`))).toMatchObject({ ok: true, entries: 1 });
  }, 60_000);

  /** Edits one stored event's data in place, behind faxengine's back (the server stopped): answers the rows changed. */
  async function changeStoredAddress(stream: string, revision: number, address: string): Promise<number> {
    if (!database) {
      const db = new Database(join(dir.path, 'events.sqlite'));
      try {
        return db.prepare("UPDATE events SET data = json_set(data, '$.from.address', ?) WHERE stream = ? AND revision = ?").run(address, stream, revision).changes;
      } finally {
        db.close();
      }
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const result = await client.query("UPDATE events SET data = jsonb_set(data::jsonb, '{from,address}', to_jsonb($1::text))::json WHERE stream = $2 AND revision = $3", [address, stream, revision]);
      return result.rowCount ?? 0;
    } finally {
      await client.end();
    }
  }

  const signIn = (username: string, password: string) => signInByHttp(base(), username, password);
});
