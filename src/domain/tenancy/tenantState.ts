import type { TenancyEvent } from './events.js';
import { endpointSettingsOf, numberProfileOf, tenantSettingsOf, type EndpointOwner, type EndpointSettings, type NumberProfile, type TenantProfile } from './types.js';

export interface NumberState {
  id: string;
  number: string;
  profile: NumberProfile;
}

export interface ApiKeyState {
  id: string;
  revoked: boolean;
}

export interface UserState {
  id: string;
  username: string;
  passwordHash: string;
  disabled: boolean;
  apiKeys: Map<string, ApiKeyState>;
}

export interface EndpointState {
  id: string;
  owner: EndpointOwner;
  settings: EndpointSettings;
  disabled: boolean;
}

/** A tenant stream folded: what commands are validated against. Released/removed children are gone. */
export interface TenantState {
  status: 'absent' | 'active' | 'deleted';
  id: string;
  profile: TenantProfile | null;
  numbers: Map<string, NumberState>;
  users: Map<string, UserState>;
  endpoints: Map<string, EndpointState>;
  /** Revision of the last folded event: the expected revision of the next append. */
  revision: number | 'no_stream';
}

export function initialTenantState(id: string): TenantState {
  return { status: 'absent', id, profile: null, numbers: new Map(), users: new Map(), endpoints: new Map(), revision: 'no_stream' };
}

/** Folds one event into the state (mutating it: the state is private to one command). */
export function evolveTenant(state: TenantState, event: TenancyEvent): TenantState {
  switch (event.type) {
    case 'TenantCreated':
    case 'TenantUpdated': {
      const { name, email, settings } = event.data;
      state.status = 'active';
      state.profile = { name, email, settings: tenantSettingsOf(settings) };
      break;
    }
    case 'TenantDeleted':
      state.status = 'deleted';
      break;
    case 'NumberAssigned':
    case 'NumberUpdated': {
      const { numberId, number } = event.data;
      state.numbers.set(numberId, { id: numberId, number, profile: numberProfileOf(event.data) });
      break;
    }
    case 'NumberReleased':
      state.numbers.delete(event.data.numberId);
      break;
    case 'UserCreated':
      state.users.set(event.data.userId, {
        id: event.data.userId,
        username: event.data.username,
        passwordHash: event.data.passwordHash,
        disabled: false,
        apiKeys: new Map(),
      });
      break;
    case 'UserPasswordChanged':
      withUser(state, event.data.userId, (user) => (user.passwordHash = event.data.passwordHash));
      break;
    case 'UserDisabled':
    case 'UserEnabled':
      withUser(state, event.data.userId, (user) => (user.disabled = event.type === 'UserDisabled'));
      break;
    case 'UserDeleted':
      state.users.delete(event.data.userId);
      break;
    case 'ApiKeyIssued':
      withUser(state, event.data.userId, (user) => user.apiKeys.set(event.data.keyId, { id: event.data.keyId, revoked: false }));
      break;
    case 'ApiKeyRevoked':
      withUser(state, event.data.userId, (user) => user.apiKeys.set(event.data.keyId, { id: event.data.keyId, revoked: true }));
      break;
    case 'EndpointAdded':
    case 'EndpointUpdated': {
      const { endpointId } = event.data;
      state.endpoints.set(endpointId, { id: endpointId, owner: ownerOf(event.data), settings: endpointSettingsOf(event.data), disabled: false });
      break;
    }
    case 'EndpointDisabled': {
      const endpoint = state.endpoints.get(event.data.endpointId);
      if (endpoint) endpoint.disabled = true;
      break;
    }
    case 'EndpointRemoved':
      state.endpoints.delete(event.data.endpointId);
      break;
  }
  return state;
}

export function foldTenant(id: string, events: readonly TenancyEvent[]): TenantState {
  return events.reduce(evolveTenant, initialTenantState(id));
}

/** The owner part of an endpoint event, rebuilt as the discriminated union. */
export function ownerOf(data: EndpointOwner): EndpointOwner {
  if (data.scope === 'number') return { scope: 'number', tenantId: data.tenantId, numberId: data.numberId };
  if (data.scope === 'tenant') return { scope: 'tenant', tenantId: data.tenantId, numberId: null };
  return { scope: 'global', tenantId: null, numberId: null };
}

function withUser(state: TenantState, userId: string, change: (user: UserState) => void): void {
  const user = state.users.get(userId);
  if (user) change(user);
}
