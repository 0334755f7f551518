import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSubmissionHarness, type SubmissionHarness } from '../../support/submissionHarness.js';
import { makeSubmissionDocuments, type SubmissionDocuments } from '../../support/submissionFixtures.js';
import { makeTempDir } from '../../support/tempDir.js';

type Json = Record<string, any>;

describe('Idempotency-Key on POST /v1/faxes', () => {
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
    h = await startSubmissionHarness({ claimStaleAfterMs: 60_000 });
    acme = await h.tenant('Acme', 'acme', ['5551230001']);
    globex = await h.tenant('Globex', 'globex', ['5551230009']);
  });
  afterEach(async () => {
    await h.close();
  });

  const send = (key: string, fields: Record<string, string> = {}, files: Array<[string, Uint8Array]> = [['a.pdf', docs.pdf]], auth = acme.auth) =>
    h.send('/v1/faxes', { to: '5559876543', from: '5551230001', ...fields }, files, auth, { 'Idempotency-Key': key });

  it('answers a repeated request with the same fax, marked as replayed, and queues it once', async () => {
    const first = await send('order-42');
    expect(first.status).toBe(202);
    const created = (await first.json()) as Json;
    // The same request, with the number written differently: still the same request.
    const again = await send('order-42', { to: '+1 555 987 6543' });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(`/v1/faxes/${created.id}`);
    expect((await again.json()) as Json).toEqual(created);
    expect([...(await h.faxStreams()).keys()]).toEqual([created.id]);
    expect(h.control.queued).toEqual([created.id]);
    expect(((await h.faxStreams()).get(created.id)![0]!.data as Json).idempotencyKey).toBe('order-42');
  });

  it('answers 409 naming the key when it comes back with a different request', async () => {
    expect((await send('order-42')).status).toBe(202);
    for (const [fields, files] of [
      [{ to: '5559876544' }, undefined],
      [{}, [['a.pdf', docs.longPdf.subarray(0, docs.pdf.length)]]],
      [{}, [['b.pdf', docs.pdf]]],
      [{ resolution: 'standard' }, undefined],
    ] as Array<[Record<string, string>, Array<[string, Uint8Array]> | undefined]>) {
      const res = await send('order-42', fields, files);
      expect(res.status).toBe(409);
      expect(((await res.json()) as Json).detail).toContain('order-42');
    }
    expect((await h.faxStreams()).size).toBe(1);
  });

  it('makes one fax of concurrent identical requests', async () => {
    const answers = await Promise.all(Array.from({ length: 4 }, () => send('burst')));
    expect(answers.map((res) => res.status)).toEqual([202, 202, 202, 202]);
    const ids = new Set(await Promise.all(answers.map(async (res) => ((await res.json()) as Json).id)));
    expect(ids.size).toBe(1);
    expect([...(await h.faxStreams()).keys()]).toEqual([...ids]);
    expect(answers.filter((res) => res.headers.get('idempotent-replayed') === 'true')).toHaveLength(3);
    expect(h.control.queued).toHaveLength(1);
  });

  it('scopes keys to the tenant, and forgets them after 24 hours', async () => {
    const acmeFax = (await (await send('shared')).json()) as Json;
    const globexFax = (await (await send('shared', { from: '5551230009' }, undefined, globex.auth)).json()) as Json;
    expect(globexFax.id).not.toBe(acmeFax.id);
    h.advance(24 * 3_600_000 + 1_000);
    const later = await send('shared');
    expect(later.status).toBe(202);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(((await later.json()) as Json).id).not.toBe(acmeFax.id);
    expect((await h.faxStreams()).size).toBe(3);
  });

  it('frees the key when the request fails, so the corrected request can use it at once', async () => {
    expect((await send('retry-me', {}, [['bad.pdf', docs.corruptPdf]])).status).toBe(422);
    const res = await send('retry-me', {}, [['good.pdf', docs.pdf]]);
    expect(res.status).toBe(202);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
  });

  it('takes over a claim whose submission died before storing its fax', async () => {
    const stream = `idempotency-${createHash('sha256').update(`${acme.id}\ncrashed`).digest('hex')}`;
    const claimedAt = new Date(Date.now() - 120_000).toISOString();
    await h.eventStore.append(stream, [{ type: 'IdempotencyKeyClaimed', data: { tenantId: acme.id, key: 'crashed', fingerprint: 'x', faxId: 'never-stored', claimedAt } }], 'no_stream');
    const res = await send('crashed');
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as Json;
    expect([...(await h.faxStreams()).keys()]).toEqual([id]);
    expect((await h.eventStore.readStream(stream)).map((event) => [event.type, (event.data as Json).faxId])).toEqual([
      ['IdempotencyKeyClaimed', 'never-stored'],
      ['IdempotencyKeyClaimed', id],
    ]);
  });

  it('refuses a key that is not 1–255 visible characters', async () => {
    const res = await send('has spaces in it');
    expect(res.status).toBe(422);
    expect(((await res.json()) as Json).field).toBe('Idempotency-Key');
  });
});
