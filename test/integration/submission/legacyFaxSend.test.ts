import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSubmissionHarness, type SubmissionHarness } from '../../support/submissionHarness.js';
import { makeSubmissionDocuments, type SubmissionDocuments } from '../../support/submissionFixtures.js';
import { makeTempDir } from '../../support/tempDir.js';

type Json = Record<string, any>;

describe("the original's POST /fax/send", () => {
  const fixtures = makeTempDir('submission-docs');
  let docs: SubmissionDocuments;
  let h: SubmissionHarness;
  let acme: { id: string; auth: string };

  beforeAll(async () => {
    docs = await makeSubmissionDocuments(fixtures.path);
  });
  afterAll(() => fixtures.remove());
  afterEach(async () => {
    await h.close();
  });

  async function start(options: Parameters<typeof startSubmissionHarness>[0] = {}) {
    h = await startSubmissionHarness(options);
    acme = await h.tenant('Acme', 'acme', ['5551230001']);
  }
  const post = (body: unknown) => h.request('POST', '/fax/send', { body, authorization: acme.auth });

  it('sends a file from the drop directory, by a relative or an absolute name inside it', async () => {
    await start();
    mkdirSync(join(h.dropDir!, 'acme'));
    writeFileSync(join(h.dropDir!, 'acme', 'invoice.pdf'), docs.pdf);
    for (const fileName of ['acme/invoice.pdf', join(h.dropDir!, 'acme', 'invoice.pdf')]) {
      const res = await post({ from_number: '5551230001', to_number: 5559876543, file_name: fileName });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Json;
      expect(body).toEqual({ message: 'fax enqueued', job_uuid: expect.any(String) });
      expect(res.headers.get('location')).toBe(`/v1/faxes/${body.job_uuid}`);
      const [queued, prepared] = (await h.faxStreams()).get(body.job_uuid)!;
      expect(queued!.data).toMatchObject({ tenantId: acme.id, to: '+15559876543', from: '+15551230001', files: [{ name: 'invoice.pdf', bytes: docs.pdf.length }] });
      expect(prepared!.data).toMatchObject({ pages: 2 });
    }
    expect(h.control.queued).toHaveLength(2);
  });

  it('refuses `..`, paths outside the drop directory and symlinks that lead out of it, naming file_name', async () => {
    await start();
    const outside = join(h.dir, 'outside.pdf');
    writeFileSync(outside, docs.pdf);
    symlinkSync(outside, join(h.dropDir!, 'link.pdf'));
    symlinkSync('/etc', join(h.dropDir!, 'etc'));
    for (const fileName of ['../outside.pdf', 'sub/../../outside.pdf', '/etc/passwd', outside, 'link.pdf', 'etc/passwd', 'missing.pdf', '']) {
      const res = await post({ from_number: '5551230001', to_number: '5559876543', file_name: fileName });
      expect(res.status, fileName).toBe(422);
      expect(((await res.json()) as Json).field, fileName).toBe('file_name');
    }
    expect(await h.faxStreams()).toEqual(new Map());
  });

  it("names the original's fields in errors", async () => {
    await start();
    writeFileSync(join(h.dropDir!, 'a.pdf'), docs.pdf);
    const badTo = await post({ from_number: '5551230001', to_number: 'nope', file_name: 'a.pdf' });
    expect(((await badTo.json()) as Json).field).toBe('to_number');
    const foreign = await post({ from_number: '5550000000', to_number: '5559876543', file_name: 'a.pdf' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as Json).field).toBe('from_number');
    const missing = await post({ from_number: '5551230001', file_name: 'a.pdf' });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as Json).field).toBe('to_number');
  });

  it('answers 503 for file_name when no drop directory is configured', async () => {
    await start({ dropDir: null });
    const res = await post({ from_number: '5551230001', to_number: '5559876543', file_name: 'a.pdf' });
    expect(res.status).toBe(503);
    expect((await res.json()) as Json).toMatchObject({ field: 'file_name', detail: expect.stringContaining('submission.dropDir') });
  });

  it("takes the upload form the original's code took (caller_number, callee_number, file)", async () => {
    await start({ dropDir: null });
    const res = await h.send('/fax/send', { caller_number: '5551230001', callee_number: '5559876543' }, [['scan.png', docs.png, 'image/png']], acme.auth);
    expect(res.status).toBe(200);
    const { job_uuid: id } = (await res.json()) as Json;
    expect((await h.faxStreams()).get(id)![0]!.data).toMatchObject({ files: [{ name: 'scan.png', contentType: 'image/png' }] });
    const bad = await h.send('/fax/send', { caller_number: '5551230001', callee_number: '5559876543' }, [['empty.pdf', docs.empty]], acme.auth);
    expect((await bad.json()) as Json).toMatchObject({ status: 422, field: 'file', fileName: 'empty.pdf' });
  });

  it('needs a tenant user', async () => {
    await start();
    const res = await h.request('POST', '/fax/send', { body: { from_number: '1', to_number: '2', file_name: 'a' }, authorization: 'Basic bm9ib2R5Om5vdGhpbmc=' });
    expect(res.status).toBe(401);
  });
});
