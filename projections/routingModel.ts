import type { EndpointScope, EndpointTarget, GatewayRole, NumberProfile, TenantSettings } from '../src/domain/tenancy/types.js';
import { naturalCompare } from '../src/domain/naturalCompare.js';

/** Documents of the routing projection, by collection. */
export const routingCollections = {
  /** e164 → RoutedNumber */
  numbers: 'numbers',
  /** tenantId → RoutedTenant */
  tenants: 'tenants',
  /** endpointId → RouteEndpoint (every enabled endpoint, deliverable or not) */
  endpoints: 'endpoints',
  /** numberId | tenantId | "global" → RouteEndpoint[] that deliver, ordered by priority */
  numberEndpoints: 'numberEndpoints',
  tenantEndpoints: 'tenantEndpoints',
  globalEndpoints: 'globalEndpoints',
  /** source IP → GatewaySource[] */
  gatewaysByIp: 'gatewaysByIp',
} as const;

export const globalKey = 'global';

export interface RoutedNumber {
  tenantId: string;
  numberId: string;
  number: string;
  profile: NumberProfile;
}

export interface RoutedTenant {
  name: string;
  settings: TenantSettings;
}

export interface RouteEndpoint {
  id: string;
  scope: EndpointScope;
  tenantId: string | null;
  numberId: string | null;
  target: EndpointTarget;
  priority: number;
  bridge: boolean;
  deliver: boolean;
}

export interface GatewaySource {
  endpointId: string;
  gateway: string;
  role: GatewayRole;
  scope: EndpointScope;
  tenantId: string | null;
}

/** Lower priority first; ties by id so the order never depends on arrival. */
export function compareEndpoints(a: RouteEndpoint, b: RouteEndpoint): number {
  return a.priority - b.priority || naturalCompare(a.id, b.id);
}
