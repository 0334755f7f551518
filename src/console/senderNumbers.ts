import type { QueryView } from '../../projections/documentProjection.js';
import { listNumbers, listTenants } from '../../projections/directoryQueries.js';
import type { Principal } from '../api/auth/principal.js';

/** A tenant's numbers that may send (not inbound-only), for the From choice. */
export interface SenderGroup {
  tenantId: string;
  tenantName: string;
  numbers: string[];
}

const everything = { limit: Number.MAX_SAFE_INTEGER, offset: 0 };

/**
 * The From numbers a principal may choose: a tenant user's own tenant's, or (the admin) every
 * live tenant's, grouped by tenant. The submission service checks the choice again.
 */
export function senderNumbers(directory: QueryView, principal: Principal): SenderGroup[] {
  const tenants = listTenants(directory, principal.kind === 'admin' ? {} : { ids: [principal.tenantId] }, everything).items;
  return tenants
    .map((tenant) => ({
      tenantId: tenant.id,
      tenantName: tenant.name,
      numbers: listNumbers(directory, { tenantId: tenant.id }, everything).items.filter((number) => number.direction !== 'inbound').map((number) => number.number),
    }))
    .filter((group) => group.numbers.length > 0);
}
