import { z } from '@hono/zod-openapi';

const reader = z
  .object({
    kind: z.enum(['admin', 'user', 'link']),
    credential: z.enum(['apiKey', 'password', 'session', 'signedLink']).openapi({ description: 'how the reader proved who it is: an API key, HTTP Basic (the admin key or a password), a console session, a signed link' }),
    userId: z.string().optional(),
    username: z.string().optional(),
    tenantId: z.string().optional(),
    apiKeyId: z.string().nullable().optional(),
    issuedFor: z.object({ faxId: z.string(), expiresAt: z.string() }).optional().openapi({ description: 'a signed link: the fax it was signed for and its expiry' }),
    linkId: z.string().optional().openapi({ description: "a signed link: the first 16 hex of the SHA-256 of its signature" }),
  })
  .openapi('AccessReader');

const what = z
  .object({
    kind: z.enum(['pdf', 'tiff', 'pageImage', 'history', 'faxPage', 'export']),
    page: z.number().int().optional(),
    size: z.enum(['thumb', 'large']).optional(),
    signed: z.boolean().optional(),
    scope: z.object({ kind: z.enum(['fax', 'tenant']), tenantId: z.string().optional(), since: z.string().nullable().optional(), until: z.string().optional() }).optional(),
    pdf: z.boolean().optional(),
  })
  .openapi('AccessWhat', { description: 'pdf, tiff: the document; pageImage: page n as thumb or large; history: the events (signed or not); faxPage: the console fax page (shows the history); export: in an export of the fax or of a tenant range' });

export const accessEntrySchema = z
  .object({
    entryId: z.string(),
    at: z.string().openapi({ example: '2026-12-06T21:00:00.000Z' }),
    faxId: z.string(),
    tenantId: z.string().nullable(),
    reader,
    from: z.object({ address: z.string(), userAgent: z.string().nullable(), via: z.enum(['api', 'console', 'link']) }),
    what,
    stream: z.string().openapi({ description: 'the trail it is in: access-<tenantId> (access-system)' }),
    seq: z.number().int().openapi({ description: 'its revision in that stream' }),
    prev: z.string().openapi({ description: 'hash of the entry before it (64 zeros for the first)' }),
    hash: z.string().openapi({ description: 'sha256 of the canonical JSON of this entry without `hash`' }),
    readerKey: z.string().openapi({ description: 'what `user=` matches: the user id, `admin` or `link`' }),
  })
  .openapi('AccessEntry');

export const accessPage = z
  .object({ items: z.array(accessEntrySchema), nextCursor: z.string().nullable().openapi({ description: 'pass as `cursor` for the next page; null on the last' }) })
  .openapi('AccessPage');

export const accessChainSchema = z
  .object({
    stream: z.string(),
    ok: z.boolean(),
    entries: z.number().int().openapi({ description: 'entries checked (up to and including the first broken one)' }),
    head: z.object({ revision: z.number().int().optional(), hash: z.string() }).openapi({ description: 'the last entry that checked: keep it (with the signature headers) to prove later that nothing up to it was removed' }),
    broken: z
      .object({ revision: z.number().int(), entryId: z.string().nullable(), at: z.string().nullable(), reason: z.enum(['hash', 'prev', 'seq', 'type']), detail: z.string() })
      .nullable()
      .openapi({ description: 'the first entry that does not check, or null' }),
    checkedAt: z.string(),
  })
  .openapi('AccessChainCheck');
