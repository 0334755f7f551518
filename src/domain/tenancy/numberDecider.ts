import { ConflictError, NotFoundError } from '../errors.js';
import type { TenancyEvent } from './events.js';
import { requireActiveTenant } from './tenantDecider.js';
import type { NumberState, TenantState } from './tenantState.js';
import type { NumberProfile } from './types.js';

export interface NumberCommand {
  numberId: string;
  /** E.164, already normalised. */
  number: string;
  profile: NumberProfile;
}

export function requireNumber(state: TenantState, numberId: string): NumberState {
  requireActiveTenant(state);
  const number = state.numbers.get(numberId);
  if (!number) throw new NotFoundError(`number ${numberId} not found`, { numberId });
  return number;
}

function rejectDuplicate(state: TenantState, e164: string, exceptId?: string): void {
  for (const other of state.numbers.values()) {
    if (other.number === e164 && other.id !== exceptId) throw new ConflictError(`${e164} is already assigned`, { field: 'number' });
  }
}

/** Cross-tenant uniqueness is the claim's job (see claims.ts); this only guards the tenant itself. */
export function decideAssignNumber(state: TenantState, command: NumberCommand, at: string): TenancyEvent[] {
  requireActiveTenant(state);
  if (state.numbers.has(command.numberId)) throw new ConflictError(`number ${command.numberId} already exists`);
  rejectDuplicate(state, command.number);
  return [{ type: 'NumberAssigned', data: { tenantId: state.id, numberId: command.numberId, number: command.number, at, ...command.profile } }];
}

export function decideUpdateNumber(state: TenantState, command: NumberCommand, at: string): TenancyEvent[] {
  const current = requireNumber(state, command.numberId);
  rejectDuplicate(state, command.number, command.numberId);
  return [
    {
      type: 'NumberUpdated',
      data: { tenantId: state.id, numberId: command.numberId, number: command.number, previousNumber: current.number, at, ...command.profile },
    },
  ];
}

/** Releasing a number disables the endpoints that were specific to it. */
export function decideReleaseNumber(state: TenantState, numberId: string, at: string): TenancyEvent[] {
  const number = requireNumber(state, numberId);
  const events: TenancyEvent[] = [];
  for (const endpoint of state.endpoints.values()) {
    if (endpoint.owner.scope === 'number' && endpoint.owner.numberId === numberId && !endpoint.disabled) {
      events.push({ type: 'EndpointDisabled', data: { endpointId: endpoint.id, at, ...endpoint.owner, reason: 'number_released' } });
    }
  }
  events.push({ type: 'NumberReleased', data: { tenantId: state.id, numberId, number: number.number, at } });
  return events;
}
