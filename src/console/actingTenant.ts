import type { ConsoleSession } from './sessions.js';

/**
 * The tenant whose faxes a session sees: a tenant user's own; for an admin, the tenant it acts as
 * ("View as this tenant"), or undefined for every tenant.
 */
export function effectiveTenantId(session: ConsoleSession): string | undefined {
  return session.principal.kind === 'user' ? session.principal.tenantId : session.actingTenantId;
}
