import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { provisionAcme } from '../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator } from '../support/serverHarness.js';
import { makeSubmissionDocuments } from '../support/submissionFixtures.js';
import { makeTempDir } from '../support/tempDir.js';

type Env = Awaited<ReturnType<typeof startServerWithSimulator>>;
type Fax = Record<string, unknown>;

const keyLine = (id: string) => `${id} ${randomBytes(32).toString('base64')}\n`;
const auth = basicAuth('acme', 'acme long password');

/** Every file under `dir`, recursively. */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? allFiles(path) : entry.isFile() ? [path] : [];
  });
}

/**
 * Byte runs that only this document holds: 48-byte windows of its compressed image data with many
 * distinct bytes (a run of a blank line's code would also be found in any other fax).
 */
function distinctiveRuns(bytes: Buffer, count = 6): Buffer[] {
  const runs: Buffer[] = [];
  for (let start = Math.floor(bytes.length / 8); start + 48 < bytes.length && runs.length < count; start += Math.floor(bytes.length / (count * 2))) {
    for (let offset = start; offset + 48 < bytes.length && offset < start + 4096; offset += 7) {
      const window = bytes.subarray(offset, offset + 48);
      if (new Set(window).size >= 16) {
        runs.push(Buffer.from(window));
        break;
      }
    }
  }
  return runs;
}

/** Files under `dir` holding any of `runs`. */
function filesHolding(dir: string, runs: Buffer[]): string[] {
  return allFiles(dir).filter((path) => {
    const content = readFileSync(path);
    return runs.some((run) => content.includes(run));
  });
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('documents encrypted at rest, end to end (server + simulator)', () => {
  let env: Env | undefined;
  const dirs: Array<{ remove(): void }> = [];
  afterEach(async () => {
    await env?.close();
    env = undefined;
    dirs.splice(0).forEach((dir) => dir.remove());
  });

  async function start(extraEnv: Record<string, string> = {}) {
    const data = makeTempDir('encryption-e2e');
    const outside = makeTempDir('encryption-keys');
    dirs.push(data, outside);
    // The keys live outside the data directory, as the README advises.
    const keyFile = join(outside.path, 'faxengine.keys');
    writeFileSync(keyFile, keyLine('k1'), { mode: 0o600 });
    env = await startServerWithSimulator({
      dataDir: data.path,
      scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 2, ident: 'SENDER' } }, defaultStation: { ident: 'REMOTE 7654321' } },
      env: { FAXENGINE_ENCRYPTION_KEY_FILE: keyFile, ...extraEnv },
    });
    await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }], user: { username: 'acme', password: 'acme long password' } });
    return { env, keyFile, outside: outside.path };
  }

  async function receiveOne(env: Env): Promise<Fax> {
    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    const faxes = await until(async () => ((await (await env.call('GET', '/v1/faxes', undefined, auth)).json()) as { items: Fax[] }).items, (items) => items.some((fax) => fax.direction === 'inbound' && fax.ended === true), 'the received fax');
    return faxes.find((fax) => fax.direction === 'inbound')!;
  }

  async function sendOne(env: Env, inputs: string): Promise<Fax> {
    const documents = await makeSubmissionDocuments(inputs);
    const form = new FormData();
    form.set('to', '5557654321');
    form.set('from', '5551230000');
    form.append('file', new Blob([documents.pdf], { type: 'application/pdf' }), 'letter.pdf');
    const response = await fetch(`http://127.0.0.1:${env.server.httpAddress.port}/v1/faxes`, { method: 'POST', headers: { authorization: auth }, body: form });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    return until(async () => (await (await env.call('GET', `/v1/faxes/${id}`, undefined, auth)).json()) as Fax, (fax) => fax.ended === true, 'the sent fax');
  }

  const download = async (env: Env, faxId: unknown, type: 'image/tiff' | 'application/pdf') => {
    const response = await fetch(`http://127.0.0.1:${env.server.httpAddress.port}/v1/faxes/${String(faxId)}/document`, { headers: { authorization: auth, accept: type } });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };

  /** The txfax file of every originate the simulator was sent. */
  const txfaxFiles = (env: Env) =>
    env.sim
      .connections()
      .flatMap((connection) => env.sim.commandLog(connection.id))
      .map((entry) => /&txfax\(([^)]+)\)/.exec(`${entry.command} ${entry.body ?? ''}`)?.[1])
      .filter((path): path is string => path !== undefined);

  it('leaves no plain document under the data directory after a received and a sent fax, and the sent fax reached the simulator through a plain copy deleted after the call', async () => {
    const { env, outside } = await start();
    const received = await receiveOne(env);
    expect(received).toMatchObject({ status: 'received', pages: 2 });
    const sent = await sendOne(env, outside);
    expect(sent).toMatchObject({ status: 'sent', pages: 2, outbound: expect.objectContaining({ pagesSent: 2 }) });

    // Every consumer gets plain bytes: the TIFF, the PDF, a page image.
    const receivedTiff = await download(env, received.faxId, 'image/tiff');
    const sentTiff = await download(env, sent.faxId, 'image/tiff');
    expect(receivedTiff.subarray(0, 2).toString()).toMatch(/II|MM/);
    const pdf = await download(env, received.faxId, 'application/pdf');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const thumb = await env.call('GET', `/v1/faxes/${String(received.faxId)}/pages/1.png?size=thumb`, undefined, auth);
    expect(thumb.status).toBe(200);
    const png = Buffer.from(await thumb.arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    // txfax read a plain copy in faxengine's own directory, gone once the call was over.
    const [txfaxFile] = txfaxFiles(env);
    expect(txfaxFile).toBeDefined();
    expect(txfaxFile!.startsWith(join(env.dataDir, 'documents', 'plain'))).toBe(true);
    await until(async () => existsSync(txfaxFile!), (exists) => !exists, 'the plain copy to be removed');
    expect(readdirSync(join(env.dataDir, 'documents', 'plain'))).toEqual([]);
    expect(statSync(join(env.dataDir, 'documents', 'plain')).mode & 0o777).toBe(0o750);

    // Nothing under the data directory holds a run of the documents' bytes.
    const runs = [...distinctiveRuns(receivedTiff), ...distinctiveRuns(sentTiff), ...distinctiveRuns(pdf), ...distinctiveRuns(png)];
    expect(runs.length).toBeGreaterThanOrEqual(16);
    expect(filesHolding(env.dataDir, runs)).toEqual([]);
  });

  it('rotates keys in a running server: reload, re-encryption, old key removed, documents unchanged; a changed file answers a clear error', async () => {
    const { env, keyFile } = await start();
    const received = await receiveOne(env);
    const before = { tiff: await download(env, received.faxId, 'image/tiff'), pdf: await download(env, received.faxId, 'application/pdf') };
    const status = async () => (await (await env.call('GET', '/v1/admin/encryption')).json()) as { currentKey: string; reencrypted: boolean; keys: Array<{ id: string; removable: boolean }>; stores: Array<{ name: string; byKey: Record<string, number> }> };
    expect(await status()).toMatchObject({ currentKey: 'k1', reencrypted: true, stores: [{ name: 'documents', byKey: { k1: 2 } }, { name: 'page-images', byKey: {} }, { name: 'personal-data-keys', byKey: { k1: expect.any(Number) } }] });
    const faxBefore = await (await env.call('GET', `/v1/faxes/${String(received.faxId)}`)).json();

    // Step 1: the new key goes first in the key file; step 2: reload (no restart).
    writeFileSync(keyFile, keyLine('k2') + readFileSync(keyFile, 'utf8'));
    const reload = await env.call('POST', '/v1/admin/encryption/reload');
    expect(reload.status).toBe(200);
    expect(await reload.json()).toMatchObject({ currentKey: 'k2' });
    // Monitoring sees what is left under old keys, as last counted.
    const leftForMetrics = async () => /^faxengine_encryption_items_under_old_keys\{store="documents"\} (\d+)$/m.exec(await (await env.call('GET', '/metrics', undefined, null)).text())?.[1];
    // Step 3: the background re-encryption leaves nothing under k1.
    const done = await until(status, (value) => value.reencrypted && value.stores[0]!.byKey.k2 === 2 && value.stores.every((store) => !store.byKey.k1), 're-encryption');
    expect(done.keys).toEqual([expect.objectContaining({ id: 'k2', removable: false }), expect.objectContaining({ id: 'k1', removable: true })]);
    expect(await leftForMetrics()).toBe('0');
    // Step 4: k1 leaves the key file; the reload accepts it.
    writeFileSync(keyFile, readFileSync(keyFile, 'utf8').split('\n').filter((line) => !line.startsWith('k1 ')).join('\n'));
    const dropped = await env.call('POST', '/v1/admin/encryption/reload');
    expect(dropped.status).toBe(200);
    expect(((await dropped.json()) as { keys: Array<{ id: string }> }).keys.map((key) => key.id)).toEqual(['k2']);
    expect(await download(env, received.faxId, 'image/tiff')).toEqual(before.tiff);
    expect(await download(env, received.faxId, 'application/pdf')).toEqual(before.pdf);
    // The per-fax keys of personal data were re-wrapped too: the fax's caller is still readable from its events.
    const history = await env.server.eventStore.readStream(`fax-${String(received.faxId)}`);
    expect(history.find((event) => event.type === 'FaxCallOffered')?.data).toMatchObject({ callerNumber: expect.stringMatching(/\d{7,}/) });
    expect(await (await env.call('GET', `/v1/faxes/${String(received.faxId)}`)).json()).toEqual(faxBefore);

    // A byte changed on disk: a 500 that says so, never the changed bytes.
    const sha256 = String(received.documentId).replace(/^sha256-/, '');
    const file = join(env.dataDir, 'documents', sha256.slice(0, 2), `${sha256}.tif`);
    const bytes = readFileSync(file);
    bytes[bytes.length - 100]! ^= 0x40;
    writeFileSync(file, bytes);
    const refused = await fetch(`http://127.0.0.1:${env.server.httpAddress.port}/v1/faxes/${String(received.faxId)}/document`, { headers: { authorization: auth, accept: 'image/tiff' } });
    expect(refused.status).toBe(500);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/cannot be opened: sealed data under key k2 does not authenticate/);
  });

  it('refuses a reload that drops a key still sealing documents, naming the key and the store', async () => {
    const { env, keyFile } = await start({ FAXENGINE_ENCRYPTION_REENCRYPT_RATE: '1' });
    await receiveOne(env);
    writeFileSync(keyFile, keyLine('k2'));
    const refused = await env.call('POST', '/v1/admin/encryption/reload');
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/key k1 still seals 1 item of documents/);
    expect(await (await env.call('GET', '/v1/admin/encryption')).json()).toMatchObject({ currentKey: 'k1' });
    expect((await env.call('GET', '/v1/admin/encryption', undefined, auth)).status).toBe(403);
  });
});
