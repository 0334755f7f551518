import type { Route } from '../../../projections/routingQueries.js';
import { NotPermittedError, ValidationError } from '../../domain/errors.js';
import type { FaxQueuedData, OutboundWebhookTarget, PageSize, Resolution, ResultNotifyMode } from '../../domain/outbound/outboundFaxEvents.js';
import { parseSendPolicyOverride, type SendPolicyOverride } from '../../domain/outbound/sendPolicy.js';
import { toE164 } from '../../domain/tenancy/e164.js';
import type { NotifyOn, TenantSettings } from '../../domain/tenancy/types.js';
import { checkEmails, checkStationIdent, checkWebhookUrl } from '../../domain/tenancy/validation.js';

/** What a sender asks for, besides the documents; field names are the API's. */
export interface SubmissionFields {
  /** The tenant to send for; left out (admin only), the tenant that owns `from`. */
  tenantId?: string;
  to: string;
  from: string;
  callerIdName?: string;
  headerText?: string;
  stationIdent?: string;
  resolution?: Resolution;
  pageSize?: PageSize;
  /** Send policy overrides for this fax (`maxAttempts`, `busyRetryDelayMs`, …). */
  policy?: unknown;
  notifyEmails?: string[];
  notifyMode?: ResultNotifyMode;
  /** Told of every step of this fax (`fax.queued` … `fax.sent` / `fax.failed`), signed with the tenant's webhook secret. */
  webhookUrl?: string;
}

/** The request as validated: what the sender said (normalised), and the fax settings with defaults filled in. */
export type PreparedFields = Pick<FaxQueuedData, 'tenantId' | 'to' | 'from' | 'callerIdName' | 'callerIdNumber' | 'headerText' | 'stationIdent' | 'resolution' | 'pageSize' | 'notify' | 'webhookUrl' | 'webhooks'> & {
  /** The sender's own values only, so a change of a number's settings never makes a retry "a different request". */
  asked: Omit<SubmissionFields, 'policy'> & { tenantId: string; policy?: SendPolicyOverride };
  policy?: SendPolicyOverride;
};

export interface FieldContext {
  defaultCountry: string;
  /** Page size when none is asked for; undefined = Letter for +1 destinations, A4 elsewhere. */
  defaultPageSize?: PageSize;
  lookup: (e164: string) => Route | undefined;
  /** Upstream gateways a number of the tenant sends through (its own, the tenant's, global). */
  outboundGateways: (tenantId: string, numberId: string) => readonly string[];
  /** Webhook endpoints subscribed to the tenant's sent faxes; none when left out. */
  outboundWebhooks?: (tenantId: string, numberId: string) => OutboundWebhookTarget[];
  /** The tenant's settings: its `notifyOn` picks the report a submission that names none gets. */
  tenantSettings?: (tenantId: string) => TenantSettings | undefined;
}

/** Validates a submission's fields; throws 422 (`ValidationError`) or 403 (`NotPermittedError`) naming the field. */
export function prepareFields(fields: SubmissionFields, context: FieldContext): PreparedFields {
  const to = toE164(fields.to, context.defaultCountry, 'to');
  const from = toE164(fields.from, context.defaultCountry, 'from');
  const route = context.lookup(from);
  // An unknown number and another tenant's answer alike, so the answer tells nothing about other tenants.
  if (!route || (fields.tenantId !== undefined && route.tenantId !== fields.tenantId)) {
    throw new NotPermittedError('from', `${from} is not a number of ${fields.tenantId === undefined ? 'any tenant' : `tenant ${fields.tenantId}`}`);
  }
  if (route.settings.direction === 'inbound') throw new ValidationError('from', `${from} is an inbound-only number; it cannot send`);
  // Accepted, such a fax could only fail at dial time: say what is missing now, to whoever can add it.
  if (context.outboundGateways(route.tenantId, route.numberId).length === 0) {
    throw new ValidationError(
      'from',
      `tenant ${route.tenantId} has no upstream gateway to send through: add a carrier gateway endpoint (role upstream) to ${from}, to the tenant, or a global one (POST /v1/endpoints)`,
      { missing: 'gateway' },
    );
  }

  const callerIdName = text('callerIdName', fields.callerIdName, 100);
  const headerText = text('headerText', fields.headerText, 100);
  const stationIdent = fields.stationIdent === undefined ? undefined : (checkStationIdent('stationIdent', fields.stationIdent) ?? undefined);
  const policy = fields.policy === undefined ? undefined : parseSendPolicyOverride(fields.policy, 'policy');
  const notifyEmails = fields.notifyEmails === undefined ? undefined : checkEmails('notifyEmails', fields.notifyEmails);
  const notifyOn = context.tenantSettings?.(route.tenantId)?.notifyOn ?? 'always';
  const notify = notifyOf(notifyEmails, fields.notifyMode, { emails: route.settings.notifyEmails, notifyOn });
  const webhookUrl = fields.webhookUrl === undefined || fields.webhookUrl.trim() === '' ? undefined : checkWebhookUrl('webhookUrl', fields.webhookUrl.trim());
  const webhooks = context.outboundWebhooks?.(route.tenantId, route.numberId) ?? [];

  const asked = {
    ...definedOnly({ callerIdName, headerText, stationIdent, resolution: fields.resolution, pageSize: fields.pageSize, policy, notifyEmails, notifyMode: fields.notifyMode, webhookUrl }),
    tenantId: route.tenantId,
    to,
    from,
  };
  return {
    tenantId: route.tenantId,
    asked,
    to,
    from,
    ...definedOnly({
      callerIdName: callerIdName ?? route.settings.displayName ?? undefined,
      // The number's caller ID setting, else the tenant's; the number itself when neither is set.
      callerIdNumber: route.settings.callerId !== null && route.settings.callerId !== from ? route.settings.callerId : undefined,
      headerText: headerText ?? route.settings.faxHeader ?? undefined,
      stationIdent: stationIdent ?? route.settings.stationIdent ?? undefined,
      policy: policy && Object.keys(policy).length > 0 ? policy : undefined,
      notify,
      webhookUrl,
      webhooks: webhooks.length > 0 ? webhooks : undefined,
    }),
    resolution: fields.resolution ?? 'fine',
    pageSize: fields.pageSize ?? context.defaultPageSize ?? (to.startsWith('+1') ? 'letter' : 'a4'),
  };
}

/**
 * Who hears of the result, and how. A submission's own `notifyMode` wins (with its addresses, else
 * the number's or tenant's notify addresses). Without one, the tenant's `notifyOn` decides, as the
 * original's tenant `notify` did: `always` → a report (`email_report`), `failure` → the report
 * with the document when every attempt failed (`email_full_failure`), `never` → none; addresses a
 * submission names are always told (a report, when the tenant says `never`).
 */
function notifyOf(emails: string[] | undefined, mode: ResultNotifyMode | undefined, tenant: { emails: readonly string[]; notifyOn: NotifyOn }): PreparedFields['notify'] {
  if (mode !== undefined) {
    if (mode === 'none') return { emails: [], mode };
    const to = emails ?? [...tenant.emails];
    if (to.length === 0) throw new ValidationError('notifyEmails', `at least one address is needed for notifyMode ${mode} (the number and tenant have no notify addresses)`);
    return { emails: to, mode };
  }
  const preferred = tenantNotifyMode[tenant.notifyOn];
  if (emails !== undefined) return emails.length === 0 ? undefined : { emails, mode: preferred === 'none' ? 'report' : preferred };
  if (preferred === 'none' || tenant.emails.length === 0) return undefined;
  return { emails: [...tenant.emails], mode: preferred };
}

const tenantNotifyMode: Record<NotifyOn, ResultNotifyMode> = { always: 'report', failure: 'fullOnFailure', never: 'none' };

/** Free text that ends up in SIP headers and on the page: no control characters, bounded. */
function text(field: string, value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed.length > max) throw new ValidationError(field, `at most ${max} characters`);
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new ValidationError(field, 'must not contain control characters');
  return trimmed.length > 0 ? trimmed : undefined;
}

function definedOnly<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
