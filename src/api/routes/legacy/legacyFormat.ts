import { z } from '@hono/zod-openapi';
import { ValidationError } from '../../../domain/errors.js';
import type { NotifyOn, TenantSettings } from '../../../domain/tenancy/types.js';
import type { EndpointView, NumberView, TenantView } from '../../../../projections/directoryModel.js';

/** The original's ids were SQL integers; ours are the same digits as strings. */
export const legacyId = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d+$/)]).transform(String);
export const renderId = (id: string): number | string => (/^\d+$/.test(id) ? Number(id) : id);

export const message = (text: string) => ({ message: text });
export const messageSchema = z.object({ message: z.string() }).openapi('LegacyMessage');

/**
 * The original's `notify` string: comma-separated `type->destination`, e-mail destinations
 * `;`-separated. Only the e-mail types map onto tenant settings; webhooks are endpoints here.
 */
export function parseNotify(text: string): Pick<TenantSettings, 'notifyEmails' | 'notifyOn'> {
  const emails: string[] = [];
  let notifyOn: NotifyOn = 'always';
  for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const arrow = entry.indexOf('->');
    const type = arrow === -1 ? 'email_full' : entry.slice(0, arrow).trim();
    const destination = arrow === -1 ? entry : entry.slice(arrow + 2);
    if (!['email_report', 'email_full', 'email_full_failure'].includes(type)) {
      throw new ValidationError('notify', `"${type}" notifications are configured as endpoints here (POST /admin/endpoint)`);
    }
    if (type === 'email_full_failure') notifyOn = 'failure';
    emails.push(...splitList(destination));
  }
  return { notifyEmails: emails, notifyOn };
}

export function renderNotify(settings: Pick<TenantSettings, 'notifyEmails' | 'notifyOn'>): string {
  if (settings.notifyEmails.length === 0 || settings.notifyOn === 'never') return '';
  return `${settings.notifyOn === 'failure' ? 'email_full_failure' : 'email_full'}->${settings.notifyEmails.join(';')}`;
}

export function splitList(text: string): string[] {
  return text.split(/[;,]/).map((part) => part.trim()).filter(Boolean);
}

export function renderTenant(tenant: TenantView, numbers: NumberView[]) {
  return { id: renderId(tenant.id), name: tenant.name, email: tenant.email ?? '', notify: renderNotify(tenant.settings), numbers: numbers.map(renderNumber) };
}

export function renderNumber(number: NumberView) {
  return {
    id: renderId(number.id),
    tenant_id: renderId(number.tenantId),
    number: number.number,
    name: number.displayName ?? '',
    header: number.header ?? '',
    cid: number.callerId ?? '',
    notify_emails: number.notifyEmails.join(','),
  };
}

export function renderEndpoint(endpoint: EndpointView) {
  const { target } = endpoint;
  const value =
    target.kind === 'gateway' ? target.gateway + (target.sourceIps.length > 0 ? `:${target.sourceIps.join(',')}` : '') : target.kind === 'webhook' ? target.url : target.addresses.join(',');
  const typeId = (endpoint.scope === 'number' ? endpoint.numberId : endpoint.tenantId) ?? '0';
  return { id: renderId(endpoint.id), type: endpoint.scope, type_id: renderId(typeId), endpoint_type: target.kind, endpoint: value, priority: endpoint.priority, bridge: endpoint.bridge };
}

/** Our validation names domain fields; legacy clients sent the original's names. */
export async function withLegacyFields<T>(names: Record<string, string>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const head = error.field.split('.')[0]!;
    const mapped = names[error.field] ?? names[head];
    if (!mapped) throw error;
    throw new ValidationError(mapped, error.message.slice(error.message.indexOf(': ') + 2));
  }
}
