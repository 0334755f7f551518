import type { Context } from 'hono';
import { NotFoundError } from '../../../domain/errors.js';
import { findTenant } from '../../../../projections/directoryQueries.js';
import type { QueryView } from '../../../../projections/documentProjection.js';
import type { TenantView } from '../../../../projections/directoryModel.js';
import type { AuthEnv } from '../../auth/principal.js';

/**
 * The tenant a request may see: any for the admin, only its own for a tenant user. Another
 * tenant's id answers exactly like a missing one, so ids reveal nothing.
 */
export function visibleTenant(c: Context<AuthEnv>, directory: QueryView, tenantId: string): TenantView {
  const principal = c.get('principal');
  const tenant = principal.kind === 'admin' || principal.tenantId === tenantId ? findTenant(directory, tenantId) : undefined;
  if (!tenant) throw new NotFoundError(`tenant ${tenantId} not found`);
  return tenant;
}

/** A child object (number, user, endpoint) is visible when it exists and belongs to the visible tenant. */
export function visibleChild<T extends { tenantId: string | null }>(found: T | undefined, tenantId: string, what: string, id: string): T {
  if (!found || found.tenantId !== tenantId) throw new NotFoundError(`${what} ${id} not found`);
  return found;
}
