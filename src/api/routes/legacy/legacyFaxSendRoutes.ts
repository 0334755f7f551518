import { basename } from 'node:path';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { NotPermittedError, TooLargeError, ValidationError } from '../../../domain/errors.js';
import type { AuthEnv } from '../../auth/principal.js';
import { DropDirectoryUnavailableError, resolveDropFile } from '../../services/dropDirectory.js';
import type { SubmissionFile } from '../../services/faxSubmission.js';
import { anyAuth, jsonContent, problemResponses as P, routeModule } from '../openapiHelpers.js';
import { receiveUploads, submissionContentOf } from '../receiveUploads.js';
import { answerHeaders, authenticateOnce, idempotencyKeyOf, submitterOf, tenantFor, type SubmissionRouteDeps } from '../submissionAccess.js';
import { legacyId } from './legacyFormat.js';

const tags = ['Original tenant API'];
const numberText = z.union([z.string(), z.number()]).transform(String);
// The original's README documents this JSON; its code took the multipart form below instead. Both work.
const jsonBody = z
  .object({ from_number: numberText, to_number: numberText, file_name: z.string(), tenant_id: legacyId.optional() })
  .openapi('LegacyFaxSend', { example: { from_number: '5551234567', to_number: '5559876543', file_name: 'document.tiff' } });
const formBody = z
  .object({
    caller_number: z.string(),
    callee_number: z.string(),
    file: z.custom<File>((value) => value instanceof File, { error: 'a document sent as a file part' }).openapi({ type: 'string', format: 'binary' }),
    tenant_id: z.string().optional(),
  })
  .openapi('LegacyFaxSendForm');
const response = z.object({ message: z.string(), job_uuid: z.string() }).openapi('LegacyFaxSent');

const send = createRoute({
  method: 'post',
  path: '/fax/send',
  tags,
  summary: "The original's send route: JSON naming a file in `submission.dropDir`, or the form upload its code took",
  security: anyAuth,
  request: { body: { content: { 'application/json': { schema: jsonBody }, 'multipart/form-data': { schema: formBody } }, required: false } },
  responses: {
    200: jsonContent(response, 'queued (`job_uuid` is the fax id; `Location` is the fax)'),
    401: P[401],
    403: { description: '`from_number` is not a number of the tenant', content: P[403].content },
    409: P[409],
    413: { description: 'the file exceeds the limits', content: P[422].content },
    422: { description: 'invalid field, a `file_name` outside the drop directory, or a document that cannot be faxed', content: P[422].content },
    503: { description: 'no drop directory configured (submission.dropDir)', content: P[503].content },
  },
});

/** The original's `POST /fax/send`, for its tenant users (HTTP Basic), on the same submission service. */
export function legacyFaxSendRoutes(deps: SubmissionRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.openapi({ ...send, middleware: [authenticateOnce(deps.auth), receiveUploads(deps.service)] as const }, async (c) => {
    const json = c.req.valid('json') as Partial<z.infer<typeof jsonBody>>;
    const form = c.req.valid('form') as Partial<z.infer<typeof formBody>>;
    let request: { from: string; to: string; tenantId: string | undefined; file: SubmissionFile; names: Record<string, string> };
    if (json.file_name !== undefined) {
      if (!deps.dropDir) throw unavailable('file_name is disabled: set submission.dropDir (FAXENGINE_SUBMISSION_DROP_DIR) to the directory it may read from');
      let path: string;
      try {
        path = await resolveDropFile(deps.dropDir, json.file_name, 'file_name');
      } catch (error) {
        throw error instanceof DropDirectoryUnavailableError ? unavailable(error.message) : error;
      }
      const file = { name: basename(path), content: { path } };
      request = { from: json.from_number!, to: json.to_number!, tenantId: json.tenant_id, file, names: { from: 'from_number', to: 'to_number', file: 'file_name', tenantId: 'tenant_id' } };
    } else if (form.file !== undefined) {
      const file = { name: form.file.name, contentType: form.file.type, content: submissionContentOf(form.file) };
      request = { from: form.caller_number!, to: form.callee_number!, tenantId: form.tenant_id, file, names: { from: 'caller_number', to: 'callee_number', tenantId: 'tenant_id' } };
    } else {
      throw new ValidationError('body', 'send JSON {"from_number","to_number","file_name"} or a multipart form with caller_number, callee_number and file');
    }

    const principal = c.get('principal');
    const result = await withOriginalFieldNames(request.names, async () =>
      deps.service.submit({
        from: request.from,
        to: request.to,
        tenantId: tenantFor(principal, request.tenantId, 'tenantId'),
        submittedBy: submitterOf(principal),
        files: [request.file],
        ...idempotencyKeyOf(c),
      }),
    );
    answerHeaders(c, result);
    return c.json({ message: 'fax enqueued', job_uuid: result.faxId }, 200);
  });
  return routes;
}

/** Errors name our fields (`from`); the original's clients sent theirs (`from_number`). */
async function withOriginalFieldNames<T>(names: Record<string, string>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ValidationError || error instanceof NotPermittedError || error instanceof TooLargeError)) throw error;
    const head = error.field.split('.')[0]!;
    const mapped = names[head];
    if (!mapped) throw error;
    const field = mapped + error.field.slice(head.length);
    const message = error.message.slice(error.message.indexOf(': ') + 2);
    if (error instanceof NotPermittedError) throw new NotPermittedError(field, message);
    const { field: _field, ...details } = error.details;
    throw error instanceof TooLargeError ? new TooLargeError(field, message, details) : new ValidationError(field, message, details);
  }
}

/** The server is not set up for `file_name`: a 503 problem, as the admin API answers without its key. */
function unavailable(detail: string): HTTPException {
  const problem = { type: 'about:blank', title: 'Service Unavailable', status: 503, field: 'file_name', detail };
  return new HTTPException(503, { res: new Response(JSON.stringify(problem), { status: 503, headers: { 'content-type': 'application/problem+json' } }) });
}
