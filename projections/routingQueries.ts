import type { FaxPrivacy } from '../src/domain/fax/deliveryPlan.js';
import { privacyFor, type EndpointScope, type NumberProfile, type TenantSettings } from '../src/domain/tenancy/types.js';
import type { DocumentView, QueryView } from './documentProjection.js';
import { compareEndpoints, globalKey, routingCollections as C, type GatewaySource, type RouteEndpoint, type RoutedNumber, type RoutedTenant } from './routingModel.js';

export interface Route {
  tenantId: string;
  numberId: string;
  number: string;
  /** The number's settings, with the tenant's defaults where the number sets none. */
  settings: NumberProfile & { faxHeader: string | null };
  /** Where a fax to this number goes, lower priority first. */
  endpoints: readonly RouteEndpoint[];
  /** Which level the endpoints came from: number endpoints override tenant ones, which override global ones. */
  endpointScope: EndpointScope | 'none';
  /** The privacy options of this number's received faxes: the number's, else the tenant's. */
  privacy: FaxPrivacy;
}

const none: readonly RouteEndpoint[] = [];

/** O(1): a handful of map reads. `e164` must already be normalised (see `toE164`). */
export function lookupRoute(view: DocumentView, e164: string): Route | undefined {
  const number = view.get<RoutedNumber>(C.numbers, e164);
  if (!number) return undefined;
  const tenant = view.get<RoutedTenant>(C.tenants, number.tenantId);
  const { endpoints, endpointScope } = endpointsFor(view, number);
  const profile = number.profile;
  return {
    tenantId: number.tenantId,
    numberId: number.numberId,
    number: number.number,
    settings: {
      ...profile,
      stationIdent: profile.stationIdent ?? tenant?.settings.faxIdent ?? null,
      callerId: profile.callerId ?? tenant?.settings.callerId ?? null,
      notifyEmails: profile.notifyEmails.length > 0 ? profile.notifyEmails : (tenant?.settings.notifyEmails ?? []),
      faxHeader: profile.header ?? tenant?.settings.faxHeader ?? null,
    },
    endpoints,
    endpointScope,
    privacy: privacyFor(tenant?.settings, profile),
  };
}

function endpointsFor(view: DocumentView, number: RoutedNumber): { endpoints: readonly RouteEndpoint[]; endpointScope: Route['endpointScope'] } {
  const own = view.get<RouteEndpoint[]>(C.numberEndpoints, number.numberId);
  if (own) return { endpoints: own, endpointScope: 'number' };
  const tenant = view.get<RouteEndpoint[]>(C.tenantEndpoints, number.tenantId);
  if (tenant) return { endpoints: tenant, endpointScope: 'tenant' };
  const global = view.get<RouteEndpoint[]>(C.globalEndpoints, globalKey);
  if (global) return { endpoints: global, endpointScope: 'global' };
  return { endpoints: none, endpointScope: 'none' };
}

/** The global endpoints that deliver, lower priority first: where faxes for unknown numbers go. */
export function globalEndpoints(view: DocumentView): readonly RouteEndpoint[] {
  return view.get<RouteEndpoint[]>(C.globalEndpoints, globalKey) ?? none;
}

/** Exact match on the source address (the original matched substrings: 10.0.0.1 matched 10.0.0.12). */
export function gatewayForSourceIp(view: DocumentView, ip: string): GatewaySource | undefined {
  const sources = view.get<GatewaySource[]>(C.gatewaysByIp, ip.toLowerCase());
  // A carrier (global) entry wins over a tenant PBX that lists the same address.
  return sources?.find((source) => source.scope === 'global') ?? sources?.[0];
}

/** A live tenant's settings (a deleted tenant has none). */
export function tenantSettings(view: DocumentView, tenantId: string): TenantSettings | undefined {
  return view.get<RoutedTenant>(C.tenants, tenantId)?.settings;
}

const scopeRank: Record<EndpointScope, number> = { number: 0, tenant: 1, global: 2 };

/**
 * Gateway endpoints a tenant's faxes go out through: enabled upstream (carrier) gateway endpoints
 * of the sending number, the tenant, and global, in that precedence and then by priority. Scans the
 * endpoint list (a few dozen entries), once per fax.
 */
export function outboundGatewayEndpoints(view: QueryView, tenantId: string, numberId: string | undefined): RouteEndpoint[] {
  const candidates = [...view.all<RouteEndpoint>(C.endpoints)].filter(
    (endpoint) =>
      endpoint.target.kind === 'gateway' &&
      endpoint.target.role === 'upstream' &&
      (endpoint.scope === 'global' || (endpoint.scope === 'tenant' && endpoint.tenantId === tenantId) || (endpoint.scope === 'number' && endpoint.numberId === numberId)),
  );
  return candidates.sort((a, b) => scopeRank[a.scope] - scopeRank[b.scope] || compareEndpoints(a, b));
}

/** The names of `outboundGatewayEndpoints`, each once, most preferred first. */
export function outboundGateways(view: QueryView, tenantId: string, numberId: string | undefined): string[] {
  return [...new Set(outboundGatewayEndpoints(view, tenantId, numberId).map((endpoint) => (endpoint.target as { gateway: string }).gateway))];
}
