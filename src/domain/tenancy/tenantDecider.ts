import { ConflictError, NotFoundError } from '../errors.js';
import type { TenancyEvent } from './events.js';
import type { TenantState } from './tenantState.js';
import type { TenantProfile } from './types.js';

/** Commands are validated against the folded stream; each decider returns the events to append. */
export function requireActiveTenant(state: TenantState): void {
  if (state.status !== 'active') throw new NotFoundError(`tenant ${state.id} not found`, { tenantId: state.id });
}

export function decideCreateTenant(state: TenantState, profile: TenantProfile, at: string): TenancyEvent[] {
  if (state.status !== 'absent') throw new ConflictError(`tenant ${state.id} already exists`);
  return [{ type: 'TenantCreated', data: { tenantId: state.id, at, ...profile } }];
}

export function decideUpdateTenant(state: TenantState, profile: TenantProfile, at: string): TenancyEvent[] {
  requireActiveTenant(state);
  return [{ type: 'TenantUpdated', data: { tenantId: state.id, at, ...profile } }];
}

/**
 * Deleting a tenant releases its numbers and disables its users and endpoints, each as an event,
 * so routing forgets the numbers and logins stop; its fax history (other streams) stays.
 */
export function decideDeleteTenant(state: TenantState, at: string): TenancyEvent[] {
  requireActiveTenant(state);
  const tenantId = state.id;
  const events: TenancyEvent[] = [];
  for (const endpoint of state.endpoints.values()) {
    if (!endpoint.disabled) events.push({ type: 'EndpointDisabled', data: { endpointId: endpoint.id, at, ...endpoint.owner, reason: 'tenant_deleted' } });
  }
  for (const number of state.numbers.values()) {
    events.push({ type: 'NumberReleased', data: { tenantId, numberId: number.id, number: number.number, at } });
  }
  for (const user of state.users.values()) {
    if (!user.disabled) events.push({ type: 'UserDisabled', data: { tenantId, userId: user.id, at, reason: 'tenant_deleted' } });
  }
  events.push({ type: 'TenantDeleted', data: { tenantId, at } });
  return events;
}
