import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faxesWhen, okJson, provisionAcme } from '../../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator, testAdminKey } from '../../support/serverHarness.js';
import { makeSubmissionDocuments } from '../../support/submissionFixtures.js';

type Fax = Record<string, unknown>;
type Item = { type: string; data: Record<string, unknown>; metadata?: Record<string, unknown> };

/** The event store's files of a data dir (events, WAL, keys), not the read store's or the documents. */
const eventStoreFiles = (dataDir: string) => readdirSync(dataDir).filter((name) => name.startsWith('events.sqlite')).map((name) => ({ name, bytes: readFileSync(join(dataDir, name)) }));

describe('a server keeps faxes’ personal data sealed in its event store', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('serves the history opened, stores none of the numbers or idents, and serves empties once the fax is forgotten', async () => {
    const env = await startServerWithSimulator({ scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550007777': { pages: 1, ident: 'ZEBRA CLINIC' }, '15557651234': { ringSeconds: 0 } } } });
    cleanups.push(() => env.close());
    await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }] });
    await env.sim.startInboundCall({ from: '5550007777', to: '15551230000', gateway: 'carrier1' }).finished;
    const documents = await makeSubmissionDocuments(env.dataDir);
    const form = new FormData();
    form.set('to', '5557651234');
    form.set('from', '5551230000');
    form.append('file', new Blob([documents.png], { type: 'image/png' }), 'xray-of-zebra.png');
    await okJson(await fetch(`http://127.0.0.1:${env.server.httpAddress.port}/v1/faxes`, { method: 'POST', headers: { authorization: basicAuth('admin', testAdminKey) }, body: form }));
    const faxes = await faxesWhen(env, (items: Fax[]) => items.length === 2 && items.every((fax) => fax.status === 'received' || fax.status === 'sent'));
    const inbound = faxes.find((fax) => fax.direction === 'inbound')!;
    const history = async (faxId: unknown) => ((await okJson(await env.call('GET', `/v1/faxes/${String(faxId)}/events`))).items as Item[]);

    const opened = await history(inbound.faxId);
    expect(opened.find((item) => item.type === 'FaxCallOffered')!.data.callerNumber).toBe('5550007777');
    expect(opened.find((item) => item.type === 'FaxReceived')!.data.remoteIdent).toBe('ZEBRA CLINIC');

    const stored = eventStoreFiles(env.dataDir);
    expect(stored.map((file) => file.name)).toContain('events.sqlite-keys');
    for (const value of ['5550007777', 'ZEBRA CLINIC', '5557651234', 'xray-of-zebra']) expect(stored.filter((file) => file.bytes.includes(value)).map((file) => file.name), value).toEqual([]);

    await env.server.personalData.forgetFax(String(inbound.faxId), ['5550007777']);
    const forgotten = await history(inbound.faxId);
    expect(forgotten.find((item) => item.type === 'FaxCallOffered')!.data.callerNumber).toBe('');
    expect(forgotten.find((item) => item.type === 'FaxReceived')!.data.remoteIdent).toBe('');
    expect(JSON.stringify(forgotten)).not.toContain('5550007777');
  }, 120_000);
});
