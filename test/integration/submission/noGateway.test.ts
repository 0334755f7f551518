import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSubmissionHarness, type SubmissionHarness } from '../../support/submissionHarness.js';
import { makeSubmissionDocuments, type SubmissionDocuments } from '../../support/submissionFixtures.js';
import { adminAuth } from '../../support/tenancyHarness.js';
import { makeTempDir } from '../../support/tempDir.js';

type Json = Record<string, any>;

describe('a tenant with no upstream gateway to send through', () => {
  const fixtures = makeTempDir('submission-docs');
  let docs: SubmissionDocuments;
  let h: SubmissionHarness;

  beforeAll(async () => {
    docs = await makeSubmissionDocuments(fixtures.path);
  });
  afterAll(() => fixtures.remove());
  afterEach(async () => {
    await h.close();
  });

  async function refused(res: Response, field: string, tenantId: string): Promise<void> {
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await res.json()) as Json;
    expect(problem.field).toBe(field);
    expect(problem.detail).toContain(`tenant ${tenantId} has no upstream gateway to send through`);
    expect(await h.faxStreams()).toEqual(new Map());
    expect(h.control.queued).toEqual([]);
  }

  it('POST /v1/faxes and the original POST /fax/send answer 422 naming the missing gateway, and queue nothing', async () => {
    h = await startSubmissionHarness({ carrier: false });
    const acme = await h.tenant('Acme', 'acme', ['5551230001']);
    await refused(await h.send('/v1/faxes', { to: '5559876543', from: '5551230001' }, [['letter.pdf', docs.pdf, 'application/pdf']], acme.auth), 'from', acme.id);

    writeFileSync(join(h.dropDir!, 'invoice.pdf'), docs.pdf);
    const legacy = await h.request('POST', '/fax/send', { body: { from_number: '5551230001', to_number: '5559876543', file_name: 'invoice.pdf' }, authorization: acme.auth });
    await refused(legacy, 'from_number', acme.id);
  });

  it("a PBX gateway of the tenant is no way out; the tenant's own upstream gateway is", async () => {
    h = await startSubmissionHarness({ carrier: false });
    const acme = await h.tenant('Acme', 'acme', ['5551230001']);
    const addEndpoint = async (target: Json) => {
      const res = await h.request('POST', `/v1/tenants/${acme.id}/endpoints`, { body: { target }, authorization: adminAuth });
      expect(res.status).toBe(201);
    };
    const submit = () => h.send('/v1/faxes', { to: '5559876543', from: '5551230001' }, [['letter.pdf', docs.pdf, 'application/pdf']], acme.auth);

    await addEndpoint({ kind: 'gateway', gateway: 'pbx_acme', sourceIps: ['192.0.2.10'] });
    await refused(await submit(), 'from', acme.id);

    await addEndpoint({ kind: 'gateway', gateway: 'acme_carrier', sourceIps: [], role: 'upstream' });
    expect((await submit()).status).toBe(202);
  });
});
