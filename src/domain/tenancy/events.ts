import type { EndpointOwner, EndpointSettings, NumberProfileData, TenantProfile, TenantSettingsData } from './types.js';

/**
 * Events of `tenant-<id>` (the tenant, its numbers, users and endpoints) and `system-config`
 * (global endpoints). `at` is the ISO-8601 time the command was decided.
 */
export type TenancyEvent =
  | { type: 'TenantCreated'; data: { tenantId: string; at: string } & TenantProfileData }
  | { type: 'TenantUpdated'; data: { tenantId: string; at: string } & TenantProfileData }
  | { type: 'TenantDeleted'; data: { tenantId: string; at: string } }
  | { type: 'NumberAssigned'; data: NumberEventData }
  | { type: 'NumberUpdated'; data: NumberEventData & { previousNumber: string } }
  | { type: 'NumberReleased'; data: { tenantId: string; numberId: string; number: string; at: string } }
  | { type: 'UserCreated'; data: { tenantId: string; userId: string; username: string; passwordHash: string; at: string } }
  | { type: 'UserPasswordChanged'; data: UserRef & { passwordHash: string } }
  | { type: 'UserDisabled'; data: UserRef & { reason: 'admin' | 'tenant_deleted' } }
  | { type: 'UserEnabled'; data: UserRef }
  | { type: 'UserDeleted'; data: UserRef & { username: string } }
  | { type: 'ApiKeyIssued'; data: UserRef & ApiKeyData }
  | { type: 'ApiKeyRevoked'; data: UserRef & { keyId: string } }
  | { type: 'EndpointAdded'; data: EndpointEventData }
  | { type: 'EndpointUpdated'; data: EndpointEventData }
  | { type: 'EndpointDisabled'; data: EndpointRef & { reason: 'tenant_deleted' | 'number_released' } }
  | { type: 'EndpointRemoved'; data: EndpointRef };

export type TenancyEventType = TenancyEvent['type'];
export type TenancyEventOf<T extends TenancyEventType> = Extract<TenancyEvent, { type: T }>;

/** A tenant profile as stored: folds read its settings through `tenantSettingsOf`. */
export type TenantProfileData = Omit<TenantProfile, 'settings'> & { settings: TenantSettingsData };
/** Events written before the privacy settings lack them: folds read the profile through `numberProfileOf`. */
export type NumberEventData = { tenantId: string; numberId: string; number: string; at: string } & NumberProfileData;
export type EndpointEventData = { endpointId: string; at: string } & EndpointOwner & EndpointSettings;
export type EndpointRef = { endpointId: string; at: string } & EndpointOwner;
export interface UserRef {
  tenantId: string;
  userId: string;
  at: string;
}
export interface ApiKeyData {
  keyId: string;
  label: string | null;
  /** SHA-256 (hex) of the whole key; the key itself is shown once and never stored. */
  keyHash: string;
  /** The key's first characters, so people can tell their keys apart. */
  prefix: string;
  expiresAt: string | null;
}

export const tenancyEventTypes: readonly TenancyEventType[] = [
  'TenantCreated',
  'TenantUpdated',
  'TenantDeleted',
  'NumberAssigned',
  'NumberUpdated',
  'NumberReleased',
  'UserCreated',
  'UserPasswordChanged',
  'UserDisabled',
  'UserEnabled',
  'UserDeleted',
  'ApiKeyIssued',
  'ApiKeyRevoked',
  'EndpointAdded',
  'EndpointUpdated',
  'EndpointDisabled',
  'EndpointRemoved',
];

const known = new Set<string>(tenancyEventTypes);

/** Narrows a stored event (any stream) to a tenancy event. */
export function isTenancyEvent(event: { type: string; data: unknown }): event is TenancyEvent {
  return known.has(event.type);
}
