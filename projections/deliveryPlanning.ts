import type { DeliveryRequest, DeliveryTarget, FaxRoutedData } from '../src/domain/fax/deliveryPlan.js';
import type { RouteEndpoint } from './routingModel.js';
import type { Route } from './routingQueries.js';

/**
 * Turns the number's resolved route into a delivery plan (pure: the route is looked up by the caller).
 * A carrier (upstream) gateway is never a place to deliver a received fax to: it is where the fax
 * came from, and relaying it there would dial the same number again, in a loop.
 */
export function planDelivery(fax: DeliveryRequest, route: Route | undefined): FaxRoutedData {
  const deliveries = (route?.endpoints ?? []).filter((endpoint) => endpoint.deliver && !isUpstreamGateway(endpoint)).map(toTarget);
  return {
    ...fax,
    endpointScope: deliveries.length > 0 ? (route?.endpointScope ?? 'none') : 'none',
    deliveries,
    notifyEmails: route ? [...route.settings.notifyEmails] : [],
  };
}

const isUpstreamGateway = (endpoint: RouteEndpoint) => endpoint.target.kind === 'gateway' && endpoint.target.role === 'upstream';

/**
 * The plan of a PBX's fax to an outside number: sent on through the tenant's upstream gateways
 * (already in order: sending number's, tenant's, global; then priority). Nobody is notified of a
 * reception: the tenant sent this fax; the relay fax's own outcome tells whether it went out.
 */
export function planOutboundRelay(fax: DeliveryRequest, upstreams: readonly RouteEndpoint[]): FaxRoutedData {
  return {
    ...fax,
    purpose: 'outbound-relay',
    endpointScope: upstreams[0]?.scope ?? 'none',
    deliveries: upstreams.filter((endpoint) => endpoint.target.kind === 'gateway').map(toTarget),
    notifyEmails: [],
  };
}

function toTarget(endpoint: RouteEndpoint): DeliveryTarget {
  const { id: endpointId, priority, target } = endpoint;
  switch (target.kind) {
    case 'gateway':
      return { endpointId, kind: 'gateway', priority, gateway: target.gateway };
    case 'email':
      return { endpointId, kind: 'email', priority, addresses: [...target.addresses] };
    case 'webhook':
      return { endpointId, kind: 'webhook', priority, url: target.url, style: target.style, ...(target.document ? { document: target.document } : {}) };
  }
}
