import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSubmissionHarness, type SubmissionHarness } from '../../support/submissionHarness.js';
import { makeSubmissionDocuments, type SubmissionDocuments } from '../../support/submissionFixtures.js';
import { adminAuth } from '../../support/tenancyHarness.js';
import { makeTempDir } from '../../support/tempDir.js';

type Json = Record<string, any>;

describe('DELETE /v1/faxes/{id}', () => {
  const fixtures = makeTempDir('submission-docs');
  let docs: SubmissionDocuments;
  let h: SubmissionHarness;
  let acme: { id: string; auth: string };
  let globex: { id: string; auth: string };
  let faxId: string;

  beforeAll(async () => {
    docs = await makeSubmissionDocuments(fixtures.path);
  });
  afterAll(() => fixtures.remove());
  beforeEach(async () => {
    h = await startSubmissionHarness();
    acme = await h.tenant('Acme', 'acme', ['5551230001']);
    globex = await h.tenant('Globex', 'globex', ['5551230009']);
    const res = await h.send('/v1/faxes', { to: '5559876543', from: '5551230001' }, [['a.pdf', docs.pdf]], acme.auth);
    faxId = ((await res.json()) as Json).id;
  });
  afterEach(async () => {
    await h.close();
  });

  const cancel = (id: string, authorization: string) => h.request('DELETE', `/v1/faxes/${id}`, { authorization });

  it('asks the outbound runtime to cancel, as the caller', async () => {
    const res = await cancel(faxId, acme.auth);
    expect(res.status).toBe(202);
    expect((await res.json()) as Json).toEqual({ id: faxId, status: 'cancelled' });
    expect(res.headers.get('location')).toBe(`/v1/faxes/${faxId}`);
    expect(h.control.cancels).toEqual([{ faxId, by: { kind: 'user', userId: expect.any(String), username: 'acme' } }]);
    expect((await cancel(faxId, adminAuth)).status).toBe(202);
    expect(h.control.cancels[1]!.by).toEqual({ kind: 'admin' });
  });

  it("answers 404 for another tenant's fax or an unknown one, without asking the runtime", async () => {
    for (const [id, auth] of [[faxId, globex.auth], ['no-such-fax', acme.auth]] as const) {
      const res = await cancel(id, auth);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(h.control.cancels).toEqual([]);
  });

  it('answers 409 when the fax has already finished, and 404 when the runtime does not know it', async () => {
    h.control.cancelOutcome = 'finished';
    const finished = await cancel(faxId, acme.auth);
    expect(finished.status).toBe(409);
    expect(((await finished.json()) as Json).detail).toContain('already finished');
    h.control.cancelOutcome = 'notFound';
    expect((await cancel(faxId, acme.auth)).status).toBe(404);
  });
});
