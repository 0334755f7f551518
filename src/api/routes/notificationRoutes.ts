import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { FaxReadModel } from '../../ports/faxReadModel.js';
import type { NotificationReadModel } from '../../ports/notificationReadModel.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { EventStore } from '../../ports/eventStore.js';
import type { Auth } from '../auth/authenticate.js';
import type { AuthEnv } from '../auth/principal.js';
import { createNotificationRedelivery } from '../services/notificationRedelivery.js';
import { queryInt } from './v1/schemas.js';
import { anyAuth, jsonContent, problemResponses as P, routeModule } from './openapiHelpers.js';

export interface NotificationRouteDeps {
  notifications: NotificationReadModel;
  faxes: FaxReadModel;
  eventStore: EventStore;
  clock: Clock;
  auth: Auth;
  /** The tenant's webhook secret (signs a submission's own `webhookUrl`); undefined for no live tenant. */
  tenantWebhookSecret?: (tenantId: string) => string | undefined;
}

const tags = ['Notifications'];
const statuses = ['pending', 'retrying', 'sent', 'dead'] as const;
const notificationSchema = z.object({}).passthrough().openapi('Notification');
const page = jsonContent(z.object({ items: z.array(notificationSchema) }), 'notifications, most recently changed first');
const faxParam = z.string().openapi({ param: { name: 'id', in: 'path' } });
const notificationParam = z.string().openapi({ param: { name: 'notificationId', in: 'path' } });

const list = createRoute({
  method: 'get',
  path: '/v1/notifications',
  tags,
  summary: 'E-mail and webhook notifications by status (`status=dead`: the dead letters); a tenant user sees its tenant only',
  security: anyAuth,
  request: {
    query: z.object({
      status: z.enum(statuses).optional(),
      tenantId: z.string().optional(),
      limit: queryInt(1, 500).default(100),
    }),
  },
  responses: { 200: page, 401: P[401], 422: P[422] },
});
const ofFax = createRoute({
  method: 'get',
  path: '/v1/faxes/{id}/notifications',
  tags,
  summary: "A fax's notifications and where each stands",
  security: anyAuth,
  request: { params: z.object({ id: faxParam }) },
  responses: { 200: page, 401: P[401], 404: P[404] },
});
const redeliver = createRoute({
  method: 'post',
  path: '/v1/faxes/{id}/notifications/{notificationId}/redeliver',
  tags,
  summary: 'Try a dead-lettered notification again (a new round of the retry schedule, same webhook-id)',
  security: anyAuth,
  request: { params: z.object({ id: faxParam, notificationId: notificationParam }) },
  responses: { 202: jsonContent(z.object({ notificationId: z.string(), status: z.literal('pending') }), 'redelivery requested'), 401: P[401], 404: P[404], 409: P[409], 410: P[410] },
});

const webhookSecret = createRoute({
  method: 'get',
  path: '/v1/tenants/{id}/webhook-secret',
  tags,
  summary: "The tenant's webhook secret (`whsec_…`): it signs the webhooks a fax submission names with `webhookUrl`",
  security: anyAuth,
  request: { params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: { 200: jsonContent(z.object({ tenantId: z.string(), secret: z.string() }).openapi('TenantWebhookSecret'), 'the secret'), 401: P[401], 404: P[404] },
});

/** Notification state from the read model, the manual redelivery of dead letters, and the tenant's webhook secret. */
export function notificationRoutes(deps: NotificationRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.use('/v1/notifications', deps.auth.any);
  routes.use('/v1/faxes/:id/notifications', deps.auth.any);
  routes.use('/v1/faxes/:id/notifications/*', deps.auth.any);

  routes.use('/v1/tenants/:id/webhook-secret', deps.auth.any);

  routes.openapi(webhookSecret, (c) => {
    const { id } = c.req.valid('param');
    const principal = c.get('principal');
    const secret = principal.kind === 'admin' || principal.tenantId === id ? deps.tenantWebhookSecret?.(id) : undefined;
    if (secret === undefined) throw new NotFoundError(`tenant ${id} not found`);
    return c.json({ tenantId: id, secret }, 200);
  });

  routes.openapi(list, (c) => {
    const { limit, tenantId, status } = c.req.valid('query');
    const principal = c.get('principal');
    const scope = principal.kind === 'admin' ? tenantId : principal.tenantId;
    return c.json({ items: deps.notifications.list({ ...(scope ? { tenantId: scope } : {}), ...(status ? { status } : {}) }, limit) }, 200);
  });
  routes.openapi(ofFax, (c) => {
    const faxId = visibleFaxId(c, deps.faxes, c.req.valid('param').id);
    return c.json({ items: deps.notifications.list({ faxId }, 500) }, 200);
  });
  const redeliverNotification = createNotificationRedelivery(deps);
  routes.openapi(redeliver, async (c) => {
    const { id, notificationId } = c.req.valid('param');
    const faxId = visibleFaxId(c, deps.faxes, id);
    const principal = c.get('principal');
    await redeliverNotification(faxId, notificationId, principal.kind === 'admin' ? 'admin' : `user:${principal.username}`, { actor: 'api' });
    c.header('Location', `/v1/faxes/${encodeURIComponent(faxId)}/notifications`);
    return c.json({ notificationId, status: 'pending' as const }, 202);
  });
  return routes;
}

/** Another tenant's fax answers exactly like a missing one. */
function visibleFaxId(c: Context<AuthEnv>, faxes: FaxReadModel, faxId: string): string {
  const fax = faxes.find(faxId);
  const principal = c.get('principal');
  if (!fax || (principal.kind !== 'admin' && fax.tenantId !== principal.tenantId)) throw new NotFoundError(`fax ${faxId} not found`);
  return fax.faxId;
}
