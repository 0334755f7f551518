import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readTiffPages } from '../../support/faxTiffPages.js';
import { startSubmissionHarness, type SubmissionHarness } from '../../support/submissionHarness.js';
import { makeSubmissionDocuments, type SubmissionDocuments } from '../../support/submissionFixtures.js';
import { adminAuth } from '../../support/tenancyHarness.js';
import { makeTempDir } from '../../support/tempDir.js';

type Json = Record<string, any>;

describe('POST /v1/faxes', () => {
  const fixtures = makeTempDir('submission-docs');
  let docs: SubmissionDocuments;
  let h: SubmissionHarness;
  let acme: { id: string; auth: string };
  let globex: { id: string; auth: string };

  beforeAll(async () => {
    docs = await makeSubmissionDocuments(fixtures.path);
  });
  afterAll(() => fixtures.remove());
  beforeEach(async () => {
    h = await startSubmissionHarness();
    acme = await h.tenant('Acme', 'acme', ['5551230001', { number: '5551230002', direction: 'inbound' }]);
    globex = await h.tenant('Globex', 'globex', ['+442079460958']);
  });
  afterEach(async () => {
    await h.close();
  });

  /** Sends and expects a problem; checks that nothing was queued and no temporary file is left. */
  async function rejected(res: Response, status: number): Promise<Json> {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await h.faxStreams()).toEqual(new Map());
    expect(h.control.queued).toEqual([]);
    expect(h.leftovers()).toEqual([]);
    return (await res.json()) as Json;
  }

  it('converts a PDF and a PNG, in order, into one fax and queues it: FaxQueued then FaxDocumentPrepared', async () => {
    const res = await h.send('/v1/faxes', { to: '(555) 987-6543', from: '5551230001', headerText: 'Acme Corp', stationIdent: 'ACME' }, [['letter.pdf', docs.pdf, 'application/pdf'], ['logo.png', docs.png, 'image/png']], acme.auth);
    expect(res.status).toBe(202);
    const body = (await res.json()) as Json;
    expect(body).toMatchObject({ status: 'queued', tenantId: acme.id, to: '+15559876543', from: '+15551230001', pages: 3, resolution: 'fine', pageSize: 'letter' });
    expect(res.headers.get('location')).toBe(`/v1/faxes/${body.id}`);
    expect(res.headers.get('idempotent-replayed')).toBeNull();

    const streams = await h.faxStreams();
    expect([...streams.keys()]).toEqual([body.id]);
    const [queued, prepared, ...rest] = streams.get(body.id)!;
    expect(rest).toEqual([]);
    expect(queued).toMatchObject({
      type: 'FaxQueued',
      revision: 0,
      metadata: { tenantId: acme.id, correlationId: body.id },
      data: {
        faxId: body.id,
        direction: 'outbound',
        tenantId: acme.id,
        to: '+15559876543',
        from: '+15551230001',
        headerText: 'Acme Corp',
        stationIdent: 'ACME',
        resolution: 'fine',
        pageSize: 'letter',
        files: [
          { name: 'letter.pdf', contentType: 'application/pdf', bytes: docs.pdf.length },
          { name: 'logo.png', contentType: 'image/png', bytes: docs.png.length },
        ],
        submittedBy: { kind: 'user', username: 'acme' },
      },
    });
    expect(prepared).toMatchObject({ type: 'FaxDocumentPrepared', revision: 1, data: { faxId: body.id, documentId: body.documentId, pages: 3 } });
    expect(h.control.queued).toEqual([body.id]);

    const pages = await h.documents.withPlainFile(body.documentId, 'image/tiff', readTiffPages);
    expect(pages.map((page) => [page.width, page.height, page.resolution])).toEqual(Array(3).fill([1728, 2156, '204, 196 pixels/inch']));
    expect(h.leftovers()).toEqual([]);
  });

  it('takes resolution, page size, policy, notification and caller ID name; A4 is the default outside +1', async () => {
    const res = await h.send(
      '/v1/faxes',
      { to: '+442079460000', from: '+15551230001', resolution: 'standard', callerIdName: 'Acme', policy: '{"maxAttempts":5}', 'policy.busyRetryDelayMs': '60000', notifyEmails: 'a@acme.example, b@acme.example', notifyMode: 'fullOnFailure' },
      [['one.pdf', docs.pdf]],
      acme.auth,
    );
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as Json;
    const [queued] = (await h.faxStreams()).get(id)!;
    expect(queued!.data).toMatchObject({
      resolution: 'standard',
      pageSize: 'a4',
      callerIdName: 'Acme',
      policy: { maxAttempts: 5, busyRetryDelayMs: 60000 },
      notify: { emails: ['a@acme.example', 'b@acme.example'], mode: 'fullOnFailure' },
    });
  });

  it("answers 403 for another tenant's number or an unknown one as sender, naming it", async () => {
    for (const from of ['+442079460958', '5559990000']) {
      const problem = await rejected(await h.send('/v1/faxes', { to: '5559876543', from }, [['a.pdf', docs.pdf]], acme.auth), 403);
      expect(problem.field).toBe('from');
      expect(problem.detail).toContain(from.startsWith('+') ? from : `+1${from}`);
    }
    // A tenant user cannot send for another tenant either.
    const problem = await rejected(await h.send('/v1/faxes', { to: '5559876543', from: '+442079460958', tenantId: globex.id }, [['a.pdf', docs.pdf]], acme.auth), 403);
    expect(problem.field).toBe('tenantId');
  });

  it('answers 422 naming the field: a bad `to`, an inbound-only `from`, an unknown field, a bad policy', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ to: 'fax me maybe', from: '5551230001' }, 'to'],
      [{ to: '123', from: '5551230001' }, 'to'],
      [{ to: '5559876543', from: '5551230002' }, 'from'],
      [{ to: '5559876543', from: '5551230001', resolutoin: 'fine' }, 'resolutoin'],
      [{ to: '5559876543', from: '5551230001', resolution: 'superfine' }, 'resolution'],
      [{ to: '5559876543', from: '5551230001', policy: '{"maxAttempts":50}' }, 'policy.maxAttempts'],
      [{ to: '5559876543', from: '5551230001', 'policy.retryForever': '1' }, 'policy.retryForever'],
      [{ to: '5559876543', from: '5551230001', stationIdent: 'far too long for a T.30 ident' }, 'stationIdent'],
      [{ to: '5559876543', from: '5551230001', notifyMode: 'full' }, 'notifyEmails'],
      [{ from: '5551230001' }, 'to'],
    ];
    for (const [fields, field] of cases) {
      const problem = await rejected(await h.send('/v1/faxes', fields, [['a.pdf', docs.pdf]], acme.auth), 422);
      expect(problem.field, JSON.stringify(fields)).toBe(field);
    }
    const noFile = await rejected(await h.send('/v1/faxes', { to: '5559876543', from: '5551230001' }, [], acme.auth), 422);
    expect(noFile.field).toBe('file');
  });

  it('answers 422 for more files or pages than allowed', async () => {
    const tooMany = await rejected(await h.send('/v1/faxes', { to: '5559876543', from: '5551230001' }, Array(4).fill(['p.png', docs.png]), acme.auth), 422);
    expect(tooMany).toMatchObject({ field: 'file', detail: expect.stringContaining('at most 3') });
    const tooLong = await rejected(await h.send('/v1/faxes', { to: '5559876543', from: '5551230001' }, [['long.pdf', docs.longPdf]], acme.auth), 422);
    expect(tooLong).toMatchObject({ field: 'file', pages: 7, detail: expect.stringContaining('at most 6') });
  });

  it('answers 413 for a file or a request over the size limits, naming the file', async () => {
    const big = new Uint8Array(450_000);
    const oneTooBig = await rejected(await h.send('/v1/faxes', { to: '5559876543', from: '5551230001' }, [['a.pdf', docs.pdf], ['huge.pdf', big]], acme.auth), 413);
    expect(oneTooBig).toMatchObject({ field: 'file', fileName: 'huge.pdf', detail: expect.stringContaining('huge.pdf') });
    const together = await rejected(await h.send('/v1/faxes', { to: '5559876543', from: '5551230001' }, [['a.bin', new Uint8Array(350_000)], ['b.bin', new Uint8Array(350_000)]], acme.auth), 413);
    expect(together.field).toBe('file');
    // Beyond the files' limit plus the form's allowance, the body is refused before it is read.
    const body = await rejected(await h.send('/v1/faxes', { to: '5559876543', from: '5551230001' }, [['x.bin', new Uint8Array(2_000_000)]], acme.auth), 413);
    expect(body.field).toBe('file');
  });

  it.each([
    ['secret.pdf', 'encryptedPdf', 'encrypted'],
    ['broken.pdf', 'corruptPdf', 'corrupt'],
    ['cut.pdf', 'truncatedPdf', 'corrupt'],
    ['nothing.pdf', 'empty', 'empty'],
  ] as const)('answers 422 naming %s when it cannot be faxed (%s), and queues nothing', async (name, key, reason) => {
    const res = await h.send('/v1/faxes', { to: '5559876543', from: '5551230001' }, [['fine.png', docs.png], [name, docs[key]]], acme.auth);
    const problem = await rejected(res, 422);
    expect(problem).toMatchObject({ field: 'file', fileName: name, reason, detail: expect.stringContaining(name) });
  });

  it('lets the admin send for a tenant: by the sender number, or naming the tenant', async () => {
    const res = await h.send('/v1/faxes', { to: '5559876543', from: '5551230001' }, [['a.pdf', docs.pdf]], adminAuth);
    expect(res.status).toBe(202);
    expect(((await res.json()) as Json).tenantId).toBe(acme.id);
    const wrongTenant = await h.send('/v1/faxes', { to: '5559876543', from: '5551230001', tenantId: globex.id }, [['a.pdf', docs.pdf]], adminAuth);
    expect(wrongTenant.status).toBe(403);
    const [queued] = [...(await h.faxStreams()).values()][0]!;
    expect((queued!.data as Json).submittedBy).toEqual({ kind: 'admin' });
  });

  it('needs credentials, and is in the OpenAPI document as multipart/form-data', async () => {
    const res = await h.send('/v1/faxes', { to: '5559876543', from: '5551230001' }, [['a.pdf', docs.pdf]], 'Basic bm9ib2R5Om5vdGhpbmc=');
    expect(res.status).toBe(401);
    const openapi = (await (await h.app.request('/openapi.json')).json()) as Json;
    const post = openapi.paths['/v1/faxes'].post;
    expect(Object.keys(post.requestBody.content)).toEqual(['multipart/form-data']);
    expect(post.responses['202']).toBeDefined();
    expect(openapi.paths['/v1/faxes/{id}'].delete).toBeDefined();
    expect(openapi.paths['/fax/send'].post).toBeDefined();
  });
});
