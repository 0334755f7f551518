import { NotFoundError, ValidationError, ConflictError } from '../errors.js';
import type { TenancyEvent } from './events.js';
import { requireActiveTenant } from './tenantDecider.js';
import type { EndpointState, TenantState } from './tenantState.js';
import type { EndpointOwner, EndpointSettings } from './types.js';

/** Endpoints live in a tenant stream (tenant and number scope) or in `system-config` (global scope). */
export interface EndpointHolder {
  endpoints: Map<string, EndpointState>;
}

function checkOwner(holder: EndpointHolder | TenantState, owner: EndpointOwner): void {
  if (owner.scope === 'global') return;
  const tenant = holder as TenantState;
  requireActiveTenant(tenant);
  if (owner.tenantId !== tenant.id) throw new ValidationError('tenantId', 'does not match the tenant');
  if (owner.scope === 'number' && !tenant.numbers.has(owner.numberId)) throw new ValidationError('numberId', `no number ${owner.numberId} in this tenant`);
}

export function requireEndpoint(holder: EndpointHolder, endpointId: string): EndpointState {
  const endpoint = holder.endpoints.get(endpointId);
  if (!endpoint) throw new NotFoundError(`endpoint ${endpointId} not found`, { endpointId });
  return endpoint;
}

export function decideAddEndpoint(holder: EndpointHolder, endpointId: string, owner: EndpointOwner, settings: EndpointSettings, at: string): TenancyEvent[] {
  checkOwner(holder, owner);
  if (holder.endpoints.has(endpointId)) throw new ConflictError(`endpoint ${endpointId} already exists`);
  return [{ type: 'EndpointAdded', data: { endpointId, at, ...owner, ...settings } }];
}

/** The owner may change within the holder (e.g. from tenant scope to one of its numbers). */
export function decideUpdateEndpoint(holder: EndpointHolder, endpointId: string, owner: EndpointOwner, settings: EndpointSettings, at: string): TenancyEvent[] {
  requireEndpoint(holder, endpointId);
  checkOwner(holder, owner);
  return [{ type: 'EndpointUpdated', data: { endpointId, at, ...owner, ...settings } }];
}

export function decideRemoveEndpoint(holder: EndpointHolder, endpointId: string, at: string): TenancyEvent[] {
  const endpoint = requireEndpoint(holder, endpointId);
  return [{ type: 'EndpointRemoved', data: { endpointId, at, ...endpoint.owner } }];
}
