import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFaxResend, type FaxResend } from '../../../src/api/services/faxResend.js';
import { NotFoundError, NotPermittedError } from '../../../src/domain/errors.js';
import { startSubmissionHarness, type SubmissionHarness } from '../../support/submissionHarness.js';
import { makeSubmissionDocuments, type SubmissionDocuments } from '../../support/submissionFixtures.js';
import { adminAuth } from '../../support/tenancyHarness.js';
import { makeTempDir } from '../../support/tempDir.js';

type Json = Record<string, any>;
const acmeUser = { kind: 'user' as const, userId: 'u-acme', username: 'acme' };

// The console's Resend: a new fax with the same stored document, from the same events a submission appends.
describe('resending an outbound fax', () => {
  const fixtures = makeTempDir('resend-docs');
  let docs: SubmissionDocuments;
  let h: SubmissionHarness;
  let acme: { id: string; auth: string };
  let globex: { id: string; auth: string };
  let faxId: string;
  let service: FaxResend;

  beforeAll(async () => {
    docs = await makeSubmissionDocuments(fixtures.path);
  });
  afterAll(() => fixtures.remove());
  beforeEach(async () => {
    h = await startSubmissionHarness();
    acme = await h.tenant('Acme', 'acme', ['5551230001']);
    globex = await h.tenant('Globex', 'globex', ['5551230009']);
    const res = await h.send('/v1/faxes', { to: '5559876543', from: '5551230001', headerText: 'Acme desk', resolution: 'standard', pageSize: 'a4', 'policy.maxAttempts': '2' }, [['a.pdf', docs.pdf]], acme.auth);
    faxId = ((await res.json()) as Json).id;
    service = createFaxResend({
      eventStore: h.eventStore,
      documents: h.documents,
      lookupNumber: (e164) => h.routing.lookup(e164),
      outboundGateways: (tenantId, numberId) => h.routing.outboundGateways(tenantId, numberId),
      control: h.control.port,
      clock: { now: () => new Date() },
      defaultCountry: 'US',
      logger: pino({ level: 'silent' }),
    });
  });
  afterEach(async () => {
    await h.close();
  });

  it('makes one fax of the same request sent twice (a double click): the same key answers the same new fax', async () => {
    const [first, second] = await Promise.all([service.resend(faxId, acme.id, acmeUser, 'a1b2c3d4-0000-4000-8000-000000000001'), service.resend(faxId, acme.id, acmeUser, 'a1b2c3d4-0000-4000-8000-000000000001')]);
    expect(second.faxId).toBe(first.faxId);
    const again = await service.resend(faxId, acme.id, acmeUser, 'a1b2c3d4-0000-4000-8000-000000000001');
    expect(again.faxId).toBe(first.faxId);
    const queued = (await h.eventStore.readAll({ streamPrefixes: ['fax-'] })).filter((event) => event.type === 'FaxQueued');
    expect(queued.filter((event) => event.metadata.resendOf === faxId)).toHaveLength(1);
    // Another request (a new key) is another resend.
    const other = await service.resend(faxId, acme.id, acmeUser, 'a1b2c3d4-0000-4000-8000-000000000002');
    expect(other.faxId).not.toBe(first.faxId);
  });

  it('queues a new fax with the same document and settings, recording who resent it', async () => {
    const { faxId: copy } = await service.resend(faxId, acme.id, acmeUser);
    expect(copy).not.toBe(faxId);
    expect(h.control.queued).toEqual([faxId, copy]);
    const streams = await h.faxStreams();
    const [queued, prepared] = streams.get(faxId)!;
    const [copyQueued, copyPrepared, ...more] = streams.get(copy)!;
    expect(more).toEqual([]);
    expect(copyPrepared!.data).toEqual({ ...(prepared!.data as Json), faxId: copy });
    const { faxId: _a, submittedBy: _b, queuedAt: _c, ...settings } = queued!.data as Json;
    expect(copyQueued!.data).toMatchObject({ ...settings, faxId: copy, submittedBy: acmeUser });
    expect(settings).toMatchObject({ headerText: 'Acme desk', resolution: 'standard', pageSize: 'a4', policy: { maxAttempts: 2 } });
    expect(copyQueued!.metadata).toMatchObject({ tenantId: acme.id, correlationId: copy, resendOf: faxId });
    // The admin may resend any tenant's fax.
    expect((await service.resend(faxId, undefined, { kind: 'admin' })).faxId).not.toBe(copy);
  });

  it("finds neither another tenant's fax nor a fax that is not outbound", async () => {
    await expect(service.resend(faxId, globex.id, acmeUser)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.resend('no-such-fax', undefined, { kind: 'admin' })).rejects.toBeInstanceOf(NotFoundError);
    expect(h.control.queued).toEqual([faxId]);
  });

  it('checks the sender number again: once it is no longer the tenant\'s, resending is refused naming `from`', async () => {
    const numbers = (await (await h.request('GET', `/v1/tenants/${acme.id}/numbers`, { authorization: adminAuth })).json()) as Json;
    expect((await h.request('DELETE', `/v1/tenants/${acme.id}/numbers/${numbers.items[0].id}`, { authorization: adminAuth })).status).toBe(204);
    const refused = await service.resend(faxId, acme.id, acmeUser).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(NotPermittedError);
    expect((refused as NotPermittedError).field).toBe('from');
  });
});
