import type { WebhookEvent } from '../src/domain/notifications/webhookEvents.js';
import type { EndpointScope, GatewayRole, NumberProfile, TenantSettings, WebhookDocument, WebhookStyle } from '../src/domain/tenancy/types.js';

/** Documents of the directory projection: what the API lists and reads. No secrets. */
export const directoryCollections = {
  tenants: 'tenants',
  numbers: 'numbers',
  users: 'users',
  apiKeys: 'apiKeys',
  endpoints: 'endpoints',
} as const;

export interface TenantView {
  id: string;
  name: string;
  email: string | null;
  settings: TenantSettings;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface NumberView extends NumberProfile {
  id: string;
  tenantId: string;
  number: string;
  createdAt: string;
  updatedAt: string;
}

export interface UserView {
  id: string;
  tenantId: string;
  username: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKeyView {
  id: string;
  tenantId: string;
  userId: string;
  label: string | null;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** The webhook secret is write-only: reads say whether one is set. */
export type EndpointTargetView =
  | { kind: 'gateway'; gateway: string; sourceIps: string[]; role: GatewayRole }
  | { kind: 'email'; addresses: string[] }
  | { kind: 'webhook'; url: string; style: WebhookStyle; document?: WebhookDocument; events?: WebhookEvent[]; hasSecret: boolean };

export interface EndpointView {
  id: string;
  scope: EndpointScope;
  tenantId: string | null;
  numberId: string | null;
  target: EndpointTargetView;
  priority: number;
  bridge: boolean;
  deliver: boolean;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}
