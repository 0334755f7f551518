import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { findNumber, listEndpoints, listNumbers } from '../../../../projections/directoryQueries.js';
import { NotFoundError, ValidationError } from '../../../domain/errors.js';
import { toE164 } from '../../../domain/tenancy/e164.js';
import { mergeEndpointSettings, type EndpointPatch } from '../../../domain/tenancy/types.js';
import { normaliseEndpointSettings } from '../../../domain/tenancy/validation.js';
import type { NumberPatch } from '../../services/tenantCommands.js';
import type { AuthEnv } from '../../auth/principal.js';
import { adminAuth, jsonBody, jsonContent, problemResponses as P, routeModule } from '../openapiHelpers.js';
import type { TenancyRouteDeps } from '../tenancyApiDeps.js';
import { legacyId, message, messageSchema, renderNumber, splitList, withLegacyFields } from './legacyFormat.js';

const tags = ['Original admin API'];
// `webhook` appears in the original's README (never in its code): here it is the URL this number's
// faxes are posted to, kept as a webhook endpoint of the number, as `POST /admin/endpoint` makes one.
const body = z
  .object({
    id: legacyId.optional(),
    tenant_id: legacyId.optional(),
    number: z.string().optional(),
    name: z.string().optional(),
    header: z.string().optional(),
    cid: z.string().optional(),
    notify_emails: z.string().optional(),
    notify: z.string().optional(),
    webhook: z.string().optional().openapi({ description: "An http(s) URL: becomes a webhook endpoint of the number (signed JSON, the same as `POST /admin/endpoint` with `endpoint_type` webhook); '' adds none" }),
  })
  .openapi('LegacyNumber', { example: { tenant_id: 1, number: '5551234567', cid: '+15551234567' } });
// The original's clients send an `id` when creating; it is ignored (ids are assigned), so the document leaves it out.
const createBody = body.omit({ id: true }).openapi('LegacyNumberInput');
const response = z
  .object({ id: z.union([z.number(), z.string()]), tenant_id: z.union([z.number(), z.string()]), number: z.string(), name: z.string(), header: z.string(), cid: z.string(), notify_emails: z.string() })
  .openapi('LegacyNumberResponse');
const idParam = z.object({ id: legacyId.openapi({ param: { name: 'id', in: 'path' }, type: 'string', pattern: '^\\d+$' }) });
const deleteQuery = z.object({ number: z.string(), tenant_id: legacyId });

const create = createRoute({ method: 'post', path: '/admin/number', tags, summary: 'Add a tenant number (stored as E.164)', security: adminAuth, request: jsonBody(createBody), responses: { 200: jsonContent(response, 'the number'), 401: P[401], 404: P[404], 409: P[409], 422: P[422], 503: P[503] } });
const update = createRoute({ method: 'put', path: '/admin/number/{id}', tags, summary: 'Update a tenant number', security: adminAuth, request: { params: idParam, ...jsonBody(body) }, responses: { 200: jsonContent(response, 'the number'), 401: P[401], 404: P[404], 409: P[409], 422: P[422], 503: P[503] } });
const remove = createRoute({ method: 'delete', path: '/admin/number', tags, summary: 'Delete a tenant number (`?number=…&tenant_id=…`)', security: adminAuth, request: { query: deleteQuery }, responses: { 200: jsonContent(messageSchema, 'deleted'), 401: P[401], 404: P[404], 422: P[422], 503: P[503] } });

const fieldNames = { number: 'number', displayName: 'name', header: 'header', callerId: 'cid', notifyEmails: 'notify_emails' };

function toPatch(input: z.infer<typeof body>): NumberPatch {
  const emails = input.notify_emails ?? input.notify;
  const text = (value: string | undefined) => (value === undefined ? undefined : value === '' ? null : value);
  return { number: input.number, displayName: text(input.name), header: text(input.header), callerId: text(input.cid), notifyEmails: emails === undefined ? undefined : splitList(emails) };
}

/** The number's `webhook` as an endpoint patch, checked before anything is stored; undefined when there is none. */
function webhookPatch(input: z.infer<typeof body>): EndpointPatch | undefined {
  const url = input.webhook?.trim();
  if (!url) return undefined;
  const patch: EndpointPatch = { target: { kind: 'webhook', url, style: 'json' }, priority: 0 };
  try {
    normaliseEndpointSettings(mergeEndpointSettings(undefined, patch));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(
      'webhook',
      `must be the http(s) URL to post this number's faxes to (it becomes a webhook endpoint of the number); or add one with POST /admin/endpoint {"type":"number","type_id":<number id>,"endpoint_type":"webhook","endpoint":"https://…"}`,
    );
  }
  return patch;
}

/** The original's `/admin/number` routes. */
export function legacyNumberRoutes(deps: TenancyRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  const rendered = (numberId: string) => renderNumber(findNumber(deps.directory(), numberId)!);
  /** Adds the webhook endpoint unless the number already posts to that URL (a PUT repeating it adds nothing). */
  const addWebhook = async (tenantId: string, numberId: string, webhook: EndpointPatch | undefined) => {
    if (!webhook || webhook.target?.kind !== 'webhook') return;
    const url = webhook.target.url;
    const hooks = listEndpoints(deps.directory(), { tenantId, numberId, kind: 'webhook' }, { limit: 500, offset: 0 }).items;
    if (hooks.some((endpoint) => endpoint.target.kind === 'webhook' && endpoint.target.url === url)) return;
    await deps.commands.addEndpoint({ tenantId, numberId }, webhook);
  };

  routes.openapi(create, async (c) => {
    const input = c.req.valid('json');
    if (input.tenant_id === undefined) throw new ValidationError('tenant_id', 'required');
    if (input.number === undefined) throw new ValidationError('number', 'required');
    const number = input.number;
    const webhook = webhookPatch(input);
    const numberId = await withLegacyFields(fieldNames, () => deps.commands.assignNumber(input.tenant_id!, { ...toPatch(input), number }));
    await addWebhook(input.tenant_id, numberId, webhook);
    return c.json(rendered(numberId), 200);
  });
  routes.openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const current = findNumber(deps.directory(), id);
    if (!current) throw new NotFoundError(`number ${id} not found`);
    if (input.tenant_id !== undefined && input.tenant_id !== current.tenantId) {
      throw new ValidationError('tenant_id', 'a number moves to another tenant by deleting it here and adding it there');
    }
    const webhook = webhookPatch(input);
    await withLegacyFields(fieldNames, () => deps.commands.updateNumber(current.tenantId, id, toPatch(input)));
    await addWebhook(current.tenantId, id, webhook);
    return c.json(rendered(id), 200);
  });
  routes.openapi(remove, async (c) => {
    const { number, tenant_id: tenantId } = c.req.valid('query');
    const e164 = await withLegacyFields({}, async () => toE164(number, deps.defaultCountry));
    const found = listNumbers(deps.directory(), { tenantId, number: e164 }, { limit: 1, offset: 0 }).items[0];
    if (!found) throw new NotFoundError(`number ${e164} not found in tenant ${tenantId}`);
    await deps.commands.releaseNumber(tenantId, found.id);
    return c.json(message('tenant number deleted successfully'), 200);
  });
  return routes;
}
