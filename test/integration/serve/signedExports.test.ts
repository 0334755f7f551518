import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePublicKey } from '../../../src/exports/exportKeyFormat.js';
import type { ExportManifest } from '../../../src/exports/exportManifest.js';
import { readTarEntries, type TarEntry } from '../../../src/exports/tarReader.js';
import { tarEnd, tarFile } from '../../../src/exports/tarWriter.js';
import { startCli } from '../../support/cliProcess.js';
import { faxesWhen, okJson, provisionAcme } from '../../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator, testAdminKey } from '../../support/serverHarness.js';
import { createTestDatabase } from '../../support/postgresServer.js';
import { makeSubmissionDocuments } from '../../support/submissionFixtures.js';

type Server = Awaited<ReturnType<typeof startServerWithSimulator>>;
type Fax = Record<string, unknown> & { faxId: string };

const admin = basicAuth('admin', testAdminKey);
const acmeUser = basicAuth('alice', 'alice password');
const otherUser = basicAuth('olga', 'olga password');

/**
 * Signed exports through the whole server: faxes received from the simulator and one sent, exported
 * one by one and by tenant and range, checked by `faxengine verify` run as a child process, and
 * changed one byte at a time to see it fail and name the place.
 */
describe.each(['sqlite', 'postgresql'] as const)('signed exports and faxengine verify (%s event store)', (store) => {
  let env: Server;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let acmeId: string;
  let otherId: string;
  let faxes: Fax[];
  let received: Fax;
  let sent: Fax;

  beforeAll(async () => {
    database = store === 'postgresql' ? await createTestDatabase() : undefined;
    env = await startServerWithSimulator({
      ...(database ? { env: { FAXENGINE_EVENT_STORE: database.url } } : {}),
      scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 2, ident: 'SENDER' }, '5550003333': { pages: 1, ident: 'OTHER SENDER' }, '15557654321': { ringSeconds: 0 } } },
    });
    acmeId = await provisionAcme(env, {
      globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }],
      user: { username: 'alice', password: 'alice password' },
    });
    const other = await okJson(await env.call('POST', '/v1/tenants', { name: 'Other' }));
    otherId = String(other.id);
    await okJson(await env.call('POST', `/v1/tenants/${otherId}/users`, { username: 'olga', password: 'olga password' }));

    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    await env.sim.startInboundCall({ from: '5550003333', to: '15551230000', gateway: 'carrier1' }).finished;
    const documents = await makeSubmissionDocuments(env.dataDir);
    const form = new FormData();
    form.set('to', '5557654321');
    form.set('from', '5551230000');
    form.append('file', new Blob([documents.pdf], { type: 'application/pdf' }), 'two.pdf');
    await okJson(await fetch(`${base()}/v1/faxes`, { method: 'POST', headers: { authorization: acmeUser }, body: form }));

    const done = (list: Array<Record<string, unknown>>) => list.length === 3 && list.every((fax) => fax.ended === true && (fax.status === 'received' || fax.status === 'sent'));
    faxes = (await faxesWhen(env, done)) as Fax[];
    expect(done(faxes), JSON.stringify(faxes)).toBe(true);
    received = faxes.find((fax) => fax.status === 'received' && fax.remoteIdent === 'SENDER')!;
    sent = faxes.find((fax) => fax.status === 'sent')!;
  }, 120_000);
  afterAll(async () => {
    await env?.close();
    await database?.drop();
  });

  const base = () => `http://127.0.0.1:${env.server.httpAddress.port}`;
  const keyUrl = () => `${base()}/.well-known/faxengine-export-key`;
  const get = (path: string, authorization: string | null = admin) => fetch(`${base()}${path}`, { headers: authorization ? { authorization } : {} });
  let saved = 0;
  async function download(path: string, authorization = admin): Promise<string> {
    const response = await get(path, authorization);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-tar');
    const file = join(env.dataDir, `export-${++saved}.tar`);
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    return file;
  }
  async function entries(file: string): Promise<Map<string, TarEntry>> {
    const handle = await open(file, 'r');
    try {
      const found = new Map<string, TarEntry>();
      for await (const entry of readTarEntries(handle)) found.set(entry.path, entry);
      return found;
    } finally {
      await handle.close();
    }
  }
  const content = async (file: string, path: string) => {
    const entry = (await entries(file)).get(path)!;
    return readFileSync(file).subarray(entry.offset, entry.offset + entry.size);
  };
  async function verify(file: string, ...args: string[]) {
    const cli = startCli(['verify', file, ...args]);
    const code = await cli.exited;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  }
  /** A copy of the archive with one byte of `path` changed, at the first `marker` in it (or its 100th byte). */
  async function withOneByteChanged(file: string, path: string, marker?: string): Promise<string> {
    const entry = (await entries(file)).get(path)!;
    const bytes = Buffer.from(readFileSync(file));
    const at = entry.offset + (marker ? bytes.subarray(entry.offset, entry.offset + entry.size).indexOf(marker) : 100);
    expect(at).toBeGreaterThanOrEqual(entry.offset);
    bytes[at] = bytes[at]! ^ 0x01;
    const changed = file.replace(/\.tar$/, `-changed-${++saved}.tar`);
    writeFileSync(changed, bytes);
    return changed;
  }

  it('publishes the public key without credentials, its id the SHA-256 of the raw key', async () => {
    const response = await get('/.well-known/faxengine-export-key', null);
    expect(response.status).toBe(200);
    const key = (await response.json()) as { algorithm: string; keyId: string; publicKey: string; publicKeyPem: string };
    expect(key.algorithm).toBe('Ed25519');
    expect(key.keyId).toBe(createHash('sha256').update(Buffer.from(key.publicKey, 'base64')).digest('hex'));
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    // The key generated into the data directory, owner-only.
    expect(readFileSync(join(env.dataDir, 'export-signing.key'), 'utf8')).toMatch(/PRIVATE KEY/);
  });

  it("exports one fax for its tenant's user: events, document and a signed manifest that verifies", async () => {
    const file = await download(`/v1/faxes/${received.faxId}/export`, acmeUser);
    const listing = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toEqual([`faxes/${received.faxId}/events.json`, `faxes/${received.faxId}/document.tiff`, 'manifest.json', 'manifest.sig']);

    const events = JSON.parse((await content(file, `faxes/${received.faxId}/events.json`)).toString('utf8')) as Array<Record<string, unknown>>;
    const history = (await okJson(await get(`/v1/faxes/${received.faxId}/events`))).items as Array<Record<string, unknown>>;
    expect(events.map((event) => [event.id, event.type, event.revision])).toEqual(history.map((event) => [event.id, event.type, event.revision]));
    for (const event of events) expect(Object.keys(event).sort()).toEqual(['created', 'data', 'id', 'metadata', 'position', 'revision', 'stream', 'type']);
    const tiff = Buffer.from(await (await fetch(`${base()}/v1/faxes/${received.faxId}/document`, { headers: { authorization: admin, accept: 'image/tiff' } })).arrayBuffer());
    expect((await content(file, `faxes/${received.faxId}/document.tiff`)).equals(tiff)).toBe(true);

    const manifest = JSON.parse((await content(file, 'manifest.json')).toString('utf8')) as ExportManifest;
    expect(manifest.scope).toEqual({ kind: 'fax', faxId: received.faxId });
    expect(manifest.exportedBy).toMatchObject({ kind: 'user', username: 'alice', tenantId: acmeId });
    expect(manifest.files.map((entry) => entry.path)).toEqual([`faxes/${received.faxId}/events.json`, `faxes/${received.faxId}/document.tiff`]);
    expect(manifest.files[1]!.sha256).toBe(createHash('sha256').update(tiff).digest('hex'));

    const result = await verify(file, '--key', keyUrl());
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('export verified');
    expect(result.stdout).toContain('2 checked, sizes and SHA-256 match; none missing, none extra');
    expect(result.stdout).toContain(`scope:     fax ${received.faxId}; 1 fax\n`);
    expect(result.stdout).toContain('by user alice');
  }, 60_000);

  it("exports a tenant's faxes in a range (with PDFs), verified with the key saved to a file", async () => {
    const since = faxes.map((fax) => String(fax.createdAt)).sort()[0]!;
    const file = await download(`/v1/tenants/${acmeId}/export?since=${encodeURIComponent(since)}&until=2999-01-01&pdf=true`);
    const manifest = JSON.parse((await content(file, 'manifest.json')).toString('utf8')) as ExportManifest;
    expect(manifest.scope).toEqual({ kind: 'tenant', tenantId: acmeId, since, until: '2999-01-01T23:59:59.999Z' });
    expect(manifest.faxes.map((fax) => fax.faxId).sort()).toEqual(faxes.map((fax) => fax.faxId).sort());
    const paths = [...(await entries(file)).keys()];
    for (const fax of faxes) for (const name of ['events.json', 'document.tiff', 'document.pdf']) expect(paths).toContain(`faxes/${fax.faxId}/${name}`);
    expect((await content(file, `faxes/${sent.faxId}/document.pdf`)).subarray(0, 5).toString()).toBe('%PDF-');

    const keyFile = join(env.dataDir, 'export-key.json');
    writeFileSync(keyFile, await (await get('/.well-known/faxengine-export-key', null)).text());
    const result = await verify(file, '--key', keyFile);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`tenant ${acmeId}`);
    expect(result.stdout).toContain('; 3 faxes');

    // A range after every fax: an empty export that still verifies.
    const empty = await download(`/v1/tenants/${acmeId}/export?since=2999-01-01&until=2999-12-31`);
    expect(((JSON.parse((await content(empty, 'manifest.json')).toString('utf8')) as ExportManifest).faxes)).toEqual([]);
  }, 60_000);

  it('fails when one byte of an event, a document or the manifest changed, and says where', async () => {
    const file = await download(`/v1/faxes/${received.faxId}/export`);
    const events = `faxes/${received.faxId}/events.json`;
    const history = (await okJson(await get(`/v1/faxes/${received.faxId}/events`))).items as Array<{ type: string; revision: number }>;
    const negotiated = history.find((event) => event.type === 'FaxNegotiated')!;

    const eventChanged = await verify(await withOneByteChanged(file, events, '"transferRate":'), '--key', keyUrl());
    expect(eventChanged.code).toBe(1);
    expect(eventChanged.stdout).toContain('export does NOT verify');
    expect(eventChanged.stdout).toMatch(new RegExp(`${events}: SHA-256 expected [0-9a-f]{64}, actual [0-9a-f]{64}`));
    expect(eventChanged.stdout).toContain(`${events}: event revision ${negotiated.revision} (FaxNegotiated`);
    // The signature itself is intact: only that file differs.
    expect(eventChanged.stdout).toContain('signature: valid over manifest.json');

    const documentChanged = await verify(await withOneByteChanged(file, `faxes/${received.faxId}/document.tiff`), '--key', keyUrl());
    expect(documentChanged.code).toBe(1);
    expect(documentChanged.stdout).toMatch(new RegExp(`faxes/${received.faxId}/document.tiff: SHA-256 expected [0-9a-f]{64}, actual [0-9a-f]{64}; size \\d+ bytes \\(same\\)`));
    expect(documentChanged.stdout).not.toContain(events);

    // Still valid JSON (a digit of the export time), so only the signature tells.
    const manifestChanged = await verify(await withOneByteChanged(file, 'manifest.json', '026-'), '--key', keyUrl());
    expect(manifestChanged.code).toBe(1);
    expect(manifestChanged.stdout).toContain('manifest.sig: signature does not verify');
    expect(manifestChanged.stdout).toContain('signature: INVALID');
    expect(manifestChanged.stdout).not.toContain('not a readable manifest');

    // A file added, a file taken out (the archive rebuilt around them, every tar header sound).
    const all = await entries(file);
    const rebuilt = async (keep: (path: string) => boolean, extra: Array<[string, Buffer]>) => {
      const parts: Uint8Array[] = [];
      for (const path of [...all.keys()].filter(keep)) parts.push(tarFile(path, await content(file, path), new Date()));
      for (const [path, bytes] of extra) parts.push(tarFile(path, bytes, new Date()));
      const target = join(env.dataDir, `rebuilt-${++saved}.tar`);
      writeFileSync(target, Buffer.concat([...parts, tarEnd()]));
      return target;
    };
    const extra = await verify(await rebuilt(() => true, [[`faxes/${received.faxId}/note.txt`, Buffer.from('added later')]]), '--key', keyUrl());
    expect(extra.code).toBe(1);
    expect(extra.stdout).toContain(`✗ faxes/${received.faxId}/note.txt: in the archive, not in the manifest`);
    const missing = await verify(await rebuilt((path) => !path.endsWith('document.tiff'), []), '--key', keyUrl());
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`✗ faxes/${received.faxId}/document.tiff: listed in the manifest, missing from the archive`);
  }, 60_000);

  it('needs a key from outside the archive, and refuses one that did not sign it', async () => {
    const file = await download(`/v1/faxes/${sent.faxId}/export`);
    const withoutKey = await verify(file);
    expect(withoutKey.code).toBe(2);
    expect(withoutKey.stderr).toContain('--key is required: a signature checked with a key taken from the archive itself proves nothing');

    const stranger = join(env.dataDir, 'stranger.pem');
    writeFileSync(stranger, describePublicKey(generateKeyPairSync('ed25519').publicKey).publicKeyPem);
    const wrongKey = await verify(file, '--key', stranger);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toContain('manifest.sig: signature does not verify');
    expect(wrongKey.stdout).toMatch(/manifest.json: names signing key [0-9a-f]{64}, but the key given is [0-9a-f]{64}/);
  }, 60_000);

  it('signs a fax history on request (?signed=true), checked by faxengine verify --signature', async () => {
    const plain = await get(`/v1/faxes/${received.faxId}/events`, acmeUser);
    expect(plain.headers.get('faxengine-signature')).toBeNull();
    const response = await get(`/v1/faxes/${received.faxId}/events?signed=true`, acmeUser);
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    expect(JSON.parse(body.toString('utf8'))).toEqual(await plain.json());
    const key = (await (await get('/.well-known/faxengine-export-key', null)).json()) as { keyId: string };
    expect(response.headers.get('faxengine-signature-key-id')).toBe(key.keyId);
    const signature = response.headers.get('faxengine-signature')!;
    const file = join(env.dataDir, 'history.json');
    writeFileSync(file, body);

    const good = await verify(file, '--signature', signature, '--key', keyUrl());
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toContain('signed history verified');
    expect(good.stdout).toContain(`fax:       ${received.faxId}; ${(JSON.parse(body.toString('utf8')) as { items: unknown[] }).items.length} events`);

    const changed = Buffer.from(body);
    const at = changed.indexOf('"transferRate":') + 16;
    changed[at] = changed[at]! ^ 0x01;
    writeFileSync(file, changed);
    const bad = await verify(file, '--signature', signature, '--key', keyUrl());
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('signature does NOT verify');

    expect((await get(`/v1/faxes/${received.faxId}/events?signed=yes`, acmeUser)).status).toBe(422);
    expect((await get(`/v1/faxes/${received.faxId}/events?signed=true`, otherUser)).status).toBe(404);
  }, 60_000);

  it("keeps tenants apart: another tenant's fax is 404, another tenant's range is 404", async () => {
    expect((await get(`/v1/faxes/${received.faxId}/export`, otherUser)).status).toBe(404);
    expect((await get(`/v1/tenants/${acmeId}/export`, otherUser)).status).toBe(404);
    expect((await get(`/v1/tenants/${otherId}/export`, acmeUser)).status).toBe(404);
    expect((await get(`/v1/tenants/${acmeId}/export`, null)).status).toBe(401);
    expect((await get(`/v1/faxes/${received.faxId}/export`, null)).status).toBe(401);
    // Olga's own (empty) tenant exports fine.
    const own = await download(`/v1/tenants/${otherId}/export`, otherUser);
    expect((JSON.parse((await content(own, 'manifest.json')).toString('utf8')) as ExportManifest).faxes).toEqual([]);
  });

  it('answers bad input with a problem naming the field', async () => {
    const problem = async (path: string, status: number) => {
      const response = await get(path);
      expect(response.status, await response.clone().text()).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      return (await response.json()) as { field?: string; detail: string };
    };
    expect((await problem(`/v1/tenants/${acmeId}/export?since=yesterday`, 422)).field).toBe('since');
    expect((await problem(`/v1/tenants/${acmeId}/export?until=2026-02-30`, 422)).field).toBe('until');
    const reversed = await problem(`/v1/tenants/${acmeId}/export?since=2026-12-02&until=2026-12-01`, 422);
    expect(reversed.field).toBe('until');
    expect(reversed.detail).toContain('must not be before since');
    const future = await problem(`/v1/tenants/${acmeId}/export?since=2999-01-01`, 422);
    expect([future.field, future.detail]).toEqual(['since', 'since: is in the future (2999-01-01T00:00:00.000Z); until defaults to now']);
    expect((await problem(`/v1/tenants/${acmeId}/export?from=2026-12-01`, 422)).field).toBe('from');
    expect((await problem(`/v1/tenants/${acmeId}/export?pdf=yes`, 422)).field).toBe('pdf');
    expect((await problem('/v1/tenants/no-such-tenant/export', 404)).detail).toContain('no-such-tenant');
    expect((await problem('/v1/faxes/no-such-fax/export', 404)).detail).toContain('no-such-fax');
  });
});
