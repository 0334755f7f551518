import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileDocumentStore } from '../../src/adapters/documents/fileDocumentStore.js';
import { provisionAcme } from '../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator } from '../support/serverHarness.js';
import { readTiffPages } from '../support/faxTiffPages.js';
import { loadKeyRing } from '../../src/adapters/crypto/loadKeyRing.js';
import { makeSubmissionDocuments } from '../support/submissionFixtures.js';

type Env = Awaited<ReturnType<typeof startServerWithSimulator>>;

describe('sending a fax end to end (API → conversion → outbound actor → simulator)', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('converts a PDF and a PNG into one fax TIFF, dials through the upstream gateway and ends FaxSent', async () => {
    env = await startServerWithSimulator({ scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, defaultStation: { ident: 'REMOTE 7654321', rate: 9600 } } });
    await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }], user: { username: 'acme', password: 'acme long password' } });
    const documents = await makeSubmissionDocuments(env.dataDir);

    const form = new FormData();
    form.set('to', '5557654321');
    form.set('from', '5551230000');
    form.set('headerText', 'Acme');
    form.append('file', new Blob([documents.pdf], { type: 'application/pdf' }), 'letter.pdf');
    form.append('file', new Blob([documents.png], { type: 'image/png' }), 'logo.png');
    const auth = basicAuth('acme', 'acme long password');
    const response = await fetch(`http://127.0.0.1:${env.server.httpAddress.port}/v1/faxes`, { method: 'POST', headers: { authorization: auth }, body: form });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };

    let fax: Record<string, unknown> = {};
    for (let tries = 0; tries < 400 && fax.ended !== true; tries++) {
      fax = (await (await env.call('GET', `/v1/faxes/${id}`, undefined, auth)).json()) as Record<string, unknown>;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(fax).toMatchObject({ direction: 'outbound', status: 'sent', to: '+15557654321', from: '+15551230000', pages: 3, outbound: expect.objectContaining({ attempts: 1, gateway: 'carrier1', pagesSent: 3 }) });
    // What the call negotiated reaches the API, as the events hold it (it once showed nulls and an empty log).
    const history = (await (await env.call('GET', `/v1/faxes/${id}/events`, undefined, auth)).json()) as { items: Array<{ type: string; data: Record<string, unknown> }> };
    const negotiations = history.items.filter((event) => event.type === 'FaxNegotiated');
    expect(negotiations.length).toBeGreaterThan(0);
    expect(fax).toMatchObject({
      t38Status: negotiations.at(-1)!.data.t38Status,
      transferRate: 9600,
      negotiations: negotiations.length,
      remoteIdent: 'REMOTE 7654321',
      outbound: expect.objectContaining({
        attemptLog: [{ attempt: 1, gateway: 'carrier1', node: 'default', outcome: expect.stringMatching(/^sent/) }],
        transport: expect.objectContaining({ ecm: true }),
      }),
    });

    // The server sealed it under the key it generated into its data dir.
    const stored = createFileDocumentStore(join(env.dataDir, 'documents'), { keyRing: loadKeyRing({}, env.dataDir) });
    const pages = await stored.withPlainFile(String(fax.documentId), 'image/tiff', readTiffPages);
    expect(pages).toHaveLength(3);
    for (const page of pages) {
      expect(page.width).toBe(1728);
      expect(page.compression).toMatch(/CCITT Group 4/);
    }
    const originates = env.sim.connections().flatMap((connection) => env!.sim.commandLog(connection.id)).filter((entry) => entry.command.startsWith('bgapi originate'));
    expect(originates).toHaveLength(1);
    expect(originates[0]!.command).toContain('sofia/gateway/carrier1/+15557654321');
  });
});
