import { z } from '@hono/zod-openapi';
import { sendPolicySchema } from '../../../domain/outbound/sendPolicy.js';
import { webhookEvents } from '../../../domain/notifications/webhookEvents.js';

const id = z.string().openapi({ example: '1' });
const time = z.string().openapi({ example: '2025-01-31T12:00:00.000Z' });
// The domain's own checks (src/domain/tenancy/validation.ts, userDecider.ts), stated in the document.
const email = z.string().max(254).regex(/^\s*[^\s@]+@[^\s@]+\.[^\s@]+\s*$/).openapi({ example: 'fax@acme.example' });
const emails = z.array(email).max(50);
const password = z.string().min(8).max(256);
const username = z.string().regex(/^[A-Za-z0-9._@+-]{3,64}$/);
const stationIdent = z.string().max(20).regex(/^[\x20-\x7E]*$/).nullable().openapi({ description: 'T.30 ident: at most 20 printable ASCII characters' });
const shortText = z.string().max(100).nullable();
const nullableText = z.string().nullable();

/** A yes/no query parameter: exactly `true` or `false`, so the document says what is accepted. */
export const queryFlag = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .optional();

/**
 * A whole-number query parameter (at most 10⁹ unless given) written in digits: an empty or blank
 * value is refused, not read as 0 as Number('') and Number(' ') would.
 */
export const queryInt = (min: number, max = 1_000_000_000) => {
  const int = z.coerce.number().int().min(min).max(max);
  // The document shows the integer the preprocess leads to (without this, `offset` read as integer or null).
  return z.preprocess((value) => (typeof value === 'string' && !/^-?\d+$/.test(value) ? Number.NaN : value), int).openapi({ type: 'integer', minimum: min, maximum: max });
};

export const pageQuery = z.object({
  limit: queryInt(1, 500).default(50),
  offset: queryInt(0).default(0),
});

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }).openapi(name);

// Loose, so that an unknown key reaches the domain check, which names it (`settings.sendPolicy.maxTries`).
const sendPolicyOverride = z
  .looseObject(sendPolicySchema.partial().shape)
  .nullable()
  .openapi('SendPolicyOverride', {
    description: "Send policy keys this tenant's faxes use instead of the global `send.*` configuration; a fax's own `policy` still wins. Null inherits the global policy.",
    example: { maxAttempts: 5, busyRetryDelayMs: 60_000 },
    // Loose at run time (above), closed in the document: an unknown key is refused (422).
    additionalProperties: false,
  });

export const tenantSettings = z.object({
  callerId: nullableText,
  faxHeader: shortText,
  faxIdent: stationIdent,
  retentionDays: z.number().int().min(1).nullable(),
  notifyEmails: emails,
  notifyOn: z.enum(['always', 'failure', 'never']),
  sendPolicy: sendPolicyOverride,
  notifyDocument: z.enum(['attach', 'link']).openapi({ description: "Privacy: `attach` (default) sends a received fax with its notifications (PDF attached to e-mails, link or inline in webhooks); `link` sends no document and no download link, only a link to the fax's console page behind sign-in" }),
  storeNothing: z.boolean().openapi({ description: 'Privacy: purge a received fax as soon as every planned delivery (relay to the PBX, e-mails, webhooks) is confirmed; one that fails stays stored until a redelivery succeeds. Default false' }),
});

export const tenantSchema = z
  .object({ id, name: z.string(), email: nullableText, settings: tenantSettings, createdAt: time, updatedAt: time, deletedAt: time.nullable() })
  .openapi('Tenant', {
    example: {
      id: '1',
      name: 'Acme Corp',
      email: 'fax-admin@acme.example',
      settings: { callerId: null, faxHeader: 'Acme Corp', faxIdent: 'ACME', retentionDays: null, notifyEmails: ['fax@acme.example'], notifyOn: 'failure', sendPolicy: null, notifyDocument: 'attach', storeNothing: false },
      createdAt: '2025-01-31T12:00:00.000Z', updatedAt: '2025-01-31T12:00:00.000Z',
      deletedAt: null,
    },
  });

export const tenantInput = z
  .object({ name: z.string().min(1).max(200), email: nullableText.optional(), settings: tenantSettings.partial().optional() })
  .openapi('TenantInput', { example: { name: 'Acme Corp', email: 'fax-admin@acme.example', settings: { faxIdent: 'ACME', notifyEmails: ['fax@acme.example'] } } });

export const tenantPatch = tenantInput.partial().openapi('TenantPatch', { example: { settings: { notifyOn: 'always', retentionDays: 90 } } });

const numberProfile = {
  displayName: shortText,
  stationIdent,
  header: shortText,
  callerId: nullableText,
  notifyEmails: emails,
  direction: z.enum(['inbound', 'outbound', 'both']),
  notifyDocument: z.enum(['attach', 'link']).nullable().openapi({ description: "The tenant's `notifyDocument` for this number's faxes; null inherits the tenant's" }),
  storeNothing: z.boolean().nullable().openapi({ description: "The tenant's `storeNothing` for this number's faxes; null inherits the tenant's" }),
};

export const numberSchema = z
  .object({ id, tenantId: id, number: z.string().openapi({ example: '+15551234567' }), ...numberProfile, createdAt: time, updatedAt: time })
  .openapi('Number', {
    example: { id: '1', tenantId: '1', number: '+15551234567', displayName: 'Acme Fax', stationIdent: '+1 555 123 4567', header: null, callerId: null, notifyEmails: [], direction: 'both', notifyDocument: null, storeNothing: null, createdAt: '2025-01-31T12:00:00.000Z', updatedAt: '2025-01-31T12:00:00.000Z' },
  });

export const numberInput = z
  .object({ number: z.string().min(1).max(40), ...numberProfile })
  .partial()
  .required({ number: true })
  .openapi('NumberInput', { example: { number: '5551234567', displayName: 'Acme Fax', stationIdent: '+1 555 123 4567' } });

export const numberPatch = numberInput.partial().openapi('NumberPatch', { example: { displayName: 'Acme Sales Fax', notifyEmails: ['sales@acme.example'] } });

export const userSchema = z
  .object({ id, tenantId: id, username: z.string(), disabled: z.boolean(), createdAt: time, updatedAt: time })
  .openapi('User', { example: { id: '1', tenantId: '1', username: 'acme-fax', disabled: false, createdAt: '2025-01-31T12:00:00.000Z', updatedAt: '2025-01-31T12:00:00.000Z' } });
export const userInput = z.object({ username, password }).openapi('UserInput', { example: { username: 'acme-fax', password: 'correct horse battery' } });
export const userPatch = z.object({ password: password.optional(), disabled: z.boolean().optional() }).openapi('UserPatch', { example: { disabled: false } });
export const passwordChange = z.object({ currentPassword: z.string(), newPassword: password }).openapi('PasswordChange');

export const apiKeySchema = z
  .object({ id, tenantId: id, userId: id, label: nullableText, prefix: z.string(), createdAt: time, expiresAt: time.nullable(), revokedAt: time.nullable() })
  .openapi('ApiKey', { example: { id: '1', tenantId: '1', userId: '1', label: 'billing system', prefix: 'fxk_hWP45P', createdAt: '2025-01-31T12:00:00.000Z', expiresAt: null, revokedAt: null } });
export const apiKeyInput = z
  .object({ label: z.string().max(100).nullable().optional(), expiresAt: z.iso.datetime({ offset: true }).nullable().optional() })
  .openapi('ApiKeyInput', { example: { label: 'billing system', expiresAt: null } });
export const issuedApiKey = apiKeySchema.extend({ key: z.string().openapi({ description: 'The key itself. Shown once; store it now.' }) }).openapi('IssuedApiKey', {
  example: { id: '1', tenantId: '1', userId: '1', label: 'billing system', prefix: 'fxk_hWP45P', createdAt: '2025-01-31T12:00:00.000Z', expiresAt: null, revokedAt: null, key: 'fxk_hWP45P65nejNJZhSoy1k_FUTGLf4nh6SPw1WZk-_DCg' },
});

const gatewayTarget = z.object({
  kind: z.literal('gateway'),
  gateway: z.string().openapi({ description: 'FreeSWITCH gateway name', example: 'pbx_acme' }),
  sourceIps: z.array(z.string()).max(50).default([]),
  role: z.enum(['upstream', 'pbx']).optional(),
});
const emailTarget = z.object({ kind: z.literal('email'), addresses: z.array(email).min(1).max(50) });
const webhookEventList = z.array(z.enum(webhookEvents)).min(1).max(webhookEvents.length).openapi({
  description: 'The webhook types this endpoint is sent (default `["fax.received"]`); outbound ones are sent for every fax sent from its scope (number, tenant, or all for a global endpoint)',
  example: ['fax.received', 'fax.sent', 'fax.failed'],
});
const webhookTarget = z.object({
  kind: z.literal('webhook'),
  url: z.string(),
  secret: z.string().min(16).max(200).nullable().optional(),
  style: z.enum(['json', 'form']).default('json'),
  document: z.enum(['url', 'inline']).optional().openapi({ description: 'how webhooks carry the fax: a signed link (default) or base64 inline' }),
  events: webhookEventList.optional(),
});
export const endpointTargetInput = z.discriminatedUnion('kind', [gatewayTarget, emailTarget, webhookTarget]).openapi('EndpointTargetInput');

const endpointTargetView = z
  .discriminatedUnion('kind', [
    gatewayTarget.extend({ role: z.enum(['upstream', 'pbx']) }),
    emailTarget,
    z.object({ kind: z.literal('webhook'), url: z.string(), style: z.enum(['json', 'form']), document: z.enum(['url', 'inline']).optional(), events: webhookEventList.optional(), hasSecret: z.boolean() }),
  ])
  .openapi('EndpointTarget');

export const endpointSchema = z
  .object({
    id,
    scope: z.enum(['global', 'tenant', 'number']),
    tenantId: id.nullable(),
    numberId: id.nullable(),
    target: endpointTargetView,
    priority: z.number().int(),
    bridge: z.boolean(),
    deliver: z.boolean(),
    disabled: z.boolean(),
    createdAt: time,
    updatedAt: time,
  })
  .openapi('Endpoint', {
    example: {
      id: '2',
      scope: 'tenant',
      tenantId: '1',
      numberId: null,
      target: { kind: 'webhook', url: 'https://crm.acme.example/fax-events', style: 'json', document: 'url', hasSecret: true },
      priority: 0,
      bridge: false,
      deliver: true,
      disabled: false,
      createdAt: '2025-01-31T12:00:00.000Z', updatedAt: '2025-01-31T12:00:00.000Z',
    },
  });

const endpointCommon = {
  priority: z.number().int().min(0).max(9999).optional(),
  bridge: z.boolean().optional(),
  deliver: z.boolean().optional(),
};
export const tenantEndpointInput = z
  .object({ target: endpointTargetInput, numberId: id.nullable().optional(), ...endpointCommon })
  .openapi('TenantEndpointInput', { example: { target: { kind: 'gateway', gateway: 'pbx_acme', sourceIps: ['192.0.2.10'] }, priority: 0 } });
export const tenantEndpointPatch = tenantEndpointInput.partial().openapi('TenantEndpointPatch', { example: { priority: 4 } });
export const globalEndpointInput = z
  .object({ target: endpointTargetInput, ...endpointCommon })
  .openapi('GlobalEndpointInput', { example: { target: { kind: 'gateway', gateway: 'carrier2', sourceIps: ['198.51.100.7'], role: 'upstream' }, priority: 1 } });
export const globalEndpointPatch = globalEndpointInput.partial().openapi('GlobalEndpointPatch', { example: { priority: 2 } });

export const tenantIdParam = z.object({ tenantId: id.openapi({ param: { name: 'tenantId', in: 'path' } }) });
export const problemSchema = z
  .object({ type: z.string(), title: z.string(), status: z.number().int(), detail: z.string().optional(), field: z.string().optional() })
  .openapi('Problem', { example: { type: 'about:blank', title: 'Unprocessable Content', status: 422, detail: 'to: not a possible phone number', field: 'to' } });
