import type { QueryView } from './documentProjection.js';
import type { OutboundWebhookTarget } from '../src/domain/outbound/outboundFaxEvents.js';
import { planOutboundWebhooks } from './deliveryPlanning.js';
import { routingCollections, type GatewaySource, type RouteEndpoint } from './routingModel.js';
import type { TenantSettings } from '../src/domain/tenancy/types.js';
import { gatewayForSourceIp, globalEndpoints, lookupRoute, outboundGatewayEndpoints, outboundGateways, tenantSettings, type Route } from './routingQueries.js';

/** The routing read model as the call path uses it: one map read per dialled number once warm. */
export interface RoutingTable {
  /** `e164` must be normalised. The answer is shared: treat it as read-only. */
  lookup(e164: string): Route | undefined;
  gatewayForSourceIp(ip: string): GatewaySource | undefined;
  globalEndpoints(): readonly RouteEndpoint[];
  /** Upstream gateways for a tenant's outbound faxes (sending number's, tenant's, global), in order. */
  outboundGateways(tenantId: string, numberId?: string): string[];
  /** The same as endpoints (ids and priorities), for delivery plans. */
  outboundGatewayEndpoints(tenantId: string, numberId?: string): readonly RouteEndpoint[];
  /** Webhook endpoints subscribed to a tenant's sent faxes (see `planOutboundWebhooks`). */
  outboundWebhooks(tenantId: string, numberId?: string): OutboundWebhookTarget[];
  /** A live tenant's settings (defaults for its numbers, its send policy); undefined once deleted. */
  tenantSettings(tenantId: string): TenantSettings | undefined;
  /**
   * The caller ID a tenant's fax from `from` goes out with: the number's `callerId`, else the
   * tenant's; undefined when neither is set (the fax's `from` is then the caller ID). A `from` that
   * is not one of the tenant's numbers (a PBX extension relayed out) gets the tenant's.
   */
  callerIdFor(tenantId: string, from: string): string | undefined;
  /** Forget resolved routes; call whenever the routing documents change. */
  invalidate(): void;
}

/**
 * Memoises resolved routes (number + tenant defaults + the winning endpoint list) so a lookup does
 * not rebuild them. Only numbers that exist are remembered, so the memo never outgrows the table
 * however many unknown numbers are dialled.
 */
export function createRoutingTable(view: () => QueryView): RoutingTable {
  let routes = new Map<string, Route>();
  const lookup = (e164: string): Route | undefined => {
    let route = routes.get(e164);
    if (route === undefined) {
      route = lookupRoute(view(), e164);
      if (route) routes.set(e164, route);
    }
    return route;
  };
  return {
    lookup,
    gatewayForSourceIp: (ip) => gatewayForSourceIp(view(), ip),
    globalEndpoints: () => globalEndpoints(view()),
    outboundGateways: (tenantId, numberId) => outboundGateways(view(), tenantId, numberId),
    outboundGatewayEndpoints: (tenantId, numberId) => outboundGatewayEndpoints(view(), tenantId, numberId),
    outboundWebhooks: (tenantId, numberId) => planOutboundWebhooks(view().all<RouteEndpoint>(routingCollections.endpoints), tenantId, numberId),
    tenantSettings: (tenantId) => tenantSettings(view(), tenantId),
    callerIdFor(tenantId, from) {
      const route = lookup(from);
      return (route?.tenantId === tenantId ? route.settings.callerId : tenantSettings(view(), tenantId)?.callerId) ?? undefined;
    },
    invalidate() {
      if (routes.size > 0) routes = new Map();
    },
  };
}
