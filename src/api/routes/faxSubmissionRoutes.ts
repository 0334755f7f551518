import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ValidationError } from '../../domain/errors.js';
import type { AuthEnv } from '../auth/principal.js';
import type { SubmissionFields } from '../services/faxSubmission.js';
import { anyAuth, jsonContent, problemResponses as P, routeModule } from './openapiHelpers.js';
import { legacyFaxSendRoutes } from './legacy/legacyFaxSendRoutes.js';
import { receiveUploads, submissionContentOf } from './receiveUploads.js';
import { answerHeaders, authenticateOnce, idempotencyKeyOf, submitterOf, tenantFor, type SubmissionRouteDeps } from './submissionAccess.js';

const tags = ['Faxes'];
const binary = z.custom<File>((value) => value instanceof File, { error: 'a document (PDF, TIFF, PNG or JPEG) sent as a file part' }).openapi({ type: 'string', format: 'binary' });
const notifyModes = ['report', 'full', 'fullOnFailure', 'none'] as const;

const submissionForm = z
  .looseObject({
    file: z.union([binary, z.array(binary)]).openapi({ description: 'One or more documents, faxed in the order given', type: 'array', items: { type: 'string', format: 'binary' } }),
    to: z.string().openapi({ description: 'Destination; national numbers are read in `numbers.defaultCountry`', example: '+15559876543' }),
    from: z.string().openapi({ description: "One of the tenant's numbers (not inbound-only): the caller ID", example: '+15551234567' }),
    callerIdName: z.string().optional(),
    headerText: z.string().optional().openapi({ description: "Page header line; default the number's (or tenant's) header" }),
    stationIdent: z.string().optional().openapi({ description: "TSI, ≤ 20 printable characters; default the number's station ident" }),
    resolution: z.enum(['fine', 'standard']).optional().openapi({ description: 'fine (204×196 dpi, default) or standard (204×98)' }),
    pageSize: z.enum(['a4', 'letter']).optional().openapi({ description: 'default `submission.defaultPageSize`, else Letter for +1 destinations and A4 elsewhere' }),
    policy: z.string().optional().openapi({ description: 'Send policy overrides as JSON, e.g. {"maxAttempts":5,"busyRetryDelayMs":60000}; or one field each: `policy.maxAttempts=5`' }),
    notifyEmails: z.union([z.string(), z.array(z.string())]).optional().openapi({ description: 'Addresses told of the result (comma-separated or repeated)' }),
    notifyMode: z.enum(notifyModes).optional().openapi({ description: "report, full (with the document), fullOnFailure, none; default the tenant's notifyOn (always: report, failure: fullOnFailure, never: none)" }),
    webhookUrl: z.string().optional().openapi({
      description:
        "An http(s) URL told of every step of this fax (fax.queued, fax.converted, fax.attempt.started, fax.attempt.failed, fax.sent, fax.failed, fax.cancelled), signed with the tenant's webhook secret (GET /v1/tenants/{id}/webhook-secret)",
      example: 'https://crm.acme.example/fax-status',
    }),
    tenantId: z.string().optional().openapi({ description: "Admin only: the tenant to send for (default: the owner of `from`)" }),
  })
  .openapi('FaxSubmission');
const knownFields = new Set(Object.keys(submissionForm.shape));

const submittedSchema = z
  .object({
    id: z.string(),
    status: z.literal('queued'),
    tenantId: z.string(),
    to: z.string(),
    from: z.string(),
    pages: z.number().int(),
    documentId: z.string(),
    resolution: z.enum(['fine', 'standard']),
    pageSize: z.enum(['a4', 'letter']),
    queuedAt: z.string(),
  })
  .openapi('FaxSubmitted', {
    example: { id: '2003f688-2382-496d-9e14-a3fff9cafe73', status: 'queued', tenantId: '1', to: '+15559876543', from: '+15551234567', pages: 2, documentId: 'sha256-6290930791be4f726a18dfe427c808b98a0ab7b53ca070167c2a5a4cb778d2bc', resolution: 'fine', pageSize: 'letter', queuedAt: '2025-01-31T12:00:00.000Z' },
  });

// For the document only (the validator sees lower-case names): `idempotencyKeyOf` checks the header.
const idempotencyHeader = z.object({
  'Idempotency-Key': z.string().optional().openapi({ description: 'Same key and same request within 24 h: the same fax (answered with `Idempotent-Replayed: true`); a different request: 409' }),
});

const submit = createRoute({
  method: 'post',
  path: '/v1/faxes',
  tags,
  summary: 'Send a fax: multipart/form-data with one or more `file` parts and the fields below',
  security: anyAuth,
  request: { headers: idempotencyHeader, body: { content: { 'multipart/form-data': { schema: submissionForm } }, required: true } },
  responses: {
    202: { ...jsonContent(submittedSchema, 'queued; `Location` is the fax'), headers: { Location: { schema: { type: 'string' } } } },
    401: P[401],
    403: { description: '`from` is not a number of the tenant', content: P[403].content },
    409: { description: 'the Idempotency-Key was used for a different request', content: P[409].content },
    413: { description: 'a file or the files together exceed the limits', content: P[422].content },
    422: { description: 'invalid field, too many files or pages, or a document that cannot be faxed (named in `fileName`)', content: P[422].content },
  },
});

const idParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });
const cancel = createRoute({
  method: 'delete',
  path: '/v1/faxes/{id}',
  tags,
  summary: 'Cancel an outbound fax: a queued or waiting fax stops, a fax in a call is hung up',
  security: anyAuth,
  request: { params: idParam },
  responses: {
    202: jsonContent(z.object({ id: z.string(), status: z.literal('cancelled') }).openapi('FaxCancelled'), 'cancelled'),
    401: P[401],
    404: P[404],
    409: { description: 'the fax has already finished', content: P[409].content },
  },
});

/** `POST /v1/faxes`, `DELETE /v1/faxes/{id}` and the original's `POST /fax/send`. */
export function faxSubmissionRoutes(deps: SubmissionRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  const authenticate = authenticateOnce(deps.auth);
  const uploads = receiveUploads(deps.service);

  routes.openapi({ ...submit, middleware: [authenticate, uploads] as const }, async (c) => {
    const form = c.req.valid('form') as z.infer<typeof submissionForm>;
    const principal = c.get('principal');
    const result = await deps.service.submit({
      ...fieldsOf(form),
      tenantId: tenantFor(principal, form.tenantId, 'tenantId'),
      submittedBy: submitterOf(principal),
      files: (Array.isArray(form.file) ? form.file : [form.file]).map((file) => ({ name: file.name, contentType: file.type, content: submissionContentOf(file) })),
      ...idempotencyKeyOf(c),
    });
    answerHeaders(c, result);
    const { faxId, tenantId, status, to, from, pages, documentId, resolution, pageSize, queuedAt } = result;
    return c.json({ id: faxId, status, tenantId, to, from, pages, documentId, resolution, pageSize, queuedAt }, 202);
  });

  routes.openapi({ ...cancel, middleware: [authenticate] as const }, async (c) => {
    const principal = c.get('principal');
    const { faxId, status } = await deps.service.cancel(c.req.valid('param').id, principal.kind === 'admin' ? undefined : principal.tenantId, submitterOf(principal));
    c.header('Location', `/v1/faxes/${faxId}`);
    return c.json({ id: faxId, status }, 202);
  });
  routes.route('/', legacyFaxSendRoutes(deps));
  return routes;
}

function fieldsOf(form: z.infer<typeof submissionForm>): Omit<SubmissionFields, 'tenantId'> {
  for (const key of Object.keys(form)) {
    if (!knownFields.has(key) && !key.startsWith('policy.')) throw new ValidationError(key, 'is not a field of a fax submission');
  }
  const { to, from, callerIdName, headerText, stationIdent, resolution, pageSize, notifyMode, webhookUrl } = form;
  const emails = form.notifyEmails === undefined ? undefined : [form.notifyEmails].flat().flatMap((text) => text.split(/[;,]/)).map((text) => text.trim()).filter(Boolean);
  const policy = policyOf(form);
  return Object.fromEntries(
    Object.entries({ to, from, callerIdName, headerText, stationIdent, resolution, pageSize, policy, notifyEmails: emails, notifyMode, webhookUrl }).filter(([, value]) => value !== undefined),
  ) as Omit<SubmissionFields, 'tenantId'>;
}

/** `policy` as JSON, with `policy.<key>` fields laid over it (numbers, as the policy's keys all are). */
function policyOf(form: Record<string, unknown>): unknown {
  let policy: unknown;
  if (typeof form.policy === 'string' && form.policy.trim() !== '') {
    try {
      policy = JSON.parse(form.policy);
    } catch {
      throw new ValidationError('policy', 'must be a JSON object, e.g. {"maxAttempts":5}');
    }
  }
  for (const [key, value] of Object.entries(form)) {
    if (!key.startsWith('policy.')) continue;
    if (typeof value !== 'string') throw new ValidationError(key, 'must be a number');
    const number = value.trim() === '' ? Number.NaN : Number(value);
    if (policy !== undefined && (typeof policy !== 'object' || policy === null || Array.isArray(policy))) break; // the parser names the problem
    policy = { ...(policy as Record<string, unknown> | undefined), [key.slice('policy.'.length)]: Number.isNaN(number) ? value : number };
  }
  return policy;
}
