import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileDocumentStore } from '../../../src/adapters/documents/fileDocumentStore.js';
import { makeFaxTiff } from '../../support/faxFixtures.js';
import { newWebhookSecret, notifierEnv, pdfPages, scenario } from '../../support/notifierScenario.js';
import { startServerWithSimulator } from '../../support/serverHarness.js';
import { startSmtpSink } from '../../support/smtpSink.js';
import { makeTempDir } from '../../support/tempDir.js';
import { startWebhookReceiver } from '../../support/webhookReceiver.js';

/** Send results (`FaxSent` / `FaxFailed`, written by the send path) reach the submitter per preference and the recorded webhooks. */
describe('notifiers on send results', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('sends reports per the submitter’s mode (document attached for full ones) and posts the result to webhooks', async () => {
    const dir = makeTempDir('notify-send');
    cleanups.push(dir.remove);
    const sink = await startSmtpSink();
    cleanups.push(sink.close);
    const secret = newWebhookSecret();
    const receiver = await startWebhookReceiver(secret);
    cleanups.push(receiver.close);
    const env = await startServerWithSimulator({ scenario, dataDir: dir.path, env: notifierEnv(sink.port) });
    cleanups.push(() => env.close());
    const tenant = (await (await env.call('POST', '/v1/tenants', { name: 'Acme' })).json()) as { id: string };
    const hook = (await (await env.call('POST', `/v1/tenants/${tenant.id}/endpoints`, { target: { kind: 'webhook', url: receiver.url, secret, style: 'json' } })).json()) as { id: string };

    const tiff = join(dir.path, 'sent.tif');
    await makeFaxTiff(tiff, 2);
    const document = await createFileDocumentStore(join(dir.path, 'documents')).putTiff(tiff);
    const results = [
      { type: 'FaxSent', mode: 'report', to: 'report@acme.example' },
      { type: 'FaxFailed', mode: 'full', to: 'full@acme.example' },
      { type: 'FaxSent', mode: 'fullOnFailure', to: 'quiet@acme.example' },
      { type: 'FaxFailed', mode: 'fullOnFailure', to: 'failure@acme.example' },
    ];
    const faxIds: string[] = [];
    for (const result of results) {
      const faxId = randomUUID();
      faxIds.push(faxId);
      const data = {
        faxId,
        tenantId: tenant.id,
        to: '+15557654321',
        from: '+15551230000',
        pages: 2,
        attempts: result.type === 'FaxSent' ? 1 : 3,
        documentId: document.id,
        ...(result.type === 'FaxFailed' ? { reason: { class: 'busy', text: 'USER_BUSY' } } : {}),
        notify: { emails: [result.to], mode: result.mode },
        deliveries: [{ endpointId: hook.id, kind: 'webhook', priority: 1, url: receiver.url, style: 'json' }],
      };
      await env.server.eventStore.append(`fax-${faxId}`, [{ type: result.type, data, metadata: { tenantId: tenant.id } }], 'no_stream');
    }
    // Each fax: one webhook, plus an e-mail unless the mode asks for none.
    // Send results have no fax read model entry yet (the send path adds one): read the streams directly.
    for (const [index, faxId] of faxIds.entries()) {
      const expected = index === 2 ? 1 : 2;
      const deadline = Date.now() + 15_000;
      for (;;) {
        const events = await env.server.eventStore.readStream(`fax-${faxId}`);
        if (events.filter((event) => event.type === 'NotificationSent').length === expected) break;
        if (Date.now() > deadline) throw new Error(`fax ${index}: ${JSON.stringify(events.map((event) => [event.type, event.data]))}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const byAddress = new Map(sink.accepted.map((mail) => [mail.envelopeTo[0]!, mail.parsed]));
    expect([...byAddress.keys()].sort()).toEqual(['failure@acme.example', 'full@acme.example', 'report@acme.example']);
    expect(byAddress.get('report@acme.example')!.subject).toBe('Fax to +15557654321 sent (2 pages)');
    expect(byAddress.get('report@acme.example')!.attachments).toHaveLength(0);
    expect(byAddress.get('full@acme.example')!.subject).toBe('Fax to +15557654321 failed');
    expect(byAddress.get('full@acme.example')!.text).toContain('failed after 3 attempts: busy: USER_BUSY');
    expect(await pdfPages(byAddress.get('full@acme.example')!.attachments[0]!.content, dir.path)).toBe(2);
    expect(byAddress.get('failure@acme.example')!.attachments).toHaveLength(1);

    expect(receiver.received).toHaveLength(4);
    expect(receiver.received.every((request) => request.verified)).toBe(true);
    const types = receiver.received.map((request) => (JSON.parse(request.body) as { type: string; data: { faxId: string } }).type);
    expect(types.sort()).toEqual(['fax.failed', 'fax.failed', 'fax.sent', 'fax.sent']);
  });
});
